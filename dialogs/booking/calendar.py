"""The calendar file (.ics) of a booking: one event in the centre's time zone, for a phone's calendar.

The file is built in the reader's language (the cancellation note) and is the same, byte for
byte, for the same booking and session: the UID stays with the booking, so opening an updated
file moves the event instead of adding a second one.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from dialogs.i18n import _, pgettext
from storage.records import CentreRecord, SessionRecord

PRODID = "-//Centre Relier//Relier bot//EN"
FILENAME = "session.ics"


def slug(name: str) -> str:
    """"Centre Relier Lyon-Été" -> "centre-relier-lyon-ete" (for the UID's domain part)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "relier"


def uid(booking_id: int, centre: CentreRecord) -> str:
    return f"relier-booking-{booking_id}@{slug(centre.name)}"


def cancel_note(youth: bool) -> str:
    if youth:
        return pgettext("youth", "To cancel, open the bot: Menu › Workshops › My bookings")
    return _("To cancel, open the bot: Menu › Group sessions › My bookings")


def ics_for(booking_id: int, session: SessionRecord, centre: CentreRecord, stamp: datetime | None = None) -> bytes:
    """The .ics of one booked seat. `stamp` (DTSTAMP) defaults to the session's start, so the
    bytes depend only on the booking and the session; pass the time of a change to mark a newer file."""
    zone = ZoneInfo(centre.timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid(booking_id, centre))
    event.add("dtstamp", (stamp or session.starts_at).astimezone(timezone.utc))
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("summary", session.title)
    if session.place:
        event.add("location", session.place)
    note = cancel_note(session.audience == "youth")
    event.add("description", f"{session.description}\n\n{note}" if session.description else note)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    year = session.starts_at.astimezone(zone).year
    calendar.add_missing_timezones(date(year - 1, 1, 1), date(year + 2, 1, 1))
    return calendar.to_ical()
