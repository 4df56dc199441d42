"""What tests read back from the fake, and how they wait for the bot without sleeping."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from .model import ApiCall, BotEvent, CallbackQueryRecord, ChatMessage, SimGroup, SimUser
from .updates import Pulse, UpdateQueue, update_type
from .world import World

Predicate = Callable[[ChatMessage], bool]


def chat_id_of(chat: Any) -> int:
    """A chat given as SimUser, SimGroup, Message dict, ChatMessage or id."""
    if isinstance(chat, (SimUser, SimGroup)):
        return chat.id
    if isinstance(chat, ChatMessage):
        return chat.chat_id
    if isinstance(chat, dict):
        return chat["chat"]["id"]
    return int(chat)


class Inspection:
    """Mixin of FakeTelegram."""

    world: World
    updates: UpdateQueue
    pulse: Pulse
    calls: list[ApiCall]
    events: list[BotEvent]
    callback_answers: dict[str, CallbackQueryRecord]
    _seq: int
    _in_flight: int
    _last_call: float
    _cursors: dict[int, int]

    # -- reading -----------------------------------------------------------------------------
    @property
    def sent(self) -> list[ChatMessage]:
        """Every message the bot sent, in order, as it is now (deleted ones flagged)."""
        return self.world.bot_messages()

    @property
    def rejected(self) -> list[ApiCall]:
        """Calls Telegram would have refused (injected failures excluded)."""
        return [call for call in self.calls if not call.ok and not call.injected]

    @property
    def update_log(self) -> list[dict]:
        return list(self.updates.history)

    def chat_messages(self, chat: Any) -> list[ChatMessage]:
        """The bot's messages still visible in a chat."""
        chat_id = chat_id_of(chat)
        return [m for m in self.sent if m.chat_id == chat_id and not m.deleted]

    def last_message(self, chat: Any) -> ChatMessage | None:
        messages = self.chat_messages(chat)
        return messages[-1] if messages else None

    def history(self, chat: Any) -> list[ChatMessage]:
        """Everything visible in a chat, people's messages included."""
        chat_id = chat_id_of(chat)
        return [m for m in self.world.history
                if m.chat_id == chat_id and not m.deleted and m.kind != "service"]

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def assert_no_rejections(self) -> None:
        if self.rejected:
            lines = [f"  {c.method} -> {c.status} {c.description} {c.params}"
                     for c in self.rejected]
            raise AssertionError("fake Telegram rejected calls:\n" + "\n".join(lines))

    # -- waiting -----------------------------------------------------------------------------
    def mark(self) -> int:
        """A point in time: waits 'since' a mark only see what happened after it."""
        return self._seq

    def replies(self, chat: Any, since: int = 0) -> list[ChatMessage]:
        """Bot messages sent or edited in a chat after a mark (current versions, no repeats)."""
        chat_id = chat_id_of(chat)
        found: list[ChatMessage] = []
        for event in self.events:
            if event.seq > since and event.kind != "deleted" and event.message.chat_id == chat_id:
                if event.message not in found:
                    found.append(event.message)
        return found

    async def next_reply(self, who: Any, since: int | None = None, timeout: float = 5.0,
                         predicate: Predicate | None = None,
                         fail_on_rejection: bool = True) -> ChatMessage:
        """The next bot message (new or edited) in who's chat.

        Without `since`, "next" means after the last simulated action in that chat, then after
        the previous next_reply: two calls in a row return the bot's first and second message.
        """
        chat_id = chat_id_of(who)
        start = since if since is not None else self._cursors.get(chat_id, self._seq)
        event = await self._wait_event(chat_id, start, predicate, timeout, fail_on_rejection)
        self._cursors[chat_id] = event.seq
        return event.message

    async def wait_for_message(self, chat: Any, after: int | None = None,
                               predicate: Predicate | None = None, timeout: float = 5.0,
                               fail_on_rejection: bool = True) -> ChatMessage:
        """The first bot message sent or edited in the chat after the mark (default: now)."""
        start = self._seq if after is None else after
        event = await self._wait_event(chat_id_of(chat), start, predicate, timeout,
                                       fail_on_rejection)
        return event.message

    async def _wait_event(self, chat_id: int, start: int, predicate: Predicate | None,
                          timeout: float, fail_on_rejection: bool) -> BotEvent:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for event in self.events:
                if (event.seq > start and event.kind != "deleted"
                        and event.message.chat_id == chat_id
                        and (predicate is None or predicate(event.message))):
                    return event
            if fail_on_rejection:
                self._raise_on_rejection(chat_id, start)
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"no bot message in chat {chat_id} within {timeout}s after mark {start}\n"
                    + self.describe(chat_id)
                )
            await self.pulse.wait(remaining)

    def _raise_on_rejection(self, chat_id: int, start: int) -> None:
        for call in self.calls:
            if call.seq <= start or call.ok or call.injected:
                continue
            if call.chat_id == chat_id or call.status == 501:
                raise AssertionError(
                    f"the bot's {call.method} was rejected: {call.status} {call.description}\n"
                    f"  params: {call.params}"
                )

    async def settle(self, timeout: float = 5.0, quiet: float = 0.1) -> None:
        """Wait until the bot fetched every update, answered every button press it fetched,
        has no request in flight and made no call for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            outstanding = self._outstanding()
            idle = time.monotonic() - max(self._last_call, self.updates.last_delivery)
            if not outstanding and idle >= quiet:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                reasons = outstanding or ["the bot kept calling the API"]
                raise AssertionError("fake Telegram did not settle: " + "; ".join(reasons))
            await self.pulse.wait(min(remaining, quiet - idle) if not outstanding else remaining)

    def _outstanding(self) -> list[str]:
        reasons = [f"update {u['update_id']} ({update_type(u)}) not fetched by the bot"
                   for u in self.updates.undelivered()]
        if self._in_flight:
            reasons.append(f"{self._in_flight} API call(s) in progress")
        for update in self.updates.history:
            query = update.get("callback_query")
            if isinstance(query, dict) and update["update_id"] in self.updates.delivered_at:
                record = self.world.callback_queries.get(query.get("id"))  # None: a raw update
                if record and not record.answered and update not in self.updates.dropped:
                    reasons.append(f"callback query {record.id} (data {record.data!r}) "
                                   "was never answered")
        return reasons

    def describe(self, chat_id: int | None = None) -> str:
        """A short report for assertion messages: the chat's bot messages and recent calls."""
        lines = []
        if chat_id is not None:
            lines.append(f"bot messages in chat {chat_id}:")
            lines += [f"  {m!r}" for m in self.chat_messages(chat_id)] or ["  (none)"]
        lines.append("last API calls:")
        recent = [c for c in self.calls if c.method != "getUpdates"][-8:]
        lines += [f"  {c.method} -> {c.status} {c.description or ''}"
                  for c in recent] or ["  (none)"]
        return "\n".join(lines)
