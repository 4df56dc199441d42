"""The outbox: every message that is not an immediate reply is a row, sent by a dispatcher.

- Enqueueing is idempotent by `key`: an INSERT that ignores a conflict on the unique key, so two
  processes scheduling the same reminder leave one row (as procrastinate and pgqueuer do).
- A dispatcher claims due rows with a lease. On PostgreSQL the claim reads with
  `FOR UPDATE SKIP LOCKED`; on SQLite SQLAlchemy drops that clause, and the claim is atomic
  because every unit of work opens with BEGIN IMMEDIATE (storage.database) and the Store queues
  writers in-process (storage.store).
- A chat is served by one worker at a time: a claim leaves out every chat that has a row under a
  running lease, whoever holds it, so several processes keep a chat's order and its pace, and a
  case's topic is opened once (storage.repos.outbox_claim).
- A row whose lease expired (its worker died) is claimed again and counted in `duplicates`:
  Telegram has no idempotency key, so delivery is at least once.
- Past `not_after` a row is dropped, not sent. Results are recorded only by the worker holding
  the lease, when it is named (`worker=`).
- `attempts` counts claims that ended in a send; releasing or postponing a row (shutdown,
  flood wait) gives its attempt back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import OUTBOX_STATES, OutboxMessage
from storage.repos.outbox_claim import claim_rows, claimable
from storage.repos.outbox_many import enqueue_many

ERROR_CODE_LENGTH = 32
_KEEP: Any = object()


@dataclass(frozen=True)
class OutboxRow:
    id: int
    key: str | None
    chat_id: int
    thread_id: int | None
    person_id: int | None
    kind: str
    payload: dict[str, Any] = field(repr=False)  # the message's text: never logged
    urgent: bool
    due_at: datetime
    not_after: datetime | None
    state: str
    attempts: int
    duplicates: int
    lease_until: datetime | None
    worker: str | None
    last_error: str | None
    sent_at: datetime | None
    created_at: datetime
    reclaimed: bool = False  # claimed after another lease expired: it may have been sent already


@dataclass(frozen=True)
class OutboxStatus:
    counts: dict[str, int]  # every state, zero included
    oldest_due_seconds: float | None  # how late the oldest due, pending row is
    duplicates: int  # rows claimed again after a lease expired, summed


def to_record(row: OutboxMessage, reclaimed: bool = False) -> OutboxRow:
    return OutboxRow(
        row.id, row.key, row.chat_id, row.thread_id, row.person_id, row.kind, json.loads(row.payload),
        row.urgent, row.due_at, row.not_after, row.state, row.attempts, row.duplicates, row.lease_until,
        row.worker, row.last_error, row.sent_at, row.created_at, reclaimed,
    )


def _code(error_code: str) -> str:
    return error_code[:ERROR_CODE_LENGTH]


def _dialect_name(session: Any) -> str:
    bind = getattr(session, "bind", None)  # an AsyncSession knows its engine
    # storage.inline's session exposes none; the Store uses it on SQLite only.
    return bind.dialect.name if bind is not None else "sqlite"


_GIVE_BACK = case((OutboxMessage.attempts > 0, OutboxMessage.attempts - 1), else_=0)


class OutboxRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock
        self.enqueued = 0  # rows added by this unit of work: the dispatcher is woken when it is not 0

    # -- producers ---------------------------------------------------------------------------

    async def enqueue(
        self,
        chat_id: int,
        payload: dict[str, Any],
        due_at: datetime,
        key: str | None = None,
        kind: str = "notice",
        urgent: bool = False,
        not_after: datetime | None = None,
        person_id: int | None = None,
        thread_id: int | None = None,
    ) -> int | None:
        """The new row's id, or None when a row with this key already exists."""
        if key is not None and not 0 < len(key) <= 160:
            raise ValueError("an outbox key has 1 to 160 characters")
        if not 0 < len(kind) <= 16:
            raise ValueError("an outbox kind has 1 to 16 characters")
        values = dict(
            key=key, chat_id=chat_id, thread_id=thread_id, person_id=person_id, kind=kind,
            payload=json.dumps(payload, ensure_ascii=False, separators=(",", ":")), urgent=urgent,
            due_at=due_at, not_after=not_after, state="pending", attempts=0, duplicates=0,
            created_at=self._clock.now(),
        )
        dialect = postgresql if _dialect_name(self._session) == "postgresql" else sqlite
        statement = (
            dialect.insert(OutboxMessage).values(**values)
            .on_conflict_do_nothing(index_elements=[OutboxMessage.key])
            .returning(OutboxMessage.id)
        )
        found = (await self._session.execute(statement)).scalar_one_or_none()
        self.enqueued += found is not None
        return found

    async def enqueue_many(self, items: Iterable[dict[str, Any]]) -> int:
        """`enqueue` for many rows at once (storage.repos.outbox_many); the number of rows added."""
        added = await enqueue_many(self._session, self._clock.now(), items, _dialect_name(self._session))
        self.enqueued += added
        return added

    async def cancel(
        self, key_prefix: str | None = None, ids: Iterable[int] | None = None, person_id: int | None = None
    ) -> int:
        """Drop rows not sent yet (pending, being sent, failed): a cancelled booking's reminders."""
        if key_prefix is None and ids is None and person_id is None:
            raise ValueError("cancel what? give a key prefix, ids or a person")
        where = [OutboxMessage.state.in_(("pending", "sending", "failed"))]
        if key_prefix is not None:
            if not key_prefix:
                raise ValueError("an empty key prefix would cancel every keyed row")
            where.append(OutboxMessage.key.startswith(key_prefix, autoescape=True))
        if ids is not None:
            where.append(OutboxMessage.id.in_(list(ids)))
        if person_id is not None:
            where.append(OutboxMessage.person_id == person_id)
        return await self._update(where, state="dropped", last_error="cancelled", lease_until=None, worker=None)

    async def reschedule(self, key: str, due_at: datetime, not_after: datetime | None = _KEEP) -> bool:
        """Move a pending row (a session moved to another hour)."""
        values: dict[str, Any] = {"due_at": due_at}
        if not_after is not _KEEP:
            values["not_after"] = not_after
        return await self._update([OutboxMessage.key == key, OutboxMessage.state == "pending"], **values) == 1

    # -- the dispatcher ----------------------------------------------------------------------

    async def drop_expired(self) -> int:
        """Rows past their `not_after` that nobody holds: dropped, never sent."""
        now = self._clock.now()
        stale = (await self._session.scalars(
            select(OutboxMessage.id).where(self._claimable(now), OutboxMessage.not_after <= now)
            .limit(500).with_for_update(skip_locked=True)
        )).all()
        if not stale:
            return 0
        return await self._update([OutboxMessage.id.in_(stale)], state="dropped", last_error="expired",
                                  lease_until=None, worker=None)

    async def claim(
        self, limit: int, lease_seconds: float, worker: str, exclude_chats: Iterable[int] = ()
    ) -> list[OutboxRow]:
        """Lease up to `limit` due rows, urgent first, then by due time; drop those past `not_after`.
        A chat with a row leased (to any worker, the lease still running) is left to its holder
        (storage.repos.outbox_claim)."""
        await self.drop_expired()
        now = self._clock.now()
        rows = await claim_rows(self._session, _dialect_name(self._session), now, limit, exclude_chats)
        claimed = []
        lease_until = now + timedelta(seconds=lease_seconds)
        for row in rows:
            reclaimed = row.state == "sending"
            row.duplicates += int(reclaimed)
            row.attempts += 1
            row.state, row.lease_until, row.worker = "sending", lease_until, worker
            claimed.append((row, reclaimed))
        await self._session.flush()
        return [to_record(row, reclaimed) for row, reclaimed in claimed]

    async def mark_sent(self, id: int, worker: str | None = None) -> bool:
        return await self._update(self._leased(id, worker), state="sent", sent_at=self._clock.now(),
                                  lease_until=None, last_error=None) == 1

    async def retry_later(self, id: int, at: datetime, error_code: str, worker: str | None = None) -> bool:
        """A transient failure: send again at `at`; the attempt counts."""
        return await self._update(self._leased(id, worker), state="pending", due_at=at, lease_until=None,
                                  worker=None, last_error=_code(error_code)) == 1

    async def postpone(self, ids: Iterable[int], at: datetime, error_code: str = "retry_after",
                       worker: str | None = None) -> int:
        """Not sent because of a flood wait: due again at `at`, and the attempt is given back."""
        return await self._update(self._leased(list(ids), worker), state="pending", due_at=at,
                                  lease_until=None, worker=None, attempts=_GIVE_BACK,
                                  last_error=_code(error_code))

    async def fail(self, id: int, error_code: str, worker: str | None = None) -> bool:
        """Given up: kept, visible, and retryable by the staff (`retry_failed`)."""
        return await self._update(self._leased(id, worker), state="failed", lease_until=None,
                                  last_error=_code(error_code)) == 1

    async def fail_pending(self, chat_id: int, error_code: str) -> int:
        """Every row to this chat that no worker holds: Telegram said it is unreachable (blocked)."""
        return await self._update([OutboxMessage.chat_id == chat_id, OutboxMessage.state == "pending"],
                                  state="failed", last_error=_code(error_code))

    async def release(self, ids: Iterable[int], worker: str | None = None) -> int:
        """Claimed but not sent (a clean shutdown): pending again, the attempt given back."""
        return await self._update(self._leased(list(ids), worker), state="pending", lease_until=None,
                                  worker=None, attempts=_GIVE_BACK)

    # -- staff -------------------------------------------------------------------------------

    async def get(self, id: int) -> OutboxRow | None:
        row = await self._session.get(OutboxMessage, id, populate_existing=True)
        return None if row is None else to_record(row)

    async def status(self) -> OutboxStatus:
        counts = dict.fromkeys(OUTBOX_STATES, 0)
        found = await self._session.execute(
            select(OutboxMessage.state, func.count(), func.coalesce(func.sum(OutboxMessage.duplicates), 0))
            .group_by(OutboxMessage.state)
        )
        duplicates = 0
        for state, count, dup in found.all():
            counts[state] = count
            duplicates += dup
        now = self._clock.now()
        oldest = await self._session.scalar(
            select(func.min(OutboxMessage.due_at))
            .where(OutboxMessage.state.in_(("pending", "sending")), OutboxMessage.due_at <= now)
        )
        age = None if oldest is None else (now - oldest).total_seconds()
        return OutboxStatus(counts, age, duplicates)

    async def failed(self, limit: int = 50) -> list[OutboxRow]:
        rows = await self._session.scalars(
            select(OutboxMessage).where(OutboxMessage.state == "failed")
            .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(limit)
            .execution_options(populate_existing=True)
        )
        return [to_record(row) for row in rows.all()]

    async def retry_failed(self, ids: Iterable[int] | None = None) -> int:
        """Failed rows (all, or these) are due again now, with their attempts reset."""
        where = [OutboxMessage.state == "failed"]
        if ids is not None:
            where.append(OutboxMessage.id.in_(list(ids)))
        return await self._update(where, state="pending", due_at=self._clock.now(), attempts=0,
                                  lease_until=None, worker=None)

    async def purge(self, before: datetime) -> int:
        """Delete sent and dropped rows created before `before`: their text need not be kept."""
        result = await self._session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.state.in_(("sent", "dropped")), OutboxMessage.created_at < before)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount

    # -- internals ---------------------------------------------------------------------------

    _claimable = staticmethod(claimable)

    @staticmethod
    def _leased(ids: int | list[int], worker: str | None) -> list[Any]:
        where = [OutboxMessage.state == "sending"]
        where.append(OutboxMessage.id.in_(ids) if isinstance(ids, list) else OutboxMessage.id == ids)
        if worker is not None:
            where.append(OutboxMessage.worker == worker)
        return where

    async def _update(self, where: list[Any], **values: Any) -> int:
        result = await self._session.execute(
            update(OutboxMessage).where(*where).values(**values).execution_options(synchronize_session=False)
        )
        return result.rowcount


def still_claimed(id: int, worker: str):
    """The query of whether a claimed row is still this worker's to send: not cancelled, and not deleted by
    an erasure (storage.repos.privacy) since it was claimed (its id, or None). Read just before sending."""
    return select(OutboxMessage.id).where(OutboxMessage.id == id, OutboxMessage.state == "sending",
                                          OutboxMessage.worker == worker)
