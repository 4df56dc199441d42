"""Python's garbage collector set once the bot has started, so that triage answers in under 1 ms at p99; and the
memory freed while starting given back to the system.

Called by `TelegramApp.prepare` when start-up is done, and by bench/bench_triage.py before timing, so that the
benchmark measures what production runs.
"""

from __future__ import annotations

import ctypes
import gc

# The youngest generation is collected every GEN0_THRESHOLD net allocations of container objects instead of every
# 700 (Python's default). Triage makes and drops many small tuples and lists per message, but few survive it; at
# 700 the collector ran about 870 times in the 20,000 calls of bench/bench_triage.py (80 of them on the middle
# generation, 7 full), each run landing on one message. At 100,000: 21, 1 and 1, and in 5 alternating pairs of runs
# p99 fell from 960-1198 to 921-962 µs (the rules alone from 614-710 to 570-600 µs), the peak memory of the
# benchmark unchanged (179-180 MB). Reference cycles are still collected, only in bigger, rarer batches.
GEN0_THRESHOLD = 100_000


def settle() -> None:
    """Once start-up is done: collect, freeze what is left (what was loaded stays; the collector skips it from
    now on), and collect the youngest generation less often (GEN0_THRESHOLD)."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, middle, oldest)
    give_back()


def give_back() -> None:
    """Return the free pages of the C heap to the system (glibc's malloc_trim; elsewhere nothing is done).

    Loading triage frees much more than it keeps: the rules' compilation and simplemma's dictionaries, and the second
    stage's model files (two JSON files of 11 MB, read as text of 43 MB each). Python's objects are freed, but glibc
    keeps the pages in the middle of its heap resident, so the process stayed about 33 MB larger than what it holds
    (rules fr + en and the stage, loaded in the bot's order: 174 MB RSS, 141 MB after this). It takes a few ms, once."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc (musl, macOS, Windows)
        return
    trim(0)
