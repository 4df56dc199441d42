"""The one seam through which the code reads the time, so tests can move it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone crossed a boundary that needs one."""


def ensure_aware(value: datetime) -> datetime:
    """Reject naive datetimes: a naive time is a bug waiting for a DST night."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(f"naive datetime {value.isoformat()} where an aware one is required")
    return value.astimezone(timezone.utc)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, aware, in UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FakeClock:
    """A clock that only moves when a test tells it to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = ensure_aware(start or datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc))

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = ensure_aware(instant)
