"""bot/memory.py: the collector set once the bot has started, and the memory freed while starting given back."""

from __future__ import annotations

import gc

from bot.memory import GEN0_THRESHOLD, give_back, settle


def test_settle_sets_the_collector_and_gives_memory_back():
    before = gc.get_threshold()
    try:
        settle()
        assert gc.get_threshold()[0] == GEN0_THRESHOLD
        assert give_back() is None  # glibc's malloc_trim, or nothing where there is none; never an error
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
