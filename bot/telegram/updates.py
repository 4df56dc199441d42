"""One Telegram update (Bot API JSON) in, one framework-neutral `Incoming` out.

Both adapters fetch updates as JSON and the webhook receives JSON, so this is the only place
that reads an update, whichever framework sends the replies. An update this function cannot
read raises `UnreadableUpdate`: the caller logs its id and goes on with the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.telegram.client import Member
from dialogs.cases.link import PREFIX as LINK
from dialogs.events import Event, Kind

ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "my_chat_member", "chat_member")
MEDIA_FIELDS = ("sticker", "photo", "voice", "video_note", "video", "audio", "document", "animation", "contact",
                "location", "poll", "dice")
PRESENT = ("creator", "administrator", "member")


class UnreadableUpdate(ValueError):
    """The update lacks what every update of its kind has (a chat, a sender...)."""


@dataclass(frozen=True)
class Incoming:
    """What one update asks of the bot: an event for the dialogs, and/or people who joined a group."""

    update_id: int
    kind: str  # the update's type: "message", "callback_query"...
    event: Event | None = None
    callback_id: str | None = None  # a button press is answered (answerCallbackQuery)
    joined_chat: int | None = None  # a group someone joined, and who (bot.telegram.staff_watch)
    joined: tuple[Member, ...] = ()


def read_update(update: dict[str, Any], at: datetime, bot_username: str) -> Incoming:
    try:
        update_id = int(update["update_id"])
        kind = next((key for key in update if key != "update_id"), "")
        body = update.get(kind)
        if kind == "message":
            return _message(update_id, kind, body, at, bot_username, edited=False)
        if kind == "edited_message":
            return _message(update_id, kind, body, at, bot_username, edited=True)
        if kind == "callback_query":
            return Incoming(update_id, kind, _callback(body, at), callback_id=str(body["id"]))
        if kind == "my_chat_member":
            return Incoming(update_id, kind, _membership(body, at))
        if kind == "chat_member":
            user = _joined_user(body)
            return Incoming(update_id, kind, joined_chat=int(body["chat"]["id"]) if user else None,
                            joined=(user,) if user else ())
        return Incoming(update_id, kind)  # a kind the bot did not ask for: nothing to do
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise UnreadableUpdate(f"{type(error).__name__} in {next(iter(update), '?') if isinstance(update, dict) else '?'}") from error


def _user(data: dict[str, Any]) -> Member:
    return Member(int(data["id"]), str(data.get("first_name") or ""), bool(data.get("is_bot", False)))


def _message(update_id: int, kind: str, message: dict[str, Any], at: datetime, bot_username: str,
             edited: bool) -> Incoming:
    chat = message["chat"]
    if not edited and message.get("new_chat_members"):  # the « joined » service message: who is in a staff chat
        return Incoming(update_id, kind, joined_chat=int(chat["id"]),
                        joined=tuple(_user(u) for u in message["new_chat_members"]))
    sender = message.get("from")
    if sender is None or sender.get("is_bot"):
        return Incoming(update_id, kind)
    reply_to = message.get("reply_to_message")
    base = dict(
        user_id=int(sender["id"]),
        chat_id=int(chat["id"]),
        at=at,
        language_code=sender.get("language_code"),
        display_name=str(sender.get("first_name") or ""),
        private=chat["type"] == "private",
        message_id=int(message["message_id"]),
        thread_id=message.get("message_thread_id"),
        reply_to=int(reply_to["message_id"]) if reply_to else None,
    )
    if edited:  # its text is still screened for danger (dialogs.safety); it is not taken as an answer
        return Incoming(update_id, kind, Event(kind=Kind.EDITED, text=message.get("text") or message.get("caption") or "",
                                               **base))
    text = message.get("text")
    if text is None:
        media = next((f for f in MEDIA_FIELDS if message.get(f)), "other")
        return Incoming(update_id, kind, Event(kind=Kind.MEDIA, media=media, text=message.get("caption") or "", **base))
    command = _command(text, message.get("entities") or [], bot_username)
    if command is not None:
        name, argument = command
        return Incoming(update_id, kind, Event(kind=Kind.COMMAND, command=name, text=argument, **base))
    return Incoming(update_id, kind, Event(kind=Kind.TEXT, text=str(text), **base))


def _command(text: str, entities: list[dict[str, Any]], bot_username: str) -> tuple[str, str] | None:
    if not any(e.get("type") == "bot_command" and e.get("offset") == 0 for e in entities) or not text.startswith("/"):
        return None
    head, _, argument = text.partition(" ")
    name, _, addressee = head[1:].partition("@")
    if addressee and addressee.lower() != bot_username.lower():
        return None
    return name.lower(), argument.strip()


def _callback(query: dict[str, Any], at: datetime) -> Event:
    sender = query["from"]
    message = query.get("message") or {}
    chat = message.get("chat")
    return Event(
        user_id=int(sender["id"]),
        chat_id=int(chat["id"]) if chat else int(sender["id"]),
        kind=Kind.BUTTON,
        at=at,
        language_code=sender.get("language_code"),
        display_name=str(sender.get("first_name") or ""),
        private=chat is None or chat.get("type") == "private",
        data=str(query.get("data") or ""),
        message_id=message.get("message_id"),
        thread_id=message.get("message_thread_id"),
    )


def _membership(update: dict[str, Any], at: datetime) -> Event | None:
    """The bot's own membership in a private chat changed: "kicked" (the person blocked the bot)
    or "member" (unblocked). Groups are left alone (the staff chat is the centre's business)."""
    chat, sender = update["chat"], update.get("from")
    if chat["type"] != "private" or sender is None:
        return None
    return Event(
        user_id=int(sender["id"]),
        chat_id=int(chat["id"]),
        kind=Kind.MEMBERSHIP,
        at=at,
        language_code=sender.get("language_code"),
        private=True,
        text=str(update["new_chat_member"]["status"]),  # "member" or "kicked"
    )


def _joined_user(update: dict[str, Any]) -> Member | None:
    """The user who is now in a group and was not before (joined, added, back), else None."""
    if update["chat"]["type"] == "private":
        return None
    old, new = update["old_chat_member"], update["new_chat_member"]
    was = old["status"] in PRESENT or bool(old.get("is_member"))
    now = new["status"] in PRESENT or bool(new.get("is_member"))
    return _user(new["user"]) if now and not was else None


def is_link_confirmation(event: Event) -> bool:
    """« Yes, link this group » pressed in a group (dialogs.cases.link checked who pressed it)."""
    return event.kind is Kind.BUTTON and not event.private and event.data.startswith(f"{LINK}|yes|")
