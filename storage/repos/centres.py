from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.errors import Duplicate, NotFound
from storage.models import Centre
from storage.records import CentreRecord


def to_record(row: Centre) -> CentreRecord:
    return CentreRecord(row.id, row.name, row.timezone, row.staff_chat_id, row.phone, row.quiet_from, row.quiet_until,
                        row.open_days, row.open_from, row.open_until, row.keep_text_months,
                        row.keep_checkins_months, row.keep_cases_months, row.keep_inactive_months)


class CentreRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def add(
        self, name: str, timezone: str, staff_chat_id: int | None = None, phone: str | None = None,
        quiet_from: int = 21 * 60, quiet_until: int = 8 * 60, open_days: str = "0,1,2,3,4",
        open_from: int = 9 * 60, open_until: int = 18 * 60, case_timers: str = "{}",
    ) -> CentreRecord:
        clash = await self._session.scalar(select(Centre.id).where(func.lower(Centre.name) == name.lower()))
        if clash is not None:
            raise Duplicate(f"a centre named {name!r} already exists (id {clash})")
        row = Centre(
            name=name, timezone=timezone, staff_chat_id=staff_chat_id, phone=phone, quiet_from=quiet_from,
            quiet_until=quiet_until, open_days=open_days, open_from=open_from, open_until=open_until,
            case_timers=case_timers, created_at=self._clock.now(),
        )
        self._session.add(row)
        await self._session.flush()
        return to_record(row)

    async def get(self, centre_id: int) -> CentreRecord:
        row = await self._session.get(Centre, centre_id)
        if row is None:
            raise NotFound(f"no centre with id {centre_id}")
        return to_record(row)

    async def set_staff_chat(self, centre_id: int, chat_id: int | None) -> None:
        """The centre's staff chat (a supergroup), set by /link or `relier centre add --staff-chat`."""
        await self._session.execute(
            update(Centre).where(Centre.id == centre_id).values(staff_chat_id=chat_id)
            .execution_options(synchronize_session=False)
        )

    async def set_retention(self, centre_id: int, **months: int) -> CentreRecord:
        """Change some of the retention periods (keep_text_months=6, ...); each at least one month."""
        allowed = {"keep_text_months", "keep_checkins_months", "keep_cases_months", "keep_inactive_months"}
        if not set(months) <= allowed or any(not isinstance(v, int) or v < 1 for v in months.values()):
            raise ValueError("retention periods are whole months, at least 1")
        if months:
            await self._session.execute(
                update(Centre).where(Centre.id == centre_id).values(**months)
                .execution_options(synchronize_session=False)
            )
        row = await self._session.get(Centre, centre_id, populate_existing=True)
        if row is None:
            raise NotFound(f"no centre with id {centre_id}")
        return to_record(row)

    async def claim_retention(self, centre_id: int, every: timedelta) -> bool:
        """Whether this process runs the centre's retention now: a conditional update, so that of several
        processes (or a restart) one only runs it per `every`."""
        now = self._clock.now()
        result = await self._session.execute(
            update(Centre).where(Centre.id == centre_id, or_(Centre.retention_ran_at.is_(None),
                                                             Centre.retention_ran_at <= now - every))
            .values(retention_ran_at=now).execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    async def all(self) -> list[CentreRecord]:
        rows = await self._session.scalars(select(Centre).order_by(Centre.id))
        return [to_record(r) for r in rows]

    async def resolve(self, centre_id: int | None) -> CentreRecord:
        """The given centre, or the only one when there is exactly one."""
        if centre_id is not None:
            return await self.get(centre_id)
        centres = await self.all()
        if len(centres) == 1:
            return centres[0]
        if not centres:
            raise NotFound("no centre yet: create one with `relier centre add NAME`")
        raise NotFound("several centres exist: say which one with --centre ID")
