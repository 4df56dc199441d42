"""Local dates and times as staff type them, and weekly series that keep the local time.

A weekly group meets at the same wall-clock time every week (18:30 in Paris, summer or
winter), so its UTC instant moves by an hour across a daylight-saving change. Times are
computed from the naive local time, week by week, and only then placed in the zone:

- a local time skipped by the spring change (02:30 on 2027-03-28 in Europe/Paris) does not
  exist: `NonexistentTime` is raised, naming the date, rather than guessing a time;
- a local time that happens twice (02:30 on 2026-10-25 in Europe/Paris, the autumn change)
  deliberately takes the FIRST occurrence (fold=0: still summer time, 00:30Z), the earlier of
  the two, so nobody arrives an hour late.

Pure functions: no clock is read (`today` is passed in), no Telegram, no database.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo


class NonexistentTime(ValueError):
    """A local time skipped by a daylight-saving change (the clocks jump over it)."""

    def __init__(self, local: datetime, timezone: str) -> None:
        self.local = local
        self.timezone = timezone
        super().__init__(
            f"{local:%Y-%m-%d %H:%M} does not exist in {timezone}: the clocks skip it on {local:%Y-%m-%d}"
        )


def local_instant(local: datetime, timezone: str) -> datetime:
    """The aware UTC instant of a naive local time in `timezone`.

    Raises NonexistentTime for a time in a DST gap; an ambiguous time takes its first
    occurrence (fold=0).
    """
    if local.tzinfo is not None:
        raise ValueError("a local time is naive: the zone is given separately")
    zone = ZoneInfo(timezone)
    placed = local.replace(tzinfo=zone, fold=0)
    instant = placed.astimezone(dt_timezone.utc)
    # A skipped time does not come back unchanged from the round trip through UTC.
    if instant.astimezone(zone).replace(tzinfo=None) != local:
        raise NonexistentTime(local, timezone)
    return instant


def weekly_starts(first: datetime, timezone: str, weeks: int) -> list[datetime]:
    """`weeks` aware UTC instants, one a week from `first` (naive, local), at the same local time.

    Raises NonexistentTime if any of them falls in a DST gap (nothing is returned then: a
    series with a hole is not created by accident). `weeks` <= 0 gives an empty list.
    """
    return [local_instant(first + timedelta(weeks=n), timezone) for n in range(max(weeks, 0))]


_TIME = r"(?P<hour>\d{1,2})\s*[:hH]\s*(?P<minute>\d{2})"
_ISO = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:\s+|T)" + _TIME, re.ASCII)
_FRENCH = re.compile(r"(?P<day>\d{1,2})/(?P<month>\d{1,2})(?:/(?P<year>\d{4}))?\s+" + _TIME, re.ASCII)


def parse_local(text: str, today: date) -> datetime | None:
    """A naive local datetime from what staff type, or None if it cannot be read.

    Accepted: "2026-12-08 18:30", "08/12/2026 18:30", "08/12/2026 18h30", "08/12 18:30" (and
    "08/12 18h30"). Without a year, the date is the next 8 December from `today` on (today
    itself included: the caller checks that the instant has not passed). Days before months.
    """
    text = " ".join(text.split())
    found = _ISO.fullmatch(text) or _FRENCH.fullmatch(text)
    if found is None:
        return None
    parts = found.groupdict()
    day, month = int(parts["day"]), int(parts["month"])
    hour, minute = int(parts["hour"]), int(parts["minute"])
    if parts["year"] is not None:
        years = [int(parts["year"])]
    else:
        years = list(range(today.year, today.year + 9))  # 29/02 may be years away
    for year in years:
        try:
            candidate = datetime(year, month, day, hour, minute)
        except ValueError:
            if parts["year"] is not None or not (1 <= month <= 12 and 1 <= day <= 31):
                return None
            continue
        if parts["year"] is not None or candidate.date() >= today:
            return candidate
    return None
