"""Interactive replies: what the dialogs answered, sent at once (the outbox is for everything else).

- A button press is answered first (its toast, or nothing), then the replies in order.
- An edit that cannot happen (the message is too old, deleted) becomes a new message; "not modified" is fine.
- A short flood wait (the outbox wrote to this chat a moment ago, say) is waited out once; a long
  one drops the reply, logged (the person may press again; nothing they wrote is lost: it is stored).
- A blocked chat, a network failure or a refused message is logged by id and code, never by text.
"""

from __future__ import annotations

import asyncio
import logging

from bot.telegram import errors
from bot.telegram.client import TelegramClient
from dialogs import logids
from dialogs.events import Reply, Response

log = logging.getLogger("relier.telegram")

REPLY_WAIT_MAX = 5  # seconds a person's answer may wait for a flood wait to end, once


class Replies:
    def __init__(self, client: TelegramClient) -> None:
        self.client = client

    async def answer(self, callback_id: str, response: Response) -> None:
        try:
            await self.client.answer_callback_query(callback_id, response.callback_text or None,
                                                    response.callback_alert)
        except errors.BadRequest:
            log.info("callback answer refused (too old)")
        except errors.TelegramError as error:
            log.warning("callback answer failed: %s", type(error).__name__)

    async def deliver(self, reply: Reply) -> None:
        """Send one reply; see the module's docstring."""
        try:
            await self._deliver(reply)
        except errors.RetryAfter as error:
            if error.seconds > REPLY_WAIT_MAX:
                log.warning("reply dropped chat=%s: flood wait of %s s", logids.chat(reply.chat_id), error.seconds)
                return
            await asyncio.sleep(error.seconds)
            try:
                await self._deliver(reply)
            except errors.RetryAfter:
                log.warning("reply dropped chat=%s: flood wait again", logids.chat(reply.chat_id))

    async def _deliver(self, reply: Reply) -> None:
        try:
            if reply.attachment is not None:
                await self.client.send_file(reply.chat_id, reply.attachment.kind, await reply.attachment.data(),
                                            reply.attachment.filename, caption=reply.text or None,
                                            buttons=reply.buttons, thread_id=reply.thread_id)
                return
            if reply.edit_message_id is not None:
                try:
                    await self.client.edit_message_text(reply.chat_id, reply.edit_message_id, reply.text,
                                                        buttons=reply.buttons)
                    return
                except errors.BadRequest as error:
                    if error.says("not modified"):
                        return
                    log.info("edit impossible chat=%s, sending instead", logids.chat(reply.chat_id))
            await self.client.send_message(reply.chat_id, reply.text, buttons=reply.buttons, thread_id=reply.thread_id)
        except errors.Forbidden:
            log.info("chat=%s blocked the bot", logids.chat(reply.chat_id))
        except errors.NetworkError:
            log.warning("send failed chat=%s: Telegram could not be reached", logids.chat(reply.chat_id))
        except errors.BadRequest as error:
            log.warning("send refused chat=%s: %s", logids.chat(reply.chat_id), error.description.split(":")[0])
        except (errors.ServerError, errors.TooLarge, errors.ApiError, errors.Unauthorized, errors.Migrated) as error:
            log.warning("send failed chat=%s: %s", logids.chat(reply.chat_id), type(error).__name__)
