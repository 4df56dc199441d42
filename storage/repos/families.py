from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import Child, Family
from storage.records import ChildRecord


def child_record(row: Child) -> ChildRecord:
    return ChildRecord(row.id, row.family_id, row.first_name, row.age, row.school_level)


class FamilyRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def create(self, centre_id: int) -> int:
        row = Family(centre_id=centre_id, created_at=self._clock.now())
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def add_child(self, family_id: int, first_name: str, age: int, school_level: str) -> ChildRecord:
        row = Child(
            family_id=family_id,
            first_name=first_name,
            age=age,
            school_level=school_level,
            created_at=self._clock.now(),
        )
        self._session.add(row)
        await self._session.flush()
        return child_record(row)

    async def children(self, family_id: int) -> list[ChildRecord]:
        rows = await self._session.scalars(
            select(Child).where(Child.family_id == family_id).order_by(Child.id)
        )
        return [child_record(r) for r in rows]

    async def child(self, child_id: int) -> ChildRecord | None:
        row = await self._session.get(Child, child_id)
        return None if row is None else child_record(row)

    async def get(self, family_id: int) -> int | None:
        row = await self._session.get(Family, family_id)
        return None if row is None else row.id
