"""The dispatcher: flood waits, retries, unreachable chats, shutdown, and waking on enqueue."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.delivery import Limits, SendResult
from tests.delivery.conftest import FakeSender, enqueue, row, status


class Highest:
    """A 'random' source that always draws the top of the range: the backoff's ceiling."""

    def uniform(self, low, high):
        return high


async def test_a_chat_flood_wait_holds_that_chat_only(store, clock, make_dispatcher):
    a1, a2 = await enqueue(store, 1, count=2)
    (b1,) = await enqueue(store, 2)
    sender = FakeSender({1: [SendResult.retry_after(30)]})
    dispatcher = make_dispatcher(sender)
    assert await dispatcher.drain_once() == 3
    assert sorted(sender.chats()) == [1, 2]  # chat 1 tried once, then held
    for id in (a1, a2):
        held = await row(store, id)
        assert (held.state, held.due_at, held.attempts) == ("pending", clock.now() + timedelta(seconds=30), 0)
    assert (await row(store, b1)).state == "sent"
    clock.advance(seconds=29)
    await enqueue(store, 1)  # due now, but the chat is still held
    await dispatcher.drain_once()
    assert sender.chats().count(1) == 1
    clock.advance(seconds=2)
    await dispatcher.drain_once()
    assert [c.row_id for c in sender.calls if c.chat_id == 1] == [a1, a1, a2, a2 + 2]
    assert (await status(store)).counts["sent"] == 4


async def test_a_global_flood_wait_pauses_every_chat(store, clock, make_dispatcher):
    await enqueue(store, 1, urgent=True)
    await enqueue(store, 2)
    await enqueue(store, 3)
    sender = FakeSender({1: [SendResult.retry_after(10, "global")]})
    dispatcher = make_dispatcher(sender, Limits(overall_per_second=5))  # 0.22 s between sends
    await dispatcher.drain_once()
    assert sender.chats() == [1]  # the others waited for their slot, and the wait began
    assert (await status(store)).counts["pending"] == 3
    clock.advance(seconds=9)
    assert await dispatcher.drain_once() == 0  # nothing is even claimed while the bot waits
    assert sender.chats() == [1]
    clock.advance(seconds=1)
    assert await dispatcher.drain_once() == 3
    assert sorted(sender.chats()) == [1, 1, 2, 3]


async def test_transient_errors_back_off_then_fail_after_max_attempts(store, clock, make_dispatcher):
    (id,) = await enqueue(store, 1)
    sender = FakeSender({1: [SendResult.transient("http_502")] * 10})
    dispatcher = make_dispatcher(sender, max_attempts=3, backoff_base=10, backoff_max=15, rng=Highest())
    expected_delays = [10, 15]  # base * 2^(attempt-1), capped
    for attempt, delay in enumerate(expected_delays, start=1):
        start = clock.now()
        await dispatcher.drain_once()
        waiting = await row(store, id)
        assert (waiting.state, waiting.attempts, waiting.last_error) == ("pending", attempt, "http_502")
        assert waiting.due_at == start + timedelta(seconds=delay)
        clock.advance(seconds=delay - 1)
        assert await dispatcher.drain_once() == 0  # not before the backoff is over
        clock.advance(seconds=1)
    await dispatcher.drain_once()
    failed = await row(store, id)
    assert (failed.state, failed.attempts, failed.last_error) == ("failed", 3, "http_502")
    assert len(sender.calls) == 3
    async with store.unit_of_work() as uow:  # the staff retry it
        assert await uow.outbox.retry_failed([id]) == 1
        await uow.commit()
    sender.script[1] = []
    await dispatcher.drain_once()
    assert (await row(store, id)).state == "sent"


async def test_full_jitter_stays_under_the_exponential_ceiling(make_dispatcher):
    import random

    dispatcher = make_dispatcher(FakeSender(), backoff_base=2, backoff_max=60, rng=random.Random(4))
    for attempt in range(1, 10):
        delays = [dispatcher._backoff(attempt) for _ in range(50)]
        assert 0 <= min(delays) and max(delays) <= min(60, 2 * 2 ** (attempt - 1))


async def test_a_blocked_chat_fails_as_unreachable_and_is_reported_once(store, make_dispatcher):
    ids = await enqueue(store, 1, count=3)
    (other,) = await enqueue(store, 2)
    told = []

    async def on_unreachable(chat_id):
        told.append(chat_id)

    sender = FakeSender({1: [SendResult.permanent("blocked")]})
    await make_dispatcher(sender, on_unreachable=on_unreachable).drain_once()
    assert told == [1]
    assert sender.chats().count(1) == 1  # the chat's other rows are not even tried
    for id in ids:
        failed = await row(store, id)
        assert (failed.state, failed.last_error) == ("failed", "unreachable")
    assert (await row(store, other)).state == "sent"


async def test_a_message_telegram_refuses_fails_without_blaming_the_chat(store, make_dispatcher):
    (bad, good) = await enqueue(store, 1, count=2)
    told = []
    sender = FakeSender({1: [SendResult.permanent("bad_request", unreachable=False)]})
    await make_dispatcher(sender, on_unreachable=told.append).drain_once()
    assert told == []
    assert ((await row(store, bad)).state, (await row(store, bad)).last_error) == ("failed", "bad_request")
    assert (await row(store, good)).state == "sent"


async def test_a_sender_that_raises_or_hangs_is_retried_later(store, make_dispatcher):
    (raised,) = await enqueue(store, 1)
    (hung,) = await enqueue(store, 2)

    async def send(row):
        if row.chat_id == 1:
            raise ConnectionError("reset")
        await asyncio.sleep(5)
        return SendResult.ok()

    await make_dispatcher(send, send_timeout=0.2, lease=60).drain_once()
    assert [(await row(store, id)).last_error for id in (raised, hung)] == ["exception", "timeout"]


async def test_rows_past_not_after_are_dropped_not_sent(store, clock, make_dispatcher):
    (late,) = await enqueue(store, 1, not_after=clock.now() + timedelta(minutes=10))
    clock.advance(minutes=11)
    sender = FakeSender()
    dispatcher = make_dispatcher(sender)
    assert await dispatcher.drain_once() == 0
    assert sender.calls == [] and (await row(store, late)).state == "dropped"
    assert dispatcher.stats["dropped"] == 1


async def test_a_row_whose_lease_runs_short_is_released_not_sent(store, clock, make_dispatcher):
    ids = await enqueue(store, 1, count=2)
    sender = FakeSender()

    async def slow_clock(row):  # each send takes 20 minutes of the clock
        clock.advance(minutes=20)
        return await sender(row)

    await make_dispatcher(slow_clock, lease=1800, send_timeout=900).drain_once()
    assert len(sender.calls) == 1
    released = await row(store, ids[1])
    assert (released.state, released.attempts) == ("pending", 0)


async def test_shutdown_releases_waiting_rows_and_finishes_sends_under_way(store, make_dispatcher):
    waiting = await enqueue(store, 1, count=4)  # one a second: three still wait at shutdown
    (slow,) = await enqueue(store, 2)
    sender = FakeSender({})
    started = asyncio.Event()

    async def send(row):
        if row.chat_id == 2:
            started.set()
            await asyncio.sleep(0.3)
        return await sender(row)

    stop = asyncio.Event()
    dispatcher = make_dispatcher(send, Limits(overall_per_second=100, private_per_second=1))
    running = asyncio.create_task(dispatcher.run(stop))
    await started.wait()
    stop.set()
    await asyncio.wait_for(running, 2)
    assert (await row(store, slow)).state == "sent"  # the send under way was finished and recorded
    assert (await row(store, waiting[0])).state == "sent"
    for id in waiting[1:]:
        released = await row(store, id)
        assert (released.state, released.attempts, released.worker) == ("pending", 0, None)
    assert dispatcher.stats["released"] == 3


async def test_run_wakes_on_notify_and_keeps_sending(store, make_dispatcher):
    sender = FakeSender()
    stop = asyncio.Event()
    dispatcher = make_dispatcher(sender, poll=30, batch=5)
    running = asyncio.create_task(dispatcher.run(stop))
    await asyncio.sleep(0.05)
    await enqueue(store, 1)
    for chat in range(10, 22):  # more than a batch
        await enqueue(store, chat)
    dispatcher.notify()
    for _ in range(100):
        if len(sender.calls) == 13:
            break
        await asyncio.sleep(0.02)
    stop.set()
    await asyncio.wait_for(running, 2)
    assert len(sender.calls) == 13 and (await status(store)).counts["sent"] == 13


async def test_an_expired_lease_is_sent_again_and_counted(store, clock, make_dispatcher):
    (id,) = await enqueue(store, 1)
    async with store.unit_of_work() as uow:  # a worker claims it, then dies
        await uow.outbox.claim(10, 60, "dead-worker")
        await uow.commit()
    sender = FakeSender()
    dispatcher = make_dispatcher(sender)
    assert await dispatcher.drain_once() == 0
    clock.advance(seconds=61)
    assert await dispatcher.drain_once() == 1
    sent = await row(store, id)
    assert (sent.state, sent.duplicates, sent.attempts) == ("sent", 1, 2)
    assert dispatcher.stats["reclaimed"] == 1 and (await status(store)).duplicates == 1
