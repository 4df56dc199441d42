"""Simulated parents walking through onboarding, and the watcher that sees the bot's replies.

Everything here runs in the benchmark process, next to the fake Bot API server
(tests.fakebot.FakeTelegram), and only uses its public side: tg.user, tg.send_text, tg.press,
tg.press_raw, tg.mark, tg.events, tg.calls and tg.pulse.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.fakebot import ApiCall, ChatMessage, FakeTelegram

# A French-speaking parent's onboarding, one update per step.
WALK: tuple[tuple[str, str, str | None], ...] = (
    ("start", "text", "/start"),
    ("continue", "press", "Continuer"),
    ("accept", "press", "J'accepte"),
    ("parent", "press", "Je suis parent"),
    ("name", "text", None),  # the child's first name
    ("age", "press", "12"),
    ("school", "press", "Collège"),
    ("done", "press", "Non, c'est tout"),
)
STEPS = tuple(name for name, _kind, _arg in WALK)
CHILD_NAMES = ("Léo", "Inès", "Noé", "Jade", "Malo", "Lina", "Maël", "Zoé")
PARENT_NAMES = ("Camille", "Dominique", "Sacha", "Claude", "Alix", "Morgan")
# The calls that answer an update in its chat (answerCallbackQuery does not: it shows no text).
REPLY_METHODS = frozenset({"sendMessage", "editMessageText"})


@dataclass
class Reply:
    at: float  # the fake's clock (time.time) when it recorded the answering call
    method: str
    message: ChatMessage | None  # the bot's latest message in the chat, as it is now


class ReplyWatcher:
    """Follows tg.events and tg.calls with cursors and resolves each chat's waiting future.

    One task for all chats: tg.next_reply() re-reads the whole event log for every waiter at
    every pulse, which is quadratic with hundreds of simultaneous users.
    """

    def __init__(self, tg: FakeTelegram) -> None:
        self.tg = tg
        self.latest: dict[int, ChatMessage] = {}
        self.waiting: dict[int, tuple[int, asyncio.Future[Reply]]] = {}
        self.rejected: list[ApiCall] = []
        self.calls_by_method: dict[str, int] = {}
        self._calls = 0
        self._events = 0
        self._task: asyncio.Task | None = None

    def start(self) -> ReplyWatcher:
        self._task = asyncio.create_task(self._run())
        return self

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    def expect(self, chat_id: int) -> asyncio.Future[Reply]:
        """Call before injecting the update: the next reply call after now resolves it."""
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = (self.tg.mark(), future)
        return future

    def forget(self, chat_id: int) -> None:
        entry = self.waiting.pop(chat_id, None)
        if entry is not None and not entry[1].done():
            entry[1].cancel()

    def skip_to_now(self) -> None:
        """Ignore what happened so far (before a phase starts)."""
        self.drain()
        self.rejected.clear()
        self.calls_by_method.clear()

    def drain(self) -> None:
        events = self.tg.events
        while self._events < len(events):
            event = events[self._events]
            self._events += 1
            if event.kind != "deleted":
                self.latest[event.message.chat_id] = event.message
        calls = self.tg.calls
        while self._calls < len(calls):
            call = calls[self._calls]
            self._calls += 1
            self.calls_by_method[call.method] = self.calls_by_method.get(call.method, 0) + 1
            if not call.ok:
                if not call.injected:
                    self.rejected.append(call)
                continue
            if call.method not in REPLY_METHODS:
                continue
            chat_id = call.params.get("chat_id")
            entry = self.waiting.get(chat_id)
            if entry is None or call.seq <= entry[0]:
                continue
            del self.waiting[chat_id]
            if not entry[1].done():
                entry[1].set_result(Reply(call.at, call.method, self.latest.get(chat_id)))

    async def _run(self) -> None:
        while True:
            self.drain()
            await self.tg.pulse.wait(1.0)


class Parent:
    """One simulated parent; `echo` presses with raw callback data (the echo bot has no buttons)."""

    _names = itertools.count()

    def __init__(self, tg: FakeTelegram, echo: bool) -> None:
        number = next(self._names)
        self.user = tg.user(first_name=PARENT_NAMES[number % len(PARENT_NAMES)], language_code="fr")
        self.child = CHILD_NAMES[number % len(CHILD_NAMES)]
        self.echo = echo
        self.step = 0
        self.message: ChatMessage | None = None

    @property
    def chat_id(self) -> int:
        return self.user.id

    @property
    def done(self) -> bool:
        return self.step >= len(WALK)

    @property
    def step_name(self) -> str:
        return STEPS[self.step]

    async def act(self, tg: FakeTelegram) -> None:
        """Inject this parent's next update; AssertionError if the expected button is missing."""
        _name, kind, arg = WALK[self.step]
        if kind == "text":
            await tg.send_text(self.user, arg or self.child)
            return
        if self.message is None:
            raise AssertionError("no bot message to press a button on")
        if self.echo:
            await tg.press_raw(self.user, self.message, arg)
        else:
            await tg.press(self.user, self.message, text=arg)

    def advance(self, reply: Reply) -> None:
        self.message = reply.message
        self.step += 1


@dataclass
class Sample:
    step: str
    injected: float  # time.time()
    latency: float | None = None  # seconds, None while (or if) unanswered


@dataclass
class PhaseResult:
    samples: list[Sample] = field(default_factory=list)
    users: int = 0
    walks_completed: int = 0
    broken: list[str] = field(default_factory=list)  # a button the walk needed was missing
    lags: list[float] = field(default_factory=list)  # injection behind schedule, seconds
    started: float = 0.0  # time.time()
    ended: float = 0.0

    def answered(self) -> list[Sample]:
        return [s for s in self.samples if s.latency is not None]

    def unanswered(self) -> int:
        return sum(1 for s in self.samples if s.latency is None)


async def open_loop(tg: FakeTelegram, watcher: ReplyWatcher, *, rate: float, duration: float,
                    think: tuple[float, float], echo: bool, drain: float = 5.0,
                    rng: random.Random | None = None) -> PhaseResult:
    """Inject updates on a fixed schedule (rate per second), whatever the replies do.

    Each update comes from a parent who has had the reply to their previous step and has
    "read" it for a think time; when nobody is ready, a new parent starts. Replies never slow
    the schedule down: a slow bot just gets more parents in flight.
    """
    rng = rng or random.Random(1)
    loop = asyncio.get_running_loop()
    result = PhaseResult()
    ready: list[tuple[float, int, Parent]] = []  # (ready at, tie-break, parent)
    order = itertools.count()
    outstanding = 0
    all_answered = asyncio.Event()

    def answered(parent: Parent, sample: Sample, future: asyncio.Future[Reply]) -> None:
        nonlocal outstanding
        if future.cancelled():
            return
        reply = future.result()
        sample.latency = reply.at - sample.injected
        parent.advance(reply)
        outstanding -= 1
        if parent.done:
            result.walks_completed += 1
        else:
            heapq.heappush(ready, (loop.time() + rng.uniform(*think), next(order), parent))
        if outstanding == 0:
            all_answered.set()

    total = int(rate * duration)
    begin = loop.time() + 0.01
    result.started = time.time()
    for k in range(total):
        due = begin + k / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        now = loop.time()
        if ready and ready[0][0] <= now:
            parent = heapq.heappop(ready)[2]
        else:
            parent = Parent(tg, echo)
            result.users += 1
        future = watcher.expect(parent.chat_id)
        step = parent.step_name
        try:
            await parent.act(tg)
        except AssertionError as problem:
            watcher.forget(parent.chat_id)
            result.broken.append(f"{step}: {str(problem).splitlines()[0]}")
            continue
        sample = Sample(step, time.time())
        result.lags.append(loop.time() - due)
        result.samples.append(sample)
        outstanding += 1
        all_answered.clear()
        future.add_done_callback(lambda f, p=parent, s=sample: answered(p, s, f))
    result.ended = time.time()
    if outstanding:
        try:
            await asyncio.wait_for(all_answered.wait(), drain)
        except asyncio.TimeoutError:
            pass
    for chat_id in list(watcher.waiting):
        watcher.forget(chat_id)
    return result


async def closed_loop(tg: FakeTelegram, watcher: ReplyWatcher, *, concurrency: int,
                      duration: float, ramp: float, echo: bool,
                      on_window: Callable[[str], None], grace: float = 5.0) -> PhaseResult:
    """`concurrency` parents at a time, each sending its next step as soon as its reply came.

    Only replies inside the window [start + ramp, start + ramp + duration] count; on_window
    is called with "open" and "close" at its edges (to read CPU counters).
    """
    result = PhaseResult()
    stop = asyncio.Event()

    async def parent_after_parent() -> None:
        while not stop.is_set():
            parent = Parent(tg, echo)
            result.users += 1
            while not parent.done and not stop.is_set():
                future = watcher.expect(parent.chat_id)
                step = parent.step_name
                try:
                    await parent.act(tg)
                except AssertionError as problem:
                    watcher.forget(parent.chat_id)
                    result.broken.append(f"{step}: {str(problem).splitlines()[0]}")
                    break
                sample = Sample(step, time.time())
                result.samples.append(sample)
                reply = await future
                sample.latency = reply.at - sample.injected
                parent.advance(reply)
            if parent.done:
                result.walks_completed += 1

    workers = [asyncio.create_task(parent_after_parent()) for _ in range(concurrency)]
    await asyncio.sleep(ramp)
    on_window("open")
    result.started = time.time()
    await asyncio.sleep(duration)
    result.ended = time.time()
    on_window("close")
    stop.set()
    _done, pending = await asyncio.wait(workers, timeout=grace)
    for task in pending:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    for chat_id in list(watcher.waiting):
        watcher.forget(chat_id)
    return result
