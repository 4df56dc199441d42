"""Quiet hours: a non-urgent message due at night waits for the morning, in the centre's time."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


def in_quiet_hours(local: time, quiet_from: int, quiet_until: int) -> bool:
    """quiet_from / quiet_until are minutes after midnight; the span may cross midnight."""
    minute = local.hour * 60 + local.minute
    if quiet_from == quiet_until:
        return False
    if quiet_from < quiet_until:
        return quiet_from <= minute < quiet_until
    return minute >= quiet_from or minute < quiet_until


def after_quiet_hours(instant: datetime, tz: str, quiet_from: int, quiet_until: int) -> datetime:
    """`instant` itself, or the end of the quiet hours it falls in (UTC, aware)."""
    zone = ZoneInfo(tz)
    local = instant.astimezone(zone)
    if not in_quiet_hours(local.time(), quiet_from, quiet_until):
        return instant
    day = local.date()
    if local.hour * 60 + local.minute >= quiet_until:
        day += timedelta(days=1)  # evening: the quiet hours end tomorrow morning
    hour, minute = divmod(quiet_until, 60)
    # The morning hour exists on every day of the year in the zones the centres use; a wall time
    # skipped by a clock change would be moved forward by the zone's rules (fold=0).
    morning = datetime.combine(day, time(hour, minute), tzinfo=zone)
    return morning.astimezone(timezone.utc)
