"""A session's roster as CSV, for a spreadsheet.

The values are data, not translated text (status "booked", role "parent"...), so the file
reads the same whoever exports it. Names are typed by families: a cell that starts like a
formula (=, +, -, @, or a tab or carriage return before one) would be run by a spreadsheet,
so it gets a leading apostrophe and is shown as text.
"""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from storage.records import RosterLine, SessionRecord

HEADER = ("booking_id", "name", "role", "children", "status", "attendance", "booked_at")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """A typed value made safe for a spreadsheet: never read as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def roster_csv(session: SessionRecord, lines: list[RosterLine], timezone: str) -> str:
    """One header row, then one row per booking, in the order given; times in the centre's zone.

    `session` is the session the lines belong to (the rows carry no session column: the file
    is named after it by the caller).
    """
    zone = ZoneInfo(timezone)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for line in lines:
        writer.writerow((
            line.booking_id,
            cell(line.name or ""),
            line.role,
            cell("; ".join(line.children)),
            line.status,
            line.attendance or "",
            line.booked_at.astimezone(zone).isoformat(timespec="seconds"),
        ))
    return out.getvalue()
