"""Group-session bookings on SQLite: the race for the last seats, plain booking throughput, listing.

    python bench/bench_bookings.py [--racers 200] [--seats 12] [--processes 4] [--bookings 2000]
                                   [--sessions 1000] [--pages 1000]

Prints
  (a) 200 parents booking a 12-seat session at once, in one process (asyncio.gather, one unit
      of work each) and across 4 OS processes on the same file: wall time and outcomes;
  (b) uncontended bookings per second through BookingRepository, one unit of work (one
      transaction, committed) per booking: 2,000 parents each booking their own session;
  (c) with 1,000 sessions to come, the time to list one page of 5 (upcoming + count_upcoming,
      the parents' screen) at random offsets, p50/p99.
Everything runs on a temporary SQLite file (WAL), removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.bootstrap import build_core  # noqa: E402
from storage.clock import FakeClock  # noqa: E402
from storage.database import make_engine  # noqa: E402
from storage.store import Store  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")
FIRST = datetime(2026, 12, 1, 18, 30, tzinfo=PARIS)  # the FakeClock starts on 2026-11-24


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def new_store(tmp: str, name: str):
    core = await build_core(f"sqlite+aiosqlite:///{tmp}/{name}.db", clock=FakeClock())
    async with core.store.unit_of_work() as uow:
        centre = await uow.centres.add("Centre Bench", "Europe/Paris")
        await uow.commit()
    return core, centre


async def add_parents(store: Store, centre_id: int, count: int, first_user: int = 100_000) -> list:
    parents = []
    for start in range(0, count, 500):
        async with store.unit_of_work() as uow:
            for n in range(start, min(count, start + 500)):
                family = await uow.families.create(centre_id)
                parents.append(await uow.people.add_parent(first_user + n, centre_id, family, "fr", uow.clock.now()))
            await uow.commit()
    return parents


async def add_sessions(store: Store, centre_id: int, count: int, capacity: int) -> list:
    sessions = []
    for start in range(0, count, 500):
        async with store.unit_of_work() as uow:
            for n in range(start, min(count, start + 500)):
                at = FIRST + timedelta(hours=n)
                sessions.append(await uow.sessions.add(centre_id, f"Groupe {n}", at, 90, capacity, "Salle 2"))
            await uow.commit()
    return sessions


async def book_one(store: Store, session_id: int, person) -> str:
    async with store.unit_of_work() as uow:
        result = await uow.bookings.book(session_id, person)
        await uow.commit()
    return result.outcome


async def seats_of(store: Store, session_id: int) -> tuple[int, Counter]:
    async with store.unit_of_work() as uow:
        session = await uow.sessions.get(session_id)
        lines = await uow.bookings.roster(session_id)
    return session.booked, Counter(line.status for line in lines)


# -- (a) the race ---------------------------------------------------------------------------

async def race_in_process(tmp: str, racers: int, seats: int) -> dict:
    core, centre = await new_store(tmp, "race")
    try:
        (session,) = await add_sessions(core.store, centre.id, 1, seats)
        parents = await add_parents(core.store, centre.id, racers)
        started = time.perf_counter()
        outcomes = await asyncio.gather(*(book_one(core.store, session.id, p) for p in parents))
        wall = time.perf_counter() - started
        booked, rows = await seats_of(core.store, session.id)
    finally:
        await core.close()
    return {"wall": wall, "outcomes": Counter(outcomes), "booked_column": booked, "rows": rows}


async def race_across_processes(tmp: str, racers: int, seats: int, processes: int) -> dict:
    core, centre = await new_store(tmp, "race_procs")
    url = str(core.store.engine.url)
    try:
        (session,) = await add_sessions(core.store, centre.id, 1, seats)
        parents = await add_parents(core.store, centre.id, racers)
        ids = [p.id for p in parents]
        share = [ids[n::processes] for n in range(processes)]
        now = core.store.clock.now().isoformat()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        procs = [subprocess.Popen([sys.executable, __file__, "--worker", url, str(session.id),
                                   ",".join(map(str, part)), now],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
                 for part in share]
        for proc in procs:  # every process has imported everything and opened its engine
            if proc.stdout.readline().strip() != "ready":
                raise RuntimeError("a worker did not start")
        started = time.perf_counter()
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        outcomes: Counter = Counter()
        worker_walls = []
        for proc in procs:
            out, _ = proc.communicate(timeout=300)
            if proc.returncode != 0:
                raise RuntimeError(f"a worker failed with status {proc.returncode}")
            report = json.loads(out)
            outcomes.update(report["outcomes"])
            worker_walls.append(report["wall"])
        wall = time.perf_counter() - started
        booked, rows = await seats_of(core.store, session.id)
    finally:
        await core.close()
    return {"wall": wall, "slowest_worker": max(worker_walls), "outcomes": outcomes, "booked_column": booked,
            "rows": rows}


async def worker(url: str, session_id: int, person_ids: list[int], now: str) -> None:
    """One racing process: its own engine and store, started on "go" from stdin."""
    store = Store(make_engine(url), FakeClock(datetime.fromisoformat(now)))
    try:
        async with store.unit_of_work() as uow:
            people = [await uow.people.get(pid) for pid in person_ids]
        print("ready", flush=True)
        sys.stdin.readline()
        started = time.perf_counter()
        outcomes = await asyncio.gather(*(book_one(store, session_id, p) for p in people))
        print(json.dumps({"outcomes": Counter(outcomes), "wall": time.perf_counter() - started}), flush=True)
    finally:
        await store.close()


# -- (b) uncontended throughput -------------------------------------------------------------

FLOOR_SQL = (
    "SELECT * FROM group_sessions WHERE id = ?",
    "SELECT * FROM bookings WHERE session_id = ? AND person_id = ? AND status <> 'cancelled'",
    "SELECT id FROM bookings WHERE session_id = ? AND status = 'waiting' LIMIT 1",
    "UPDATE group_sessions SET booked = booked + 1 WHERE id = ? AND booked < capacity AND cancelled_at IS NULL "
    "AND starts_at > ?",
    "INSERT INTO bookings (session_id, person_id, status, created_at, updated_at) VALUES (?, ?, 'booked', ?, ?)",
)


def floor(path: str, pairs: list[tuple[int, int]], now: str) -> float:
    """The same statements as BookingRepository.book, through the bare sqlite3 module: bookings/s."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=10000")
    select_session, select_mine, select_waiting, take_seat, insert = FLOOR_SQL
    started = time.perf_counter()
    for session_id, person_id in pairs:
        db.execute("BEGIN IMMEDIATE")
        db.execute(select_session, (session_id,)).fetchone()
        db.execute(select_mine, (session_id, person_id)).fetchone()
        db.execute(select_waiting, (session_id,)).fetchone()
        assert db.execute(take_seat, (session_id, now)).rowcount == 1
        db.execute(insert, (session_id, person_id, now, now))
        db.execute(select_session, (session_id,)).fetchone()
        db.execute("COMMIT")
    wall = time.perf_counter() - started
    db.close()
    return len(pairs) / wall


async def throughput(tmp: str, bookings: int) -> dict:
    core, centre = await new_store(tmp, "throughput")
    try:
        sessions = await add_sessions(core.store, centre.id, 2 * bookings, 12)
        parents = await add_parents(core.store, centre.id, bookings)
        spare, sessions = sessions[bookings:], sessions[:bookings]
        await book_one(core.store, sessions[0].id, parents[0])  # warm-up: statement caches
        per = []
        started = time.perf_counter()
        for session, parent in zip(sessions[1:], parents[1:]):
            t = time.perf_counter()
            outcome = await book_one(core.store, session.id, parent)
            per.append((time.perf_counter() - t) * 1000)
            assert outcome == "booked"
        wall = time.perf_counter() - started
        now = core.store.clock.now().strftime("%Y-%m-%d %H:%M:%S.%f")
        floor_rate = floor(f"{tmp}/throughput.db", [(s.id, p.id) for s, p in zip(spare, parents)], now)
    finally:
        await core.close()
    return {"count": len(per), "wall": wall, "per_second": len(per) / wall, "p50": statistics.median(per),
            "p99": percentile(per, 0.99), "floor": floor_rate}


# -- (c) listing ----------------------------------------------------------------------------

async def listing(tmp: str, sessions: int, pages: int, rng: random.Random) -> dict:
    core, centre = await new_store(tmp, "listing")
    try:
        await add_sessions(core.store, centre.id, sessions, 12)
        times = []
        for _ in range(pages):
            offset = rng.randrange(0, sessions, 5)
            t = time.perf_counter()
            async with core.store.unit_of_work() as uow:
                page = await uow.sessions.upcoming(centre.id, "parents", limit=5, offset=offset)
                total = await uow.sessions.count_upcoming(centre.id, "parents")
            times.append((time.perf_counter() - t) * 1000)
            assert total == sessions and len(page) == min(5, sessions - offset)
    finally:
        await core.close()
    return {"p50": statistics.median(times), "p99": percentile(times, 0.99), "max": max(times)}


def outcome_line(result: dict) -> str:
    counts = ", ".join(f"{n} {name}" for name, n in sorted(result["outcomes"].items()))
    rows = ", ".join(f"{n} {name}" for name, n in sorted(result["rows"].items()))
    return f"{counts}; rows: {rows}; booked column {result['booked_column']}"


async def main(args: argparse.Namespace) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        one = await race_in_process(tmp, args.racers, args.seats)
        many = await race_across_processes(tmp, args.racers, args.seats, args.processes)
        plain = await throughput(tmp, args.bookings)
        pages = await listing(tmp, args.sessions, args.pages, rng)
    print(f"Bookings benchmark, SQLite (WAL), Python {sys.version.split()[0]}")
    print(f"  (a) {args.racers} parents race for {args.seats} seats, one unit of work each:")
    print(f"      one process (asyncio.gather): {one['wall'] * 1000:.0f} ms; {outcome_line(one)}")
    print(f"      {args.processes} processes x {args.racers // args.processes}, one file: {many['wall'] * 1000:.0f} ms "
          f"(slowest worker {many['slowest_worker'] * 1000:.0f} ms); {outcome_line(many)}")
    print(f"  (b) uncontended: {plain['count']:,} parents each book their own session, one unit of work each: "
          f"{plain['wall']:.2f} s, {plain['per_second']:,.0f} bookings/s (p50 {plain['p50']:.2f} ms, "
          f"p99 {plain['p99']:.2f} ms)")
    print(f"      floor, the same SQL through the bare sqlite3 module: {plain['floor']:,.0f} bookings/s")
    print(f"  (c) {args.sessions:,} sessions to come, a page of 5 (upcoming + count_upcoming), {args.pages:,} pages: "
          f"p50 {pages['p50']:.2f} ms, p99 {pages['p99']:.2f} ms, max {pages['max']:.2f} ms")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        url, session_id, ids, now = sys.argv[2:6]
        asyncio.run(worker(url, int(session_id), [int(i) for i in ids.split(",")], now))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--racers", type=int, default=200)
    parser.add_argument("--seats", type=int, default=12)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--bookings", type=int, default=2000)
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=1000)
    asyncio.run(main(parser.parse_args()))
