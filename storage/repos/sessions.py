"""Group sessions: create (one or a weekly series), list, edit, cancel.

Seats and waiting lists are in bookings.py; a change here that frees seats or moves a session
hands back who must be told.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock, ensure_aware
from storage.models import GroupSession
from storage.records import SessionRecord


SESSION_COLUMNS = (
    GroupSession.id, GroupSession.centre_id, GroupSession.title, GroupSession.audience, GroupSession.starts_at,
    GroupSession.minutes, GroupSession.capacity, GroupSession.place, GroupSession.kind, GroupSession.booked,
    GroupSession.description, GroupSession.series, GroupSession.cancelled_at,
)


def to_record(row: GroupSession) -> SessionRecord:
    """From the entity or from a row of SESSION_COLUMNS (same attribute names)."""
    return SessionRecord(
        row.id, row.centre_id, row.title, row.audience, row.starts_at, row.minutes, row.capacity, row.place,
        kind=row.kind, booked=row.booked, description=row.description, series=row.series,
        cancelled_at=row.cancelled_at,
    )


class SessionRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def add(
        self,
        centre_id: int,
        title: str,
        starts_at: datetime,
        minutes: int,
        capacity: int,
        place: str | None = None,
        audience: str = "parents",
        kind: str = "group",
        description: str | None = None,
        series: str | None = None,
    ) -> SessionRecord:
        row = GroupSession(
            centre_id=centre_id,
            kind=kind,
            title=title,
            audience=audience,
            starts_at=ensure_aware(starts_at),
            minutes=minutes,
            capacity=capacity,
            booked=0,
            place=place,
            description=description,
            series=series,
            created_at=self._clock.now(),
        )
        self._session.add(row)
        await self._session.flush()
        return to_record(row)

    async def add_series(self, centre_id: int, starts: list[datetime], **fields) -> list[SessionRecord]:
        """The same session at each of `starts` (computed in local time by the caller)."""
        series = secrets.token_hex(8) if len(starts) > 1 else None
        return [await self.add(centre_id, starts_at=at, series=series, **fields) for at in starts]

    async def get(self, session_id: int) -> SessionRecord | None:
        row = await self._session.get(GroupSession, session_id)
        return None if row is None else to_record(row)

    def _upcoming(self, centre_id: int, audience: str | None):
        query = select(GroupSession).where(
            GroupSession.centre_id == centre_id,
            GroupSession.starts_at > self._clock.now(),
            GroupSession.cancelled_at.is_(None),
        )
        if audience is not None:
            query = query.where(GroupSession.audience == audience)
        return query

    async def upcoming(
        self, centre_id: int, audience: str | None, limit: int = 5, offset: int = 0
    ) -> list[SessionRecord]:
        """Sessions still to come, soonest first; `audience=None` lists both (the staff's view)."""
        rows = await self._session.scalars(
            self._upcoming(centre_id, audience)
            .order_by(GroupSession.starts_at, GroupSession.id)
            .limit(limit)
            .offset(offset)
        )
        return [to_record(r) for r in rows]

    async def count_upcoming(self, centre_id: int, audience: str | None) -> int:
        query = self._upcoming(centre_id, audience).with_only_columns(func.count())
        return int(await self._session.scalar(query) or 0)

    async def recent(self, centre_id: int, since: datetime, limit: int = 5) -> list[SessionRecord]:
        """Sessions that have started since `since`, latest first (for marking attendance)."""
        rows = await self._session.scalars(
            select(GroupSession)
            .where(
                GroupSession.centre_id == centre_id,
                GroupSession.starts_at <= self._clock.now(),
                GroupSession.starts_at >= since,
                GroupSession.cancelled_at.is_(None),
            )
            .order_by(GroupSession.starts_at.desc(), GroupSession.id.desc())
            .limit(limit)
        )
        return [to_record(r) for r in rows]

    async def change(
        self,
        session_id: int,
        starts_at: datetime | None = None,
        minutes: int | None = None,
        place: str | None = None,
        title: str | None = None,
    ) -> SessionRecord | None:
        """Move or edit a session that has not been cancelled; None if there is no such session."""
        values = {}
        if starts_at is not None:
            values["starts_at"] = ensure_aware(starts_at)
        if minutes is not None:
            values["minutes"] = minutes
        if place is not None:
            values["place"] = place
        if title is not None:
            values["title"] = title
        if values:
            result = await self._session.execute(
                update(GroupSession)
                .where(GroupSession.id == session_id, GroupSession.cancelled_at.is_(None))
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                return None
            self._session.expire_all()
        return await self.get(session_id)
