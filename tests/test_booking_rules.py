"""The booking rules under load and against a model: seats, waiting list, capacity, weekly series, CSV.

Every test runs on a real SQLite file through the store, as the bot does.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import pathlib
import random
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from dialogs.booking.roster_csv import roster_csv
from dialogs.booking.series import NonexistentTime, local_instant, parse_local, weekly_starts
from storage.clock import FakeClock
from storage.database import make_engine, upgrade
from storage.models import Booking, GroupSession
from storage.records import RosterLine, SessionRecord
from storage.store import Store

ROOT = pathlib.Path(__file__).resolve().parent.parent
PARIS = ZoneInfo("Europe/Paris")
UTC = timezone.utc
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

async def test_two_hundred_parents_race_for_twelve_seats(core, centre):
    store = core.store
    session = await make_session(store, centre.id, capacity=12)
    parents = await make_parents(store, centre.id, 200)
    rng = random.Random(4)
    arrivals: list[int] = []

    async def attempt(person):
        for _ in range(rng.randrange(6)):  # shuffle who gets to the door first
            await asyncio.sleep(0)
        async with store.unit_of_work() as uow:
            arrivals.append(person.id)  # inside the unit of work: the order the store serves them
            result = await uow.bookings.book(session.id, person)
            await uow.commit()
        return person.id, result

    results = dict(await asyncio.gather(*(attempt(p) for p in parents)))

    assert arrivals != [p.id for p in parents]  # the arrival order really was shuffled
    outcomes = [results[pid].outcome for pid in arrivals]
    assert outcomes == ["booked"] * 12 + ["waiting"] * 188
    assert [results[pid].booking.position for pid in arrivals[12:]] == list(range(1, 189))
    stored = await rows(store, session.id)
    assert [pid for _, pid, _ in stored] == arrivals  # booking ids follow arrival
    assert [status for *_, status in stored] == ["booked"] * 12 + ["waiting"] * 188
    assert await seats(store, session.id) == (12, 12)


# -- (b) the same race across processes, one SQLite file ------------------------------------

WORKER = r"""
import asyncio, json, sys
from datetime import datetime
from storage.clock import FakeClock
from storage.database import make_engine
from storage.store import Store

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


async def test_the_race_across_four_processes_on_one_sqlite_file(core, centre, db_url, clock):
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


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> pathlib.Path:
    """A migrated database with a centre and six parents, copied for every example."""
    path = tmp_path_factory.mktemp("model") / "template.db"

    async def build():
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        store = Store(engine, FakeClock())
        try:
            async with store.unit_of_work() as uow:
                centre = await uow.centres.add("Centre Modèle", "Europe/Paris")
                await uow.commit()
            await make_parents(store, centre.id, PEOPLE)
        finally:
            await store.close()

    asyncio.run(build())
    return path


async def run_against_model(path: pathlib.Path, capacity: int, ops: list[tuple[str, int]]) -> None:
    clock = FakeClock()
    store = Store(make_engine(f"sqlite+aiosqlite:///{path}"), clock)
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
def test_random_bookings_keep_every_rule(template_db, tmp_path, capacity, ops):
    path = tmp_path / "example.db"
    shutil.copyfile(template_db, path)
    try:
        asyncio.run(run_against_model(path, capacity, ops))
    finally:
        for suffix in ("", "-wal", "-shm"):
            pathlib.Path(f"{path}{suffix}").unlink(missing_ok=True)


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


# -- (f) weekly series across the clock changes ----------------------------------------------

def test_a_weekly_series_keeps_its_local_time_across_both_clock_changes():
    starts = weekly_starts(datetime(2026, 10, 13, 18, 30), "Europe/Paris", 26)
    assert len(starts) == 26
    assert all(s.tzinfo is not None and s.utcoffset() == timedelta(0) for s in starts)
    assert {s.astimezone(PARIS).strftime("%a %H:%M") for s in starts} == {"Tue 18:30"}
    assert [s.date() for s in starts] == [datetime(2026, 10, 13).date() + timedelta(weeks=n) for n in range(26)]
    utc = {s.date().isoformat(): s.strftime("%H:%MZ") for s in starts}
    assert utc["2026-10-20"] == "16:30Z"  # summer time, before 25 October
    assert utc["2026-10-27"] == "17:30Z"  # winter time
    assert utc["2027-03-23"] == "17:30Z"  # still winter, before 28 March
    assert utc["2027-03-30"] == "16:30Z"  # summer time again
    assert [s.strftime("%H:%M") for s in starts].count("17:30") == 22


def test_a_time_the_clocks_skip_is_refused_and_named():
    with pytest.raises(NonexistentTime) as refused:
        weekly_starts(datetime(2027, 3, 14, 2, 30), "Europe/Paris", 3)  # the third is 28 March
    assert isinstance(refused.value, ValueError)
    assert "2027-03-28" in str(refused.value) and refused.value.local == datetime(2027, 3, 28, 2, 30)
    assert len(weekly_starts(datetime(2027, 3, 14, 2, 30), "Europe/Paris", 2)) == 2
    assert weekly_starts(datetime(2027, 3, 28, 3, 0), "Europe/Paris", 1) == [datetime(2027, 3, 28, 1, 0, tzinfo=UTC)]


def test_a_time_that_happens_twice_takes_the_first():
    (first,) = weekly_starts(datetime(2026, 10, 25, 2, 30), "Europe/Paris", 1)
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 summer time, not 01:30Z
    assert first.astimezone(PARIS).utcoffset() == timedelta(hours=2)
    assert local_instant(datetime(2026, 10, 25, 3, 0), "Europe/Paris") == datetime(2026, 10, 25, 2, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        local_instant(datetime(2026, 10, 25, 2, 30, tzinfo=PARIS), "Europe/Paris")
    assert weekly_starts(datetime(2026, 10, 25, 2, 30), "Europe/Paris", 0) == []


@pytest.mark.parametrize("typed, expected", [
    ("2026-12-08 18:30", datetime(2026, 12, 8, 18, 30)),
    ("08/12/2026 18:30", datetime(2026, 12, 8, 18, 30)),
    ("08/12/2026 18h30", datetime(2026, 12, 8, 18, 30)),
    ("  8/12/2026   9H05 ", datetime(2026, 12, 8, 9, 5)),
    ("08/12 18:30", datetime(2026, 12, 8, 18, 30)),
    ("24/11 18:30", datetime(2026, 11, 24, 18, 30)),  # today: the caller refuses it if it has passed
    ("23/11 18:30", datetime(2027, 11, 23, 18, 30)),  # yesterday: next year
    ("29/02 10h00", datetime(2028, 2, 29, 10, 0)),
    ("31/04/2027 10:00", None), ("31/04 10:00", None), ("08/12/2026 24:00", None), ("08/12/2026 18:60", None),
    ("12/08/26 18:30", None), ("demain 18h", None), ("", None), ("08/12/2026", None), ("０８/12 18:30", None),
])
def test_parse_local_reads_what_staff_type(typed, expected):
    assert parse_local(typed, datetime(2026, 11, 24).date()) == expected


# -- (g) the roster as CSV -------------------------------------------------------------------

def test_roster_csv_neutralises_formulas_and_gives_local_times():
    session = SessionRecord(7, 1, "Groupe", "parents", STARTS.astimezone(UTC), 90, 12, "Salle 2", booked=2)
    at = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    lines = [
        RosterLine(1, 10, '=HYPERLINK("http://x","y")', "parent", "booked", "present", at, ("Léo", "Inès")),
        RosterLine(2, 11, "+33 6 12", "parent", "booked", None, at, ("-1+1",)),
        RosterLine(3, 12, "@SUM(A1)", "youth", "waiting", None, at),
        RosterLine(4, 13, "-2", "parent", "cancelled", None, at),
        RosterLine(5, 14, None, "parent", "waiting", None, at),
        RosterLine(6, 15, 'Anne "Nan", Dupont', "parent", "waiting", None, at),
    ]
    text = roster_csv(session, lines, "Europe/Paris")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["booking_id", "name", "role", "children", "status", "attendance", "booked_at"]
    assert table[1] == ["1", "'=HYPERLINK(\"http://x\",\"y\")", "parent", "Léo; Inès", "booked", "present",
                        "2026-11-24T10:00:00+01:00"]
    assert [row[1] for row in table[2:]] == ["'+33 6 12", "'@SUM(A1)", "'-2", "", 'Anne "Nan", Dupont']
    assert table[2][3] == "'-1+1"
    assert [row[4] for row in table[1:]] == ["booked", "booked", "waiting", "cancelled", "waiting", "waiting"]
    assert not any(cell[:1] in "=+-@" and cell for row in table[1:] for cell in row[1:4])
