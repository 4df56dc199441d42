"""What `relier sessions add|list|roster` print: one line per session, a table, JSON or CSV."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.admin import Admin
from dialogs.booking.roster_csv import roster_csv
from storage.models import SESSION_KINDS
from storage.records import RosterLine, SessionRecord


def add_arguments(sessions_sub, number) -> None:
    """The `relier sessions` actions; `number` reads an id or a count."""
    add = sessions_sub.add_parser("add", help="publish a group session, or a weekly series of them")
    add.add_argument("--title", required=True)
    add.add_argument("--starts", required=True, metavar="'YYYY-MM-DD HH:MM'", help="local time of the centre (DD/MM/YYYY HH:MM and DD/MM HH:MM work too)")
    add.add_argument("--minutes", required=True, type=number)
    add.add_argument("--capacity", required=True, type=number)
    add.add_argument("--place")
    add.add_argument("--audience", choices=["parents", "youth"], default="parents")
    add.add_argument("--kind", choices=SESSION_KINDS, default="group", help="default: group")
    add.add_argument("--description", metavar="TEXT", help="what the session is about, shown to families")
    add.add_argument("--weekly", type=number, metavar="N",
                     help="N sessions, one a week at the same local time (--json then prints a list)")
    add.add_argument("--centre", type=number, metavar="ID")
    add.add_argument("--json", action="store_true")
    listing = sessions_sub.add_parser("list", help="the sessions to come, with seats and waiting lists")
    listing.add_argument("--centre", type=number, metavar="ID")
    listing.add_argument("--json", action="store_true")
    roster = sessions_sub.add_parser("roster", help="who booked a session and who is waiting")
    roster.add_argument("session_id", type=number, metavar="ID")
    roster.add_argument("--csv", action="store_true", help="print CSV (for a spreadsheet) instead of a table")


async def command(tool: Admin, args: argparse.Namespace) -> int:
    if args.sessions_command == "list":
        found = await tool.list_sessions(args.centre)
        if args.json:
            print(json.dumps(found, ensure_ascii=False))
        else:
            print(session_table(found))
        return 0
    if args.sessions_command == "roster":
        session, lines, timezone = await tool.roster(args.session_id)
        print(roster_csv(session, lines, timezone) if args.csv else roster_table(session, lines, timezone),
              end="" if args.csv else "\n")
        return 0
    created = await tool.add_session(args.title, args.starts, args.minutes, args.capacity, args.place,
                                     args.audience, args.centre, args.kind, args.description, args.weekly)
    if args.json:
        print(json.dumps(created if args.weekly is not None else created[0], ensure_ascii=False))
    for out in [] if args.json else created:
        print(f"created session {out['id']}: {out['title']} at {out['local_start']} ({out['capacity']} seats)")
    return 0


def printable(text: str | None) -> str:
    """Typed text made safe for a terminal: no escape sequences, no line breaks."""
    return "".join(ch if ch.isprintable() else "?" for ch in (text or ""))


def local(instant: datetime, timezone: str) -> str:
    return instant.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows])


def session_table(sessions: list[dict]) -> str:
    if not sessions:
        return "no session to come"
    rows = [(str(s["id"]), s["local_start"][:16].replace("T", " "), printable(s["title"]), s["kind"], s["audience"],
             f"{s['booked']}/{s['capacity']}", str(s["waiting"])) for s in sessions]
    return table(("id", "starts (local)", "title", "kind", "audience", "booked", "waiting"), rows)


def roster_table(session: SessionRecord, lines: list[RosterLine], timezone: str) -> str:
    waiting = [line for line in lines if line.status == "waiting"]
    state = " (cancelled)" if session.cancelled_at is not None else ""
    title = (f"session {session.id}: {printable(session.title)}{state}, {local(session.starts_at, timezone)} "
             f"({timezone}), {session.booked}/{session.capacity} booked, {len(waiting)} waiting")
    if not lines:
        return f"{title}\nnobody has booked yet"
    rows, place = [], 0
    for line in lines:
        place += line.status == "waiting"
        status = f"waiting #{place}" if line.status == "waiting" else line.status
        rows.append((str(line.booking_id), status, printable(line.name) or "(no name)", line.role,
                     printable(", ".join(line.children)), line.attendance or "", local(line.booked_at, timezone)))
    return title + "\n" + table(("booking", "status", "name", "role", "children", "attendance", "booked at"), rows)
