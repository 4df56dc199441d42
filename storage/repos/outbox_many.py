"""Enqueueing many outbox rows in one statement: the planner's batches (dialogs.reminders.plan).

The same rules as `OutboxRepository.enqueue` (storage.repos.outbox): idempotent by key, a key
already in the outbox is skipped. Keys already present (a restart, another process planning the
same minute) are left out before their payload is encrypted, and ON CONFLICT DO NOTHING still
settles a row added in between. The statements are built once: with the keys inlined, building
the SELECT cost more than running it, and one Core insert executed for the whole list costs a
fraction of an ORM insert built per row (bench/bench_planner.py).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from storage.models import OutboxMessage

_TABLE = OutboxMessage.__table__
_KEYS_PRESENT = select(OutboxMessage.key).where(OutboxMessage.key.in_(bindparam("keys", expanding=True)))
_INSERT_MANY = {
    name: dialect.insert(_TABLE).on_conflict_do_nothing(index_elements=["key"]).returning(_TABLE.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


async def enqueue_many(session: Any, now: datetime, items: Iterable[dict[str, Any]], dialect: str) -> int:
    """Each item holds `enqueue`'s arguments: chat_id, payload, due_at and key (required here), and
    optionally kind, urgent, not_after, person_id, thread_id. The number of rows added."""
    items = list(items)
    wanted = [item["key"] for item in items]
    if not wanted:
        return 0
    present = set((await session.execute(_KEYS_PRESENT, {"keys": wanted})).scalars())
    rows = []
    for item in items:
        key, kind = item["key"], item.get("kind", "notice")
        if not 0 < len(key) <= 160:
            raise ValueError("an outbox key has 1 to 160 characters")
        if not 0 < len(kind) <= 16:
            raise ValueError("an outbox kind has 1 to 16 characters")
        if key in present:
            continue
        present.add(key)  # the same key twice in one list: one row
        rows.append(dict(
            key=key, chat_id=item["chat_id"], thread_id=item.get("thread_id"), person_id=item.get("person_id"),
            kind=kind, payload=json.dumps(item["payload"], ensure_ascii=False, separators=(",", ":")),
            urgent=item.get("urgent", False), due_at=item["due_at"], not_after=item.get("not_after"),
            state="pending", attempts=0, duplicates=0, created_at=now,
        ))
    if not rows:
        return 0
    connection = await session.connection()
    result = await connection.execute(_INSERT_MANY["postgresql" if dialect == "postgresql" else "sqlite"], rows)
    return len(result.all())
