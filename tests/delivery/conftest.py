"""A fake sender with real timing, and helpers to fill the outbox."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import pytest

from bot.delivery import Dispatcher, Limits, SendResult

FAST = Limits(overall_per_second=200, private_per_second=100, group_per_minute=6000)


@dataclass(frozen=True)
class Call:
    start: float  # time.monotonic() when the send started
    end: float
    chat_id: int
    row_id: int
    attempts: int


class FakeSender:
    """Answers ok, or what `script[chat_id]` says, one answer per send; records every send."""

    def __init__(self, script: dict[int, list[SendResult]] | None = None, delay: float = 0.0,
                 now=time.monotonic) -> None:
        self.script = script or {}
        self.delay = delay
        self.now = now
        self.calls: list[Call] = []

    async def __call__(self, row) -> SendResult:
        start = self.now()
        answers = self.script.get(row.chat_id)
        result = answers.pop(0) if answers else SendResult.ok()
        if self.delay:
            await asyncio.sleep(self.delay)
        self.calls.append(Call(start, self.now(), row.chat_id, row.id, row.attempts))
        return result

    def chats(self) -> list[int]:
        return [call.chat_id for call in self.calls]


def max_in_window(times: list[float], width: float) -> int:
    """The most sends in any closed window of `width` seconds."""
    times, best, first = sorted(times), 0, 0
    for index, instant in enumerate(times):
        while times[first] < instant - width:
            first += 1
        best = max(best, index - first + 1)
    return best


async def enqueue(store, chat_id: int, count: int = 1, **options) -> list[int]:
    ids = []
    async with store.unit_of_work() as uow:
        for _ in range(count):
            options.setdefault("due_at", store.clock.now())
            ids.append(await uow.outbox.enqueue(chat_id, {"text": "secret text"}, **options))
        await uow.commit()
    return ids


async def row(store, id: int):
    async with store.unit_of_work() as uow:
        return await uow.outbox.get(id)


async def status(store):
    async with store.unit_of_work() as uow:
        return await uow.outbox.status()


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock jumps to the next timer instead of sleeping: a minute of pacing
    runs in milliseconds, with the real limits. Only for code that waits on timers, not on I/O."""

    def __init__(self) -> None:
        super().__init__()
        self._now = 0.0
        select = self._selector.select

        def jump(timeout=None):
            # Each turn takes a microsecond, as a real one would: aiolimiter's float rounding
            # can ask for a wait of zero, and a clock that never moves would spin forever.
            self._now += max(timeout or 0.0, 1e-6)
            return select(0)

        self._selector.select = jump

    def time(self) -> float:
        return self._now


@pytest.fixture
def store(core):
    return core.store


@pytest.fixture
def make_dispatcher(store):
    def make(sender, limits: Limits = FAST, **options) -> Dispatcher:
        options.setdefault("batch", 200)
        return Dispatcher(store, sender, limits, store.clock, worker_id="test-worker", **options)

    return make
