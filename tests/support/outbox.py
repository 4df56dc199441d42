"""What the bot left in the outbox for other people, read back as the replies it will send."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from dialogs.events import Reply
from dialogs.reminders.payload import reply_from_payload
from storage.models import OutboxMessage


async def take_queued(core) -> dict[int, list[Reply]]:
    """The pending messages, by chat, in order; taken (marked sent) so the next call sees only new ones."""
    async with core.store.engine.begin() as conn:
        rows = (await conn.execute(
            select(OutboxMessage).where(OutboxMessage.state == "pending").order_by(OutboxMessage.id)
        )).all()
        await conn.execute(update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows]))
                           .values(state="sent"))
    sent: dict[int, list[Reply]] = {}
    for row in rows:
        sent.setdefault(row.chat_id, []).append(reply_from_payload(row.chat_id, json.loads(row.payload), row.thread_id))
    return sent
