"""Bot API methods that send, change or remove messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .content import check_reply_markup, render_caption, render_text
from .model import Chat, ChatMessage, StoredFile
from .registry import Handlers
from .spec import ApiError, UploadedFile, bad_request

if TYPE_CHECKING:
    from .server import FakeTelegram

HANDLERS = Handlers()

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})
IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM", b"RIFF")


def _markup(tg: FakeTelegram, p: dict) -> dict | None:
    markup = p.get("reply_markup")
    check_reply_markup(tg.spec.limits, markup)
    if isinstance(markup, dict) and markup.get("inline_keyboard") == []:
        return None
    return markup


def _extra(tg: FakeTelegram, chat: Chat, p: dict) -> dict:
    """reply_to_message for replies (the replied message must exist unless allowed)."""
    reply = p.get("reply_parameters") or {}
    target_id = reply.get("message_id") or p.get("reply_to_message_id")
    if not target_id:
        return {}
    target = tg.world.message(chat.id, int(target_id))
    if target is None:
        if reply.get("allow_sending_without_reply"):
            return {}
        raise bad_request("message to be replied not found")
    return {"reply_to_message": target.api()}


def _post(tg: FakeTelegram, chat: Chat, p: dict, **fields: Any) -> dict:
    message = tg.world.add_message(
        chat,
        tg.bot_user,
        message_thread_id=p.get("message_thread_id"),
        extra=_extra(tg, chat, p),
        **fields,
    )
    tg.record_event("sent", message)
    return message.api()


@HANDLERS.on("sendMessage")
async def send_message(tg: FakeTelegram, p: dict) -> dict:
    chat = tg.world.writable_chat(p["chat_id"], p.get("message_thread_id"))
    parsed = render_text(tg.spec.limits, p)
    markup = _markup(tg, p)
    return _post(tg, chat, p, kind="text", text=parsed.text, html=p["text"],
                 entities=parsed.entities, reply_markup=markup)


def _uploaded(tg: FakeTelegram, kind: str, value: Any) -> tuple[StoredFile, UploadedFile | None]:
    if isinstance(value, UploadedFile):
        if not value.data:
            raise bad_request("file must be non-empty")
        if kind == "photo" and not value.data.startswith(IMAGE_SIGNATURES):
            raise bad_request("IMAGE_PROCESS_FAILED")
        stored = tg.world.store_file(kind, value.data, value.filename, value.content_type)
        return stored, value
    if value.startswith(("http://", "https://")):
        name = value.rsplit("/", 1)[-1] or "file"
        return tg.world.store_file(kind, b"", name, None), None
    return tg.world.file(value), None


@HANDLERS.on("sendPhoto")
async def send_photo(tg: FakeTelegram, p: dict) -> dict:
    chat = tg.world.writable_chat(p["chat_id"], p.get("message_thread_id"))
    caption = render_caption(tg.spec.limits, p)
    markup = _markup(tg, p)
    stored, upload = _uploaded(tg, "photo", p["photo"])
    return _post(tg, chat, p, kind="photo", text=caption.text, html=p.get("caption") or "",
                 entities=caption.entities, reply_markup=markup,
                 media=tg.world.photo_sizes(stored), file=upload)


@HANDLERS.on("sendDocument")
async def send_document(tg: FakeTelegram, p: dict) -> dict:
    chat = tg.world.writable_chat(p["chat_id"], p.get("message_thread_id"))
    caption = render_caption(tg.spec.limits, p)
    markup = _markup(tg, p)
    stored, upload = _uploaded(tg, "document", p["document"])
    return _post(tg, chat, p, kind="document", text=caption.text, html=p.get("caption") or "",
                 entities=caption.entities, reply_markup=markup,
                 media=stored.document(), file=upload)


def _editable(tg: FakeTelegram, p: dict) -> ChatMessage:
    if p.get("inline_message_id"):
        raise ApiError(501, "fake Telegram: editing inline messages is not implemented")
    if p.get("chat_id") is None:
        raise bad_request("chat_id is empty")
    if not p.get("message_id"):
        raise bad_request("message identifier is not specified")
    chat = tg.world.writable_chat(p["chat_id"])
    message = tg.world.message(chat.id, p["message_id"])
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def _apply_edit(tg: FakeTelegram, message: ChatMessage, html: str | None = None,
                **changes: Any) -> dict:
    """Telegram compares what the user would see, not the markup source."""
    if all(getattr(message, key) == value for key, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        setattr(message, key, value)
    if html is not None:
        message.html = html
    message.edits += 1
    message.edit_date = tg.world.now()
    tg.record_event("edited", message)
    return message.api()


@HANDLERS.on("editMessageText")
async def edit_message_text(tg: FakeTelegram, p: dict) -> dict:
    message = _editable(tg, p)
    if message.kind != "text":
        raise bad_request("there is no text in the message to edit")
    parsed = render_text(tg.spec.limits, p)
    markup = _markup(tg, p)
    return _apply_edit(tg, message, text=parsed.text, entities=parsed.entities,
                       reply_markup=markup, html=p["text"])


@HANDLERS.on("editMessageCaption")
async def edit_message_caption(tg: FakeTelegram, p: dict) -> dict:
    message = _editable(tg, p)
    if message.kind in ("text", "service", "sticker"):
        raise bad_request("there is no caption in the message to edit")
    caption = render_caption(tg.spec.limits, p)
    markup = _markup(tg, p)
    return _apply_edit(tg, message, text=caption.text, entities=caption.entities,
                       reply_markup=markup, html=p.get("caption") or "")


@HANDLERS.on("editMessageReplyMarkup")
async def edit_message_reply_markup(tg: FakeTelegram, p: dict) -> dict:
    message = _editable(tg, p)
    return _apply_edit(tg, message, reply_markup=_markup(tg, p))


@HANDLERS.on("deleteMessage")
async def delete_message(tg: FakeTelegram, p: dict) -> bool:
    chat = tg.world.chat(p["chat_id"])
    message = tg.world.message(chat.id, p["message_id"])
    if message is None or message.kind == "service":
        raise bad_request("message to delete not found")
    message.deleted = True
    tg.record_event("deleted", message)
    return True


@HANDLERS.on("answerCallbackQuery")
async def answer_callback_query(tg: FakeTelegram, p: dict) -> bool:
    record = tg.world.callback_queries.get(p["callback_query_id"])
    if record is None or record.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.get("text")
    if text and len(text) > tg.spec.limits["callback_answer_text"]["max_chars"]:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    record.text = text
    record.show_alert = bool(p.get("show_alert"))
    record.url = p.get("url")
    tg.callback_answers[record.id] = record
    return True


@HANDLERS.on("sendChatAction")
async def send_chat_action(tg: FakeTelegram, p: dict) -> bool:
    chat = tg.world.writable_chat(p["chat_id"], p.get("message_thread_id"))
    if p["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    tg.chat_actions.append((chat.id, p["action"]))
    return True


def _source(tg: FakeTelegram, p: dict, verb: str) -> ChatMessage:
    source_chat = tg.world.chat(p["from_chat_id"])
    source = tg.world.message(source_chat.id, p["message_id"])
    if source is None or source.kind == "service":
        raise bad_request(f"message to {verb} not found")
    return source


@HANDLERS.on("copyMessage")
async def copy_message(tg: FakeTelegram, p: dict) -> dict:
    source = _source(tg, p, "copy")
    chat = tg.world.writable_chat(p["chat_id"], p.get("message_thread_id"))
    text, html, entities = source.text, source.html or source.text, source.entities
    if "caption" in p and source.kind not in ("text", "sticker"):
        caption = render_caption(tg.spec.limits, p)
        text, html, entities = caption.text, p["caption"], caption.entities
    copied = _post(tg, chat, p, kind=source.kind, text=text, html=html, entities=entities,
                   media=source.media, file=source.file, reply_markup=_markup(tg, p))
    return {"message_id": copied["message_id"]}


@HANDLERS.on("forwardMessage")
async def forward_message(tg: FakeTelegram, p: dict) -> dict:
    source = _source(tg, p, "forward")
    chat = tg.world.writable_chat(p["chat_id"], p.get("message_thread_id"))
    origin = {"type": "user", "sender_user": source.sender, "date": source.date}
    message = tg.world.add_message(
        chat, tg.bot_user, kind=source.kind, text=source.text, html=source.html,
        entities=source.entities, media=source.media, file=source.file,
        message_thread_id=p.get("message_thread_id"), extra={"forward_origin": origin},
    )
    tg.record_event("sent", message)
    return message.api()
