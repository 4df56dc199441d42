"""Figures for /metrics and /healthz (bot.health): counts and ages only, never a name or a text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import Escalation

TAKE_WINDOW = timedelta(days=30)  # "time to take a case" is measured over the cases opened this recently


@dataclass(frozen=True)
class CaseFigures:
    open_by_level: dict[str, int]  # every level, zero included
    take_seconds: list[float]  # opening to taking, for the cases opened in the last TAKE_WINDOW and taken


class MetricsRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def ping(self) -> bool:
        return (await self._session.scalar(select(1))) == 1

    async def cases(self, levels: tuple[str, ...]) -> CaseFigures:
        counts = dict.fromkeys(levels, 0)
        found = await self._session.execute(
            select(Escalation.level, func.count()).where(Escalation.status == "open").group_by(Escalation.level))
        for level, count in found.all():
            counts[level] = count
        since: datetime = self._clock.now() - TAKE_WINDOW
        taken = await self._session.execute(
            select(Escalation.opened_at, Escalation.taken_at)
            .where(Escalation.opened_at >= since, Escalation.taken_at.is_not(None)))
        seconds = [max(0.0, (t - o).total_seconds()) for o, t in taken.all()]
        return CaseFigures(counts, sorted(seconds))
