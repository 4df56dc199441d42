"""Telegram's limits, measured on real sends (scaled down to keep the tests short)."""

from __future__ import annotations

import asyncio
import math
import time

import pytest
from aiolimiter import AsyncLimiter

from bot.delivery import Limits, Pacer
from tests.delivery.conftest import FakeSender, enqueue, max_in_window, status


def window_bound(spacing: float, window: float) -> int:
    """The most sends that fit in a closed window when they are at least `spacing` apart."""
    return 1 + math.floor(window / spacing)


def test_the_default_spacings_keep_every_window_within_telegram_limits():
    limits = Limits()
    assert window_bound(limits.overall_spacing, 1) <= 30
    assert window_bound(limits.chat_spacing(123), 1) <= 1
    assert window_bound(limits.chat_spacing(-100123), 60) <= 20
    # Spacing exactly at the limit would let one too many into a closed window: hence the margin.
    assert window_bound(1 / 30, 1) == 31
    with pytest.raises(ValueError):
        Limits(margin=0)
    # The overall bucket holds 1 + t and leaks one send per spacing: at most 1 + t + 1 / spacing a second.
    for rate in (1, 10, 25, 30):
        limits = Limits(overall_per_second=rate)
        assert 1 + Pacer(limits).tolerance + 1 / limits.overall_spacing < rate + 1


async def test_a_plain_leaky_bucket_lets_twice_the_rate_through_in_the_first_second():
    """Why the pacer does not use AsyncLimiter(rate, 1): measured on a scaled-down bucket."""
    bucket, starts = AsyncLimiter(10, 0.5), []

    async def one():
        async with bucket:
            starts.append(time.monotonic())

    await asyncio.gather(*(one() for _ in range(20)))
    assert max_in_window(starts, 0.5) > 10


async def test_no_second_holds_more_sends_than_the_overall_limit(store, make_dispatcher):
    limits = Limits(overall_per_second=25, private_per_second=1, group_per_minute=20)
    for chat in range(1, 61):  # 60 due rows to 60 chats, all due at once
        await enqueue(store, chat)
    sender = FakeSender()
    started = time.monotonic()
    assert await make_dispatcher(sender, limits).drain_once() == 60
    starts = [call.start for call in sender.calls]
    assert len(starts) == 60 and (await status(store)).counts["sent"] == 60
    assert max_in_window(starts, 1.0) <= 25
    assert sum(1 for t in starts if t - started <= 1.0) <= 25  # the first second too
    gaps = [b - a for a, b in zip(sorted(starts), sorted(starts)[1:])]
    # The overall bucket absorbs the event loop's lateness (a tolerance of at most 5% of a gap). The fake
    # sender notes each start after the task wakes up, so one late wake-up (a few ms on a busy 2-core
    # machine: 2.6 ms in a clean-clone CI run) makes the next gap look that much shorter.
    assert min(gaps) >= limits.overall_spacing * 0.95 - 0.005
    assert time.monotonic() - started < 59 * limits.overall_spacing + 1.5  # paced, not stalled


async def test_a_private_chat_gets_its_messages_spaced_and_others_are_not_held_up(store, make_dispatcher):
    limits = Limits(overall_per_second=100, private_per_second=4, group_per_minute=6000)
    await enqueue(store, 7, count=5)
    for chat in range(100, 110):
        await enqueue(store, chat)
    sender = FakeSender()
    await make_dispatcher(sender, limits).drain_once()
    mine = [c for c in sender.calls if c.chat_id == 7]
    assert [c.row_id for c in mine] == sorted(c.row_id for c in mine)  # in order
    assert min(b.start - a.start for a, b in zip(mine, mine[1:])) >= limits.chat_spacing(7) - 0.002
    assert max_in_window([c.start for c in mine], 1.0) <= 4
    others = [c.start for c in sender.calls if c.chat_id != 7]
    assert max(others) < mine[1].start  # the other chats went out while chat 7 waited


async def test_a_chat_s_next_message_waits_a_full_spacing_after_telegram_answered_the_last(store, make_dispatcher):
    """Telegram counts a message when it arrives, somewhere between the send and its answer: a first
    message slow on its way must not land closer to the second than the chat's limit allows."""
    limits = Limits(overall_per_second=100, private_per_second=4, group_per_minute=6000)
    await enqueue(store, 7, count=4)
    sender = FakeSender(delay=0.2)  # each answer comes 200 ms after the send
    await make_dispatcher(sender, limits).drain_once()
    mine = [c for c in sender.calls if c.chat_id == 7]
    assert len(mine) == 4
    assert min(b.start - a.end for a, b in zip(mine, mine[1:])) >= limits.chat_spacing(7) - 0.002


async def test_a_group_is_paced_by_its_own_per_minute_limit(store, make_dispatcher):
    # 240 a minute, scaled from 20: a group message every quarter second (plus the margin).
    limits = Limits(overall_per_second=100, private_per_second=50, group_per_minute=240)
    await enqueue(store, -1001, count=5, kind="alert", urgent=True)
    await enqueue(store, 8, count=5)
    sender = FakeSender()
    await make_dispatcher(sender, limits).drain_once()
    group = [c.start for c in sender.calls if c.chat_id == -1001]
    private = [c.start for c in sender.calls if c.chat_id == 8]
    assert min(b - a for a, b in zip(group, group[1:])) >= 60 / 240 * (1 + limits.margin) - 0.002
    assert max_in_window(group, 60 / 240 * 4) <= 4  # 4 in any 4/240 of a minute, as 20 in 20/240 of it
    assert max(b - a for a, b in zip(private, private[1:])) < 60 / 240  # the private chat is faster


async def test_the_pacer_forgets_idle_chats():
    pacer = Pacer(Limits(overall_per_second=10_000, private_per_second=1000))
    pacer.SWEEP_EVERY = 50
    for chat in range(1, 50):
        assert await pacer.slot(chat)
    await asyncio.sleep(0.01)  # every chat's bucket has drained
    assert await pacer.slot(50)  # the 50th slot sweeps
    assert pacer.chats_tracked() == 1


async def test_the_pacer_refuses_a_slot_once_a_flood_wait_starts():
    pacer = Pacer(Limits(overall_per_second=5))
    assert await pacer.slot(1)
    paused = {"on": False}

    async def pause_soon():
        await asyncio.sleep(0.05)
        paused["on"] = True

    pauser = asyncio.create_task(pause_soon())
    assert not await pacer.slot(2, lambda: not paused["on"])  # was waiting for the global slot
    await pauser


def test_with_the_real_limits_200_chats_and_a_busy_group_stay_within_every_window(tmp_path):
    """The real defaults over simulated minutes: 200 rows to 200 chats, 3 to one person, 30 alerts to a group."""
    from storage.clock import FakeClock
    from storage.database import make_engine, upgrade
    from storage.store import Store
    from bot.delivery import Dispatcher
    from tests.delivery.conftest import VirtualTimeLoop

    url = f"sqlite+aiosqlite:///{tmp_path / 'virtual.db'}"
    clock = FakeClock()

    async def migrate():
        engine = make_engine(url)
        await upgrade(engine)
        await engine.dispose()

    asyncio.run(migrate())

    async def main():
        store = Store(make_engine(url), clock)
        try:
            for chat in range(1, 201):
                await enqueue(store, chat)
            await enqueue(store, 500, count=3)
            await enqueue(store, -100500, count=30, kind="alert", urgent=True)
            sender = FakeSender(now=asyncio.get_running_loop().time)
            dispatcher = Dispatcher(store, sender, Limits(), clock, worker_id="virtual", batch=300, lease=3600)
            assert await dispatcher.drain_once() == 233
            return sender.calls
        finally:
            await store.close()

    loop = VirtualTimeLoop()
    try:
        calls = loop.run_until_complete(main())
    finally:
        loop.close()
    assert len(calls) == 233
    assert max_in_window([c.start for c in calls], 1.0) <= 30
    group = [c.start for c in calls if c.chat_id == -100500]
    assert max_in_window(group, 60.0) == 20 and group[-1] - group[0] >= 29 * 3  # 20 a minute, not more
    person = [c.start for c in calls if c.chat_id == 500]
    assert min(b - a for a, b in zip(person, person[1:])) >= 1.0
