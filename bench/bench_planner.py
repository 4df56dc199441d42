"""The minute planner with 10,000 families: how long a pass takes and how long it holds the event loop.

    python bench/bench_planner.py [--families 10000] [--seats 2000] [--cases 100] [--batch N]

Fills a temporary SQLite store (encrypted, as in production) with `--families` parents who all
kept the default check-in time, Sunday 18:00 in Paris (the worst minute: every prompt and nudge
falls due at once), `--seats` booked seats in sessions starting on Monday at 18:00 (their 24 h
reminders fall due in the same minute) and `--cases` high-priority cases nobody took, due for an
alert. Then it runs what `relier run` runs each minute (dialogs.reminders.plan.plan, then
dialogs.cases.timers.check_cases) three times:

- at 18:00:00, the run that queues everything;
- at 18:01:00 in the same process (nothing new: the planner's memory of what it queued);
- at 18:02:00 from a second store on the same file (a restart or another process: nothing new,
  every key is tried against the database).

For each it prints the outbox rows added and, for the planner and the case timers apart, the time
of the pass, the longest stretch the event loop was held (a ticker task that yields with
`sleep(0)` records the largest gap between two of its turns: everything else the loop ran in
between; on the wall clock, and in CPU time, which a busy machine does not inflate), the 99th
percentile of the stretches and how many were over 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from dialogs.cases.timers import check_cases  # noqa: E402
from dialogs.reminders.plan import BATCH, plan  # noqa: E402
from storage.clock import FakeClock  # noqa: E402
from storage.crypto import Keyring, new_key  # noqa: E402
from storage.database import make_engine, upgrade  # noqa: E402
from storage.models import OutboxMessage  # noqa: E402
from storage.store import Store  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")
OFFSETS = (timedelta(hours=24), timedelta(hours=2))
SEATS_PER_SESSION = 20
SUNDAY_18 = datetime(2026, 11, 29, 18, 0, tzinfo=PARIS).astimezone(timezone.utc)
HOLD_LIMIT = 0.050


class HoldMeter:
    """Yields with sleep(0) in a loop: the gap between two of its turns is what the loop ran meanwhile.

    Each gap is measured on the wall clock and in this thread's CPU time: on a shared machine the
    wall gap also counts the time the system gave other processes, the CPU time only our own work."""

    def __init__(self) -> None:
        self.gaps: list[tuple[float, float]] = []  # (wall, cpu) seconds
        self._task: asyncio.Task | None = None

    async def _tick(self) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        while True:
            await asyncio.sleep(0)
            wall_now, cpu_now = time.perf_counter(), time.thread_time()
            self.gaps.append((wall_now - wall, cpu_now - cpu))
            wall, cpu = wall_now, cpu_now

    async def __aenter__(self) -> "HoldMeter":
        self._task = asyncio.create_task(self._tick())
        await asyncio.sleep(0)  # let it take its first turn
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        await asyncio.sleep(0)  # its turn after the last stretch, which it records
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass

    def longest(self, cpu: bool = False) -> float:
        return max((gap[cpu] for gap in self.gaps), default=0.0)

    def over(self, limit: float) -> int:
        return sum(wall > limit for wall, _cpu in self.gaps)

    def p99(self) -> float:
        walls = sorted(wall for wall, _cpu in self.gaps)
        return walls[min(len(walls) - 1, round(0.99 * len(walls)))] if walls else 0.0

    def report(self) -> str:
        return (f"longest hold {self.longest() * 1000:.1f} ms ({self.longest(cpu=True) * 1000:.1f} ms of CPU), "
                f"p99 {self.p99() * 1000:.1f} ms, {self.over(HOLD_LIMIT)} of {len(self.gaps)} over "
                f"{HOLD_LIMIT * 1000:.0f} ms")


async def seed(store: Store, families: int, seats: int, cases: int) -> None:
    clock = store.clock
    async with store.unit_of_work() as uow:
        centre = await uow.centres.add("Centre Bench", "Europe/Paris", staff_chat_id=-1001234567890)
        for n in range(3):
            await uow.people.add_staff(900_000 + n, centre.id, f"Psy {n}", "psychologist")
        await uow.commit()
    people = []
    for start in range(0, families, 200):
        async with store.unit_of_work() as uow:
            for n in range(start, min(families, start + 200)):
                family = await uow.families.create(centre.id)
                parent = await uow.people.add_parent(10_000 + n, centre.id, family, "fr", clock.now(), "bench")
                await uow.people.note_name(parent.id, f"Parent{n}")
                people.append(parent)
            await uow.commit()
    monday = datetime(2026, 11, 30, 18, 0, tzinfo=PARIS)
    for start in range(0, min(seats, len(people)), SEATS_PER_SESSION):
        async with store.unit_of_work() as uow:
            session = await uow.sessions.add(centre.id, "Groupe de parole", monday, 90, SEATS_PER_SESSION)
            for parent in people[start : min(seats, start + SEATS_PER_SESSION)]:
                result = await uow.bookings.book(session.id, parent)
                assert result.outcome == "booked", result.outcome
            await uow.commit()
    async with store.unit_of_work() as uow:
        for parent in people[-cases:] if cases else []:
            case = await uow.escalations.open_or_raise(centre.id, parent.id, None, "high", "bench", "request", {})
            await uow.cases.schedule_alert(case.id, 0, SUNDAY_18 - timedelta(minutes=1))
        await uow.commit()


async def outbox_rows(store: Store) -> int:
    async with store.engine.connect() as conn:
        return int(await conn.scalar(select(func.count(OutboxMessage.id))))


async def one_pass(store: Store, batch: int) -> tuple[float, HoldMeter, float, HoldMeter, int]:
    """What the runtime's minute job runs: the planner, then the case timers, each measured."""
    before = await outbox_rows(store)
    async with HoldMeter() as planning:
        started = time.perf_counter()
        await plan(store, OFFSETS, batch=batch)
        planned = time.perf_counter() - started
    async with HoldMeter() as alerting:
        started = time.perf_counter()
        await check_cases(store)
        alerted = time.perf_counter() - started
    return planned, planning, alerted, alerting, await outbox_rows(store) - before


async def main(args: argparse.Namespace) -> None:
    keyring = Keyring.from_text(new_key())
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        engine = make_engine(url, keyring=keyring)
        await upgrade(engine)
        clock = FakeClock(SUNDAY_18 - timedelta(days=6))
        store = Store(engine, clock)
        other = Store(make_engine(url, keyring=keyring), clock)
        try:
            started = time.perf_counter()
            await seed(store, args.families, args.seats, args.cases)
            seeded = time.perf_counter() - started
            print(f"Planner benchmark: {args.families:,} families (Sunday 18:00, Paris), {args.seats:,} seats "
                  f"(sessions Monday 18:00), {args.cases} cases due for an alert; SQLite, {args.batch} people or seats a batch; "
                  f"seeded in {seeded:.1f} s")
            runs = [("18:00:00, everything falls due", store, SUNDAY_18),
                    ("18:01:00, same process, nothing new", store, SUNDAY_18 + timedelta(minutes=1)),
                    ("18:02:00, another process, nothing new", other, SUNDAY_18 + timedelta(minutes=2))]
            for label, which, at in runs:
                clock.set(at)
                planned, planning, alerted, alerting, added = await one_pass(which, args.batch)
                print(f"  {label}: {added:,} rows planned\n"
                      f"    prompts and reminders: pass {planned * 1000:,.0f} ms, {planning.report()}\n"
                      f"    case alerts: pass {alerted * 1000:,.0f} ms, {alerting.report()}")
        finally:
            await store.close()
            await other.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=10_000)
    parser.add_argument("--seats", type=int, default=2_000)
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--batch", type=int, default=BATCH, help="people (or seats) planned per unit of work")
    asyncio.run(main(parser.parse_args()))
