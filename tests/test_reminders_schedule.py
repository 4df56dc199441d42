"""The pure time rules: the weekly prompt's instant across clock changes, and reminder offsets."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from dialogs.reminders.schedule import last_prompt_at, local_instant, parse_offsets

PARIS = "Europe/Paris"
SUNDAY = 6


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "now, expected",
    [
        (utc(2026, 10, 18, 16, 0), utc(2026, 10, 18, 16, 0)),  # summer time: 18:00 Paris is 16:00Z
        (utc(2026, 10, 25, 17, 0), utc(2026, 10, 25, 17, 0)),  # the clocks went back that morning
        (utc(2026, 10, 25, 16, 59), utc(2026, 10, 18, 16, 0)),  # 17:59 local: last week's still
        (utc(2027, 3, 21, 17, 30), utc(2027, 3, 21, 17, 0)),  # winter time: 17:00Z
        (utc(2027, 3, 28, 16, 0), utc(2027, 3, 28, 16, 0)),  # the clocks went forward that night
        (utc(2027, 3, 28, 15, 59), utc(2027, 3, 21, 17, 0)),
        (utc(2027, 3, 31, 8, 0), utc(2027, 3, 28, 16, 0)),  # mid-week: the Sunday before
    ],
)
def test_a_sunday_18_00_prompt_is_18_00_local_on_both_sides_of_the_clock_changes(now, expected):
    found = last_prompt_at(SUNDAY, 18, PARIS, now)
    assert found == expected and found.tzinfo is not None
    assert found.astimezone(ZoneInfo(PARIS)).time() == time(18, 0)


def test_exactly_one_prompt_instant_per_week_through_a_year():
    now, seen = utc(2026, 9, 1), set()
    while now < utc(2027, 9, 1):
        seen.add(last_prompt_at(SUNDAY, 18, PARIS, now))
        now += timedelta(minutes=37)
    weeks = sorted(seen)
    assert all(timedelta(days=7) - timedelta(hours=1) <= b - a <= timedelta(days=7) + timedelta(hours=1)
               for a, b in zip(weeks, weeks[1:]))
    assert len({w.astimezone(ZoneInfo(PARIS)).isocalendar()[:2] for w in weeks}) == len(weeks)
    assert all(w.astimezone(ZoneInfo(PARIS)).strftime("%a %H:%M") == "Sun 18:00" for w in weeks)


def test_the_instant_is_never_after_now_and_the_day_of_the_week_counts():
    now = utc(2026, 11, 25, 9, 0)  # Wednesday 10:00 Paris
    assert last_prompt_at(2, 10, PARIS, now) == now  # exactly now counts
    assert last_prompt_at(2, 11, PARIS, now) == utc(2026, 11, 18, 10, 0)  # an hour later: last week's
    assert last_prompt_at(0, 8, PARIS, now) == utc(2026, 11, 23, 7, 0)  # Monday


def test_a_wall_time_skipped_in_spring_moves_to_the_first_valid_minute_after():
    # 2027-03-28 in Paris: 02:00 jumps to 03:00, so 02:00 and 02:30 never show on a clock.
    zone = ZoneInfo(PARIS)
    assert local_instant(date(2027, 3, 28), time(2, 0), zone) == utc(2027, 3, 28, 1, 0)  # 03:00 CEST
    assert local_instant(date(2027, 3, 28), time(2, 30), zone) == utc(2027, 3, 28, 1, 0)
    assert last_prompt_at(SUNDAY, 2, PARIS, utc(2027, 3, 28, 5, 0)) == utc(2027, 3, 28, 1, 0)
    assert last_prompt_at(SUNDAY, 2, PARIS, utc(2027, 3, 28, 0, 59)) == utc(2027, 3, 21, 1, 0)


def test_a_wall_time_shown_twice_in_autumn_is_its_first_occurrence():
    # 2026-10-25 in Paris: 03:00 CEST goes back to 02:00 CET, so 02:00-02:59 happen twice.
    zone = ZoneInfo(PARIS)
    assert local_instant(date(2026, 10, 25), time(2, 0), zone) == utc(2026, 10, 25, 0, 0)  # CEST, not 01:00Z
    assert last_prompt_at(SUNDAY, 2, PARIS, utc(2026, 10, 25, 0, 30)) == utc(2026, 10, 25, 0, 0)
    # The second 02:00 (01:00Z) is not a second prompt: still the first one.
    assert last_prompt_at(SUNDAY, 2, PARIS, utc(2026, 10, 25, 1, 30)) == utc(2026, 10, 25, 0, 0)
    assert last_prompt_at(SUNDAY, 2, PARIS, utc(2026, 10, 24, 23, 59)) == utc(2026, 10, 18, 0, 0)


def test_other_zones_and_bad_input():
    assert last_prompt_at(SUNDAY, 18, "America/New_York", utc(2026, 11, 2)) == utc(2026, 11, 1, 23, 0)
    with pytest.raises(ValueError):
        last_prompt_at(7, 18, PARIS, utc(2026, 11, 2))
    with pytest.raises(ValueError):
        last_prompt_at(SUNDAY, 24, PARIS, utc(2026, 11, 2))
    with pytest.raises(ValueError):
        last_prompt_at(SUNDAY, 18, PARIS, datetime(2026, 11, 2))


def test_parse_offsets():
    assert parse_offsets("24h,2h") == (timedelta(hours=24), timedelta(hours=2))
    assert parse_offsets(" 90m , 1d ") == (timedelta(days=1), timedelta(minutes=90))
    assert parse_offsets("2h,24H,2h") == (timedelta(hours=24), timedelta(hours=2))  # sorted, once each
    assert parse_offsets("") == () and parse_offsets("  ") == ()


@pytest.mark.parametrize("text", ["24", "2 hours", "24h,,2h", "-2h", "0h", "1.5h", "31d", "2h;24h", "h"])
def test_parse_offsets_refuses_what_it_does_not_understand(text):
    with pytest.raises(ValueError, match="session reminder offset"):
        parse_offsets(text)
