"""Where does an update's time go? The onboarding walk through the dialogs alone, no Telegram.

    python bench/profile_dialogs.py                  # 200 walks, timings and SQL per update
    python bench/profile_dialogs.py --cprofile 20    # and the top functions, grouped by package

Drives `core.dialogs.handle(event)` (the dialog engine with the real SQLite store, as
`relier run` wires it) with the same eight updates as bench_updates.py, one parent after the
other, and reports wall and CPU time per update, SQL statements per update and the time
spent waiting for them. The difference with the per-update CPU of `relier run` in
bench_updates.py is the Telegram side (aiogram, HTTP, JSON).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import pstats
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event as sa_event  # noqa: E402

from bench.sim import WALK  # noqa: E402
from bot.bootstrap import build_core  # noqa: E402
from dialogs.events import Event, Kind, Response  # noqa: E402

AREAS = (
    ("sqlalchemy", "/sqlalchemy/"),
    ("aiosqlite", "/aiosqlite/"),
    ("greenlet", "greenlet"),
    ("alembic", "/alembic/"),
    ("babel", "/babel/"),
    ("gettext", "gettext.py"),
    ("json", "/json/"),
    ("asyncio", "/asyncio/"),
    ("dialogs (ours)", "/dialogs/"),
    ("storage (ours)", "/storage/"),
    ("bot (ours)", "/bot/"),
    ("sqlite3", "sqlite3"),
)


def area(filename: str) -> str:
    for name, marker in AREAS:
        if marker in filename:
            return name
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    return "other"


class SqlCounter:
    """Counts statements and the time between before/after cursor execute (incl. the thread hop)."""

    def __init__(self, engine) -> None:
        self.count = 0
        self.seconds = 0.0
        self.kinds: dict[str, int] = defaultdict(int)
        self._started: dict[int, float] = {}
        sync = engine.sync_engine
        sa_event.listen(sync, "before_cursor_execute", self._before)
        sa_event.listen(sync, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self._started[id(cursor)] = time.perf_counter()
        self.kinds[statement.split(None, 1)[0].upper()] += 1

    def _after(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.count += 1
        self.seconds += time.perf_counter() - self._started.pop(id(cursor), time.perf_counter())


def next_event(step: int, user_id: int, message_id: int, previous: Response | None, child: str) -> Event:
    name, kind, arg = WALK[step]
    base = dict(user_id=user_id, chat_id=user_id, at=datetime.now(timezone.utc), language_code="fr",
                display_name="Camille", message_id=message_id)
    if kind == "text":
        if arg and arg.startswith("/"):
            return Event(kind=Kind.COMMAND, command=arg[1:], text="", **base)
        return Event(kind=Kind.TEXT, text=arg or child, **base)
    assert previous is not None and previous.replies, f"no reply to press {arg!r} on"
    for row in previous.replies[-1].buttons:
        for button in row:
            if button.text == arg:
                return Event(kind=Kind.BUTTON, data=button.data, **base)
    raise AssertionError(f"step {name}: no button {arg!r} in {previous.replies[-1].buttons}")


STEP_SECONDS: dict[str, float] = defaultdict(float)


async def walk(core, user_id: int) -> int:
    previous = None
    for step in range(len(WALK)):
        event = next_event(step, user_id, 10 + step, previous, "Léo")
        began = time.perf_counter()
        previous = await core.dialogs.handle(event)
        STEP_SECONDS[WALK[step][0]] += time.perf_counter() - began
    return len(WALK)


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="relier-profile-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'profile.db'}"
        core = await build_core(url)
        async with core.store.unit_of_work() as uow:
            await uow.centres.add("Centre Bench", "Europe/Paris")
            await uow.commit()
        ids = itertools.count(800_000_001)
        for _ in range(5):  # warm caches: statement compilation, gettext catalogs
            await walk(core, next(ids))
        counter = SqlCounter(core.store.engine)
        STEP_SECONDS.clear()

        wall0, cpu0 = time.perf_counter(), time.process_time()
        thread_cpu0 = time.thread_time()
        updates = 0
        for _ in range(args.walks):
            updates += await walk(core, next(ids))
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        main_cpu = time.thread_time() - thread_cpu0
        print(f"{args.walks} walks, {updates} updates through Dialogs.handle, one at a time, SQLite:")
        print(f"  wall {wall / updates * 1000:.2f} ms/update, CPU {cpu / updates * 1000:.2f} ms/update "
              f"(main thread {main_cpu / updates * 1000:.2f}, other threads "
              f"{(cpu - main_cpu) / updates * 1000:.2f}: threads other than the event loop)")
        print(f"  {counter.count / updates:.1f} SQL statements per update "
              f"({', '.join(f'{k} {v / updates:.1f}' for k, v in sorted(counter.kinds.items()))}), "
              f"{counter.seconds / updates * 1000:.2f} ms/update between before/after cursor execute")
        print("  wall ms by step: " + ", ".join(
            f"{name} {seconds / args.walks * 1000:.1f}" for name, seconds in STEP_SECONDS.items()))
        print(f"  threads alive: {threading.active_count()} in this process")

        if args.concurrency > 1:
            wall0, cpu0 = time.perf_counter(), time.process_time()
            done = 0

            async def worker() -> None:
                nonlocal done
                for _ in range(args.walks // args.concurrency):
                    walked = await walk(core, next(ids))
                    done += walked

            await asyncio.gather(*(worker() for _ in range(args.concurrency)))
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            print(f"  with {args.concurrency} parents at once: {done / wall:.0f} updates/s, "
                  f"CPU {cpu / done * 1000:.2f} ms/update")

        if args.cprofile:
            # CPU time of this (the main) thread, so waiting in epoll or for a lock counts nothing.
            profile = cProfile.Profile(time.thread_time)
            profile.enable()
            for _ in range(args.cprofile):
                await walk(core, next(ids))
            profile.disable()
            stats = pstats.Stats(profile)
            by_area: dict[str, float] = defaultdict(float)
            total = 0.0
            for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
                by_area[area(filename)] += tottime
                total += tottime
            print(f"\ncProfile of {args.cprofile} walks (CPU of the main thread; profiler overhead "
                  "included): own time by package")
            for name, seconds in sorted(by_area.items(), key=lambda kv: -kv[1]):
                print(f"  {name:<16}{seconds / total * 100:5.1f}%")
            print()
            stats.sort_stats("tottime").print_stats(args.top)
            stats.sort_stats("cumulative").print_stats("dialogs|storage", args.top)
        await core.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walks", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--cprofile", type=int, default=0, metavar="WALKS",
                        help="also profile this many walks with cProfile")
    parser.add_argument("--top", type=int, default=25)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
