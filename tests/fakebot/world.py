"""The fake's state: chats, messages, files and callback queries, with Telegram's lookups."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from .model import CallbackQueryRecord, Chat, ChatMessage, SimGroup, SimUser, StoredFile
from .spec import ApiError, bad_request

FILE_ID_PREFIX = {
    "photo": "AgACAgIAAxkBAAI",
    "document": "BQACAgIAAxkBAAI",
    "sticker": "CAACAgIAAxkBAAI",
    "voice": "AwACAgIAAxkBAAI",
}


class World:
    def __init__(self, bot_user: dict, clock: Callable[[], float]) -> None:
        self.bot_user = bot_user
        self.clock = clock
        self.users: dict[int, SimUser] = {}
        self.groups: dict[int, SimGroup] = {}
        self.messages: dict[tuple[int, int], ChatMessage] = {}
        self.history: list[ChatMessage] = []
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self._message_ids: dict[int, int] = {}
        self._user_ids = itertools.count(700_000_001)
        self._group_ids = itertools.count(1)
        self._file_numbers = itertools.count(1)
        self._query_ids = itertools.count(4_718_295_106_337_001)

    def now(self) -> int:
        return int(self.clock())

    # -- chats -------------------------------------------------------------------------------
    def add_user(self, user_id: int | None, **fields: Any) -> SimUser:
        user = SimUser(id=user_id if user_id is not None else next(self._user_ids), **fields)
        if user.id in self.users:
            raise AssertionError(f"user {user.id} already exists on the fake")
        self.users[user.id] = user
        return user

    def add_group(self, chat_id: int | None, title: str, forum: bool) -> SimGroup:
        if chat_id is None:
            number = next(self._group_ids)
            chat_id = -(1_001_900_000_000 + number) if forum else -(4_900_000 + number)
        group = SimGroup(id=chat_id, title=title, forum=forum)
        if chat_id in self.groups:
            raise AssertionError(f"group {chat_id} already exists on the fake")
        self.groups[chat_id] = group
        return group

    def chat(self, chat_id: Any) -> Chat:
        """The chat a request targets; "chat not found" like Telegram otherwise."""
        if isinstance(chat_id, int):
            found = self.users.get(chat_id) or self.groups.get(chat_id)
            if found is not None:
                return found
        raise bad_request("chat not found")

    def writable_chat(self, chat_id: Any, thread_id: int | None = None) -> Chat:
        """A chat the bot may post to (and thread, for forums)."""
        chat = self.chat(chat_id)
        if isinstance(chat, SimUser) and chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if thread_id is not None:
            if not isinstance(chat, SimGroup) or not chat.forum or thread_id not in chat.topics:
                raise bad_request("message thread not found")
        return chat

    # -- messages ----------------------------------------------------------------------------
    def next_message_id(self, chat_id: int) -> int:
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def add_message(self, chat: Chat, sender: dict, **fields: Any) -> ChatMessage:
        message = ChatMessage(
            chat_id=chat.id,
            message_id=self.next_message_id(chat.id),
            date=self.now(),
            from_bot=sender["id"] == self.bot_user["id"],
            sender=sender,
            chat=chat.chat_api(),
            **fields,
        )
        self.messages[(chat.id, message.message_id)] = message
        self.history.append(message)
        return message

    def message(self, chat_id: int, message_id: int) -> ChatMessage | None:
        message = self.messages.get((chat_id, message_id))
        return None if message is None or message.deleted else message

    def bot_messages(self) -> list[ChatMessage]:
        return [m for m in self.history if m.from_bot and m.kind != "service"]

    # -- files -------------------------------------------------------------------------------
    def store_file(self, kind: str, data: bytes, file_name: str | None = None,
                   mime_type: str | None = None) -> StoredFile:
        number = next(self._file_numbers)
        stored = StoredFile(
            file_id=f"{FILE_ID_PREFIX.get(kind, 'BQACAgIAAxkBAAI')}{number:06d}FakeFile",
            file_unique_id=f"AQAD{number:06d}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def photo_sizes(self, stored: StoredFile) -> list[dict]:
        """A thumbnail and the full size, as Telegram lists a photo."""
        thumb = self.store_file("photo", stored.data, stored.file_name, stored.mime_type)
        return [thumb.photo_size(90), stored.photo_size(800)]

    def file(self, file_id: str) -> StoredFile:
        if file_id not in self.files:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return self.files[file_id]

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == path), None)

    # -- callback queries --------------------------------------------------------------------
    def new_callback_query(self, user: SimUser, message: ChatMessage,
                           data: str) -> CallbackQueryRecord:
        record = CallbackQueryRecord(
            id=str(next(self._query_ids)),
            user_id=user.id,
            chat_id=message.chat_id,
            message_id=message.message_id,
            data=data,
        )
        self.callback_queries[record.id] = record
        return record
