"""The framework-neutral boundary: what a person did, and what the bot answers."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum


class Kind(str, Enum):
    COMMAND = "command"
    TEXT = "text"
    BUTTON = "button"
    MEDIA = "media"  # sticker, photo, voice, document... anything but text
    EDITED = "edited"  # an edit of a message already sent
    MEMBERSHIP = "membership"  # the person blocked or unblocked the bot


@dataclass(frozen=True)
class Event:
    """One thing a person did. Adapters build it; dialogs never see Telegram objects."""

    user_id: int
    chat_id: int
    kind: Kind
    at: datetime
    language_code: str | None = None
    display_name: str = ""
    private: bool = True
    text: str = ""  # message text, a media's caption (if the adapter gives it), or the argument of a command
    command: str = ""  # without the slash, lower case, without @botname
    data: str = ""  # button data, as received: never trusted
    message_id: int | None = None  # for a button: the message that carried it
    thread_id: int | None = None
    media: str = ""  # for MEDIA: sticker, photo, voice, video, document, other
    reply_to: int | None = None  # the message this one replies to (in the staff chat: a case's card)


@dataclass(frozen=True)
class Button:
    text: str
    data: str = ""
    url: str = ""


@dataclass(frozen=True)
class Attachment:
    """A file to send. `render` makes it later, in a worker thread, once the update's
    transaction is over: a chart takes a tenth of a second that the event loop must not wait."""

    filename: str
    content: bytes = b""
    kind: str = "document"  # "photo" or "document"
    render: Callable[[], bytes] | None = None

    async def data(self) -> bytes:
        if self.render is None:
            return self.content
        return await asyncio.to_thread(self.render)


@dataclass(frozen=True)
class Reply:
    """A message to send, or an edit of the message a button was pressed on."""

    chat_id: int
    text: str  # Telegram HTML, with every outside value escaped
    buttons: tuple[tuple[Button, ...], ...] = ()
    edit_message_id: int | None = None
    thread_id: int | None = None
    attachment: Attachment | None = None


@dataclass
class Response:
    replies: list[Reply] = field(default_factory=list)
    callback_text: str | None = None  # the short notice shown when a button is pressed
    callback_alert: bool = False


def esc(value: object) -> str:
    """Escape a value for Telegram HTML (names, free text, anything from outside)."""
    return html.escape(str(value), quote=False)
