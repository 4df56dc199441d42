"""What the staff's session screens share: finding a session safely, short dates, the roster, telling people.

Nothing here trusts button data: every id is looked up again and must belong to the staff
member's centre before anything is shown or changed.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dialogs import logids
from dialogs.booking import describe, messages, notify
from dialogs.booking.roster_csv import roster_csv
from dialogs.booking.series import NonexistentTime, parse_local, weekly_starts
from dialogs.context import Ctx
from dialogs.events import Attachment, Reply, esc
from dialogs.i18n import _, format_when, ngettext
from storage.records import CentreRecord, Recipient, RosterLine, SessionRecord

log = logging.getLogger("relier.staff_sessions")

STAFF = frozenset({"staff"})
SELECTED = "sst"  # ctx.data key: the id of the session the staff member is working on
ROSTER_TEXT_LIMIT = 3500  # characters of roster in the chat; the CSV always has everyone
AUDIENCE_MARK = {"parents": "👪", "youth": "🧒"}
ATTENDANCE_MARK = {"present": "✅", "absent": "❌", "excused": "🤒", None: "▫️"}


def number(text: str, digits: int = 9) -> int | None:
    """A plain ASCII whole number (button data or typed), or None."""
    text = text.strip()
    if not text or len(text) > digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def audience_label(audience: str) -> str:
    if audience == "youth":
        return _("🧒 Young people")
    return _("👪 Parents")


async def timezone(ctx: Ctx) -> str:
    centre = await ctx.centre()
    return centre.timezone if centre is not None else "Europe/Paris"


def local_today(ctx: Ctx, tz: str) -> date:
    return ctx.now.astimezone(ZoneInfo(tz)).date()


def short_when(instant: datetime, tz: str) -> str:
    """"Thu 3 Dec, 18:30": short enough for a button."""
    return format_when(instant, tz, "EEE d MMM, HH:mm")


def example(ctx: Ctx, tz: str) -> str:
    """A typed date and time the parser reads, a week from today: "03/12/2026 18:30"."""
    day = local_today(ctx, tz) + timedelta(days=7)
    return f"{day:%d/%m/%Y} 18:30"


def read_start(ctx: Ctx, text: str, tz: str) -> tuple[datetime | None, str]:
    """A typed local date and time, as an instant to come; or None and what was wrong with it."""
    hint = _("Please type the date and time like this: <code>{example}</code> (day/month/year hours:minutes, "
             "the centre's local time).").format(example=example(ctx, tz))
    local = parse_local(text.strip()[:40], local_today(ctx, tz))
    if local is None:
        return None, _("I could not read this date and time.") + " " + hint
    try:
        (start,) = weekly_starts(local, tz, 1)
    except NonexistentTime:
        return None, _("{time} does not exist on {date}: the clocks go forward that night. "
                       "Please choose another time.").format(time=f"{local:%H:%M}", date=f"{local:%d/%m/%Y}")
    if start <= ctx.now:
        return None, _("This date and time has already passed.") + " " + hint
    return start, ""


async def owned(ctx: Ctx, session_id: object) -> SessionRecord | None:
    """The session if it exists and belongs to this staff member's centre, else None."""
    if ctx.person is None or not ctx.person.is_staff or not isinstance(session_id, int):
        return None
    session = await ctx.uow.sessions.get(session_id)
    if session is None or session.centre_id != ctx.person.centre_id:
        log.warning("session refused user=%s session=%s", logids.user(ctx.event.user_id), session_id)
        return None
    return session


async def selected(ctx: Ctx) -> SessionRecord | None:
    """The session being worked on (kept in the conversation), checked again."""
    return await owned(ctx, ctx.data.get(SELECTED))


def not_yours() -> str:
    return _("This session does not exist or is not one of your centre's. Nothing was changed.")


def already_started() -> str:
    return _("This session has already started or was cancelled: it can no longer be changed.")


def closed(session: SessionRecord, now: datetime) -> bool:
    return session.cancelled_at is not None or session.started(now)


def counts(recipients: list[Recipient]) -> tuple[int, int]:
    booked = sum(1 for r in recipients if r.status == "booked")
    return booked, sum(1 for r in recipients if r.status == "waiting")


def who(line: RosterLine) -> str:
    """A name and, for a parent, their children's first names; every name escaped."""
    name = esc(line.name) if line.name else _("(no name)")
    if line.role == "youth":
        return _("{name} (young person)").format(name=name)
    if line.children:
        return f"{name} ({', '.join(esc(c) for c in line.children)})"
    return name


def roster_text(session: SessionRecord, lines: list[RosterLine], tz: str) -> str:
    booked = [line for line in lines if line.status == "booked"]
    waiting = [line for line in lines if line.status == "waiting"]
    cancelled = [line for line in lines if line.status == "cancelled"]
    out = [
        _("<b>Roster</b>: {title}").format(title=esc(session.title)),
        esc(describe.when(session, tz)),
        "",
        _("<b>Booked</b> ({booked}/{capacity})").format(booked=len(booked), capacity=session.capacity),
    ]
    out += [f"{i}. {who(line)}" + (f" {ATTENDANCE_MARK[line.attendance]}" if line.attendance else "")
            for i, line in enumerate(booked, 1)] or [_("nobody yet")]
    if waiting:
        out += ["", _("<b>Waiting</b> ({n})").format(n=len(waiting))]
        out += [f"{i}. {who(line)}" for i, line in enumerate(waiting, 1)]
    if cancelled:
        out += ["", _("<b>Cancelled</b> ({n})").format(n=len(cancelled))]
        out += [f"• {who(line)}" for line in cancelled]
    text, shown = "", 0
    for index, row in enumerate(out):
        if len(text) + len(row) > ROSTER_TEXT_LIMIT:
            rest = len(out) - index
            text += "\n" + ngettext("… and {n} more line: see the CSV file.", "… and {n} more lines: see the CSV file.",
                                    rest).format(n=rest)
            break
        text += ("\n" if shown else "") + row
        shown += 1
    return text


async def roster_replies(ctx: Ctx, session: SessionRecord) -> tuple[Reply, ...]:
    """The roster as a message, then as a CSV document for a spreadsheet."""
    tz = await timezone(ctx)
    lines = await ctx.uow.bookings.roster(session.id)
    await ctx.uow.cases.audit(None, ctx.person.id, "read", f"roster session={session.id}")  # names of families
    content = roster_csv(session, lines, tz).encode("utf-8")
    chat = ctx.event.chat_id
    return (
        Reply(chat, roster_text(session, lines, tz)),
        Reply(chat, _("The roster as a spreadsheet file."), attachment=Attachment(f"roster-{session.id}.csv", content)),
    )


def told(n: int) -> str:
    if n == 0:
        return _("Nobody was booked or waiting, so nobody needed to be told.")
    return ngettext("{n} person was told.", "{n} people were told.", n).format(n=n)


def tell_changed(ctx: Ctx, recipients: list[Recipient], session: SessionRecord, centre: CentreRecord) -> list[Reply]:
    youth = session.audience == "youth"
    now = ctx.now
    return notify.tell(recipients, lambda r: messages.session_changed(r, session, centre, youth, changed_at=now),
                       ctx.config.default_locale)


def tell_cancelled(ctx: Ctx, recipients: list[Recipient], session: SessionRecord, centre: CentreRecord) -> list[Reply]:
    youth = session.audience == "youth"
    return notify.tell(recipients, lambda r: messages.session_cancelled(r, session, centre, youth),
                       ctx.config.default_locale)


def tell_promoted(ctx: Ctx, recipients: list[Recipient], session: SessionRecord, centre: CentreRecord) -> list[Reply]:
    youth = session.audience == "youth"
    return notify.tell(recipients, lambda r: messages.promoted(r, session, centre, youth), ctx.config.default_locale)
