"""The Telegram runtime on aiogram 3: updates to the dialogs, replies to the Bot API."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import weakref

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramNetworkError, TelegramRetryAfter
from aiogram import methods
from aiogram.methods import Response as ApiResponse
from aiogram.types import BotCommand, BufferedInputFile, CallbackQuery, ChatMemberUpdated, Message

from bot.aiogram_events import (
    callback_event, is_link_confirmation, joined_user, keyboard, membership_event, message_event,
)
from bot.bootstrap import Core
from bot.staff_watch import StaffChatWatch
from dialogs.commands import PUBLIC_COMMANDS, command_descriptions
from dialogs import logids
from dialogs.events import Event, Reply, Response
from dialogs.i18n import LOCALES, _, resolve_locale, use_locale
from storage.clock import Clock

log = logging.getLogger("relier.telegram")

REPLY_WAIT_MAX = 5  # seconds a person's answer may wait for a flood wait to end, once
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member", "chat_member"]
METHODS_USED = (
    methods.GetUpdates, methods.GetMe, methods.SendMessage, methods.EditMessageText, methods.AnswerCallbackQuery,
    methods.SendPhoto, methods.SendDocument, methods.SetMyCommands, methods.DeleteWebhook, methods.SetWebhook,
    methods.GetChatAdministrators, methods.GetChatMemberCount, methods.GetChatMember,
)


def make_bot(token: str, api_url: str) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url))
    return Bot(
        token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


class TelegramApp:
    """Wires one aiogram Dispatcher to the dialogs; the only place that calls Telegram."""

    def __init__(self, core: Core, bot: Bot, clock: Clock, default_locale: str = "fr") -> None:
        self.core = core
        self.bot = bot
        self.clock = clock
        self.default_locale = default_locale
        self.username = core.dialogs.config.bot_username
        self.dispatcher = Dispatcher()
        router = Router(name="relier")
        router.message.register(self.on_message)
        router.edited_message.register(self.on_edited)
        router.callback_query.register(self.on_callback)
        router.my_chat_member.register(self.on_membership)
        router.chat_member.register(self.on_chat_member)
        self.dispatcher.include_router(router)
        self._chats: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._busy: set[asyncio.Task] = set()  # updates being handled, awaited at shutdown
        self.watch = StaffChatWatch(bot, core.store, default_locale, lambda: core.dialogs.on_queued)
        # aiogram parses each answer with a generic Response[...] model that pydantic only
        # caches weakly; holding them here saves rebuilding one per call (about 1 ms each).
        self._response_models = [ApiResponse[m.__returning__] for m in METHODS_USED]

    async def on_message(self, message: Message) -> None:
        if message.new_chat_members:  # the « joined » service message: who is in a staff chat
            await self.watch.joined(message.chat.id, message.new_chat_members)
            return
        event = message_event(message, self.clock.now(), self.username)
        if event is not None:
            await self.process(event)

    async def on_edited(self, message: Message) -> None:
        event = message_event(message, self.clock.now(), self.username, edited=True)
        if event is not None:
            await self.process(event)

    async def on_callback(self, query: CallbackQuery) -> None:
        await self.process(callback_event(query, self.clock.now()), callback_id=query.id)

    async def on_membership(self, update: ChatMemberUpdated) -> None:
        event = membership_event(update, self.clock.now())
        if event is not None:
            await self.process(event)

    async def on_chat_member(self, update: ChatMemberUpdated) -> None:
        """Someone's membership of a group changed (sent because the bot is an administrator there)."""
        user = joined_user(update)
        if user is not None:
            await self.watch.joined(update.chat.id, [user])

    async def process(self, event: Event, callback_id: str | None = None) -> None:
        """Handle and answer one update; a person's updates are answered in the order they came."""
        lock = self._chats.get(event.user_id)
        if lock is None:
            lock = self._chats[event.user_id] = asyncio.Lock()
        task = asyncio.current_task()
        if task is not None:
            self._busy.add(task)
        try:
            async with lock:
                await self._process(event, callback_id)
        finally:
            self._busy.discard(task)

    async def finish_updates(self, timeout: float = 10.0) -> None:
        """Once polling stopped: let the updates under way be answered (aiogram does not wait)."""
        busy = [task for task in self._busy if task is not asyncio.current_task()]
        if busy:
            _done, late = await asyncio.wait(busy, timeout=timeout)
            if late:
                log.warning("stopped with %d update(s) unanswered", len(late))

    async def _process(self, event: Event, callback_id: str | None) -> None:
        started = time.perf_counter()
        try:
            response = await self.core.dialogs.handle(event)
        except Exception:
            log.exception("update failed user=%s kind=%s", logids.user(event.user_id), event.kind.value)
            response = self.apology(event)
        if callback_id is not None:
            await self.answer(callback_id, response)
        for reply in response.replies:
            await self.deliver(reply)
        if is_link_confirmation(event) and response.replies:  # just linked: who else is in the group?
            await self.watch.linked(event.chat_id)
        log.info(
            "update user=%s kind=%s replies=%d ms=%.1f",
            logids.user(event.user_id), event.kind.value, len(response.replies),
            (time.perf_counter() - started) * 1000,
        )

    def apology(self, event: Event) -> Response:
        locale = resolve_locale(None, event.language_code, self.default_locale)
        with use_locale(locale):
            text = _("Sorry, something went wrong on my side. What you had already saved is kept. Send /menu to go on.")
        if not event.private:
            return Response()
        return Response([Reply(event.chat_id, text)], callback_text="")

    async def answer(self, callback_id: str, response: Response) -> None:
        try:
            await self.bot.answer_callback_query(
                callback_id, text=response.callback_text or None, show_alert=response.callback_alert
            )
        except TelegramBadRequest:
            log.info("callback answer refused (too old)")

    async def deliver(self, reply: Reply) -> None:
        """Send one reply; an edit that cannot happen becomes a new message. A short flood wait
        (the outbox wrote to this chat a moment ago, say) is waited out once."""
        try:
            await self._deliver(reply)
        except TelegramRetryAfter as error:
            if error.retry_after > REPLY_WAIT_MAX:
                log.warning("reply dropped chat=%s: flood wait of %s s", logids.chat(reply.chat_id),
                            error.retry_after)
                return
            await asyncio.sleep(error.retry_after)
            try:
                await self._deliver(reply)
            except TelegramRetryAfter:
                log.warning("reply dropped chat=%s: flood wait again", logids.chat(reply.chat_id))

    async def _deliver(self, reply: Reply) -> None:
        markup = keyboard(reply.buttons)
        try:
            if reply.attachment is not None:
                file = BufferedInputFile(await reply.attachment.data(), filename=reply.attachment.filename)
                if reply.attachment.kind == "photo":
                    await self.bot.send_photo(reply.chat_id, file, caption=reply.text or None, reply_markup=markup,
                                              message_thread_id=reply.thread_id)
                else:
                    await self.bot.send_document(reply.chat_id, file, caption=reply.text or None,
                                                 reply_markup=markup, message_thread_id=reply.thread_id)
                return
            if reply.edit_message_id is not None:
                try:
                    await self.bot.edit_message_text(
                        text=reply.text, chat_id=reply.chat_id, message_id=reply.edit_message_id, reply_markup=markup
                    )
                    return
                except TelegramBadRequest as error:
                    if "not modified" in error.message:
                        return
                    log.info("edit impossible chat=%s, sending instead", logids.chat(reply.chat_id))
            await self.bot.send_message(
                reply.chat_id, reply.text, reply_markup=markup, message_thread_id=reply.thread_id
            )
        except TelegramForbiddenError:
            log.info("chat=%s blocked the bot", logids.chat(reply.chat_id))
        except TelegramNetworkError:
            log.warning("send failed chat=%s: Telegram could not be reached", logids.chat(reply.chat_id))
        except TelegramBadRequest as error:
            log.warning("send refused chat=%s: %s", logids.chat(reply.chat_id), error.message.split(":")[0])

    async def prepare(self, stop: asyncio.Event | None = None) -> bool:
        """Reach Telegram (waiting while the network is down), learn the bot's username and
        publish the command list in each language. False if asked to stop meanwhile."""
        delay = 1.0
        while True:
            try:
                me = await self.bot.get_me()
                break
            except TelegramNetworkError:
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
            commands = [BotCommand(command=c, description=descriptions[c]) for c in PUBLIC_COMMANDS]
            await self.bot.set_my_commands(commands, language_code=locale)
            if locale == self.default_locale:
                await self.bot.set_my_commands(commands)
        gc.collect()
        gc.freeze()  # start-up objects (aiogram's type models, mostly) are never garbage
        return True

    async def run_polling(self, stop: asyncio.Event | None = None, prepared: bool = False) -> None:
        """Poll until `stop` is set; the bot's session is its owner's to close."""
        if not prepared and not await self.prepare(stop):
            return
        await self.bot.delete_webhook(drop_pending_updates=False)
        polling = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot, allowed_updates=ALLOWED_UPDATES, handle_signals=False, close_bot_session=False,
                polling_timeout=30,
            )
        )
        waiter = asyncio.create_task((stop or asyncio.Event()).wait())
        done, _pending = await asyncio.wait({polling, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if waiter in done:
            await self.dispatcher.stop_polling()
        else:
            waiter.cancel()
        try:
            await polling
        finally:
            await self.finish_updates()

    async def run_webhook(self, url: str, listen: str, port: int, secret: str | None,
                          stop: asyncio.Event | None = None, prepared: bool = False) -> None:
        """Serve Telegram's webhook calls on listen:port until `stop` is set."""
        from aiohttp import web
        from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
        from urllib.parse import urlsplit

        if not prepared and not await self.prepare(stop):
            return
        app = web.Application()
        path = urlsplit(url).path or "/"
        SimpleRequestHandler(self.dispatcher, self.bot, secret_token=secret).register(app, path=path)
        setup_application(app, self.dispatcher, bot=self.bot)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, listen, port)
        await site.start()
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
        log.info("webhook listening on %s:%s", listen, port)
        try:
            await (stop or asyncio.Event()).wait()
        finally:
            await runner.cleanup()
            await self.finish_updates()
