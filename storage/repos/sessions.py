from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock, ensure_aware
from storage.models import GroupSession
from storage.records import SessionRecord


def to_record(row: GroupSession) -> SessionRecord:
    return SessionRecord(
        row.id, row.centre_id, row.title, row.audience, row.starts_at, row.minutes, row.capacity, row.place
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
    ) -> SessionRecord:
        row = GroupSession(
            centre_id=centre_id,
            title=title,
            audience=audience,
            starts_at=ensure_aware(starts_at),
            minutes=minutes,
            capacity=capacity,
            place=place,
            created_at=self._clock.now(),
        )
        self._session.add(row)
        await self._session.flush()
        return to_record(row)

    async def upcoming(self, centre_id: int, audience: str, limit: int = 5, offset: int = 0) -> list[SessionRecord]:
        rows = await self._session.scalars(
            select(GroupSession)
            .where(
                GroupSession.centre_id == centre_id,
                GroupSession.audience == audience,
                GroupSession.starts_at > self._clock.now(),
            )
            .order_by(GroupSession.starts_at, GroupSession.id)
            .limit(limit)
            .offset(offset)
        )
        return [to_record(r) for r in rows]
