"""bot.telegram.TelegramClient on aiogram 3: its Bot makes the calls, its errors become ours.

Updates are fetched as JSON (a getUpdates whose result aiogram does not parse): the bot reads them
itself (bot.telegram.updates), so one update aiogram's models refuse never stops the others.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Sequence

from aiogram import Bot, methods
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError, TelegramBadRequest, TelegramConflictError, TelegramEntityTooLarge, TelegramForbiddenError, TelegramMigrateToChat,
    TelegramNetworkError, TelegramRetryAfter, TelegramServerError, TelegramUnauthorizedError,
)
from aiogram.methods import Response as ApiResponse
from aiogram.types import (
    BotCommand, BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters,
)

from bot.telegram import errors
from bot.telegram.client import ChatInfo, Keyboard, Me, Member, Sent, bot_id_from_token

METHODS_USED = (
    methods.GetMe, methods.SendMessage, methods.EditMessageText, methods.AnswerCallbackQuery, methods.SendPhoto,
    methods.SendDocument, methods.CopyMessage, methods.SetMyCommands, methods.DeleteWebhook, methods.SetWebhook,
    methods.GetChat, methods.GetChatAdministrators, methods.GetChatMemberCount, methods.GetChatMember,
    methods.CreateForumTopic, methods.EditForumTopic,
)


class RawGetUpdates(methods.GetUpdates):
    """getUpdates, its result left as JSON."""

    __returning__ = list[dict[str, Any]]


def keyboard(rows: Keyboard) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=b.text, url=b.url) if b.url else InlineKeyboardButton(text=b.text, callback_data=b.data)
         for b in row]
        for row in rows
    ])


def _parse_mode(html: bool) -> str | None:
    return ParseMode.HTML if html else None


@asynccontextmanager
async def translated(method: str = "") -> AsyncIterator[None]:
    """aiogram's exceptions as bot.telegram.errors."""
    try:
        yield
    except TelegramRetryAfter as error:
        raise errors.RetryAfter(float(error.retry_after), error.message, method) from error
    except TelegramMigrateToChat as error:
        raise errors.Migrated(error.migrate_to_chat_id, error.message, method) from error
    except TelegramForbiddenError as error:
        raise errors.Forbidden(error.message, method) from error
    except TelegramBadRequest as error:
        raise errors.BadRequest(error.message, method) from error
    except TelegramEntityTooLarge as error:
        raise errors.TooLarge(error.message, method) from error
    except TelegramServerError as error:
        raise errors.ServerError(error.message, method) from error
    except TelegramNetworkError as error:
        raise errors.NetworkError(error.message, method) from error
    except TelegramUnauthorizedError as error:
        raise errors.Unauthorized(error.message, method) from error
    except TelegramConflictError as error:
        raise errors.ApiError(error.message, method, 409) from error
    except TelegramAPIError as error:  # 404 and the rest
        raise errors.ApiError(error.message, method) from error
    except (TimeoutError, asyncio.TimeoutError) as error:
        raise errors.NetworkError("timeout", method) from error


class AiogramClient:
    framework = "aiogram"

    def __init__(self, token: str, api_url: str = "https://api.telegram.org") -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url.rstrip("/")))
        self.bot = Bot(token, session=session,
                       default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True))
        self.bot_id = bot_id_from_token(token)
        # aiogram parses each answer with a generic Response[...] model that pydantic only caches
        # weakly; holding them here saves rebuilding one per call (about 1 ms each).
        self._response_models = [ApiResponse[m.__returning__] for m in (*METHODS_USED, RawGetUpdates)]

    async def get_me(self) -> Me:
        async with translated("getMe"):
            me = await self.bot.get_me()
        return Me(me.id, me.username or "")

    async def get_updates(self, offset: int | None, timeout: int, allowed_updates: Sequence[str],
                          limit: int = 100) -> list[dict[str, Any]]:
        async with translated("getUpdates"):
            return await self.bot(RawGetUpdates(offset=offset, limit=limit, timeout=timeout,
                                                allowed_updates=list(allowed_updates)),
                                  request_timeout=timeout + 10)

    async def send_message(self, chat_id: int, text: str, *, buttons: Keyboard = (), thread_id: int | None = None,
                           reply_to: int | None = None, html: bool = True) -> Sent:
        async with translated("sendMessage"):
            sent = await self.bot.send_message(
                chat_id, text, reply_markup=keyboard(buttons), message_thread_id=thread_id, parse_mode=_parse_mode(html),
                reply_parameters=ReplyParameters(message_id=reply_to) if reply_to is not None else None,
            )
        return Sent(sent.message_id)

    async def send_file(self, chat_id: int, kind: str, data: bytes, filename: str, *, caption: str | None = None,
                        buttons: Keyboard = (), thread_id: int | None = None) -> Sent:
        upload = BufferedInputFile(data, filename=filename)
        method = self.bot.send_photo if kind == "photo" else self.bot.send_document
        async with translated("sendPhoto" if kind == "photo" else "sendDocument"):
            sent = await method(chat_id, upload, caption=caption or None, reply_markup=keyboard(buttons),
                                message_thread_id=thread_id)
        return Sent(sent.message_id)

    async def edit_message_text(self, chat_id: int, message_id: int, text: str, *, buttons: Keyboard = (),
                                html: bool = True) -> None:
        async with translated("editMessageText"):
            await self.bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id,
                                             reply_markup=keyboard(buttons), parse_mode=_parse_mode(html))

    async def copy_message(self, chat_id: int, from_chat_id: int, message_id: int, *, thread_id: int | None = None,
                           caption: str | None = None, reply_to: int | None = None) -> Sent:
        async with translated("copyMessage"):
            sent = await self.bot.copy_message(
                chat_id, from_chat_id, message_id, message_thread_id=thread_id, caption=caption,
                reply_parameters=ReplyParameters(message_id=reply_to) if reply_to is not None else None,
            )
        return Sent(sent.message_id)

    async def answer_callback_query(self, callback_id: str, text: str | None = None, show_alert: bool = False) -> None:
        async with translated("answerCallbackQuery"):
            await self.bot.answer_callback_query(callback_id, text=text or None, show_alert=show_alert)

    async def set_my_commands(self, commands: Sequence[tuple[str, str]], language_code: str | None = None) -> None:
        async with translated("setMyCommands"):
            await self.bot.set_my_commands([BotCommand(command=c, description=d) for c, d in commands],
                                           language_code=language_code)

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
            admins = await self.bot.get_chat_administrators(chat_id, return_bots=True)
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
        await self.bot.session.close()


def _member(member: Any) -> Member:
    status = getattr(member.status, "value", member.status)
    user = member.user
    return Member(user.id, user.first_name or "", bool(user.is_bot), str(status), bool(getattr(member, "is_member", False)))
