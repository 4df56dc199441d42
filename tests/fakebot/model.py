"""What the fake Telegram knows: simulated users, groups, topics, messages and files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

from .spec import UploadedFile


@dataclass
class SimUser:
    """A person talking to the bot; their private chat id equals their user id."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    blocked: bool = False
    is_bot: bool = False  # another bot in a group (it cannot write to our bot privately)

    @property
    def chat_id(self) -> int:
        return self.id

    def api(self) -> dict:
        user = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                user[key] = getattr(self, key)
        return user

    def chat_api(self) -> dict:
        chat = {"id": self.id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if getattr(self, key) is not None:
                chat[key] = getattr(self, key)
        return chat


@dataclass
class ForumTopic:
    message_thread_id: int
    name: str
    icon_color: int = 0x6FB9F0
    icon_custom_emoji_id: str | None = None
    closed: bool = False

    def api(self) -> dict:
        topic = {"message_thread_id": self.message_thread_id, "name": self.name,
                 "icon_color": self.icon_color}
        if self.icon_custom_emoji_id:
            topic["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return topic


@dataclass
class SimGroup:
    """A group (or a forum supergroup, e.g. the staff chat) the bot is in."""

    id: int
    title: str
    forum: bool = False
    members: dict[int, str] = field(default_factory=dict)  # user id -> member status
    topics: dict[int, ForumTopic] = field(default_factory=dict)

    @property
    def chat_id(self) -> int:
        return self.id

    @property
    def type(self) -> str:
        return "supergroup" if self.forum else "group"

    def chat_api(self) -> dict:
        chat: dict = {"id": self.id, "type": self.type, "title": self.title}
        if self.forum:
            chat["is_forum"] = True
        return chat


Chat = Union[SimUser, SimGroup]


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def file_path(self) -> str:
        return f"files/{self.file_unique_id}/{self.file_name or 'file'}"

    def api(self) -> dict:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "file_size": len(self.data), "file_path": self.file_path}

    def photo_size(self, side: int) -> dict:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "width": side, "height": side, "file_size": len(self.data)}

    def document(self) -> dict:
        document = {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                    "file_size": len(self.data)}
        if self.file_name:
            document["file_name"] = self.file_name
        if self.mime_type:
            document["mime_type"] = self.mime_type
        return document


@dataclass
class ChatMessage:
    """One message in a chat, kept current through edits (what the user sees now)."""

    chat_id: int
    message_id: int
    date: int
    from_bot: bool
    sender: dict
    chat: dict
    kind: str = "text"  # text, photo, document, sticker, voice, service
    text: str = ""  # plain text (or caption) after HTML parsing
    html: str = ""  # text (or caption) exactly as the bot sent it
    entities: list[dict] = field(default_factory=list)
    reply_markup: dict | None = None
    message_thread_id: int | None = None
    media: Any = None  # the API object: list of PhotoSize, Document, Sticker, Voice
    file: UploadedFile | None = None  # bytes the bot uploaded
    edits: int = 0
    edit_date: int | None = None
    deleted: bool = False
    extra: dict = field(default_factory=dict)  # forward_origin, reply_to_message, service data

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard rows as (text, callback_data or url)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[(b.get("text"), b.get("callback_data", b.get("url"))) for b in row]
                for row in rows]

    @property
    def button_texts(self) -> list[str]:
        return [text for row in self.buttons for text, _ in row]

    @property
    def keyboard(self) -> list[list[str]]:
        """Reply keyboard rows (button texts), if the message carried one."""
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [[b if isinstance(b, str) else b.get("text") for b in row] for row in rows]

    def find_button(self, text: str | None = None, data: str | None = None) -> dict | None:
        for row in (self.reply_markup or {}).get("inline_keyboard") or []:
            for button in row:
                if text is not None and button.get("text") != text:
                    continue
                if data is not None and button.get("callback_data") != data:
                    continue
                return button
        return None

    @property
    def file_bytes(self) -> bytes | None:
        return self.file.data if self.file else None

    @property
    def file_name(self) -> str | None:
        if self.file is not None:
            return self.file.filename
        return self.media.get("file_name") if isinstance(self.media, dict) else None

    @property
    def mime_type(self) -> str | None:
        if self.file is not None:
            return self.file.content_type
        return self.media.get("mime_type") if isinstance(self.media, dict) else None

    def api(self) -> dict:
        """The Message object as Telegram would return or deliver it."""
        message: dict = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat,
            "date": self.date,
        }
        if self.message_thread_id is not None:
            message["message_thread_id"] = self.message_thread_id
            message["is_topic_message"] = True
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        message.update(self.extra)
        if self.kind == "text":
            message["text"] = self.text
            if self.entities:
                message["entities"] = self.entities
        elif self.kind != "service":
            message[self.kind] = self.media
            if self.text:
                message["caption"] = self.text
                if self.entities:
                    message["caption_entities"] = self.entities
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        return message

    def __repr__(self) -> str:
        who = "bot" if self.from_bot else self.sender.get("id")
        return (f"<ChatMessage {self.chat_id}/{self.message_id} {self.kind} from {who}: "
                f"{self.text!r} buttons={self.button_texts}>")


@dataclass
class CallbackQueryRecord:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    text: str | None = None
    show_alert: bool = False
    url: str | None = None


@dataclass
class ApiCall:
    """One request the bot made; params are coerced when validation succeeded."""

    seq: int
    at: float
    method: str
    params: dict
    status: int = 200
    description: str | None = None
    injected: bool = False
    content_type: str = ""  # how the parameters came: JSON, form, multipart, query string

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")


@dataclass
class BotEvent:
    """A bot message was sent, edited or deleted (what a waiting test wakes up on)."""

    seq: int
    kind: str  # sent, edited, deleted
    message: ChatMessage
