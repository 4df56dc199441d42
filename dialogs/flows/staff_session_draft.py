"""The draft of a new session (kept in the conversation) and what can be said about it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dialogs.booking import describe
from dialogs.booking.series import NonexistentTime, weekly_starts
from dialogs.context import Ctx
from dialogs.events import esc
from dialogs.flows.staff_session_common import short_when, timezone
from dialogs.i18n import _, ngettext

DRAFT = "snew"
TITLE_LIMIT = 120
PLACE_LIMIT = 200
ABOUT_LIMIT = 1000
CAPACITY_MAX = 500
WEEKS_MAX = 26
MINUTES = (60, 90, 120, 180)
CAPACITIES = (6, 8, 10, 12, 15, 20)
REPEATS = (4, 6, 8, 10)


def draft(ctx: Ctx) -> dict:
    found = ctx.data.get(DRAFT)
    if not isinstance(found, dict):
        found = ctx.data[DRAFT] = {}
    return found


def clean(text: str) -> str:
    return " ".join(text.split())


def too_long(limit: int) -> str:
    return _("This is too long: {limit} characters at most, please.").format(limit=limit)


def length_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("{hours} h {minutes:02d}").format(hours=hours, minutes=rest)
    return _("{hours} h").format(hours=hours) if hours else _("{minutes} min").format(minutes=rest)


async def planned(ctx: Ctx, weeks: int) -> tuple[list[datetime], str]:
    """The instants of the sessions, the local time kept week after week; or [] and why not."""
    tz = await timezone(ctx)
    try:
        first = datetime.fromisoformat(draft(ctx)["start"])
        local = first.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    except (KeyError, TypeError, ValueError):
        return [], _("The first date is missing: please type it again.")
    try:
        starts = weekly_starts(local, tz, weeks)
    except NonexistentTime:
        return [], _("One of these dates falls on the night the clocks go forward, when {time} does not exist. "
                     "Please choose fewer weeks, or go back and choose another time.").format(time=f"{local:%H:%M}")
    if not starts or starts[0] <= ctx.now:
        return [], _("The first date has passed in the meantime: please type it again.")
    return starts, ""


def complete(values: dict) -> bool:
    return (values.get("kind") in describe.KINDS and values.get("audience") in ("parents", "youth")
            and isinstance(values.get("title"), str) and values.get("minutes") in MINUTES
            and isinstance(values.get("capacity"), int) and isinstance(values.get("place"), str)
            and isinstance(values.get("weeks"), int) and "about" in values)


async def summary(ctx: Ctx) -> str:
    values = draft(ctx)
    tz = await timezone(ctx)
    starts, problem = await planned(ctx, values["weeks"])
    audience = _("for young people") if values["audience"] == "youth" else _("for parents")
    dates = "\n".join(f"• {esc(short_when(at, tz))}" for at in starts) or esc(problem)
    lines = [
        _("<b>Check before publishing</b>"),
        "",
        f"<b>{esc(values['title'])}</b>",
        f"{esc(describe.kind_label(values['kind']))} · {audience}",
        "🗓\n" + dates,
        "⏱ " + esc(length_label(values["minutes"])),
        "🪑 " + ngettext("{n} seat", "{n} seats", values["capacity"]).format(n=values["capacity"]),
        "📍 " + esc(values["place"]),
    ]
    if values.get("about"):
        lines += ["", esc(values["about"])]
    return "\n".join(lines)


async def publish(ctx: Ctx) -> tuple[str, str]:
    """Create the session(s) of a complete draft: (what was published, "") or ("", what went wrong)."""
    values = draft(ctx)
    starts, problem = await planned(ctx, values["weeks"])
    if not starts:
        return "", problem
    created = await ctx.uow.sessions.add_series(
        ctx.person.centre_id, starts, title=values["title"], minutes=values["minutes"],
        capacity=values["capacity"], place=values["place"], audience=values["audience"], kind=values["kind"],
        description=values["about"],
    )
    tz = await timezone(ctx)
    done = ngettext("Published: {n} session.", "Published: {n} sessions.", len(created)).format(n=len(created))
    return done + "\n" + "\n".join(f"• {esc(short_when(s.starts_at, tz))} · {esc(s.title)}" for s in created), ""
