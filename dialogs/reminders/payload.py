"""A message kept in the outbox: a `Reply` written down as JSON, and read back to be sent."""

from __future__ import annotations

import base64
from typing import Any

from dialogs.events import Attachment, Button, Reply


def reply_payload(reply: Reply) -> dict[str, Any]:
    """Everything needed to send `reply` later, by another process, after a restart."""
    payload: dict[str, Any] = {"type": "reply", "text": reply.text}
    if reply.buttons:
        payload["buttons"] = [[{"text": b.text, "data": b.data, "url": b.url} for b in row] for row in reply.buttons]
    if reply.attachment is not None:
        attachment = reply.attachment
        content = attachment.render() if attachment.render is not None else attachment.content
        payload["attachment"] = {"filename": attachment.filename, "kind": attachment.kind,
                                 "b64": base64.b64encode(content).decode("ascii")}
    return payload


def reply_from_payload(chat_id: int, payload: dict[str, Any], thread_id: int | None = None) -> Reply:
    buttons = tuple(
        tuple(Button(b.get("text", ""), data=b.get("data", ""), url=b.get("url", "")) for b in row)
        for row in payload.get("buttons", ())
    )
    attachment = None
    if isinstance(payload.get("attachment"), dict):
        found = payload["attachment"]
        attachment = Attachment(found.get("filename", "file"), content=base64.b64decode(found.get("b64", "")),
                                kind=found.get("kind", "document"))
    return Reply(chat_id, payload.get("text", ""), buttons, thread_id=thread_id, attachment=attachment)
