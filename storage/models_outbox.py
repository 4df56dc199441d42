"""The outbox table (see OutboxMessage)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.crypto import EncryptedText
from storage.models import Base, UTCDateTime

OUTBOX_STATES = ("pending", "sending", "sent", "failed", "dropped")


class OutboxMessage(Base):
    """A message that is not an immediate reply: due at `due_at`, dropped past `not_after`.

    `key` makes enqueueing idempotent (one reminder per booking and hour, say). A dispatcher
    claims due rows with a lease (`state = 'sending'`, `lease_until`, `worker`); a row whose lease
    expired is claimed again and counted in `duplicates`, since it may already have been sent.
    `last_error` is a short code, never a message's text."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(f"state IN {OUTBOX_STATES}", name="state"),
        CheckConstraint("attempts >= 0 AND duplicates >= 0", name="counts"),
        Index("ix_outbox_state_due", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str | None] = mapped_column(String(160), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # prompt, nudge, reminder, notice, alert...
    payload: Mapped[str] = mapped_column(EncryptedText(), default="{}")  # JSON: text, buttons...; never logged
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    not_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(8), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    duplicates: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    worker: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
