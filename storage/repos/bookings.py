"""The booking rules, all in one place.

- A seat is taken only by a conditional UPDATE of the session's `booked` count
  (`booked < capacity`), so two writers can never both take the last seat; a CHECK constraint
  (`booked <= capacity`) is the backstop. On SQLite every unit of work runs in BEGIN IMMEDIATE.
- A person has at most one active booking (a seat or a place on the waiting list) per session:
  a partial unique index.
- The waiting list is served in order of arrival (booking id). Nobody jumps it: while somebody
  waits, a newcomer waits too. Nobody waits while a seat is free, until the session starts.
- Cancelling a seat frees it at once and gives it to the first person waiting; raising the
  capacity does the same. Nobody is promoted into a session that has started or was cancelled.
- The capacity cannot go below the seats already booked.
- A person books only sessions of their own centre and audience (parents or young people),
  before they start; they cancel only their own bookings, up to the start.
- Attendance is recorded after the start, on seats only; it never blocks a later booking.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.models import ATTENDANCE, Booking, Child, GroupSession, Person
from storage.records import BookingRecord, PersonRecord, Recipient, RosterLine, SessionRecord
from storage.repos.sessions import SESSION_COLUMNS
from storage.repos.sessions import to_record as session_record

AUDIENCE_OF_ROLE = {"parent": "parents", "youth": "youth"}


@dataclass(frozen=True)
class BookResult:
    outcome: str  # booked, waiting, already_booked, already_waiting, closed, not_allowed, unknown
    booking: BookingRecord | None = None
    session: SessionRecord | None = None


@dataclass(frozen=True)
class Freed:
    """The result of a change that may free seats: the outcome and who got a seat."""

    outcome: str
    session: SessionRecord | None = None
    promoted: list[Recipient] = field(default_factory=list)


# The statements of a booking, built once: building SQLAlchemy expressions costs more than
# running them on SQLite, and booking is the hot path when a popular session opens.
LOCK_SESSION = select(*SESSION_COLUMNS).where(GroupSession.id == bindparam("sid")).with_for_update()
MINE_OR_WAITING = (  # one read for two questions: does this person hold something, does anyone wait?
    select(Booking.id, Booking.person_id, Booking.status)
    .where(Booking.session_id == bindparam("sid"), Booking.status != "cancelled",
           or_(Booking.person_id == bindparam("pid"), Booking.status == "waiting"))
    .order_by(Booking.person_id != bindparam("pid"), Booking.id)
    .limit(1)
)
TAKE_SEAT = (
    update(GroupSession)
    .where(GroupSession.id == bindparam("sid"), GroupSession.booked < GroupSession.capacity,
           GroupSession.cancelled_at.is_(None), GroupSession.starts_at > bindparam("now"))
    .values(booked=GroupSession.booked + 1)
    .returning(GroupSession.booked)
)
INSERT_BOOKING = insert(Booking).values(
    session_id=bindparam("sid"), person_id=bindparam("pid"), status=bindparam("status"),
    created_at=bindparam("now"), updated_at=bindparam("now"),
).returning(Booking.id)
POSITION = select(func.count()).select_from(Booking).where(
    Booking.session_id == bindparam("sid"), Booking.status == "waiting", Booking.id <= bindparam("bid"))


def booking_record(row: Booking, position: int | None = None) -> BookingRecord:
    return BookingRecord(row.id, row.session_id, row.person_id, row.status, row.attendance, row.created_at,
                         position)


class BookingRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    # -- a person's own bookings -----------------------------------------------------------

    async def book(self, session_id: int, person: PersonRecord) -> BookResult:
        session = await self._locked(session_id)
        if session is None:
            return BookResult("unknown")
        if session.centre_id != person.centre_id or AUDIENCE_OF_ROLE.get(person.role) != session.audience:
            return BookResult("not_allowed")
        now = self._clock.now()
        if session.cancelled_at is not None or session.started(now):
            return BookResult("closed", session=session)
        db = await self._session.connection()
        found = (await db.execute(MINE_OR_WAITING, {"sid": session_id, "pid": person.id})).first()
        if found is not None and found.person_id == person.id:
            mine = await self._session.get(Booking, found.id)
            return BookResult(f"already_{mine.status}", await self._with_position(mine), session)
        status, booked = "waiting", None
        if found is None:  # nobody waits: try for a seat
            booked = await self._take_seat(session_id)
            if booked is not None:
                status = "booked"
        values = {"sid": session_id, "pid": person.id, "status": status, "now": now}
        booking_id = (await db.execute(INSERT_BOOKING, values)).scalar_one()
        position = None
        if status == "waiting":
            position = (await db.execute(POSITION, {"sid": session_id, "bid": booking_id})).scalar_one()
        record = BookingRecord(booking_id, session_id, person.id, status, None, now, position)
        return BookResult(status, record, replace(session, booked=booked if booked is not None else session.booked))

    async def cancel(self, booking_id: int, person_id: int) -> Freed:
        """Cancel one's own seat or place in line; a freed seat goes to the first person waiting."""
        row = await self._session.get(Booking, booking_id)
        if row is None or row.person_id != person_id:
            return Freed("unknown")
        session = await self._locked(row.session_id)
        if row.status == "cancelled":
            return Freed("already", session)
        if session.started(self._clock.now()):
            return Freed("started", session)
        held_seat = row.status == "booked"
        row.status, row.updated_at = "cancelled", self._clock.now()
        await self._session.flush()
        if held_seat:
            await self._session.execute(
                update(GroupSession).where(GroupSession.id == row.session_id, GroupSession.booked > 0)
                .values(booked=GroupSession.booked - 1).execution_options(synchronize_session=False)
            )
        promoted = await self._promote(row.session_id)
        return Freed("cancelled", await self._fresh(row.session_id), promoted)

    async def get(self, booking_id: int) -> BookingRecord | None:
        row = await self._session.get(Booking, booking_id)
        return None if row is None else await self._with_position(row)

    async def of_person(self, person_id: int, limit: int = 10) -> list[tuple[BookingRecord, SessionRecord]]:
        """A person's seats and waiting-list places in sessions still to come, soonest first."""
        rows = await self._session.execute(
            select(Booking, GroupSession)
            .join(GroupSession, GroupSession.id == Booking.session_id)
            .where(
                Booking.person_id == person_id,
                Booking.status != "cancelled",
                GroupSession.cancelled_at.is_(None),
                GroupSession.starts_at > self._clock.now(),
            )
            .order_by(GroupSession.starts_at, GroupSession.id)
            .limit(limit)
        )
        return [(await self._with_position(b), session_record(s)) for b, s in rows.all()]

    async def active_for(self, session_id: int, person_id: int) -> BookingRecord | None:
        row = await self._active(session_id, person_id)
        return None if row is None else await self._with_position(row)

    # -- staff: capacity, cancellation, roster, attendance ----------------------------------

    async def set_capacity(self, session_id: int, capacity: int) -> Freed:
        """Change the number of seats; refused below the seats already booked."""
        if await self._locked(session_id) is None:
            return Freed("unknown")
        if capacity < 0:
            return Freed("below_booked", await self._fresh(session_id))
        result = await self._session.execute(
            update(GroupSession)
            .where(GroupSession.id == session_id, GroupSession.booked <= capacity,
                   GroupSession.cancelled_at.is_(None))
            .values(capacity=capacity).execution_options(synchronize_session=False)
        )
        session = await self._fresh(session_id)
        if session is None:
            return Freed("unknown")
        if result.rowcount != 1:
            return Freed("cancelled" if session.cancelled_at else "below_booked", session)
        promoted = await self._promote(session_id)
        return Freed("changed", await self._fresh(session_id), promoted)

    async def cancel_session(self, session_id: int) -> tuple[SessionRecord | None, list[Recipient]]:
        """Cancel a whole session; hands back everyone who held a seat or waited, to be told."""
        session = await self._locked(session_id)
        if session is None or session.cancelled_at is not None:
            return session, []
        told = await self.recipients(session_id)
        now = self._clock.now()
        await self._session.execute(
            update(Booking).where(Booking.session_id == session_id, Booking.status != "cancelled")
            .values(status="cancelled", updated_at=now).execution_options(synchronize_session=False)
        )
        await self._session.execute(
            update(GroupSession).where(GroupSession.id == session_id)
            .values(cancelled_at=now, booked=0).execution_options(synchronize_session=False)
        )
        return await self._fresh(session_id), told

    async def recipients(self, session_id: int) -> list[Recipient]:
        """Everyone holding a seat or waiting, in order of arrival."""
        rows = await self._session.execute(
            select(Booking.id, Booking.status, Person.id, Person.telegram_user_id, Person.locale)
            .join(Person, Person.id == Booking.person_id)
            .where(Booking.session_id == session_id, Booking.status != "cancelled")
            .order_by(Booking.id)
        )
        return [Recipient(pid, tg, locale, bid, status) for bid, status, pid, tg, locale in rows.all()]

    async def roster(self, session_id: int) -> list[RosterLine]:
        rows = (await self._session.execute(
            select(Booking, Person.name, Person.role, Person.family_id)
            .join(Person, Person.id == Booking.person_id)
            .where(Booking.session_id == session_id)
            .order_by(Booking.id)
        )).all()
        families = {family for *_, family in rows if family is not None}
        children: dict[int, list[str]] = {}
        if families:
            found = await self._session.execute(
                select(Child.family_id, Child.first_name).where(Child.family_id.in_(families)).order_by(Child.id)
            )
            for family, first_name in found.all():
                children.setdefault(family, []).append(first_name)
        order = {"booked": 0, "waiting": 1, "cancelled": 2}
        lines = [
            RosterLine(b.id, b.person_id, name, role, b.status, b.attendance, b.created_at,
                       tuple(children.get(family, ())) if role == "parent" else ())
            for b, name, role, family in rows
        ]
        return sorted(lines, key=lambda line: (order[line.status], line.booking_id))

    async def mark_attendance(self, booking_id: int, session_id: int, attendance: str) -> str:
        """Record present, absent or excused for a seat of a session that has started."""
        if attendance not in ATTENDANCE:
            return "unknown"
        row = await self._session.get(Booking, booking_id)
        if row is None or row.session_id != session_id or row.status != "booked":
            return "unknown"
        session = await self._fresh(session_id)
        if session is None or not session.started(self._clock.now()):
            return "not_started"
        row.attendance, row.updated_at = attendance, self._clock.now()
        await self._session.flush()
        return "marked"

    # -- internals -----------------------------------------------------------------------

    async def _locked(self, session_id: int) -> SessionRecord | None:
        """The session, its row locked until the end of the transaction on PostgreSQL (so two
        bookings, cancellations or capacity changes of one session take turns); on SQLite the
        whole transaction already holds the write lock (BEGIN IMMEDIATE)."""
        db = await self._session.connection()
        row = (await db.execute(LOCK_SESSION, {"sid": session_id})).first()
        return None if row is None else session_record(row)

    async def _fresh(self, session_id: int) -> SessionRecord | None:
        row = await self._session.get(GroupSession, session_id, populate_existing=True)
        return None if row is None else session_record(row)

    async def _active(self, session_id: int, person_id: int) -> Booking | None:
        return await self._session.scalar(
            select(Booking).where(
                Booking.session_id == session_id, Booking.person_id == person_id, Booking.status != "cancelled"
            )
        )

    async def _anyone_waiting(self, session_id: int) -> bool:
        found = await self._session.scalar(
            select(Booking.id).where(Booking.session_id == session_id, Booking.status == "waiting").limit(1)
        )
        return found is not None

    async def _take_seat(self, session_id: int) -> int | None:
        """One seat, if one is free and the session is still open: the only way `booked` grows.
        Returns the new count of seats taken, or None when no seat was free."""
        db = await self._session.connection()
        return (await db.execute(TAKE_SEAT, {"sid": session_id, "now": self._clock.now()})).scalar()

    async def _promote(self, session_id: int) -> list[Recipient]:
        """Give free seats to the people waiting, first come first served."""
        promoted = []
        while True:
            first = await self._session.scalar(
                select(Booking).where(Booking.session_id == session_id, Booking.status == "waiting")
                .order_by(Booking.id).limit(1)
            )
            if first is None or await self._take_seat(session_id) is None:
                return promoted
            first.status, first.updated_at = "booked", self._clock.now()
            await self._session.flush()
            person = await self._session.get(Person, first.person_id)
            promoted.append(Recipient(person.id, person.telegram_user_id, person.locale, first.id, "booked"))

    async def _with_position(self, row: Booking) -> BookingRecord:
        if row.status != "waiting":
            return booking_record(row)
        ahead = await self._session.scalar(
            select(func.count()).select_from(Booking).where(
                and_(Booking.session_id == row.session_id, Booking.status == "waiting", Booking.id < row.id)
            )
        )
        return booking_record(row, int(ahead or 0) + 1)
