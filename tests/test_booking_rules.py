"""The booking rules that need no database: weekly series across the clock changes, the dates staff
type, the roster as CSV. The rules on seats and the waiting list run on SQLite and PostgreSQL in
tests/storage/test_bookings.py.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from dialogs.booking.roster_csv import roster_csv
from dialogs.booking.series import NonexistentTime, local_instant, parse_local, weekly_starts
from storage.records import RosterLine, SessionRecord

PARIS = ZoneInfo("Europe/Paris")
UTC = timezone.utc
STARTS = datetime(2026, 12, 3, 18, 30, tzinfo=PARIS)


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
