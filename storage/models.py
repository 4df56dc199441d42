"""Tables of the Relier bot. Every time is stored in UTC; see UTCDateTime."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.clock import ensure_aware
from storage.crypto import EncryptedText

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("parent", "youth", "staff")
STAFF_ROLES = ("psychologist", "coordinator", "admin")
SCHOOL_LEVELS = ("primary", "middle", "high", "other")
AUDIENCES = ("parents", "youth")
LEVELS = ("none", "watch", "high", "urgent")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return ensure_aware(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Centre(Base):
    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    staff_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    phone: Mapped[str | None] = mapped_column(String(40))
    # Quiet hours, local time, in minutes after midnight: non-urgent messages wait for their end.
    quiet_from: Mapped[int] = mapped_column(Integer, default=21 * 60, server_default=str(21 * 60))
    quiet_until: Mapped[int] = mapped_column(Integer, default=8 * 60, server_default=str(8 * 60))
    # Opening hours (local): the days ("0,1,2,3,4" = Monday to Friday) and minutes after midnight.
    open_days: Mapped[str] = mapped_column(String(16), default="0,1,2,3,4", server_default="0,1,2,3,4")
    open_from: Mapped[int] = mapped_column(Integer, default=9 * 60, server_default=str(9 * 60))
    open_until: Mapped[int] = mapped_column(Integer, default=18 * 60, server_default=str(18 * 60))
    # When an untaken case is alerted again, in minutes, as JSON ({"urgent": 10, ...}); {} = defaults.
    case_timers: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Retention, in months (dialogs.privacy.retention): free text, check-in answers, closed cases, and
    # families who have not written for this long (told about a month before).
    keep_text_months: Mapped[int] = mapped_column(Integer, default=6, server_default="6")
    keep_checkins_months: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    keep_cases_months: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    keep_inactive_months: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    retention_ran_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # claimed once a day


class Family(Base):
    __tablename__ = "families"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Child(Base):
    __tablename__ = "children"
    __table_args__ = (
        CheckConstraint("age BETWEEN 1 AND 25", name="age_range"),
        CheckConstraint(f"school_level IN {SCHOOL_LEVELS}", name="school_level"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"), index=True)
    first_name: Mapped[str] = mapped_column(EncryptedText())  # at most 40 characters (dialogs)
    age: Mapped[int] = mapped_column(Integer)
    school_level: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES}", name="role"),
        CheckConstraint(
            f"(role = 'staff' AND staff_role IN {STAFF_ROLES}) OR (role <> 'staff' AND staff_role IS NULL)",
            name="staff_role",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    staff_role: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(EncryptedText())  # at most 80 characters (repos.people)
    locale: Mapped[str | None] = mapped_column(String(8))
    family_id: Mapped[int | None] = mapped_column(
        ForeignKey("families.id", ondelete="SET NULL"), index=True
    )
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id", ondelete="SET NULL"))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_version: Mapped[str | None] = mapped_column(String(16))  # of the privacy notice agreed to
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The last update from them (touched at most daily), and when they were told that, silent for
    # so long, their data would soon be removed (the centre's retention).
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    inactive_notice_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When to be asked for the weekly check-in, in the centre's time zone (0 = Monday).
    checkin_weekday: Mapped[int] = mapped_column(Integer, default=6, server_default="6")
    checkin_hour: Mapped[int] = mapped_column(Integer, default=18, server_default="18")
    checkins_paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Set when Telegram says the bot cannot write to them (blocked, account gone); /start clears it.
    unreachable_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Prompts and reminders say what they are about only if the person chose so (lock screens).
    explicit_notifications: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")  # staff: gets case alerts


class Invite(Base):
    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # A young person under 15 joins only with a parent's consent: given by the parent who made the
    # invite, or confirmed by the staff member who made it (`relier invite youth --parental-consent`).
    parental_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    parental_consent_by: Mapped[str | None] = mapped_column(String(16))  # "parent" or "staff"
    youth_age: Mapped[int | None] = mapped_column(Integer)  # as stated by the staff, if known


class Conversation(Base):
    """Where a person is in a dialog: survives restarts and is shared by instances."""

    __tablename__ = "conversations"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    flow: Mapped[str | None] = mapped_column(String(40))
    step: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[str] = mapped_column(EncryptedText(), default="{}")
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


SESSION_KINDS = ("group", "talk", "mediation", "workshop")
BOOKING_STATUSES = ("booked", "waiting", "cancelled")
ATTENDANCE = ("present", "absent", "excused")


class GroupSession(Base):
    """A parents' group, a talk, a mediation slot or a workshop. `booked` counts the seats held:
    it only moves by a conditional UPDATE, and the CHECK below is the backstop against overbooking."""

    __tablename__ = "group_sessions"
    __table_args__ = (
        CheckConstraint("capacity >= 0", name="capacity"),
        CheckConstraint("minutes > 0", name="minutes"),
        CheckConstraint(f"audience IN {AUDIENCES}", name="audience"),
        CheckConstraint(f"kind IN {SESSION_KINDS}", name="kind"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="seats"),
        Index("ix_group_sessions_centre_start", "centre_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    kind: Mapped[str] = mapped_column(String(16), default="group", server_default="group")
    title: Mapped[str] = mapped_column(String(120))
    audience: Mapped[str] = mapped_column(String(16), default="parents")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    minutes: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    place: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    series: Mapped[str | None] = mapped_column(String(32))  # shared by the sessions of a weekly series
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Booking(Base):
    """A seat or a place on the waiting list; arrival order is the id. One active booking
    (booked or waiting) per person and session, enforced by a partial unique index."""

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint(f"status IN {BOOKING_STATUSES}", name="status"),
        CheckConstraint(f"attendance IS NULL OR attendance IN {ATTENDANCE}", name="attendance"),
        Index(
            "uq_bookings_one_active", "session_id", "person_id", unique=True,
            sqlite_where=text("status <> 'cancelled'"), postgresql_where=text("status <> 'cancelled'"),
        ),
        Index("ix_bookings_session_status", "session_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    attendance: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Checkin(Base):
    """One set of answers about one child (parent) or oneself (youth); the week's last complete one counts."""

    __tablename__ = "checkins"
    __table_args__ = (
        CheckConstraint("audience IN ('parent', 'youth')", name="audience"),
        CheckConstraint(f"level IN {LEVELS}", name="level"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(24))  # "child:<id>" or "self"
    audience: Mapped[str] = mapped_column(String(8))
    week: Mapped[str] = mapped_column(String(8))  # ISO week of the centre's local date, e.g. 2026-W48
    answers: Mapped[str] = mapped_column(EncryptedText(), default="{}")
    message: Mapped[str | None] = mapped_column(EncryptedText())  # free text, never logged
    level: Mapped[str] = mapped_column(String(8), default="none")
    rule: Mapped[str | None] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Escalation(Base):
    """A request for a human: opened by triage or by a person; one open per person."""

    __tablename__ = "escalations"
    __table_args__ = (
        CheckConstraint(f"level IN {LEVELS}", name="level"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        Index(
            "uq_escalations_one_open", "person_id", unique=True,
            sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    child_id: Mapped[int | None] = mapped_column(ForeignKey("children.id", ondelete="SET NULL"))
    level: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(60))  # the rule that fired, or "request"
    source: Mapped[str] = mapped_column(String(16))  # "checkin", "text", "request"
    snapshot: Mapped[str] = mapped_column(EncryptedText(), default="{}")  # recent answers, for the staff's card
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(8), default="open")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The handoff: where the case lives in the staff chat, who took it, how it ended.
    topic_id: Mapped[int | None] = mapped_column(BigInteger)  # forum topic of the staff chat
    card_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    taken_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    alert_stage: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_alert_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String(16))  # resolved, referred, no_answer
    close_note: Mapped[str | None] = mapped_column(EncryptedText())  # private to the staff; never logged
    followup_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


from storage.models_cases import AuditEntry, CaseMessageEntry  # noqa: E402,F401  (registers the table on Base)
from storage.models_outbox import OUTBOX_STATES, OutboxMessage  # noqa: E402,F401
from storage.models_access import InstallationSecret  # noqa: E402,F401
