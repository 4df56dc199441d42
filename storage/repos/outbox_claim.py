"""Which due outbox rows a claim takes (storage.repos.outbox leases them).

- Claimable: pending, or being sent under a lease that ran out (its worker died). Urgent first, then by
  due time, then in the order they were written.
- A chat is served by one worker at a time: rows of a chat with a row under a running lease, whoever
  holds it, are left to the holder. Several processes thus keep each chat's order and its pace (one
  message a second, twenty a minute in a group), and a case's topic is opened once.
- On PostgreSQL, rows are read with FOR UPDATE SKIP LOCKED, and two claims at once could still both find a
  chat free and split it (one taking its first rows, the other its next). So a claim first takes the
  chats it will serve, each with a transaction-level advisory lock keyed by the chat's id, tried and never
  waited for (`_take_chats`), then reads their rows: a claim that held one of them before has committed its
  leases by then, and they are left out. Claims never wait for each other.
- On SQLite every unit of work opens with BEGIN IMMEDIATE (storage.database): claims are one at a time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import and_, bindparam, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage

# Telegram chat ids are below 2**53: as advisory lock keys they meet no other key of ours (storage.database).
# The scan of the array goes in its order and stops at the limit: locks are tried only until enough are taken.
# A chat another claim leased meanwhile (committed since the candidates were read) is passed over, not taken.
_TRY_CHATS = text(
    "SELECT chat FROM unnest(CAST(:chats AS bigint[])) AS chat WHERE NOT EXISTS (SELECT 1 FROM outbox AS o "
    "WHERE o.chat_id = chat AND o.state = 'sending' AND o.lease_until > :now) "
    "AND pg_try_advisory_xact_lock(chat) LIMIT :limit"
).bindparams(bindparam("now", type_=OutboxMessage.lease_until.type))  # stored as the column stores it


def claimable(now: datetime) -> Any:
    return or_(
        OutboxMessage.state == "pending",
        and_(OutboxMessage.state == "sending", OutboxMessage.lease_until <= now),
    )


async def claim_rows(session: AsyncSession, dialect: str, now: datetime, limit: int,
                     exclude_chats: Iterable[int] = ()) -> list[OutboxMessage]:
    """Up to `limit` rows to lease now, locked until the transaction ends; `exclude_chats`: the caller's own."""
    due = [claimable(now), OutboxMessage.due_at <= now]
    excluded = list(exclude_chats)
    if excluded:
        due.append(OutboxMessage.chat_id.not_in(excluded))
    held = select(OutboxMessage.chat_id).where(OutboxMessage.state == "sending", OutboxMessage.lease_until > now)
    if dialect == "postgresql":
        chats = await _take_chats(session, [*due, OutboxMessage.chat_id.not_in(held)], limit, now)
        if not chats:
            return []
        due.append(OutboxMessage.chat_id.in_(chats))
    # Read after the chats are ours (PostgreSQL): a claim that held one before has committed its leases.
    return list((await session.scalars(
        select(OutboxMessage).where(*due, OutboxMessage.chat_id.not_in(held))
        .order_by(OutboxMessage.urgent.desc(), OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit).with_for_update(skip_locked=True).execution_options(populate_existing=True)
    )).all())


async def _take_chats(session: AsyncSession, due: list[Any], limit: int, now: datetime) -> list[int]:
    """The chats of the next due rows that no other claim is at work on, each taken for this transaction."""
    ahead = (select(OutboxMessage.chat_id, OutboxMessage.urgent, OutboxMessage.due_at).where(*due)
             .order_by(OutboxMessage.urgent.desc(), OutboxMessage.due_at, OutboxMessage.id)
             .limit(limit * 10).subquery())
    candidates = (await session.scalars(
        select(ahead.c.chat_id).group_by(ahead.c.chat_id)
        .order_by(func.bool_or(ahead.c.urgent).desc(), func.min(ahead.c.due_at)).limit(limit * 4)
    )).all()
    if not candidates:
        return []
    # In order, until `limit` are taken: while a claim is at work on the first ones, the next ones are tried.
    return list((await session.execute(_TRY_CHATS, {"chats": list(candidates), "limit": limit, "now": now})).scalars())
