"""What a case keeps besides its row: the audit log (who did what, never the content) and its messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.crypto import EncryptedText
from storage.models import LEVELS, Base, UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id", ondelete="SET NULL"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(24))  # take, relay_in, relay_out, close, reopen, alert...
    detail: Mapped[str | None] = mapped_column(String(40))  # an outcome or a code, never a message


class CaseMessageEntry(Base):
    """What a person said or did after their case opened (a message, a check-in, a request), in order.

    The text is for the staff's card and the case's topic only: never logged.
    """

    __tablename__ = "case_messages"
    __table_args__ = (CheckConstraint(f"level IS NULL OR level IN {LEVELS}", name="level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(16))  # "text", "checkin", "request", "media"...
    text: Mapped[str] = mapped_column(EncryptedText(), default="")
    level: Mapped[str | None] = mapped_column(String(8))  # the triage level of this message, if assessed
    rule: Mapped[str | None] = mapped_column(String(60))  # the rule that fired, if any
