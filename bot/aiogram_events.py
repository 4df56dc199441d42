"""aiogram objects in, framework-neutral events out (and replies back to keyboards)."""

from __future__ import annotations

from datetime import datetime

from aiogram.types import CallbackQuery, ChatMemberUpdated, InlineKeyboardButton, InlineKeyboardMarkup, Message

from dialogs.cases.link import PREFIX as LINK
from dialogs.events import Button, Event, Kind

MEDIA_FIELDS = ("sticker", "photo", "voice", "video_note", "video", "audio", "document", "animation", "contact",
                "location", "poll", "dice")


def message_event(message: Message, at: datetime, bot_username: str, edited: bool = False) -> Event | None:
    user = message.from_user
    if user is None or user.is_bot:
        return None
    base = dict(
        user_id=user.id,
        chat_id=message.chat.id,
        at=at,
        language_code=user.language_code,
        display_name=user.first_name or "",
        private=message.chat.type == "private",
        message_id=message.message_id,
        thread_id=message.message_thread_id,
        reply_to=message.reply_to_message.message_id if message.reply_to_message is not None else None,
    )
    if edited:  # its text is still screened for danger (dialogs.safety); it is not taken as an answer
        return Event(kind=Kind.EDITED, text=message.text or message.caption or "", **base)
    text = message.text
    if text is None:
        media = next((f for f in MEDIA_FIELDS if getattr(message, f, None)), "other")
        return Event(kind=Kind.MEDIA, media=media, text=message.caption or "", **base)
    command = _command(message, bot_username)
    if command is not None:
        name, argument = command
        return Event(kind=Kind.COMMAND, command=name, text=argument, **base)
    return Event(kind=Kind.TEXT, text=text, **base)


def _command(message: Message, bot_username: str) -> tuple[str, str] | None:
    text = message.text or ""
    entities = message.entities or []
    if not any(e.type == "bot_command" and e.offset == 0 for e in entities) or not text.startswith("/"):
        return None
    head, _, argument = text.partition(" ")
    name, _, addressee = head[1:].partition("@")
    if addressee and addressee.lower() != bot_username.lower():
        return None
    return name.lower(), argument.strip()


def callback_event(query: CallbackQuery, at: datetime) -> Event:
    message = query.message
    chat = getattr(message, "chat", None)
    return Event(
        user_id=query.from_user.id,
        chat_id=chat.id if chat is not None else query.from_user.id,
        kind=Kind.BUTTON,
        at=at,
        language_code=query.from_user.language_code,
        display_name=query.from_user.first_name or "",
        private=chat is None or chat.type == "private",
        data=query.data or "",
        message_id=getattr(message, "message_id", None),
        thread_id=getattr(message, "message_thread_id", None),
    )


def membership_event(update: ChatMemberUpdated, at: datetime) -> Event | None:
    """The bot's own membership in a private chat changed: "kicked" (the person blocked the bot)
    or "member" (unblocked). Groups are left alone (the staff chat is the centre's business)."""
    if update.chat.type != "private" or update.from_user is None:
        return None
    status = update.new_chat_member.status
    return Event(
        user_id=update.from_user.id,
        chat_id=update.chat.id,
        kind=Kind.MEMBERSHIP,
        at=at,
        language_code=update.from_user.language_code,
        private=True,
        text=str(getattr(status, "value", status)),  # "member" or "kicked"
    )


def joined_user(update: ChatMemberUpdated):
    """The user who is now in a group and was not before (joined, added, back), else None."""
    inside = ("creator", "administrator", "member")
    old, new = update.old_chat_member, update.new_chat_member
    was = old.status in inside or bool(getattr(old, "is_member", False))
    now = new.status in inside or bool(getattr(new, "is_member", False))
    return new.user if now and not was and update.chat.type != "private" else None


def is_link_confirmation(event: Event) -> bool:
    """« Yes, link this group » pressed in a group (dialogs.cases.link checked who pressed it)."""
    return event.kind is Kind.BUTTON and not event.private and event.data.startswith(f"{LINK}|yes|")


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=b.text, url=b.url) if b.url else InlineKeyboardButton(text=b.text, callback_data=b.data)
                for b in row
            ]
            for row in rows
        ]
    )
