"""A family member's data as a whole: erased (/stop, « Delete my data », retention), exported, kept by retention.

What an erasure removes: the person's row (Telegram id, name, language, settings, consent), their
conversation, their check-ins, their bookings (given up first by the booking rules: the caller runs
`bookings.release_all`), their unused invites, every outbox row to them, about their case's relays, or
naming them in a message to the team, whether sent or not; for a family's last parent, the family,
the children's records, check-ins and invites too. What stays, as the centre's safety record: their
cases (why each opened, what they wrote on it, the team's notes, the audit log of who did what),
unlinked from any person, child, check-in or Telegram id, kept until the centre's retention for
closed cases removes them. SQLite overwrites what is deleted (`secure_delete`, storage.database)
and the write-ahead log is emptied after the commit (`UnitOfWork.wiped`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import (
    AuditEntry, Booking, Centre, Checkin, Child, Conversation, Escalation, Family, GroupSession, Invite, OutboxMessage,
    Person,
)
from storage.models_cases import CaseMessageEntry
from storage.repos.bookings import BookingRepository, Freed
from storage.repos.people import PERSON_COLUMNS, person_from_row

RELAYED = ("relay_in", "copy_in")  # a family's own words (or media) passed on to the team, kept only in the outbox


@dataclass(frozen=True)
class Erased:
    person_id: int
    cases_kept: tuple[int, ...]  # the safety records left, unlinked
    outbox_removed: int
    family_removed: bool


def _names(values: list[str | None]) -> list[re.Pattern[str]]:
    """Whole-word, case-insensitive patterns for the names to look for in messages to the team."""
    found: set[str] = set()
    for value in values:
        words = (value or "").split()
        if words:
            found.add(" ".join(words))
            found.add(words[0])
    return [re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE) for name in found if len(name) >= 2]


class PrivacyRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    # -- erasure ---------------------------------------------------------------------------

    async def erase(self, person_id: int) -> Erased | None:
        person = await self._session.get(Person, person_id)
        if person is None:
            return None
        telegram_id, role, family_id = person.telegram_user_id, person.role, person.family_id
        names = [person.name]
        children: list[int] = []
        last_parent = False
        if role == "parent" and family_id is not None:
            others = await self._session.scalar(
                select(func.count(Person.id))
                .where(Person.family_id == family_id, Person.role == "parent", Person.id != person_id))
            last_parent = not others
            if last_parent:
                rows = (await self._session.execute(
                    select(Child.id, Child.first_name).where(Child.family_id == family_id))).all()
                children = [row.id for row in rows]
                names += [row.first_name for row in rows]
        elif role == "youth" and person.child_id is not None:
            names.append(await self._session.scalar(select(Child.first_name).where(Child.id == person.child_id)))
        cases = tuple((await self._session.scalars(
            select(Escalation.id).where(Escalation.person_id == person_id).order_by(Escalation.id))).all())
        removed = await self._outbox(person_id, telegram_id, person.centre_id, set(cases), _names(names))

        checkins = or_(Checkin.person_id == person_id, Checkin.child_id.in_(children))
        checkin_ids = select(Checkin.id).where(checkins)
        await self._run(update(Escalation).where(Escalation.checkin_id.in_(checkin_ids)).values(checkin_id=None))
        await self._run(update(Escalation).where(or_(Escalation.person_id == person_id,
                                                     Escalation.child_id.in_(children)))
                        .values(person_id=None, child_id=None))
        await self._run(delete(Checkin).where(checkins))
        await self._run(delete(Conversation).where(Conversation.telegram_user_id == telegram_id))
        await self._run(delete(Booking).where(Booking.person_id == person_id))
        invites = [(Invite.created_by == person_id) & Invite.used_at.is_(None), Invite.child_id.in_(children)]
        if last_parent:
            invites.append(Invite.family_id == family_id)
        await self._run(delete(Invite).where(or_(*invites)))
        await self._run(update(Invite).where(Invite.created_by == person_id).values(created_by=None))
        await self._run(update(Invite).where(Invite.used_by == person_id).values(used_by=None))
        await self._run(update(AuditEntry).where(AuditEntry.actor_id == person_id).values(actor_id=None))
        await self._run(update(Person).where(Person.child_id.in_(children)).values(child_id=None))
        await self._run(delete(Person).where(Person.id == person_id))
        if last_parent:
            await self._run(update(Person).where(Person.family_id == family_id).values(family_id=None))
            await self._run(delete(Child).where(Child.family_id == family_id))
            await self._run(delete(Family).where(Family.id == family_id))
        self._session.expire_all()
        self._session.info["wiped"] = True  # the store empties SQLite's write-ahead log after the commit
        return Erased(person_id, cases, removed, last_parent)

    async def release_bookings(self, person_id: int) -> list[Freed]:
        """Before an erasure, each of their seats and places in line is given up by the booking rules
        (storage.repos.bookings: a seat to come goes to the first person waiting). A seat in a session that
        started or was cancelled is only uncounted, nobody is promoted into it."""
        bookings = BookingRepository(self._session, self._clock)
        ids = (await self._session.scalars(
            select(Booking.id).where(Booking.person_id == person_id, Booking.status != "cancelled")
            .order_by(Booking.id))).all()
        freed = []
        for booking_id in ids:
            found = await bookings.cancel(booking_id, person_id)
            if found.outcome == "cancelled":
                freed.append(found)
            elif found.outcome == "started":
                row = await self._session.get(Booking, booking_id)
                if row.status == "booked":
                    await self._run(update(GroupSession).where(GroupSession.id == row.session_id,
                                                               GroupSession.booked > 0)
                                    .values(booked=GroupSession.booked - 1))
                row.status, row.updated_at = "cancelled", self._clock.now()
                await self._session.flush()
        return freed

    async def _outbox(self, person_id: int, telegram_id: int, centre_id: int, cases: set[int],
                      names: list[re.Pattern[str]]) -> int:
        """Remove every outbox row to them, passing on their words, or naming them to the team."""
        staff_chats = set((await self._session.scalars(
            select(Person.telegram_user_id).where(Person.role == "staff"))).all())
        staff_chats.update((await self._session.scalars(
            select(Centre.staff_chat_id).where(Centre.staff_chat_id.is_not(None)))).all())
        rows = (await self._session.execute(
            select(OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.person_id, OutboxMessage.payload))).all()
        doomed = []
        for row in rows:
            if row.chat_id == telegram_id or row.person_id == person_id:
                doomed.append(row.id)
                continue
            try:
                payload = json.loads(row.payload or "{}")
            except ValueError:
                payload = {}
            if not isinstance(payload, dict):
                continue
            if payload.get("from_chat") == telegram_id:
                doomed.append(row.id)
            elif payload.get("case") in cases and payload.get("type") in RELAYED:
                doomed.append(row.id)
            elif (row.chat_id < 0 or row.chat_id in staff_chats) and names:
                words = " ".join(str(payload.get(key) or "") for key in ("text", "caption"))
                if any(name.search(words) for name in names):
                    doomed.append(row.id)
        for start in range(0, len(doomed), 500):
            await self._run(delete(OutboxMessage).where(OutboxMessage.id.in_(doomed[start:start + 500])))
        return len(doomed)

    async def _run(self, statement: Any) -> int:
        result = await self._session.execute(statement.execution_options(synchronize_session=False))
        return result.rowcount

    # -- export ----------------------------------------------------------------------------

    async def export(self, person_id: int) -> dict[str, Any] | None:
        """Everything kept about a family member (and, for a parent, the children registered), as plain JSON
        values. Not included: a young person's answers in a parent's export, the team's notes, other people."""
        row = (await self._session.execute(select(*PERSON_COLUMNS).where(Person.id == person_id))).first()
        if row is None:
            return None
        person = person_from_row(row)
        extra = (await self._session.execute(
            select(Person.created_at, Person.last_seen_at, Centre.name)
            .join(Centre, Centre.id == Person.centre_id).where(Person.id == person_id))).one()
        data: dict[str, Any] = {
            "about": "Relier bot: what is kept about you",
            "exported_at": _iso(self._clock.now()),
            "you": {
                "role": person.role, "telegram_user_id": person.telegram_user_id, "name": person.name,
                "language": person.locale, "centre": extra.name, "registered_at": _iso(extra.created_at),
                "last_seen_at": _iso(extra.last_seen_at), "consented_at": _iso(person.consented_at),
                "privacy_notice_version": person.consent_version,
                "checkin_day": person.checkin_weekday, "checkin_hour": person.checkin_hour,
                "checkins_paused": person.checkins_paused,
                "detailed_notifications": person.explicit_notifications,
            },
        }
        if person.role == "parent" and person.family_id is not None:
            kids = (await self._session.scalars(
                select(Child).where(Child.family_id == person.family_id).order_by(Child.id))).all()
            data["children"] = [{"first_name": c.first_name, "age": c.age, "school_level": c.school_level,
                                 "registered_at": _iso(c.created_at)} for c in kids]
            names = {c.id: c.first_name for c in kids}
            invites = (await self._session.scalars(
                select(Invite).where(Invite.family_id == person.family_id).order_by(Invite.id))).all()
            data["invitations"] = [{"for": names.get(i.child_id), "created_at": _iso(i.created_at),
                                    "expires_at": _iso(i.expires_at), "used": i.used_at is not None,
                                    "parental_consent_at": _iso(i.parental_consent_at)} for i in invites]
        else:
            names = {}
        checkins = (await self._session.scalars(
            select(Checkin).where(Checkin.person_id == person_id).order_by(Checkin.started_at, Checkin.id))).all()
        data["checkins"] = [{"about": names.get(c.child_id, "you") if c.child_id else "you", "week": c.week,
                             "started_at": _iso(c.started_at), "completed_at": _iso(c.completed_at),
                             "answers": _json(c.answers), "message": c.message} for c in checkins]
        bookings = (await self._session.execute(
            select(Booking, GroupSession.title, GroupSession.starts_at)
            .join(GroupSession, GroupSession.id == Booking.session_id)
            .where(Booking.person_id == person_id).order_by(GroupSession.starts_at, Booking.id))).all()
        data["bookings"] = [{"session": title, "starts_at": _iso(starts), "status": b.status,
                             "attendance": b.attendance, "booked_at": _iso(b.created_at)} for b, title, starts in bookings]
        cases = (await self._session.scalars(
            select(Escalation).where(Escalation.person_id == person_id).order_by(Escalation.id))).all()
        data["requests_to_the_team"] = [await self._case(case) for case in cases]
        conversation = await self._session.get(Conversation, person.telegram_user_id)
        data["conversation"] = None if conversation is None else {
            "where": f"{conversation.flow}.{conversation.step}" if conversation.flow else None,
            "draft": _json(conversation.data), "updated_at": _iso(conversation.updated_at)}
        waiting = (await self._session.execute(
            select(OutboxMessage.kind, OutboxMessage.due_at)
            .where(OutboxMessage.chat_id == person.telegram_user_id, OutboxMessage.state == "pending")
            .order_by(OutboxMessage.due_at))).all()
        data["messages_waiting_to_be_sent"] = [{"kind": kind, "due_at": _iso(due)} for kind, due in waiting]
        return data

    async def _case(self, case: Escalation) -> dict[str, Any]:
        """One of their requests as they can read it: when, its state, and what they wrote on it (the team's
        notes and its assessment are the centre's working record: ask the centre for them)."""
        snapshot = _json(case.snapshot)
        written = [snapshot["message"]] if isinstance(snapshot, dict) and snapshot.get("message") else []
        messages = (await self._session.scalars(
            select(CaseMessageEntry.text).where(CaseMessageEntry.escalation_id == case.id)
            .order_by(CaseMessageEntry.at, CaseMessageEntry.id))).all()
        written += [text for text in messages if text and text not in written]
        return {"opened_at": _iso(case.opened_at), "status": case.status, "closed_at": _iso(case.closed_at),
                "what_you_wrote": written}

def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _json(value: str | None) -> Any:
    try:
        return json.loads(value or "{}")
    except ValueError:
        return value
