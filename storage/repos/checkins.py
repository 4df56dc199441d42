"""Check-ins (one per person, subject and week: a redo replaces it) and escalations."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import LEVELS, Checkin, Escalation
from storage.records import CheckinRecord, EscalationRecord


def subject_of(child_id: int | None) -> str:
    return f"child:{child_id}" if child_id is not None else "self"


def to_record(row: Checkin) -> CheckinRecord:
    return CheckinRecord(
        row.id, row.person_id, row.child_id, row.audience, row.week, json.loads(row.answers), row.message,
        row.level, row.rule, row.completed_at,
    )


class CheckinRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def start(self, person_id: int, child_id: int | None, audience: str, week: str) -> int:
        """A new check-in: an abandoned one keeps its answers, and the next one starts blank."""
        row = Checkin(
            person_id=person_id, child_id=child_id, subject=subject_of(child_id), audience=audience, week=week,
            started_at=self._clock.now(),
        )
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def answer(self, checkin_id: int, person_id: int, answers: dict[str, Any]) -> None:
        """Keep what was answered so far (only on the person's own, unfinished check-in)."""
        await self._session.execute(
            update(Checkin)
            .where(Checkin.id == checkin_id, Checkin.person_id == person_id, Checkin.completed_at.is_(None))
            .values(answers=json.dumps(answers, separators=(",", ":")))
        )

    async def complete(self, checkin_id: int, answers: dict[str, Any], message: str | None, level: str,
                       rule: str | None) -> CheckinRecord:
        """Finish a check-in. One already finished is never rewritten (a case may have been opened on
        its answers): the new answers become a new check-in of the same week, which then counts."""
        row = await self._session.get(Checkin, checkin_id)
        if row.completed_at is not None:
            row = Checkin(person_id=row.person_id, child_id=row.child_id, subject=row.subject, audience=row.audience,
                          week=row.week, started_at=self._clock.now())
            self._session.add(row)
        row.answers = json.dumps(answers, separators=(",", ":"))
        row.message, row.level, row.rule, row.completed_at = message, level, rule, self._clock.now()
        await self._session.flush()
        return to_record(row)

    async def get(self, checkin_id: int) -> CheckinRecord | None:
        row = await self._session.get(Checkin, checkin_id, populate_existing=True)
        return None if row is None else to_record(row)

    async def completed_since(self, person_id: int, since: datetime) -> bool:
        """Whether the person completed any check-in (any child, or their own) at or after `since`."""
        found = await self._session.scalar(
            select(Checkin.id).where(Checkin.person_id == person_id, Checkin.completed_at.is_not(None),
                                     Checkin.completed_at >= since).limit(1)
        )
        return found is not None

    async def history(self, person_id: int, child_id: int | None, weeks: int = 12) -> list[CheckinRecord]:
        """The last complete check-in of each of the latest weeks, most recent first."""
        rows = await self._session.scalars(
            select(Checkin)
            .where(
                Checkin.person_id == person_id,
                Checkin.subject == subject_of(child_id),
                Checkin.completed_at.is_not(None),
            )
            .order_by(Checkin.week.desc(), Checkin.completed_at.desc(), Checkin.id.desc())
            .limit(weeks * 4)
        )
        latest: dict[str, CheckinRecord] = {}
        for row in rows:
            latest.setdefault(row.week, to_record(row))
        return list(latest.values())[:weeks]


TRIGGERS_KEPT = 50
TRIGGER_DETAILS = ("message", "answers", "week", "urgent", "role")  # what a later trigger keeps of its snapshot


def _load(snapshot: str | None) -> dict[str, Any]:
    try:
        found = json.loads(snapshot or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def escalation_record(row: Escalation) -> EscalationRecord:
    return EscalationRecord(row.id, row.centre_id, row.person_id, row.child_id, row.level, row.reason, row.source,
                            row.status, row.opened_at)


class EscalationRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def open_or_raise(
        self, centre_id: int, person_id: int, child_id: int | None, level: str, reason: str, source: str,
        snapshot: dict[str, Any], checkin_id: int | None = None,
    ) -> EscalationRecord:
        """One open escalation per person: a new trigger joins it and raises its level if higher.

        What the case was opened on is never replaced: its reason, source, check-in and snapshot stay;
        each later trigger is appended to the snapshot's "triggers" (when, level, rule, source, and its
        check-in, answers and message if any), the newest TRIGGERS_KEPT kept.
        """
        now = self._clock.now()
        row = await self._session.scalar(
            select(Escalation).where(Escalation.person_id == person_id, Escalation.status == "open")
        )
        if row is None:
            row = Escalation(
                centre_id=centre_id, person_id=person_id, child_id=child_id, level=level, reason=reason,
                source=source, snapshot=json.dumps(snapshot, ensure_ascii=False), checkin_id=checkin_id,
                status="open", opened_at=now, updated_at=now,
            )
            self._session.add(row)
        else:
            raised = LEVELS.index(level) > LEVELS.index(row.level)
            kept = _load(row.snapshot)
            trigger: dict[str, Any] = {"at": now.isoformat(), "level": level, "reason": reason, "source": source,
                                       "raised": raised}
            for key in TRIGGER_DETAILS:
                if snapshot.get(key) not in (None, "", {}, []):
                    trigger[key] = snapshot[key]
            if checkin_id is not None:
                trigger["checkin"] = checkin_id
            triggers = kept.get("triggers") if isinstance(kept.get("triggers"), list) else []
            kept["triggers"] = [*triggers, trigger][-TRIGGERS_KEPT:]
            row.snapshot = json.dumps(kept, ensure_ascii=False)
            row.updated_at = now
            if raised:
                row.level = level
        await self._session.flush()
        return escalation_record(row)

    async def open_for(self, person_id: int) -> EscalationRecord | None:
        row = await self._session.scalar(
            select(Escalation).where(Escalation.person_id == person_id, Escalation.status == "open")
        )
        return None if row is None else escalation_record(row)

    async def all_open(self, centre_id: int) -> list[EscalationRecord]:
        rows = await self._session.scalars(
            select(Escalation).where(Escalation.centre_id == centre_id, Escalation.status == "open")
            .order_by(Escalation.opened_at)
        )
        return [escalation_record(r) for r in rows]

    async def add_to_snapshot(self, escalation_id: int, key: str, entry: dict[str, Any]) -> bool:
        """Append an entry (a request, a message) to a list of an open escalation's snapshot; False if not open.

        `open_or_raise` never replaces the snapshot, so what is added here stays. The newest 50 entries of a
        list are kept.
        """
        row = await self._session.get(Escalation, escalation_id)
        if row is None or row.status != "open":
            return False
        snapshot = _load(row.snapshot)
        items = snapshot.get(key) if isinstance(snapshot.get(key), list) else []
        snapshot[key] = [*items, entry][-50:]
        row.snapshot = json.dumps(snapshot, ensure_ascii=False)
        row.updated_at = self._clock.now()
        await self._session.flush()
        return True
