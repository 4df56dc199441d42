"""The dispatcher's `prepare` hook: slow work before the pacing slot, obsolete rows dropped."""

from __future__ import annotations

import asyncio
import time

from bot.delivery import Limits, SendResult
from bot.delivery.limits import Pacer
from tests.delivery.conftest import FakeSender, enqueue, row, status


class Prepare:
    """Takes `slow[chat_id]` seconds for a chat's rows, then answers `answers[chat_id]` or a tag."""

    def __init__(self, slow: dict[int, float] | None = None, answers: dict | None = None) -> None:
        self.slow = slow or {}
        self.answers = answers or {}
        self.seen: list[int] = []

    async def __call__(self, outbox_row):
        self.seen.append(outbox_row.id)
        await asyncio.sleep(self.slow.get(outbox_row.chat_id, 0.0))
        if outbox_row.chat_id in self.answers:
            answer = self.answers[outbox_row.chat_id]
            if isinstance(answer, Exception):
                raise answer
            return answer
        return outbox_row  # what `send` is given


async def test_sends_keep_their_spacing_though_preparing_takes_time(store, make_dispatcher):
    # Preparing chat 1's rows takes longer than the spacing; chat 2's are instant. Were the
    # preparation done after the slot (inside the send), chat 2's request could leave right after
    # chat 1's, closer than the limit allows: the pacing holds at the start of the request.
    for chat in (1, 2):
        await enqueue(store, chat, count=3)
    sender = FakeSender()
    limits = Limits(overall_per_second=5, private_per_second=100)  # 0.22 s between any two sends
    dispatcher = make_dispatcher(sender, limits, prepare=Prepare(slow={1: 0.3}))
    await dispatcher.drain_once()
    starts = sorted(call.start for call in sender.calls)
    assert len(starts) == 6
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    # The overall bucket holds 1 + tolerance, so a send after a late one may come that much sooner (limits.py).
    assert min(gaps) >= limits.overall_spacing * (1 - Pacer(limits).tolerance) - 0.002, gaps


async def test_a_row_prepared_as_obsolete_is_dropped_without_a_send(store, make_dispatcher):
    (stale,) = await enqueue(store, 1)
    (fresh,) = await enqueue(store, 2)
    sender = FakeSender()
    dispatcher = make_dispatcher(sender, prepare=Prepare(answers={1: None}))
    await dispatcher.drain_once()
    assert sender.chats() == [2]
    dropped = await row(store, stale)
    assert dropped.state == "dropped" and dropped.sent_at is None
    assert (await row(store, fresh)).state == "sent"
    assert dispatcher.stats["dropped"] == 1


async def test_a_skip_result_from_the_sender_drops_the_row(store, make_dispatcher):
    (id,) = await enqueue(store, 1)
    dispatcher = make_dispatcher(FakeSender({1: [SendResult.skip("obsolete")]}))
    await dispatcher.drain_once()
    assert (await row(store, id)).state == "dropped"


async def test_a_result_from_prepare_is_recorded_as_is_and_nothing_is_sent(store, make_dispatcher):
    (bad,) = await enqueue(store, 1)
    (broken,) = await enqueue(store, 2)
    sender = FakeSender()
    prepare = Prepare(answers={1: SendResult.permanent("400_bad_file", unreachable=False), 2: KeyError("bug")})
    dispatcher = make_dispatcher(sender, prepare=prepare)
    await dispatcher.drain_once()
    assert sender.calls == []
    failed = await row(store, bad)
    assert (failed.state, failed.last_error) == ("failed", "400_bad_file")
    retried = await row(store, broken)  # a rendering bug: retried later, like a network error
    assert (retried.state, retried.last_error, retried.attempts) == ("pending", "prepare_failed", 1)


async def test_shutdown_while_preparing_gives_the_row_back(store, make_dispatcher):
    (id,) = await enqueue(store, 1)
    sender = FakeSender()
    dispatcher = make_dispatcher(sender, prepare=Prepare(slow={1: 30}), grace=5)
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run(stop))
    for _ in range(200):
        if dispatcher.stats or (await row(store, id)).state == "sending":
            break
        await asyncio.sleep(0.01)
    started = time.monotonic()
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    assert time.monotonic() - started < 1  # not held for the grace: nothing was being sent
    back = await row(store, id)
    assert (back.state, back.attempts, back.worker) == ("pending", 0, None)
    assert sender.calls == [] and (await status(store)).counts["sending"] == 0
