"""Pure time rules for what the bot sends on its own: the weekly prompt's instant, reminder offsets.

Everything is computed in the centre's LOCAL time and handed back as aware UTC: a prompt set for
Sunday 18:00 is 18:00 on the wall clock on both sides of a clock change (17:00Z in winter, 16:00Z
in summer in Paris), and comes exactly once a week.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

_LONGEST_GAP = timedelta(days=2)  # a zone skipped a whole day once (Pacific/Apia, 2011)
_OFFSET = re.compile(r"^\s*(\d+)\s*([mhd])\s*$", re.IGNORECASE)
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
LONGEST_OFFSET = timedelta(days=30)


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Whether the naive wall time `wall` is shown by the clocks of `zone` at some instant."""
    round_trip = wall.replace(tzinfo=zone).astimezone(timezone.utc).astimezone(zone)
    return round_trip.replace(tzinfo=None) == wall


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant, aware UTC, when the wall clock of `zone` shows `day` `at`.

    - A wall time that does not exist (skipped when the clocks go forward, e.g. 02:30 on the
      last Sunday of March in Paris) moves to the first valid minute after it (03:00 there).
    - A wall time that exists twice (the clocks go back, e.g. 02:30 on the last Sunday of
      October in Paris) is its FIRST occurrence (fold=0: 00:30Z, not 01:30Z).
    """
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    if not _exists(wall, zone):
        wall = wall.replace(second=0, microsecond=0)
        limit = wall + _LONGEST_GAP
        while not _exists(wall, zone):
            wall += timedelta(minutes=1)
            if wall > limit:
                raise ValueError(f"no valid wall time near {day.isoformat()} {at.isoformat()} in {zone.key}")
    return wall.replace(tzinfo=zone, fold=0).astimezone(timezone.utc)


def last_prompt_at(weekday: int, hour: int, tz: str, now: datetime) -> datetime:
    """The latest instant <= `now` when the wall clock of `tz` shows `weekday` (0 = Monday) `hour`:00.

    Computed on local dates, so each local week has exactly one such instant. An hour that does
    not exist that day (spring gap) counts from the first valid minute after it; an hour that
    exists twice (autumn) counts from its first occurrence (see `local_instant`). The bot's
    settings only offer 08:00-21:00, where neither happens in the centres' zones; the rule is
    there for any other hour and zone.
    """
    if not (0 <= weekday <= 6 and 0 <= hour <= 23):
        raise ValueError("weekday 0-6 (0 = Monday) and hour 0-23")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("`now` must be an aware datetime")
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    day = today - timedelta(days=(today.weekday() - weekday) % 7)
    found = local_instant(day, time(hour), zone)
    if found > now:
        found = local_instant(day - timedelta(days=7), time(hour), zone)
    return found


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """"24h,2h" -> (24 h, 2 h): how long before a session its reminders go, longest first.

    Units: m (minutes), h (hours), d (days); duplicates count once; an empty setting means no
    reminders. Anything else raises ValueError saying which part is wrong.
    """
    if not text.strip():
        return ()
    found: set[timedelta] = set()
    for part in text.split(","):
        match = _OFFSET.match(part)
        if match is None:
            raise ValueError(
                f"session reminder offset {part.strip()!r} is not understood: use a whole number and a unit, "
                "m, h or d, separated by commas, e.g. '24h,2h' or '1d,90m'"
            )
        offset = int(match.group(1)) * _UNITS[match.group(2).lower()]
        if not timedelta(0) < offset <= LONGEST_OFFSET:
            raise ValueError(f"session reminder offset {part.strip()!r} must be more than 0 and at most 30 days")
        found.add(offset)
    return tuple(sorted(found, reverse=True))
