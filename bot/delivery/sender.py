"""The dispatcher's sender: an outbox row in, a Telegram message out, a SendResult back (both frameworks).

Two halves, so the pacing holds at the instant a request leaves (see bot.delivery.dispatcher):
`prepare(row)` does everything slow before the slot is taken (the message of a reminder is
written now, in the person's language now, in a unit of work; a file is loaded or drawn), and
`send(prepared)` only makes the request. `__call__(row)` does both, for callers without the hook.
Case rows (cards, alerts, a family's messages to the staff chat: dialogs.cases.render) go through
bot.delivery.case_sender, which also opens the case's forum topic and posts its card first.

Telegram's answers (bot.telegram.errors, whichever framework made the call) become SendResults:
- 429 RetryAfter: retry_after(seconds). Its scope is "chat", unless the description says
  "global", or 429s came for GLOBAL_CHATS different chats within GLOBAL_WINDOW seconds: then the
  bot as a whole is over the limit (its immediate replies are not paced by the dispatcher, and
  neither is a second process), and every chat waits.
- 403 Forbidden (blocked, deactivated, kicked from a group), 400 "chat not found":
  permanent and unreachable. Other 400s, and 413: permanent, but the chat is fine (a bug in the
  message: it is failed, kept, and can be retried by the staff once fixed).
- 5xx, network errors, timeouts, 401/404/409 (a bad deployment, not a bad message): transient.
Logs carry ids and codes only, never a message's text.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import deque
from dataclasses import dataclass, field

from bot.delivery.case_sender import CASE_TYPES, CasePrepared, CaseSender
from bot.delivery.result import SendResult
from bot.telegram import errors
from bot.telegram.client import TelegramClient
from dialogs import logids
from dialogs.events import Reply
from dialogs.reminders.payload import reply_from_payload
from dialogs.reminders.render import render
from storage.repos.outbox import OutboxRow
from storage.store import Store

log = logging.getLogger("relier.delivery")

GLOBAL_CHATS = 3  # 429s for this many different chats...
GLOBAL_WINDOW = 1.0  # ...within this many seconds: the limit hit is the bot's, not a chat's
UNREACHABLE_400 = ("chat not found", "peer_id_invalid", "user not found")


@dataclass(frozen=True)
class Prepared:
    row: OutboxRow = field(repr=False)
    reply: Reply = field(repr=False)  # its text is never logged
    file: bytes | None = field(default=None, repr=False)


def error_code(status: int | str, description: str) -> str:
    """A short code from Telegram's description ("Bad Request: can't parse entities: ..." gives
    "400_can_t_parse_entities"): the words of its first clause, never anything further."""
    detail = description.split(":", 2)[1] if description.count(":") >= 1 else description
    words = re.findall(r"[a-z]+", detail.lower())[:4]
    return "_".join([str(status), *words])[:32]


class OutboxSender:
    def __init__(self, client: TelegramClient, store: Store, default_locale: str = "fr") -> None:
        self._client = client
        self._store = store
        self._default_locale = default_locale
        self._floods: deque[tuple[float, int]] = deque()  # (loop time, chat) of recent 429s
        self.cases = CaseSender(client, store, default_locale)  # case cards, alerts and relays: topics first

    async def __call__(self, row: OutboxRow) -> SendResult:
        prepared = await self.prepare(row)
        if prepared is None:
            return SendResult.skip("obsolete")
        if isinstance(prepared, SendResult):
            return prepared
        return await self.send(prepared)

    async def prepare(self, row: OutboxRow) -> Prepared | CasePrepared | None:
        """The message ready to go, or None when it no longer applies (the row is dropped)."""
        if row.payload.get("type") in CASE_TYPES:
            return await self.cases.prepare(row)
        if row.payload.get("type", "reply") == "reply":
            reply = reply_from_payload(row.chat_id, row.payload, row.thread_id)
        else:
            async with self._store.unit_of_work() as uow:
                reply = await render(uow, row, self._default_locale)
            if reply is None:
                return None
        reply = Reply(row.chat_id, reply.text, reply.buttons, thread_id=row.thread_id or reply.thread_id,
                      attachment=reply.attachment)  # the row says where it goes
        data = await reply.attachment.data() if reply.attachment is not None else None
        return Prepared(row, reply, data)

    async def send(self, prepared: Prepared | CasePrepared) -> SendResult:
        reply = prepared.reply
        try:
            if isinstance(prepared, CasePrepared):
                await self.cases.send(prepared)
            else:
                await self._request(reply, prepared.file)
        except errors.RetryAfter as error:
            return SendResult.retry_after(error.seconds, self._flood_scope(reply.chat_id, error.description))
        except errors.Migrated as error:  # a group became a supergroup: its id changed
            log.warning("outbox.chat_migrated id=%s chat=%s new_chat=%s", prepared.row.id,
                        logids.chat(reply.chat_id), logids.chat(error.new_chat_id))
            return SendResult.permanent("chat_migrated", unreachable=False)
        except errors.Forbidden as error:
            text = error.description.lower()
            reason = "deactivated" if "deactivated" in text else "kicked" if "kicked" in text else "blocked"
            return SendResult.permanent(reason)
        except errors.BadRequest as error:
            if error.says(*UNREACHABLE_400):
                return SendResult.permanent("chat_not_found")
            return SendResult.permanent(error_code(400, error.description), unreachable=False)
        except errors.TooLarge:
            return SendResult.permanent("413_too_large", unreachable=False)
        except errors.ServerError as error:
            return SendResult.transient(error_code("5xx", error.description))
        except errors.NetworkError:
            return SendResult.transient("network")
        except errors.TelegramError as error:  # 401, 404, 409...: the deployment, not the message
            return SendResult.transient(f"api_{type(error).__name__}"[:32])
        except (TimeoutError, asyncio.TimeoutError):
            return SendResult.transient("timeout")
        return SendResult.ok()

    async def _request(self, reply: Reply, file: bytes | None) -> None:
        if reply.attachment is not None and file is not None:
            await self._client.send_file(reply.chat_id, reply.attachment.kind, file, reply.attachment.filename,
                                         caption=reply.text or None, buttons=reply.buttons, thread_id=reply.thread_id)
            return
        await self._client.send_message(reply.chat_id, reply.text, buttons=reply.buttons, thread_id=reply.thread_id)

    def _flood_scope(self, chat_id: int, description: str) -> str:
        """ "global" when the description says so or several chats hit 429 together; else "chat"."""
        now = asyncio.get_running_loop().time()
        self._floods.append((now, chat_id))
        while self._floods and self._floods[0][0] < now - GLOBAL_WINDOW:
            self._floods.popleft()
        if "global" in description.lower():
            return "global"
        return "global" if len({chat for _at, chat in self._floods}) >= GLOBAL_CHATS else "chat"
