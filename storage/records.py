"""Plain, immutable copies of rows: what leaves storage/ is never an ORM object."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class CentreRecord:
    id: int
    name: str
    timezone: str
    staff_chat_id: int | None
    phone: str | None = None
    quiet_from: int = 21 * 60  # minutes after local midnight
    quiet_until: int = 8 * 60
    open_days: str = "0,1,2,3,4"  # opening hours, local: the days (0 = Monday) and minutes after midnight
    open_from: int = 9 * 60
    open_until: int = 18 * 60
    # Retention in months (dialogs.privacy.retention): free text, check-in answers, closed cases, silent families.
    keep_text_months: int = 6
    keep_checkins_months: int = 24
    keep_cases_months: int = 24
    keep_inactive_months: int = 24


@dataclass(frozen=True)
class PersonRecord:
    id: int
    telegram_user_id: int
    centre_id: int
    role: str
    staff_role: str | None
    name: str | None
    locale: str | None
    family_id: int | None
    child_id: int | None
    consented_at: datetime | None
    checkin_weekday: int = 6
    checkin_hour: int = 18
    checkins_paused: bool = False
    unreachable_at: datetime | None = None
    explicit_notifications: bool = False
    consent_version: str | None = None  # of the privacy notice they agreed to
    last_seen_at: datetime | None = None

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"


@dataclass(frozen=True)
class ChildRecord:
    id: int
    family_id: int
    first_name: str
    age: int
    school_level: str


@dataclass(frozen=True)
class InviteRecord:
    id: int
    centre_id: int
    family_id: int | None
    child_id: int | None
    expires_at: datetime
    used_at: datetime | None
    parental_consent_at: datetime | None = None  # a parent's consent: given on the invite, or confirmed by staff
    youth_age: int | None = None  # as the staff member who made it stated


@dataclass(frozen=True)
class SessionRecord:
    id: int
    centre_id: int
    title: str
    audience: str
    starts_at: datetime
    minutes: int
    capacity: int
    place: str | None
    kind: str = "group"
    booked: int = 0
    description: str | None = None
    series: str | None = None
    cancelled_at: datetime | None = None

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    def started(self, now: datetime) -> bool:
        return now >= self.starts_at


@dataclass(frozen=True)
class BookingRecord:
    id: int
    session_id: int
    person_id: int
    status: str  # "booked", "waiting" or "cancelled"
    attendance: str | None
    created_at: datetime
    position: int | None = None  # place on the waiting list, 1 first


@dataclass(frozen=True)
class Recipient:
    """Somebody to tell about a booking: enough to write to them in their language."""

    person_id: int
    telegram_user_id: int
    locale: str | None
    booking_id: int
    status: str


@dataclass(frozen=True)
class RosterLine:
    booking_id: int
    person_id: int
    name: str | None
    role: str
    status: str
    attendance: str | None
    booked_at: datetime
    children: tuple[str, ...] = ()  # a parent's children's first names


@dataclass
class ConversationRecord:
    """A person's place in a dialog; `data` holds small JSON-safe values only."""

    telegram_user_id: int
    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    stored: bool = False


@dataclass(frozen=True)
class CheckinRecord:
    id: int
    person_id: int
    child_id: int | None
    audience: str
    week: str
    answers: dict[str, Any]
    message: str | None
    level: str
    rule: str | None
    completed_at: datetime | None


@dataclass(frozen=True)
class EscalationRecord:
    id: int
    centre_id: int
    person_id: int | None
    child_id: int | None
    level: str
    reason: str
    source: str
    status: str
    opened_at: datetime


@dataclass(frozen=True)
class CaseMessage:
    """One thing a person said or did after their case opened (a message, a check-in, a request)."""

    id: int
    case_id: int
    at: datetime
    kind: str
    text: str
    level: str | None = None
    rule: str | None = None
