"""Telegram's sending limits, kept by construction.

Every limit is a minimum *spacing* between two sends, enforced by an aiolimiter bucket of size
one: `AsyncLimiter(1, s)` lets an acquisition through only once the previous one has leaked out,
that is `s` seconds later. (`AsyncLimiter(30, 1)` would not do: its bucket holds 30, so it lets
30 through at once and 30 more as it drains, about 60 in the first second. python-telegram-bot's
AIORateLimiter has that flaw.)

Why spacing keeps a window limit: with sends at least s = (1 + margin) * P / N apart, a closed
window of P seconds holding n sends spans (n - 1) * s <= P, so n <= 1 + N / (1 + margin), which
is at most N for any margin > 0. In a chat: 1.15 s apart in a private chat (`private_margin`, 15 %:
Telegram counts when a message reaches it, and the way there varies by tens of milliseconds, more
on a busy machine or network; nobody notices a second message 150 ms later), 3.15 s apart in a
group (at most 20 in any minute; there the 5 % margin already leaves 150 ms).

Overall, a bucket of exactly one would lose time: each send waits s after the previous one
*actually* went, so the event loop's wake-up lateness (about 1 ms here) adds up, and 30/s became
0.92 of the limit in the delivery benchmark. The overall bucket therefore holds 1 + t (a
tolerance t of at most 0.05) and leaks one send every s: lateness is absorbed instead of added,
and a window of P seconds holds at most 1 + t + P / s = 1 + t + N / (1 + margin) sends, below
N + 1 as long as t < N * margin / (1 + margin), which `Pacer` makes sure of. With the defaults:
27.3 sends a second in a steady stream, never 31 in any second. The overall margin is 10 %
(`overall_margin`; it was 5 %, as a group's still is): Telegram counts arrivals too, and in the first second
of a burst the first sends are the slowest on their way (new connections). With 5 %, one send arriving 15 ms
late was enough for 31 in a second at the fake server on a busy 2-core machine (1 burst in 9 when 5 % was
chosen, and twice in full test runs on 2026-12-04); with 10 % it takes about 60 ms.

The guarantee holds at the instant each send starts: a send takes its global and its chat slot in
the same turn of the event loop, right before it is handed to the sender (see `Pacer.slot`). In a
chat it also holds where Telegram counts: the next send to a chat starts a full spacing after the
previous one was *answered* (`Pacer.sent`), and Telegram counted that one before answering it, so
a first message slowed on its way (a busy machine, a slow network) never arrives closer to the
second than the spacing. It holds for one process: run one dispatcher per bot, or split `overall_per_second` among them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from aiolimiter import AsyncLimiter


@dataclass(frozen=True)
class Limits:
    overall_per_second: float = 30
    private_per_second: float = 1  # per private chat (positive chat id)
    group_per_minute: float = 20  # per group, supergroup or channel (negative chat id)
    margin: float = 0.05  # a group's spacing is this much longer than the bare limit
    overall_margin: float = 0.10  # the spacing of all sends together (see above: the first sends of a burst are slow)
    private_margin: float = 0.15  # a private chat's spacing: 1.15 s for 1 a second (see above)

    def __post_init__(self) -> None:
        if min(self.overall_per_second, self.private_per_second, self.group_per_minute) <= 0:
            raise ValueError("every rate must be positive")
        if min(self.margin, self.private_margin, self.overall_margin) <= 0:
            raise ValueError("the margin must be positive, or a window could hold one send too many")

    @property
    def overall_spacing(self) -> float:
        return (1 + self.overall_margin) / self.overall_per_second

    def chat_spacing(self, chat_id: int) -> float:
        if is_group(chat_id):
            return (1 + self.margin) * 60 / self.group_per_minute
        return (1 + self.private_margin) / self.private_per_second


def is_group(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids in the Bot API."""
    return chat_id < 0


class Pacer:
    """One global bucket and one per chat; a chat's bucket is forgotten once it is empty again.

    A chat must be paced by one task at a time (the dispatcher runs one task per chat): that task
    waits for its chat to be ready, then for a global slot, then takes the chat slot without
    suspending, so both are taken at the instant the send starts.
    """

    SWEEP_EVERY = 256

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        n, margin = self.limits.overall_per_second, self.limits.overall_margin
        self.tolerance = min(0.05, 0.5 * n * margin / (1 + margin))
        capacity = 1 + self.tolerance
        self._overall = AsyncLimiter(capacity, capacity * self.limits.overall_spacing)
        self._chats: dict[int, AsyncLimiter] = {}
        self._last: dict[int, float] = {}  # loop time of each chat's last slot
        self._answered: dict[int, float] = {}  # loop time from which a chat's next send may start (Pacer.sent)
        self._busy: set[int] = set()
        self._taken = 0

    async def slot(self, chat_id: int, may_send: Callable[[], bool] = lambda: True) -> bool:
        """Wait for a global and a chat slot; False when `may_send()` turned false meanwhile
        (a flood wait started): then no chat slot was taken and the caller must not send."""
        loop = asyncio.get_running_loop()
        chat = self._chat(chat_id)
        self._busy.add(chat_id)
        try:
            while True:
                while not chat.has_capacity() or loop.time() < self._answered.get(chat_id, 0.0):
                    ready_at = max(self._last.get(chat_id, 0.0) + self.limits.chat_spacing(chat_id),
                                   self._answered.get(chat_id, 0.0))
                    await asyncio.sleep(max(ready_at - loop.time(), 0.001))
                if not may_send():
                    return False
                await self._overall.acquire()
                if not may_send():
                    return False  # the global slot goes unused: fewer sends, never more
                if chat.has_capacity():  # still true: no other task paces this chat
                    await chat.acquire()  # has capacity, so this does not suspend
                    self._last[chat_id] = loop.time()
                    self._taken += 1
                    if self._taken % self.SWEEP_EVERY == 0:
                        self._sweep()
                    return True
        finally:
            self._busy.discard(chat_id)

    def sent(self, chat_id: int) -> None:
        """The send to `chat_id` is over (answered, refused or timed out): its next send waits a full
        spacing from now."""
        loop = asyncio.get_running_loop()
        self._answered[chat_id] = loop.time() + self.limits.chat_spacing(chat_id)

    def chats_tracked(self) -> int:
        return len(self._chats)

    def _chat(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            limiter = self._chats[chat_id] = AsyncLimiter(1, self.limits.chat_spacing(chat_id))
        return limiter

    def _sweep(self) -> None:
        """Forget the buckets that are empty: a new one behaves exactly the same."""
        for chat_id in [c for c, limiter in self._chats.items() if c not in self._busy and limiter.has_capacity()]:
            del self._chats[chat_id]
            self._last.pop(chat_id, None)
        now = asyncio.get_running_loop().time()
        for chat_id in [c for c, at in self._answered.items() if c not in self._busy and at <= now]:
            del self._answered[chat_id]


class FloodHolds:
    """The flood waits Telegram asked for (429 retry_after): for one chat, or for the whole bot.
    Instants come from the injected clock; a wait that is over is forgotten when next asked."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._everyone: datetime | None = None
        self._chats: dict[int, datetime] = {}

    def hold(self, chat_id: int | None, until: datetime) -> None:
        """Nothing to `chat_id` (None: to anyone) before `until`; a longer wait already set stays."""
        if chat_id is None:
            self._everyone = max(until, self._everyone or until)
        else:
            self._chats[chat_id] = max(until, self._chats.get(chat_id, until))

    def until(self, chat_id: int | None) -> datetime | None:
        """Until when sending (to this chat, or at all) is paused; None if it is not."""
        now = self._now()
        if self._everyone is not None and self._everyone <= now:
            self._everyone = None
        until = self._everyone
        if chat_id is not None and chat_id in self._chats:
            if self._chats[chat_id] <= now:
                del self._chats[chat_id]
            else:
                until = max(self._chats[chat_id], until or now)
        return until
