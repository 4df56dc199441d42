"""What simulated people do: write, send media, press buttons, open deep links, block the bot."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .api_misc import member_object
from .model import Chat, ChatMessage, SimGroup, SimUser
from .spec import BotApiSpec
from .telegram_html import utf16_len
from .updates import UpdateQueue
from .world import World

TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?")
_PAYLOAD_RE = re.compile(r"[A-Za-z0-9_-]*")

MessageRef = ChatMessage | dict | tuple


class SimulatedUsers:
    """Mixin of FakeTelegram: every action becomes an Update for the bot."""

    world: World
    updates: UpdateQueue
    spec: BotApiSpec
    bot_user: dict
    bot_username: str
    _seq: int
    _cursors: dict[int, int]

    # -- people and groups -------------------------------------------------------------------
    def user(self, user_id: int | None = None, first_name: str = "Camille",
             language_code: str | None = "fr", last_name: str | None = None,
             username: str | None = None) -> SimUser:
        return self.world.add_user(user_id, first_name=first_name, last_name=last_name,
                                   username=username, language_code=language_code)

    def group(self, chat_id: int | None = None, title: str = "Staff",
              forum: bool = False) -> SimGroup:
        return self.world.add_group(chat_id, title, forum)

    def add_member(self, group: SimGroup, user: SimUser, status: str = "member") -> None:
        """Statuses as Telegram names them: member, administrator, creator, restricted. Silently: the
        group as it already was (see `join` for someone joining while the bot is there)."""
        group.members[user.id] = status

    def join(self, group: SimGroup, user: SimUser, status: str = "member", added_by: SimUser | None = None) -> None:
        """Someone joins the group (or is added): the bot, an administrator there, gets a chat_member
        update (if it asked for them in allowed_updates) and the « joined » service message."""
        old = group.members.get(user.id, "left")
        group.members[user.id] = status
        actor = (added_by or user).api()
        self.updates.push("chat_member", {
            "chat": group.chat_api(),
            "from": actor,
            "date": self.world.now(),
            "old_chat_member": member_object(self, user.api(), old),  # type: ignore[arg-type]
            "new_chat_member": member_object(self, user.api(), status),  # type: ignore[arg-type]
        })
        service = self.world.add_message(group, actor, kind="service", extra={"new_chat_members": [user.api()]})
        self.updates.push("message", service.api())

    def block(self, user: SimUser) -> None:
        """The user blocks the bot: sends now fail with 403, a my_chat_member update arrives."""
        user.blocked = True
        self._member_update(user, "member", "kicked")

    def unblock(self, user: SimUser) -> None:
        user.blocked = False
        self._member_update(user, "kicked", "member")

    def _member_update(self, user: SimUser, old: str, new: str) -> None:
        self.updates.push("my_chat_member", {
            "chat": user.chat_api(),
            "from": user.api(),
            "date": self.world.now(),
            "old_chat_member": self._member(old),
            "new_chat_member": self._member(new),
        })

    def _member(self, status: str) -> dict:
        member: dict = {"status": status, "user": self.bot_user}
        if status == "kicked":
            member["until_date"] = 0
        return member

    # -- messages from people ----------------------------------------------------------------
    def _chat_for(self, user: SimUser, chat: Chat | None, thread_id: int | None) -> Chat:
        if user.blocked:
            raise AssertionError(f"user {user.id} blocked the bot; call tg.unblock(user) first")
        target = chat or user
        if isinstance(target, SimUser) and target.id != user.id:
            raise AssertionError("a user can only write in their own private chat or a group")
        if isinstance(target, SimGroup):
            if target.members.get(user.id, "left") in ("left", "kicked"):
                raise AssertionError(f"user {user.id} is not a member of {target.title!r}; "
                                     "call tg.add_member(group, user)")
            if thread_id is not None and thread_id not in target.topics:
                raise AssertionError(f"topic {thread_id} does not exist in {target.title!r}")
        elif thread_id is not None:
            raise AssertionError("message_thread_id only exists in forum groups")
        return target

    async def _user_message(self, user: SimUser, chat: Chat | None, thread_id: int | None,
                            reply_to: MessageRef | None = None, **fields: Any) -> dict:
        target = self._chat_for(user, chat, thread_id)
        extra = {}
        if reply_to is not None:
            extra["reply_to_message"] = self._current(reply_to).api()
        message = self.world.add_message(target, user.api(), message_thread_id=thread_id,
                                         extra=extra, **fields)
        payload = message.api()
        self._cursors[target.id] = self._seq
        self.updates.push("message", payload)
        return payload

    async def send_text(self, user: SimUser, text: str, chat: Chat | None = None,
                        message_thread_id: int | None = None,
                        reply_to: MessageRef | None = None) -> dict:
        """A text message; a leading /command gets its bot_command entity like Telegram."""
        entities = []
        command = _COMMAND_RE.match(text)
        if command:
            entities.append({"type": "bot_command", "offset": 0,
                             "length": utf16_len(command.group())})
        return await self._user_message(user, chat, message_thread_id, reply_to, kind="text",
                                        text=text, html=text, entities=entities)

    async def open_deep_link(self, user: SimUser, link: str) -> dict:
        """Open https://t.me/<bot>?start=<payload> (or a bare payload) as Telegram would."""
        payload = link
        if "://" in link or link.startswith("t.me/"):
            parts = urlsplit(link if "://" in link else f"https://{link}")
            bot = parts.path.strip("/")
            ours = bot.lower() == self.bot_username.lower()
            if parts.hostname not in ("t.me", "telegram.me") or not ours:
                raise AssertionError(f"{link!r} is not a link to @{self.bot_username}")
            payload = parse_qs(parts.query).get("start", [""])[0]
        bounds = self.spec.limits["deep_link_payload"]
        if len(payload) > bounds["max_chars"] or not _PAYLOAD_RE.fullmatch(payload):
            raise AssertionError(
                f"deep-link payload {payload!r} is invalid (up to {bounds['max_chars']} chars of "
                f"{bounds['alphabet']}); Telegram would open the bot without it"
            )
        return await self.send_text(user, f"/start {payload}" if payload else "/start")

    async def send_sticker(self, user: SimUser, chat: Chat | None = None, emoji: str = "🙂",
                           message_thread_id: int | None = None) -> dict:
        stored = self.world.store_file("sticker", b"RIFF0000WEBPVP8 ", "sticker.webp", "image/webp")
        sticker = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                   "type": "regular", "width": 512, "height": 512, "is_animated": False,
                   "is_video": False, "emoji": emoji, "file_size": len(stored.data)}
        return await self._user_message(user, chat, message_thread_id, kind="sticker",
                                        media=sticker)

    async def send_photo(self, user: SimUser, caption: str | None = None,
                         chat: Chat | None = None, data: bytes = TINY_PNG,
                         message_thread_id: int | None = None) -> dict:
        stored = self.world.store_file("photo", data, "photo.jpg", "image/jpeg")
        return await self._user_message(user, chat, message_thread_id, kind="photo",
                                        media=self.world.photo_sizes(stored), text=caption or "",
                                        html=caption or "")

    async def send_voice(self, user: SimUser, chat: Chat | None = None, duration: int = 3,
                         message_thread_id: int | None = None) -> dict:
        stored = self.world.store_file("voice", b"OggS\x00fake-voice", "voice.ogg", "audio/ogg")
        voice = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                 "duration": duration, "mime_type": "audio/ogg", "file_size": len(stored.data)}
        return await self._user_message(user, chat, message_thread_id, kind="voice", media=voice)

    async def send_document(self, user: SimUser, content: bytes = b"%PDF-1.4\n% fake\n",
                            file_name: str = "document.pdf", mime_type: str = "application/pdf",
                            caption: str | None = None, chat: Chat | None = None,
                            message_thread_id: int | None = None) -> dict:
        stored = self.world.store_file("document", content, file_name, mime_type)
        return await self._user_message(user, chat, message_thread_id, kind="document",
                                        media=stored.document(), text=caption or "",
                                        html=caption or "")

    async def edit_user_message(self, user: SimUser, message: MessageRef, new_text: str) -> dict:
        current = self._current(message)
        if current.from_bot or current.sender.get("id") != user.id or current.kind != "text":
            raise AssertionError(f"user {user.id} can only edit their own text messages")
        current.text = current.html = new_text
        command = _COMMAND_RE.match(new_text)
        current.entities = ([{"type": "bot_command", "offset": 0,
                              "length": utf16_len(command.group())}] if command else [])
        current.edits += 1
        current.edit_date = self.world.now()
        payload = current.api()
        self._cursors[current.chat_id] = self._seq
        self.updates.push("edited_message", payload)
        return payload

    # -- buttons -----------------------------------------------------------------------------
    def _current(self, message: MessageRef) -> ChatMessage:
        """The current version of a message given as ChatMessage, Message dict or (chat, id)."""
        if isinstance(message, ChatMessage):
            key = (message.chat_id, message.message_id)
        elif isinstance(message, dict):
            key = (message["chat"]["id"], message["message_id"])
        else:
            key = (int(message[0]), int(message[1]))
        current = self.world.message(*key)
        if current is None:
            raise AssertionError(f"message {key[1]} in chat {key[0]} does not exist (deleted?)")
        return current

    async def press(self, user: SimUser, message: MessageRef, text: str | None = None,
                    data: str | None = None) -> dict:
        """Press an inline button (by exact text or callback_data) on the message as it is now."""
        if text is None and data is None:
            raise AssertionError("press() needs the button text or its callback data")
        current = self._current(message)
        button = current.find_button(text=text, data=data)
        if button is None:
            raise AssertionError(
                f"no button text={text!r} data={data!r} on message {current.message_id} "
                f"in chat {current.chat_id}; its buttons now: {current.buttons}"
            )
        if "callback_data" not in button:
            raise AssertionError(f"button {button.get('text')!r} is not a callback button: "
                                 f"{button}")
        return await self.press_raw(user, current, button["callback_data"])

    async def press_raw(self, user: SimUser, message: MessageRef, data: str) -> dict:
        """A callback query with any data, as a forged or outdated client could send."""
        current = self._current(message)
        if not current.from_bot:
            raise AssertionError("only messages sent by the bot carry inline buttons")
        chat = self.world.chat(current.chat_id)
        self._chat_for(user, chat if isinstance(chat, SimGroup) else None, None)
        if isinstance(chat, SimUser) and chat.id != user.id:
            raise AssertionError(f"user {user.id} cannot see chat {chat.id}")
        record = self.world.new_callback_query(user, current, data)
        query = {
            "id": record.id,
            "from": user.api(),
            "message": current.api(),
            "chat_instance": str(abs(current.chat_id) * 7919 % 10**19),
            "data": data,
        }
        self._cursors[current.chat_id] = self._seq
        self.updates.push("callback_query", query)
        return query
