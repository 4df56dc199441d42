"""The booking rules on SQLite and PostgreSQL, through the store as the bot uses it: 200 parents racing
for 12 seats (in one process, and across four), random bookings, cancellations and capacity changes
against a model, no promotion once started, no capacity below the seats held.

On PostgreSQL nothing serialises the units of work of one process (SQLite's writer lock does): the race
runs with many transactions open at once, and it is the session's row lock and the conditional UPDATE
of its seat count that keep it exact.
"""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import random
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from storage.clock import FakeClock
from storage.crypto import Keyring
from storage.database import make_engine
from storage.models import Booking, GroupSession
from storage.store import Store
from tests.support.keys import TEST_DATA_KEY

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
PARIS = ZoneInfo("Europe/Paris")
STARTS = datetime(2026, 12, 3, 18, 30, tzinfo=PARIS)  # the FakeClock starts on 2026-11-24


async def make_session(store: Store, centre_id: int, capacity: int, starts: datetime = STARTS):
    async with store.unit_of_work() as uow:
        session = await uow.sessions.add(centre_id, "Groupe de parole", starts, 90, capacity, "Salle 2")
        await uow.commit()
    return session


async def make_parents(store: Store, centre_id: int, count: int, first_user: int = 10_000) -> list:
    async with store.unit_of_work() as uow:
        parents = []
        for n in range(count):
            family = await uow.families.create(centre_id)
            parents.append(await uow.people.add_parent(first_user + n, centre_id, family, "fr", uow.clock.now()))
        await uow.commit()
    return parents


async def rows(store: Store, session_id: int) -> list[tuple[int, int, str]]:
    """(booking id, person id, status) of a session, in arrival order, read straight from the table."""
    async with store.engine.connect() as conn:
        found = await conn.execute(select(Booking.id, Booking.person_id, Booking.status)
                                   .where(Booking.session_id == session_id).order_by(Booking.id))
        return [tuple(r) for r in found.all()]


async def seats(store: Store, session_id: int) -> tuple[int, int]:
    """(capacity, booked) as stored."""
    async with store.engine.connect() as conn:
        found = await conn.execute(select(GroupSession.capacity, GroupSession.booked)
                                   .where(GroupSession.id == session_id))
        return tuple(found.one())


# -- (a) 200 parents race for 12 seats, in one process --------------------------------------

async def test_two_hundred_parents_race_for_twelve_seats(core, centre, backend):
    store = core.store
    session = await make_session(store, centre.id, capacity=12)
    parents = await make_parents(store, centre.id, 200)
    rng = random.Random(4)
    entered: list[int] = []
    inside = peak = 0  # units of work open at once

    async def attempt(person):
        nonlocal inside, peak
        for _ in range(rng.randrange(6)):  # shuffle who gets to the door first
            await asyncio.sleep(0)
        async with store.unit_of_work() as uow:
            entered.append(person.id)
            inside += 1
            peak = max(peak, inside)
            try:
                result = await uow.bookings.book(session.id, person)
                await uow.commit()
            finally:
                inside -= 1
        return result

    results = await asyncio.gather(*(attempt(p) for p in parents))

    assert entered != [p.id for p in parents]  # the arrival order really was shuffled
    # SQLite: the store lets one unit of work in at a time. PostgreSQL: nothing in the process does.
    assert peak == 1 if backend == "sqlite" else peak > 10
    served = sorted(results, key=lambda r: r.booking.id)  # booking ids: the order the database served them
    assert [r.outcome for r in served] == ["booked"] * 12 + ["waiting"] * 188
    assert [r.booking.position for r in served[12:]] == list(range(1, 189))  # each told their true place
    stored = await rows(store, session.id)
    assert [(bid, pid) for bid, pid, _ in stored] == [(r.booking.id, r.booking.person_id) for r in served]
    assert [status for *_, status in stored] == ["booked"] * 12 + ["waiting"] * 188
    assert await seats(store, session.id) == (12, 12)
    if backend == "sqlite":
        assert [r.booking.person_id for r in served] == entered  # served in the order they came in


# -- (b) the same race across processes, one database ----------------------------------------

WORKER = r"""
import asyncio, json, sys
from datetime import datetime
from storage.clock import FakeClock
from storage.crypto import Keyring
from storage.database import make_engine
from storage.store import Store
from tests.support.keys import TEST_DATA_KEY

async def main(url, session_id, person_ids, now):
    store = Store(make_engine(url), FakeClock(datetime.fromisoformat(now)))
    try:
        async with store.unit_of_work() as uow:
            people = [await uow.people.get(pid) for pid in person_ids]
        print("ready", flush=True)
        sys.stdin.readline()  # wait for "go": every process starts at once

        async def attempt(person):
            async with store.unit_of_work() as uow:
                result = await uow.bookings.book(session_id, person)
                await uow.commit()
            return [person.id, result.outcome, result.booking.id, result.booking.position]

        print(json.dumps(await asyncio.gather(*(attempt(p) for p in people))), flush=True)
    finally:
        await store.close()

url, session_id, ids, now = sys.argv[1:5]
asyncio.run(main(url, int(session_id), [int(i) for i in ids.split(",")], now))
"""


def race_in_processes(url: str, session_id: int, person_ids: list[int], now: datetime, processes: int) -> list:
    """Book every person, split over `processes` OS processes that start together; their results."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    share = [person_ids[n::processes] for n in range(processes)]
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, str(session_id), ",".join(map(str, ids)),
                               now.isoformat()], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              cwd=ROOT, env=env) for ids in share]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready"
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in procs:
            out, _ = proc.communicate(timeout=120)
            assert proc.returncode == 0
            results += json.loads(out)
        return results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream and not stream.closed:
                    stream.close()


async def test_the_race_across_four_processes_on_one_database(core, centre, db_url, clock):
    store = core.store
    session = await make_session(store, centre.id, capacity=12)
    parents = await make_parents(store, centre.id, 200)

    results = await asyncio.to_thread(race_in_processes, db_url, session.id, [p.id for p in parents],
                                      clock.now(), 4)

    assert len(results) == 200
    assert sorted(outcome for _, outcome, *_ in results) == ["booked"] * 12 + ["waiting"] * 188
    stored = await rows(store, session.id)
    assert len(stored) == 200 and len({pid for _, pid, _ in stored}) == 200
    # First come, first served, whatever the process: the seats went to the 12 first bookings...
    assert [status for *_, status in stored] == ["booked"] * 12 + ["waiting"] * 188
    # ...and each waiting parent was told their true place in line.
    position = {booking_id: pos for _, _, booking_id, pos in results}
    assert [position[bid] for bid, _, status in stored if status == "waiting"] == list(range(1, 189))
    assert await seats(store, session.id) == (12, 12)
    async with store.engine.connect() as conn:
        held = await conn.scalar(select(func.count()).select_from(Booking)
                                 .where(Booking.session_id == session.id, Booking.status == "booked"))
    assert held == 12


# -- (c) random bookings, cancellations and capacity changes against a model ----------------

PEOPLE = 6


class Model:
    """What the rules say should happen, in plain Python: bookings in arrival order."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.started = False
        self.bookings: list[list] = []  # [person, status]

    def booked(self) -> int:
        return sum(1 for _, status in self.bookings if status == "booked")

    def active(self, person: int) -> list | None:
        return next((b for b in self.bookings if b[0] == person and b[1] != "cancelled"), None)

    def promote(self) -> None:
        for booking in self.bookings:
            if booking[1] == "waiting" and self.booked() < self.capacity and not self.started:
                booking[1] = "booked"

    def book(self, person: int) -> str:
        if self.started:
            return "closed"
        mine = self.active(person)
        if mine is not None:
            return f"already_{mine[1]}"
        waiting = any(status == "waiting" for _, status in self.bookings)
        status = "booked" if not waiting and self.booked() < self.capacity else "waiting"
        self.bookings.append([person, status])
        return status

    def cancel(self, person: int) -> str:
        mine = self.active(person)
        if mine is None:
            return "already"
        if self.started:
            return "started"
        mine[1] = "cancelled"
        self.promote()
        return "cancelled"

    def set_capacity(self, capacity: int) -> str:
        if capacity < self.booked():
            return "below_booked"
        self.capacity = capacity
        self.promote()
        return "changed"


operations = st.lists(
    st.one_of(
        st.tuples(st.just("book"), st.integers(0, PEOPLE - 1)),
        st.tuples(st.just("cancel"), st.integers(0, PEOPLE - 1)),
        st.tuples(st.just("capacity"), st.integers(0, 6)),
        st.tuples(st.just("start"), st.just(0)),
    ),
    max_size=30,
)


@pytest.fixture
async def six_parents(core, centre) -> int:
    """Six parents of one centre; each example of the model test books in a session of its own."""
    await make_parents(core.store, centre.id, PEOPLE)
    return centre.id


async def run_against_model(url: str, capacity: int, ops: list[tuple[str, int]]) -> None:
    clock = FakeClock()
    store = Store(make_engine(url, keyring=Keyring.from_text(TEST_DATA_KEY)), clock)
    model = Model(capacity)
    try:
        async with store.unit_of_work() as uow:
            people = [await uow.people.by_telegram_id(10_000 + n) for n in range(PEOPLE)]
        session = await make_session(store, people[0].centre_id, capacity)
        for op, arg in ops:
            async with store.unit_of_work() as uow:
                if op == "book":
                    got = (await uow.bookings.book(session.id, people[arg])).outcome
                    expected = model.book(arg)
                elif op == "cancel":
                    mine = await uow.bookings.active_for(session.id, people[arg].id)
                    if mine is None:
                        continue
                    got = (await uow.bookings.cancel(mine.id, people[arg].id)).outcome
                    expected = model.cancel(arg)
                elif op == "capacity":
                    got = (await uow.bookings.set_capacity(session.id, arg)).outcome
                    expected = model.set_capacity(arg)
                else:
                    clock.set(session.starts_at + timedelta(minutes=1))
                    model.started = True
                    continue
                await uow.commit()
            assert got == expected, (op, arg)
            await check_invariants(store, session.id, model)
    finally:
        await store.close()


async def check_invariants(store: Store, session_id: int, model: Model) -> None:
    stored = await rows(store, session_id)
    capacity, booked = await seats(store, session_id)
    held = [pid for _, pid, status in stored if status == "booked"]
    waiting = [(bid, pid) for bid, pid, status in stored if status == "waiting"]
    active = [pid for _, pid, status in stored if status != "cancelled"]
    assert len(held) == booked <= capacity
    assert len(active) == len(set(active))  # nobody holds two active bookings
    if waiting and not model.started:
        assert booked == capacity  # nobody waits while a seat is free
    async with store.unit_of_work() as uow:
        positions = [(await uow.bookings.get(bid)).position for bid, _ in waiting]
    assert positions == list(range(1, len(waiting) + 1))  # in arrival (id) order
    # And exactly what the model says, booking by booking.
    assert capacity == model.capacity
    assert [status for *_, status in stored] == [status for _, status in model.bookings]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(capacity=st.integers(0, 4), ops=operations)
def test_random_bookings_keep_every_rule(db_url, six_parents, capacity, ops):
    asyncio.run(run_against_model(db_url, capacity, ops))


# -- (d) nobody is promoted into a session that has started ---------------------------------

async def test_no_promotion_once_the_session_has_started(core, centre, clock):
    store = core.store
    session = await make_session(store, centre.id, capacity=1)
    first, second, late = await make_parents(store, centre.id, 3)
    async with store.unit_of_work() as uow:
        booked = await uow.bookings.book(session.id, first)
        waiting = await uow.bookings.book(session.id, second)
        await uow.commit()
    assert (booked.outcome, waiting.outcome) == ("booked", "waiting")

    clock.set(session.starts_at + timedelta(minutes=5))
    async with store.unit_of_work() as uow:
        cancelled = await uow.bookings.cancel(booked.booking.id, first.id)
        raised = await uow.bookings.set_capacity(session.id, 5)
        too_late = await uow.bookings.book(session.id, late)
        await uow.commit()

    assert cancelled.outcome == "started"  # a seat cannot be given back once it has started
    assert raised.outcome == "changed" and raised.promoted == []
    assert too_late.outcome == "closed"
    assert await rows(store, session.id) == [(booked.booking.id, first.id, "booked"),
                                             (waiting.booking.id, second.id, "waiting")]
    assert await seats(store, session.id) == (5, 1)


# -- (e) the capacity cannot go below the seats already booked -----------------------------

async def test_lowering_capacity_below_the_booked_seats_is_refused(core, centre):
    store = core.store
    session = await make_session(store, centre.id, capacity=3)
    parents = await make_parents(store, centre.id, 4)
    async with store.unit_of_work() as uow:
        for parent in parents:
            await uow.bookings.book(session.id, parent)
        await uow.commit()
    before = await rows(store, session.id)

    async with store.unit_of_work() as uow:
        lowered = await uow.bookings.set_capacity(session.id, 2)
        negative = await uow.bookings.set_capacity(session.id, -1)
        await uow.commit()

    assert lowered.outcome == "below_booked" and lowered.session.capacity == 3 and lowered.promoted == []
    assert negative.outcome == "below_booked"
    assert await rows(store, session.id) == before
    assert [s for *_, s in before] == ["booked", "booked", "booked", "waiting"]
    assert await seats(store, session.id) == (3, 3)

    async with store.unit_of_work() as uow:  # down to exactly the seats held is fine
        same = await uow.bookings.set_capacity(session.id, 3)
        await uow.commit()
    assert same.outcome == "changed" and await seats(store, session.id) == (3, 3)


