"""Cases: an escalation as the staff handle it (take, talk, close, follow up), and its audit log.

A case is a row of `escalations`; one open per person (a partial unique index). Taking and
closing are conditional updates, so two psychologists pressing "Take" at once cannot both get
it. The audit log records who did what and when, never what was said; what the person said or did
after the case opened is kept, in order, in its messages (`add_message`, `messages`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import LEVELS, AuditEntry, CaseMessageEntry, Centre, Escalation, Person
from storage.records import CaseMessage, PersonRecord
from storage.repos.people import PERSON_COLUMNS, person_from_row

OUTCOMES = ("resolved", "referred", "no_answer")
PRIORITY = sql_case({"urgent": 0, "high": 1, "watch": 2}, value=Escalation.level, else_=3)
DEFAULT_TIMERS = {"urgent": 10, "urgent_coordinators": 30, "high": 240, "watch": 1440, "none": 1440}
FOLLOW_UP_AFTER = timedelta(days=7)
MESSAGE_MAX = 4000  # characters of one case message kept (a family's message is shorter anyway)


@dataclass(frozen=True)
class CaseRecord:
    id: int
    centre_id: int
    person_id: int | None
    child_id: int | None
    level: str
    reason: str
    source: str
    snapshot: dict[str, Any]
    status: str
    opened_at: datetime
    topic_id: int | None
    card_chat_id: int | None
    card_message_id: int | None
    taken_by: int | None
    taken_at: datetime | None
    first_reply_at: datetime | None
    alert_stage: int
    next_alert_at: datetime | None
    closed_at: datetime | None
    outcome: str | None
    followup_at: datetime | None
    checkin_id: int | None = None  # the check-in the case was opened on, if any

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def case_record(row: Escalation) -> CaseRecord:
    try:
        snapshot = json.loads(row.snapshot or "{}")
    except ValueError:
        snapshot = {}
    return CaseRecord(
        row.id, row.centre_id, row.person_id, row.child_id, row.level, row.reason, row.source, snapshot,
        row.status, row.opened_at, row.topic_id, row.card_chat_id, row.card_message_id, row.taken_by, row.taken_at,
        row.first_reply_at, row.alert_stage, row.next_alert_at, row.closed_at, row.outcome, row.followup_at,
        row.checkin_id,
    )


def _message(row: CaseMessageEntry) -> CaseMessage:
    return CaseMessage(row.id, row.escalation_id, row.at, row.kind, row.text, row.level, row.rule)


def timers(centre_timers: str | None) -> dict[str, int]:
    """A centre's alert delays in minutes, its own values over the defaults."""
    found = dict(DEFAULT_TIMERS)
    try:
        mine = json.loads(centre_timers or "{}")
    except ValueError:
        mine = {}
    for key, value in mine.items() if isinstance(mine, dict) else ():
        if key in found and isinstance(value, int) and value > 0:
            found[key] = value
    return found


class CaseRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def get(self, case_id: int, lock: bool = False) -> CaseRecord | None:
        """`lock`: the case's row is held until the unit of work ends (PostgreSQL; SQLite has one writer
        anyway), so two instances firing its alert timer take turns and the second sees the first's."""
        row = await self._session.get(Escalation, case_id, populate_existing=True, with_for_update=lock or None)
        return None if row is None else case_record(row)

    async def open_for(self, person_id: int) -> CaseRecord | None:
        row = await self._session.scalar(
            select(Escalation).where(Escalation.person_id == person_id, Escalation.status == "open")
        )
        return None if row is None else case_record(row)

    async def last_closed(self, person_id: int) -> CaseRecord | None:
        row = await self._session.scalar(
            select(Escalation).where(Escalation.person_id == person_id, Escalation.status == "closed")
            .order_by(Escalation.closed_at.desc(), Escalation.id.desc()).limit(1)
        )
        return None if row is None else case_record(row)

    async def open_cases(self, centre_id: int, limit: int = 50) -> list[CaseRecord]:
        """The centre's open cases, most urgent first, then the oldest first."""
        rows = await self._session.scalars(
            select(Escalation).where(Escalation.centre_id == centre_id, Escalation.status == "open")
            .order_by(PRIORITY, Escalation.opened_at, Escalation.id).limit(limit)
        )
        return [case_record(r) for r in rows]

    async def by_topic(self, chat_id: int, topic_id: int) -> CaseRecord | None:
        row = await self._session.scalar(
            select(Escalation).where(Escalation.card_chat_id == chat_id, Escalation.topic_id == topic_id)
            .order_by(Escalation.id.desc()).limit(1)
        )
        return None if row is None else case_record(row)

    async def by_card(self, chat_id: int, message_id: int) -> CaseRecord | None:
        row = await self._session.scalar(
            select(Escalation).where(Escalation.card_chat_id == chat_id, Escalation.card_message_id == message_id)
        )
        return None if row is None else case_record(row)

    async def take(self, case_id: int, staff: PersonRecord) -> str:
        """"taken", or why not: "not_allowed" (not staff of this centre), "taken_by_other",
        "already_yours", "closed", "unknown"."""
        found = await self.get(case_id)
        if found is None:
            return "unknown"
        if not staff.is_staff or staff.centre_id != found.centre_id:
            return "not_allowed"
        if not found.is_open:
            return "closed"
        if found.taken_by is not None:
            return "already_yours" if found.taken_by == staff.id else "taken_by_other"
        now = self._clock.now()
        result = await self._session.execute(
            update(Escalation)
            .where(Escalation.id == case_id, Escalation.status == "open", Escalation.taken_by.is_(None))
            .values(taken_by=staff.id, taken_at=now, next_alert_at=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return "taken_by_other"
        await self.audit(case_id, staff.id, "take")
        return "taken"

    async def close(self, case_id: int, staff: PersonRecord, outcome: str, note: str | None = None) -> str:
        """"closed", or "not_allowed", "already_closed", "unknown", "bad_outcome"."""
        if outcome not in OUTCOMES:
            return "bad_outcome"
        found = await self.get(case_id)
        if found is None:
            return "unknown"
        if not staff.is_staff or staff.centre_id != found.centre_id:
            return "not_allowed"
        now = self._clock.now()
        result = await self._session.execute(
            update(Escalation).where(Escalation.id == case_id, Escalation.status == "open")
            .values(status="closed", closed_at=now, closed_by=staff.id, outcome=outcome, close_note=note,
                    next_alert_at=None, followup_at=now + FOLLOW_UP_AFTER, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return "already_closed"
        await self.audit(case_id, staff.id, "close", outcome)
        return "closed"

    async def reopen(self, case_id: int, level: str, actor_id: int | None = None) -> CaseRecord | None:
        """Open a closed case again (a worrying follow-up answer); None if the person already has
        another open case, which is then the one to use."""
        found = await self.get(case_id)
        if found is None or found.person_id is None:
            return None
        if found.is_open:
            return found
        if await self.open_for(found.person_id) is not None:
            return None
        now = self._clock.now()
        await self._session.execute(
            update(Escalation).where(Escalation.id == case_id)
            .values(status="open", level=level, closed_at=None, closed_by=None, outcome=None, followup_at=None,
                    taken_by=found.taken_by, alert_stage=0, next_alert_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        await self.audit(case_id, actor_id, "reopen", level)
        return await self.get(case_id)

    async def set_card(self, case_id: int, chat_id: int, message_id: int | None, topic_id: int | None) -> None:
        await self._set(case_id, card_chat_id=chat_id, card_message_id=message_id, topic_id=topic_id)

    async def forget_topic(self, case_id: int) -> None:
        """The topic was deleted or closed by hand: the next message opens a fresh one."""
        await self._set(case_id, topic_id=None, card_message_id=None)

    async def note_first_reply(self, case_id: int) -> None:
        await self._session.execute(
            update(Escalation).where(Escalation.id == case_id, Escalation.first_reply_at.is_(None))
            .values(first_reply_at=self._clock.now()).execution_options(synchronize_session=False)
        )

    async def add_note(self, case_id: int, text: str) -> None:
        """Add to the case's private staff note (never logged, never shown to the family)."""
        current = await self.note(case_id)
        joined = f"{current}\n{text}" if current else text
        await self._set(case_id, close_note=joined[-4000:])

    async def note(self, case_id: int) -> str | None:
        return await self._session.scalar(select(Escalation.close_note).where(Escalation.id == case_id))

    async def add_message(self, case_id: int, kind: str, text: str, level: str | None = None,
                          rule: str | None = None) -> int:
        """Keep something the person said or did after the case opened, at the clock's now; the new id."""
        if level is not None and level not in LEVELS:
            raise ValueError(f"unknown level {level!r}")
        row = CaseMessageEntry(escalation_id=case_id, at=self._clock.now(), kind=kind[:16], text=text[:MESSAGE_MAX],
                               level=level, rule=rule[:60] if rule else None)
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def messages(self, case_id: int) -> list[CaseMessage]:
        """The case's messages, in the order they came."""
        rows = await self._session.scalars(
            select(CaseMessageEntry).where(CaseMessageEntry.escalation_id == case_id).order_by(CaseMessageEntry.id)
        )
        return [_message(r) for r in rows]

    async def message(self, case_id: int, message_id: int) -> CaseMessage | None:
        """One message of a case (None if it is not this case's)."""
        row = await self._session.get(CaseMessageEntry, message_id)
        return None if row is None or row.escalation_id != case_id else _message(row)

    async def schedule_alert(self, case_id: int, stage: int, at: datetime | None) -> None:
        await self._set(case_id, alert_stage=stage, next_alert_at=at)

    async def due_alerts(self, limit: int = 100) -> list[CaseRecord]:
        """Open cases nobody took whose next alert is due."""
        rows = await self._session.scalars(
            select(Escalation).where(Escalation.status == "open", Escalation.taken_by.is_(None),
                                     Escalation.next_alert_at <= self._clock.now())
            .order_by(PRIORITY, Escalation.next_alert_at).limit(limit)
        )
        return [case_record(r) for r in rows]

    async def due_followups(self, limit: int = 100) -> list[CaseRecord]:
        rows = await self._session.scalars(
            select(Escalation).where(Escalation.status == "closed", Escalation.followup_at <= self._clock.now())
            .order_by(Escalation.followup_at).limit(limit)
        )
        return [case_record(r) for r in rows]

    async def followup_done(self, case_id: int) -> None:
        await self._set(case_id, followup_at=None)

    async def centre_timers(self, centre_id: int) -> dict[str, int]:
        return timers(await self._session.scalar(select(Centre.case_timers).where(Centre.id == centre_id)))

    async def staff(self, centre_id: int, roles: tuple[str, ...] = ("psychologist",),
                    on_duty_only: bool = True) -> list[PersonRecord]:
        query = select(*PERSON_COLUMNS).where(
            Person.centre_id == centre_id, Person.role == "staff", Person.staff_role.in_(roles))
        if on_duty_only:
            query = query.where(Person.on_duty.is_(True))
        rows = await self._session.execute(query.order_by(Person.id))
        return [person_from_row(r) for r in rows.all()]

    async def audit(self, case_id: int | None, actor_id: int | None, action: str, detail: str | None = None) -> None:
        self._session.add(AuditEntry(at=self._clock.now(), escalation_id=case_id, actor_id=actor_id, action=action,
                                     detail=detail))
        await self._session.flush()

    async def audit_trail(self, case_id: int) -> list[tuple[datetime, int | None, str, str | None]]:
        rows = await self._session.execute(
            select(AuditEntry.at, AuditEntry.actor_id, AuditEntry.action, AuditEntry.detail)
            .where(AuditEntry.escalation_id == case_id).order_by(AuditEntry.id)
        )
        return [tuple(r) for r in rows.all()]

    async def _set(self, case_id: int, **values: Any) -> None:
        await self._session.execute(
            update(Escalation).where(Escalation.id == case_id).values(**values)
            .execution_options(synchronize_session=False)
        )
