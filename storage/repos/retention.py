"""Retention: what a centre keeps, and for how long (its months, `relier centre retention`), applied daily
(dialogs.reminders.retention). Deleting with SQLite's `secure_delete` overwrites; the write-ahead log is
emptied after the commit, as after an erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import AuditEntry, Checkin, Escalation, Person
from storage.models_cases import CaseMessageEntry
from storage.records import PersonRecord
from storage.repos.people import PERSON_COLUMNS, person_from_row

CHUNK = 500


class RetentionRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def forget_free_text(self, centre_id: int, before: datetime) -> int:
        """Check-in messages written before `before` (people of this centre) are blanked."""
        people = select(Person.id).where(Person.centre_id == centre_id)
        return await self._run(
            update(Checkin).where(Checkin.person_id.in_(people), Checkin.message.is_not(None),
                                  Checkin.started_at < before).values(message=None))

    async def forget_checkins(self, centre_id: int, before: datetime) -> int:
        """Check-ins started before `before` (people of this centre) are deleted; cases keep what they copied."""
        old = select(Checkin.id).where(Checkin.person_id.in_(select(Person.id).where(Person.centre_id == centre_id)),
                                       Checkin.started_at < before)
        ids = (await self._session.scalars(old)).all()
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            await self._run(update(Escalation).where(Escalation.checkin_id.in_(chunk)).values(checkin_id=None))
            await self._run(delete(Checkin).where(Checkin.id.in_(chunk)))
        if ids:
            self._session.info["wiped"] = True
        return len(ids)

    async def forget_closed_cases(self, centre_id: int, before: datetime) -> int:
        """Cases closed before `before` are deleted with their messages; the audit log keeps who did what
        and when (never any content), unlinked from the case."""
        ids = (await self._session.scalars(
            select(Escalation.id).where(Escalation.centre_id == centre_id, Escalation.status == "closed",
                                        Escalation.closed_at < before))).all()
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            await self._run(update(AuditEntry).where(AuditEntry.escalation_id.in_(chunk)).values(escalation_id=None))
            await self._run(delete(CaseMessageEntry).where(CaseMessageEntry.escalation_id.in_(chunk)))
            await self._run(delete(Escalation).where(Escalation.id.in_(chunk)))
        if ids:
            self._session.info["wiped"] = True
        return len(ids)

    async def silent_since(self, centre_id: int, before: datetime, limit: int = 200) -> list[PersonRecord]:
        """Parents and young people of this centre who have not written since before `before`."""
        rows = await self._session.execute(
            select(*PERSON_COLUMNS).where(
                Person.centre_id == centre_id, Person.role.in_(("parent", "youth")),
                func.coalesce(Person.last_seen_at, Person.created_at) < before,
            ).order_by(Person.id).limit(limit))
        return [person_from_row(row) for row in rows.all()]

    async def notice_sent_at(self, person_id: int) -> datetime | None:
        return await self._session.scalar(select(Person.inactive_notice_at).where(Person.id == person_id))

    async def note_notice(self, person_id: int) -> None:
        await self._run(update(Person).where(Person.id == person_id).values(inactive_notice_at=self._clock.now()))


    async def _run(self, statement: Any) -> int:
        result = await self._session.execute(statement.execution_options(synchronize_session=False))
        return result.rowcount
