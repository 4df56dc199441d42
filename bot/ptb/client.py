"""bot.telegram.TelegramClient on python-telegram-bot 22: its Bot makes the calls, its errors become ours.

- Two HTTP connection pools, as PTB's Application makes them: a long poll never holds the pool the
  replies and the outbox need.
- Updates are fetched as JSON through PTB's own request object, not parsed: PTB's `get_updates`
  fails the whole batch (and logs its raw data) when one update cannot be read.
- Every text is sent as HTML with link previews off, as the aiogram adapter's defaults do.
"""

from __future__ import annotations

import os
import warnings
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, AsyncIterator, Sequence

# PTB 22 is moving time periods (retry_after) from int seconds to timedelta and warns on every 429
# until a program opts in; the bot reads both (see _seconds).
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import (  # noqa: E402
    Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LinkPreviewOptions, ReplyParameters,
)
from telegram import error as ptb_error
from telegram.constants import ParseMode
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter
from telegram.warnings import PTBDeprecationWarning

from bot.telegram import errors
from bot.telegram.client import ChatInfo, Keyboard, Me, Member, Sent, bot_id_from_token

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
POOL = 64  # connections for replies and the outbox (PTB's Application default is 256; 30 messages/s need few)


def keyboard(rows: Keyboard) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(b.text, url=b.url) if b.url else InlineKeyboardButton(b.text, callback_data=b.data)
         for b in row]
        for row in rows
    ])


def _parse_mode(html: bool) -> str | None:
    return ParseMode.HTML if html else None


def _seconds(error: ptb_error.RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 is moving retry_after from int to timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _described(error: ptb_error.TelegramError, prefix: str) -> str:
    """Telegram's description as Telegram wrote it: PTB strips its « Bad Request: » head."""
    text = error.message
    return text if text.lower().startswith(prefix.lower()) else f"{prefix}{text}"


@asynccontextmanager
async def translated(method: str = "") -> AsyncIterator[None]:
    """PTB's exceptions as bot.telegram.errors (PTB reports 5xx and 413 as NetworkError)."""
    try:
        yield
    except ptb_error.RetryAfter as error:
        raise errors.RetryAfter(_seconds(error), error.message, method) from error
    except ptb_error.ChatMigrated as error:
        raise errors.Migrated(error.new_chat_id, error.message, method) from error
    except ptb_error.Forbidden as error:
        raise errors.Forbidden(_described(error, "Forbidden: "), method) from error
    except ptb_error.BadRequest as error:
        raise errors.BadRequest(_described(error, "Bad Request: "), method) from error
    except ptb_error.InvalidToken as error:
        raise errors.Unauthorized(error.message, method) from error
    except ptb_error.Conflict as error:
        raise errors.ApiError(error.message, method, 409) from error
    except ptb_error.NetworkError as error:  # TimedOut included
        text = error.message
        if "too large" in text.lower():
            raise errors.TooLarge(text, method) from error
        if any(code in text for code in ("(500)", "(502)", "(503)", "(504)", "Bad Gateway")):
            raise errors.ServerError(text, method) from error
        raise errors.NetworkError(text, method) from error
    except ptb_error.TelegramError as error:
        raise errors.ApiError(error.message, method) from error


class PtbClient:
    framework = "ptb"

    def __init__(self, token: str, api_url: str = "https://api.telegram.org") -> None:
        api = api_url.rstrip("/")
        self._updates_request = HTTPXRequest(connection_pool_size=1, read_timeout=5.0)
        self.bot = Bot(token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot",
                       request=HTTPXRequest(connection_pool_size=POOL, pool_timeout=10.0),
                       get_updates_request=self._updates_request)
        self.bot_id = bot_id_from_token(token)
        self._updates_url = f"{api}/bot{token}/getUpdates"

    async def get_me(self) -> Me:
        async with translated("getMe"):
            me = await self.bot.get_me()
        return Me(me.id, me.username or "")

    async def get_updates(self, offset: int | None, timeout: int, allowed_updates: Sequence[str],
                          limit: int = 100) -> list[dict[str, Any]]:
        parameters = [RequestParameter.from_input("timeout", timeout), RequestParameter.from_input("limit", limit),
                      RequestParameter.from_input("allowed_updates", list(allowed_updates))]
        if offset is not None:
            parameters.append(RequestParameter.from_input("offset", offset))
        async with translated("getUpdates"):
            result = await self._updates_request.post(self._updates_url, RequestData(parameters),
                                                      read_timeout=timeout + 10)
        return list(result) if isinstance(result, list) else []

    async def send_message(self, chat_id: int, text: str, *, buttons: Keyboard = (), thread_id: int | None = None,
                           reply_to: int | None = None, html: bool = True) -> Sent:
        async with translated("sendMessage"):
            sent = await self.bot.send_message(
                chat_id, text, reply_markup=keyboard(buttons), message_thread_id=thread_id,
                parse_mode=_parse_mode(html), link_preview_options=NO_PREVIEW,
                reply_parameters=ReplyParameters(reply_to) if reply_to is not None else None,
            )
        return Sent(sent.message_id)

    async def send_file(self, chat_id: int, kind: str, data: bytes, filename: str, *, caption: str | None = None,
                        buttons: Keyboard = (), thread_id: int | None = None) -> Sent:
        upload = InputFile(data, filename=filename)
        method = self.bot.send_photo if kind == "photo" else self.bot.send_document
        async with translated("sendPhoto" if kind == "photo" else "sendDocument"):
            sent = await method(chat_id, upload, caption=caption or None, reply_markup=keyboard(buttons),
                                message_thread_id=thread_id, parse_mode=ParseMode.HTML)
        return Sent(sent.message_id)

    async def edit_message_text(self, chat_id: int, message_id: int, text: str, *, buttons: Keyboard = (),
                                html: bool = True) -> None:
        async with translated("editMessageText"):
            await self.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id,
                                             reply_markup=keyboard(buttons), parse_mode=_parse_mode(html),
                                             link_preview_options=NO_PREVIEW)

    async def copy_message(self, chat_id: int, from_chat_id: int, message_id: int, *, thread_id: int | None = None,
                           caption: str | None = None, reply_to: int | None = None) -> Sent:
        async with translated("copyMessage"):
            sent = await self.bot.copy_message(
                chat_id, from_chat_id, message_id, message_thread_id=thread_id, caption=caption,
                parse_mode=ParseMode.HTML if caption is not None else None,
                reply_parameters=ReplyParameters(reply_to) if reply_to is not None else None,
            )
        return Sent(sent.message_id)

    async def answer_callback_query(self, callback_id: str, text: str | None = None, show_alert: bool = False) -> None:
        async with translated("answerCallbackQuery"):
            await self.bot.answer_callback_query(callback_id, text=text or None, show_alert=show_alert)

    async def set_my_commands(self, commands: Sequence[tuple[str, str]], language_code: str | None = None) -> None:
        async with translated("setMyCommands"):
            await self.bot.set_my_commands([BotCommand(c, d) for c, d in commands], language_code=language_code)

    async def get_chat(self, chat_id: int) -> ChatInfo:
        async with translated("getChat"):
            chat = await self.bot.get_chat(chat_id)
        return ChatInfo(chat.id, str(chat.type), bool(chat.is_forum))

    async def create_forum_topic(self, chat_id: int, name: str) -> int:
        async with translated("createForumTopic"):
            topic = await self.bot.create_forum_topic(chat_id, name)
        return topic.message_thread_id

    async def edit_forum_topic(self, chat_id: int, thread_id: int, name: str) -> None:
        async with translated("editForumTopic"):
            await self.bot.edit_forum_topic(chat_id, thread_id, name=name)

    async def get_chat_administrators(self, chat_id: int) -> list[Member]:
        async with translated("getChatAdministrators"):
            # return_bots is Bot API 10.1, newer than PTB 22's 10.0: passed as a raw parameter
            admins = await self.bot.get_chat_administrators(chat_id, api_kwargs={"return_bots": True})
        return [_member(a) for a in admins]

    async def get_chat_member_count(self, chat_id: int) -> int:
        async with translated("getChatMemberCount"):
            return await self.bot.get_chat_member_count(chat_id)

    async def get_chat_member(self, chat_id: int, user_id: int) -> Member:
        async with translated("getChatMember"):
            return _member(await self.bot.get_chat_member(chat_id, user_id))

    async def set_webhook(self, url: str, secret: str | None, allowed_updates: Sequence[str]) -> None:
        async with translated("setWebhook"):
            await self.bot.set_webhook(url, secret_token=secret, allowed_updates=list(allowed_updates))

    async def delete_webhook(self) -> None:
        async with translated("deleteWebhook"):
            await self.bot.delete_webhook(drop_pending_updates=False)

    async def close(self) -> None:
        # The two connection pools are ours; Bot.initialize()/shutdown() are not used: initialize()
        # would put the token in its error message when Telegram refuses it.
        await self.bot.request.shutdown()
        await self._updates_request.shutdown()


def _member(member: Any) -> Member:
    user = member.user
    return Member(user.id, user.first_name or "", bool(user.is_bot), str(member.status),
                  bool(getattr(member, "is_member", False)))
