"""`relier run` under cProfile, counting CPU time of the main thread only, imports excluded.

Used by `python bench/bench_updates.py --profile FILE.prof`: the bot process runs this
instead of `relier run`, with the same environment, and writes FILE.prof when SIGTERM stops
it. Read it with `python -m pstats FILE.prof` or `python bench/profiled_relier.py --show FILE.prof`.

The timer is time.thread_time, so waiting (epoll, locks, the sqlite thread) costs nothing and
what is listed is the main thread's CPU; work done in other threads
is not in the profile. cProfile roughly doubles the cost of each function call.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from collections import defaultdict

AREAS = (
    ("aiogram", "/aiogram/"),
    ("aiohttp", "/aiohttp/"),
    ("python-telegram-bot", "site-packages/telegram/"),
    ("httpx", "/httpx/"),
    ("httpcore", "/httpcore/"),
    ("anyio/h11", "/anyio/"),
    ("anyio/h11", "/h11/"),
    ("pydantic", "/pydantic"),
    ("sqlalchemy", "/sqlalchemy/"),
    ("aiosqlite", "/aiosqlite/"),
    ("asyncio", "/asyncio/"),
    ("json", "/json/"),
    ("logging", "/logging/"),
    ("gettext/babel", "gettext.py"),
    ("gettext/babel", "/babel/"),
    ("relier dialogs/", "/dialogs/"),
    ("relier storage/", "/storage/"),
    ("relier bot/", "/bot/"),
)


def area(filename: str) -> str:
    for name, marker in AREAS:
        if marker in filename:
            return name
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C)"
    return "other"


def show(path: str, top: int = 30) -> None:
    stats = pstats.Stats(path)
    by_area: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        by_area[area(filename)] += tottime
        total += tottime
    print(f"{path}: {total:.2f} s of main-thread CPU, own time by package:")
    for name, seconds in sorted(by_area.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<18}{seconds / total * 100:5.1f}%")
    print()
    stats.sort_stats("tottime").print_stats(top)


def main() -> int:
    if len(sys.argv) >= 3 and sys.argv[1] == "--show":
        show(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 30)
        return 0
    out = sys.argv[1]
    # Import what `relier run` imports before profiling starts: import time is not per update.
    import os

    if os.environ.get("RELIER_FRAMEWORK") == "ptb":
        import bot.ptb.client  # noqa: F401
    else:
        import bot.aiogram.client  # noqa: F401
    import bot.telegram.app  # noqa: F401
    import bot.bootstrap  # noqa: F401
    from bot.cli import main as relier_main

    profile = cProfile.Profile(time.thread_time)
    profile.enable()
    try:
        return relier_main(["run"])
    finally:
        profile.disable()
        profile.dump_stats(out)


if __name__ == "__main__":
    sys.exit(main())
