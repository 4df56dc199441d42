"""The bot on Telegram, whichever framework: updates to the dialogs, replies back.

`TelegramApp` is written once against bot.telegram.TelegramClient; bot.aiogram and bot.ptb only
provide the client. Updates come as JSON from polling (bot.telegram.polling) or the webhook
(bot.telegram.webhook) and are read by bot.telegram.updates; one that cannot be read is logged
by its id and skipped, and the others are answered.

Ordering and concurrency: a person's updates are handled and answered in the order they came
(one lock per person, held from the dialogs to the last reply); different people's updates run
side by side, at most `updates_at_once` at a time (1: one after the other).
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections import Counter
from typing import TYPE_CHECKING, Any

from bot.memory import settle
from bot.telegram.client import TelegramClient
from bot.telegram.errors import NetworkError, ServerError
from bot.telegram.replies import Replies
from bot.telegram.staff_watch import StaffChatWatch
from bot.telegram.updates import UnreadableUpdate, is_link_confirmation, read_update
from dialogs import logids
from dialogs.commands import PUBLIC_COMMANDS, command_descriptions
from dialogs.events import Event, Reply, Response
from dialogs.i18n import LOCALES, _, resolve_locale, use_locale
from storage.clock import Clock

if TYPE_CHECKING:
    from bot.bootstrap import Core

log = logging.getLogger("relier.telegram")

UPDATES_AT_ONCE = 32


class TelegramApp:
    def __init__(self, core: "Core", client: TelegramClient, clock: Clock, default_locale: str = "fr",
                 updates_at_once: int = UPDATES_AT_ONCE) -> None:
        self.core = core
        self.client = client
        self.clock = clock
        self.default_locale = default_locale
        self.username = core.dialogs.config.bot_username
        self.replies = Replies(client)
        self.watch = StaffChatWatch(client, core.store, default_locale, core.doorbell.ring)
        self.stats: Counter[str] = Counter()  # updates handled and skipped, replies sent (bot.telegram.metrics)
        self._slots = asyncio.Semaphore(max(1, updates_at_once))
        self._people: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._busy: set[asyncio.Task] = set()  # updates being handled, awaited at shutdown

    # -- updates in -------------------------------------------------------------------------

    async def feed(self, update: dict[str, Any]) -> asyncio.Task:
        """Take one update: returns once it is being handled (a slot is free), not when it is answered;
        the task returned ends when it is (handled, answered, or failed and logged: it never raises)."""
        await self._slots.acquire()
        task = asyncio.create_task(self._handle(update))
        self._busy.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task) -> None:
        self._busy.discard(task)
        self._slots.release()

    async def _handle(self, update: dict[str, Any]) -> None:
        try:
            incoming = read_update(update, self.clock.now(), self.username)
        except UnreadableUpdate as error:
            self.stats["updates_skipped"] += 1
            log.warning("update skipped id=%s: unreadable (%s)", update.get("update_id") if isinstance(update, dict)
                        else "?", error)
            return
        try:
            if incoming.joined:
                await self.watch.joined(incoming.joined_chat, incoming.joined)
            if incoming.event is not None:
                await self.process(incoming.event, incoming.callback_id)
        except Exception:  # noqa: BLE001 - one update's failure never stops the others
            log.exception("update failed id=%s kind=%s", incoming.update_id, incoming.kind)

    async def process(self, event: Event, callback_id: str | None = None) -> None:
        """Handle and answer one event; a person's events are answered in the order they came."""
        lock = self._people.get(event.user_id)
        if lock is None:
            lock = self._people[event.user_id] = asyncio.Lock()
        async with lock:
            await self._process(event, callback_id)

    async def _process(self, event: Event, callback_id: str | None) -> None:
        started = time.perf_counter()
        try:
            response = await self.core.dialogs.handle(event)
        except Exception:
            log.exception("update failed user=%s kind=%s", logids.user(event.user_id), event.kind.value)
            response = self.apology(event)
        if callback_id is not None:
            await self.replies.answer(callback_id, response)
        for reply in response.replies:
            await self.replies.deliver(reply)
        if is_link_confirmation(event) and response.replies:  # just linked: who else is in the group?
            await self.watch.linked(event.chat_id)
        self.stats["updates_handled"] += 1
        self.stats["replies_sent"] += len(response.replies)
        log.info("update user=%s kind=%s replies=%d ms=%.1f", logids.user(event.user_id), event.kind.value,
                 len(response.replies), (time.perf_counter() - started) * 1000)

    def apology(self, event: Event) -> Response:
        locale = resolve_locale(None, event.language_code, self.default_locale)
        with use_locale(locale):
            text = _("Sorry, something went wrong on my side. What you had already saved is kept. Send /menu to go on.")
        if not event.private:
            return Response()
        return Response([Reply(event.chat_id, text)], callback_text="")

    async def finish_updates(self, timeout: float = 10.0) -> int:
        """Once no update is taken any more: let the ones under way be answered. The number left unanswered."""
        busy = [task for task in self._busy if task is not asyncio.current_task()]
        if not busy:
            return 0
        _done, late = await asyncio.wait(busy, timeout=timeout)
        if late:
            log.warning("stopped with %d update(s) unanswered", len(late))
        return len(late)

    # -- start ------------------------------------------------------------------------------

    async def prepare(self, stop: asyncio.Event | None = None) -> bool:
        """Reach Telegram (waiting while the network is down), learn the bot's username and
        publish the command list in each language. False if asked to stop meanwhile."""
        delay = 1.0
        while True:
            try:
                me = await self.client.get_me()
                break
            except (NetworkError, ServerError):
                log.error("cannot reach the Telegram Bot API; trying again in %.0f s", delay)
                if stop is not None:
                    try:
                        await asyncio.wait_for(stop.wait(), timeout=delay)
                        return False
                    except asyncio.TimeoutError:
                        pass
                else:
                    await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)
        self.username = me.username or self.username
        self.core.dialogs.config = type(self.core.dialogs.config)(
            bot_username=self.username, default_locale=self.core.dialogs.config.default_locale
        )
        for locale in LOCALES:
            with use_locale(locale):
                descriptions = command_descriptions()
            commands = [(c, descriptions[c]) for c in PUBLIC_COMMANDS]
            await self.client.set_my_commands(commands, language_code=locale)
            if locale == self.default_locale:
                await self.client.set_my_commands(commands)
        settle()  # start-up objects (the frameworks' type models, mostly) are never garbage; see bot/memory.py
        return True
