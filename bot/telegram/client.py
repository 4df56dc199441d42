"""The dozen Bot API methods the bot uses, as one Protocol both frameworks implement.

bot.aiogram.client and bot.ptb.client are the only places that know a framework. Everything above
(replies, the outbox sender, case topics, the staff chat watch, polling and the webhook) is written
once against `TelegramClient`, takes plain values back (`Sent`, `Me`, `ChatInfo`, `Member`) and
catches bot.telegram.errors. Texts are Telegram HTML unless `html=False`. Buttons are the dialogs'
own (dialogs.events.Button): each adapter makes its inline keyboard from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Sequence

from dialogs.events import Button

Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Sent:
    message_id: int


@dataclass(frozen=True)
class Me:
    id: int
    username: str


@dataclass(frozen=True)
class ChatInfo:
    id: int
    type: str
    is_forum: bool = False


@dataclass(frozen=True)
class Member:
    """A user as seen in a group: who they are and their status there."""

    user_id: int
    first_name: str = ""
    is_bot: bool = False
    status: str = "member"  # creator, administrator, member, restricted, left, kicked
    is_member: bool = False  # for "restricted": still in the group

    @property
    def present(self) -> bool:
        return self.status in ("creator", "administrator", "member") or self.is_member


class TelegramClient(Protocol):
    """One bot's connection to the Bot API. `bot_id` is known from the token, before any call."""

    framework: str
    bot_id: int

    async def get_me(self) -> Me: ...

    async def get_updates(self, offset: int | None, timeout: int, allowed_updates: Sequence[str],
                          limit: int = 100) -> list[dict[str, Any]]:
        """The updates as Telegram's JSON, unparsed: one a framework cannot read never blocks the others.
        Calling it confirms the updates below `offset` (Telegram forgets them)."""

    async def send_message(self, chat_id: int, text: str, *, buttons: Keyboard = (), thread_id: int | None = None,
                           reply_to: int | None = None, html: bool = True) -> Sent: ...

    async def send_file(self, chat_id: int, kind: str, data: bytes, filename: str, *, caption: str | None = None,
                        buttons: Keyboard = (), thread_id: int | None = None) -> Sent:
        """`kind` "photo" (sendPhoto) or "document" (sendDocument)."""

    async def edit_message_text(self, chat_id: int, message_id: int, text: str, *, buttons: Keyboard = (),
                                html: bool = True) -> None: ...

    async def copy_message(self, chat_id: int, from_chat_id: int, message_id: int, *, thread_id: int | None = None,
                           caption: str | None = None, reply_to: int | None = None) -> Sent: ...

    async def answer_callback_query(self, callback_id: str, text: str | None = None, show_alert: bool = False) -> None: ...

    async def set_my_commands(self, commands: Sequence[tuple[str, str]], language_code: str | None = None) -> None: ...

    async def get_chat(self, chat_id: int) -> ChatInfo: ...

    async def create_forum_topic(self, chat_id: int, name: str) -> int:
        """The new topic's message_thread_id."""

    async def edit_forum_topic(self, chat_id: int, thread_id: int, name: str) -> None: ...

    async def get_chat_administrators(self, chat_id: int) -> list[Member]: ...

    async def get_chat_member_count(self, chat_id: int) -> int: ...

    async def get_chat_member(self, chat_id: int, user_id: int) -> Member: ...

    async def set_webhook(self, url: str, secret: str | None, allowed_updates: Sequence[str]) -> None: ...

    async def delete_webhook(self) -> None: ...

    async def close(self) -> None: ...


def bot_id_from_token(token: str) -> int:
    """The bot's user id is the token's first part (123456:ABC... -> 123456)."""
    head = token.split(":", 1)[0]
    return int(head) if head.isdigit() else 0
