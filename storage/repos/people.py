from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.errors import Duplicate
from storage.models import Booking, GroupSession, Person
from storage.records import PersonRecord


SEEN_EVERY = timedelta(days=1)

PERSON_COLUMNS = (
    Person.id, Person.telegram_user_id, Person.centre_id, Person.role, Person.staff_role, Person.name,
    Person.locale, Person.family_id, Person.child_id, Person.consented_at,
    Person.checkin_weekday, Person.checkin_hour, Person.checkins_paused, Person.unreachable_at,
    Person.explicit_notifications, Person.consent_version, Person.last_seen_at,
)


def person_from_row(row) -> PersonRecord:
    """A person from a row holding PERSON_COLUMNS (a plain select, cheaper than loading the entity)."""
    return PersonRecord(
        id=row.id,
        telegram_user_id=row.telegram_user_id,
        centre_id=row.centre_id,
        role=row.role,
        staff_role=row.staff_role,
        name=row.name,
        locale=row.locale,
        family_id=row.family_id,
        child_id=row.child_id,
        consented_at=row.consented_at,
        checkin_weekday=row.checkin_weekday,
        checkin_hour=row.checkin_hour,
        checkins_paused=bool(row.checkins_paused),
        unreachable_at=row.unreachable_at,
        explicit_notifications=bool(row.explicit_notifications),
        consent_version=row.consent_version,
        last_seen_at=row.last_seen_at,
    )


@dataclass(frozen=True)
class SeatHolder:
    """A seat in a session to come, and who to remind of it (dialogs.reminders.plan)."""

    booking_id: int
    person_id: int
    telegram_user_id: int
    booked_since: datetime  # when the seat became theirs: booked, or promoted from the waiting list
    session_id: int
    centre_id: int
    starts_at: datetime


@dataclass(frozen=True)
class PromptTarget:
    """Someone the weekly check-in prompt may go to, with only what the planner reads (no name to
    decrypt): dialogs.reminders.plan."""

    id: int
    telegram_user_id: int
    centre_id: int
    consented_at: datetime
    checkin_weekday: int
    checkin_hour: int
    checkins_paused: bool = False  # the query keeps only people with check-ins on...
    unreachable_at: datetime | None = None  # ...who can be written to


def to_record(row: Person) -> PersonRecord:
    return person_from_row(row)  # the entity has the same attribute names as the columns


class PersonRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def by_telegram_id(self, telegram_user_id: int) -> PersonRecord | None:
        row = await self._row(telegram_user_id)
        return None if row is None else to_record(row)

    async def get(self, person_id: int) -> PersonRecord | None:
        row = await self._session.get(Person, person_id)
        return None if row is None else to_record(row)

    async def _row(self, telegram_user_id: int) -> Person | None:
        return await self._session.scalar(
            select(Person).where(Person.telegram_user_id == telegram_user_id)
        )

    async def _add(self, **values) -> PersonRecord:
        if await self._row(values["telegram_user_id"]) is not None:
            raise Duplicate(f"Telegram user {values['telegram_user_id']} is already registered")
        row = Person(created_at=self._clock.now(), **values)
        self._session.add(row)
        await self._session.flush()
        return to_record(row)

    async def add_parent(
        self, telegram_user_id: int, centre_id: int, family_id: int, locale: str | None, consented_at: datetime,
        consent_version: str | None = None,
    ) -> PersonRecord:
        return await self._add(
            telegram_user_id=telegram_user_id,
            centre_id=centre_id,
            role="parent",
            family_id=family_id,
            locale=locale,
            consented_at=consented_at,
            consent_version=consent_version,
            last_seen_at=self._clock.now(),
        )

    async def add_youth(
        self,
        telegram_user_id: int,
        centre_id: int,
        family_id: int | None,
        child_id: int | None,
        locale: str | None,
        consented_at: datetime,
        consent_version: str | None = None,
    ) -> PersonRecord:
        return await self._add(
            telegram_user_id=telegram_user_id,
            centre_id=centre_id,
            role="youth",
            family_id=family_id,
            child_id=child_id,
            locale=locale,
            consented_at=consented_at,
            consent_version=consent_version,
            last_seen_at=self._clock.now(),
        )

    async def add_staff(self, telegram_user_id: int, centre_id: int, name: str, staff_role: str) -> PersonRecord:
        return await self._add(
            telegram_user_id=telegram_user_id,
            centre_id=centre_id,
            role="staff",
            staff_role=staff_role,
            name=name,
        )

    async def note_name(self, person_id: int, name: str) -> None:
        """Keep the first name Telegram gives, for the staff's rosters, unless one is known."""
        name = name.strip()[:80]
        if name:
            await self._session.execute(
                update(Person).where(Person.id == person_id, Person.name.is_(None)).values(name=name)
                .execution_options(synchronize_session=False)
            )

    async def mark_unreachable(self, telegram_user_id: int) -> PersonRecord | None:
        """Telegram refused a message for good (blocked, account gone): stop prompts and reminders."""
        await self._session.execute(
            update(Person).where(Person.telegram_user_id == telegram_user_id, Person.unreachable_at.is_(None))
            .values(unreachable_at=self._clock.now()).execution_options(synchronize_session=False)
        )
        return await self.by_telegram_id(telegram_user_id)

    async def mark_reachable(self, telegram_user_id: int) -> bool:
        """They wrote to the bot again (/start after unblocking): True if they had been unreachable."""
        result = await self._session.execute(
            update(Person).where(Person.telegram_user_id == telegram_user_id, Person.unreachable_at.is_not(None))
            .values(unreachable_at=None).execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    async def record_consent(self, person_id: int, version: str) -> None:
        """They agreed to this version of the privacy notice, now."""
        await self._session.execute(
            update(Person).where(Person.id == person_id)
            .values(consented_at=self._clock.now(), consent_version=version)
            .execution_options(synchronize_session=False)
        )

    async def seen(self, person: PersonRecord) -> None:
        """They wrote to the bot: their data is in use (retention counts silence from here). At most one
        write a day per person, and a pending notice that their data would be removed is withdrawn."""
        now = self._clock.now()
        if person.last_seen_at is not None and now - person.last_seen_at < SEEN_EVERY:
            return
        await self._session.execute(
            update(Person).where(Person.id == person.id).values(last_seen_at=now, inactive_notice_at=None)
            .execution_options(synchronize_session=False)
        )

    async def set_explicit_notifications(self, person_id: int, explicit: bool) -> None:
        await self._session.execute(
            update(Person).where(Person.id == person_id).values(explicit_notifications=explicit)
            .execution_options(synchronize_session=False)
        )

    async def set_locale(self, person_id: int, locale: str) -> None:
        await self._session.execute(update(Person).where(Person.id == person_id).values(locale=locale))

    async def set_checkin_time(self, person_id: int, weekday: int, hour: int) -> None:
        if not (0 <= weekday <= 6 and 0 <= hour <= 23):
            raise ValueError("weekday 0-6 and hour 0-23")
        await self._session.execute(
            update(Person).where(Person.id == person_id).values(checkin_weekday=weekday, checkin_hour=hour)
        )

    async def pause_checkins(self, person_id: int, paused: bool) -> None:
        await self._session.execute(update(Person).where(Person.id == person_id).values(checkins_paused=paused))

    async def prompt_page(self, after_id: int, limit: int,
                          slots: list[tuple[list[int], list[int]]] | None = None) -> list[PromptTarget]:
        """Everyone the weekly check-in prompt may go to (parents and young people who consented, have not
        paused their check-ins and can be written to), a page at a time, by id: the next `limit` after `after_id`. `slots`, when
        given, is a list of (centre ids, slots): only people of those centres whose weekday * 24 + hour
        is among the slots of their centre (the planner's: the prompts that may be due now)."""
        query = select(Person.id, Person.telegram_user_id, Person.centre_id, Person.consented_at,
                       Person.checkin_weekday, Person.checkin_hour).where(
            Person.id > after_id, Person.role.in_(("parent", "youth")), Person.consented_at.is_not(None),
            Person.checkins_paused.is_(False), Person.unreachable_at.is_(None),
        )
        if slots is not None:
            slot = Person.checkin_weekday * 24 + Person.checkin_hour
            chosen = [and_(Person.centre_id.in_(centres), slot.in_(hours)) for centres, hours in slots
                      if centres and hours]
            if not chosen:
                return []
            query = query.where(or_(*chosen))
        rows = await self._session.execute(query.order_by(Person.id).limit(limit))
        return [PromptTarget(*row) for row in rows.all()]

    async def seat_page(self, after: datetime, until: datetime, after_booking: int, limit: int) -> list[SeatHolder]:
        """`seat_holders` a page at a time, by booking id: the next `limit` seats after `after_booking`."""
        rows = await self._session.execute(
            select(Booking.id, Booking.person_id, Person.telegram_user_id, Booking.updated_at, GroupSession.id,
                   GroupSession.centre_id, GroupSession.starts_at)
            .join(GroupSession, GroupSession.id == Booking.session_id)
            .join(Person, Person.id == Booking.person_id)
            .where(Booking.id > after_booking, Booking.status == "booked", GroupSession.cancelled_at.is_(None),
                   GroupSession.starts_at > after, GroupSession.starts_at <= until, Person.unreachable_at.is_(None))
            .order_by(Booking.id).limit(limit)
        )
        return [SeatHolder(*row) for row in rows.all()]

    async def staff_of(self, centre_id: int) -> list[PersonRecord]:
        rows = await self._session.scalars(
            select(Person).where(Person.centre_id == centre_id, Person.role == "staff").order_by(Person.id)
        )
        return [to_record(r) for r in rows]

    async def families_page(self, centre_id: int, offset: int, limit: int) -> list[PersonRecord]:
        """The centre's parents and young people who consented, by id: `limit` of them from `offset`."""
        rows = await self._session.execute(
            select(*PERSON_COLUMNS).where(
                Person.centre_id == centre_id, Person.role.in_(("parent", "youth")), Person.consented_at.is_not(None),
            ).order_by(Person.id).offset(max(0, offset)).limit(limit)
        )
        return [person_from_row(row) for row in rows.all()]

    async def count(self, role: str | None = None) -> int:
        query = select(func.count(Person.id))
        if role is not None:
            query = query.where(Person.role == role)
        return int(await self._session.scalar(query) or 0)

    async def forget(self, person_id: int) -> None:
        """Erase a family member (storage.repos.privacy.erase): see there for what goes and what stays."""
        from storage.repos.privacy import PrivacyRepository

        await PrivacyRepository(self._session, self._clock).erase(person_id)
