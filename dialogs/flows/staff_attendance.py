"""Staff record who came to a session that has started: present, absent or excused.

Marks are for the team's follow-up only: an absence never penalises a family, and never stops
anybody from booking again. Every mark is checked: the session must be of the staff member's
centre and the booking one of its seats.
"""

from __future__ import annotations

from datetime import timedelta

from dialogs.booking import describe
from dialogs.context import Ctx
from dialogs.events import esc
from dialogs.flow import Choice, Flow, Next, Screen, Step
from dialogs.flows.staff_session_common import (
    ATTENDANCE_MARK, AUDIENCE_MARK, SELECTED, STAFF, not_yours, number, owned, selected, short_when, timezone,
)
from dialogs.i18n import _
from storage.records import RosterLine

RECENT_DAYS = 14
RECENT_LIMIT = 10
PAGE = 8
PAGE_KEY = "satt_page"
NAME_IN_BUTTON = 24
SET = {"p": "present", "a": "absent", "e": "excused"}
CYCLE = {None: "present", "present": "absent", "absent": "excused", "excused": "present"}


def never_penalised() -> str:
    return _("Marks are for the team's follow-up only: an absence never penalises a family, "
             "and never stops anybody from booking again.")


# -- the sessions that started lately -----------------------------------------------------


async def render_past(ctx: Ctx) -> Screen:
    tz = await timezone(ctx)
    since = ctx.now - timedelta(days=RECENT_DAYS)
    sessions = await ctx.uow.sessions.recent(ctx.person.centre_id, since, RECENT_LIMIT)
    back = (Choice(_("« Sessions"), "back"),)
    if not sessions:
        return Screen(_("No session took place in the last {days} days.").format(days=RECENT_DAYS), (back,))
    text = _("<b>Past sessions</b> (last {days} days). Tap one to record who came.").format(days=RECENT_DAYS)
    rows = tuple(
        (Choice(f"{AUDIENCE_MARK.get(s.audience, '')} {short_when(s.starts_at, tz)} · {s.title[:28]}", f"s{s.id}"),)
        for s in sessions
    )
    return Screen(f"{text}\n{never_penalised()}", rows + (back,))


async def press_past(ctx: Ctx, action: str) -> Next:
    if action.startswith("s"):
        session = await owned(ctx, number(action[1:]))
        if session is None:
            return Next("past", notice=not_yours())
        if session.cancelled_at is not None or not session.started(ctx.now):
            return Next("past", notice=problem("not_started"))
        ctx.data[SELECTED] = session.id
        ctx.data.pop(PAGE_KEY, None)
        return Next("mark")
    return Next("sst.list")


# -- marking ------------------------------------------------------------------------------


async def seats(ctx: Ctx, session_id: int) -> list[RosterLine]:
    return [line for line in await ctx.uow.bookings.roster(session_id) if line.status == "booked"]


def name_of(line: RosterLine) -> str:
    name = line.name or _("(no name)")
    return name if len(name) <= NAME_IN_BUTTON else name[: NAME_IN_BUTTON - 1] + "…"


async def render_mark(ctx: Ctx) -> Screen:
    back = (Choice(_("« Past sessions"), "back"),)
    session = await selected(ctx)
    if session is None:
        return Screen(not_yours(), (back,))
    tz = await timezone(ctx)
    lines = await seats(ctx, session.id)
    head = f"<b>{esc(session.title)}</b>\n{esc(describe.when(session, tz))}"
    if not lines:
        return Screen(head + "\n\n" + _("Nobody had a seat in this session."), (back,))
    tally = {key: sum(1 for line in lines if line.attendance == key) for key in ("present", "absent", "excused")}
    summary = _("✅ {present} present · ❌ {absent} absent · 🤒 {excused} excused · {left} not marked yet").format(
        left=len(lines) - sum(tally.values()), **tally)
    pages = (len(lines) + PAGE - 1) // PAGE
    page = ctx.data.get(PAGE_KEY, 0)
    page = min(max(page if isinstance(page, int) else 0, 0), pages - 1)
    ctx.data[PAGE_KEY] = page
    rows: list[tuple[Choice, ...]] = []
    for line in lines[page * PAGE:(page + 1) * PAGE]:
        rows.append((
            Choice(f"{ATTENDANCE_MARK[line.attendance]} {name_of(line)}", f"n{line.booking_id}"),
            Choice("✅", f"p{line.booking_id}"),
            Choice("❌", f"a{line.booking_id}"),
            Choice("🤒", f"e{line.booking_id}"),
        ))
    paging = ([Choice("‹", "prev")] if page > 0 else []) + ([Choice("›", "next")] if page < pages - 1 else [])
    if paging:
        rows.append(tuple(paging))
    if tally["present"] + tally["absent"] + tally["excused"] < len(lines):
        rows.append((Choice(_("✅ Everyone not marked yet: present"), "all"),))
    legend = _("Tap ✅ present, ❌ absent or 🤒 excused (tapping a name changes its mark).")
    return Screen(f"{head}\n\n{summary}\n{legend}\n{never_penalised()}", tuple(rows) + (back,))


async def press_mark(ctx: Ctx, action: str) -> Next:
    if action == "back":
        ctx.data.pop(PAGE_KEY, None)
        return Next("past")
    session = await selected(ctx)
    if session is None:
        ctx.data.pop(SELECTED, None)
        return Next("past", notice=not_yours())
    if action in ("prev", "next"):
        page = ctx.data.get(PAGE_KEY, 0)
        ctx.data[PAGE_KEY] = (page if isinstance(page, int) else 0) + (1 if action == "next" else -1)
        return Next("mark")
    lines = await seats(ctx, session.id)
    if action == "all":
        outcomes = [await ctx.uow.bookings.mark_attendance(line.booking_id, session.id, "present")
                    for line in lines if line.attendance is None]
        return Next("mark", notice=problem(outcomes[0]) if outcomes and outcomes[0] != "marked" else "")
    booking_id = number(action[1:]) if action[:1] in ("n", *SET) else None
    line = next((line for line in lines if line.booking_id == booking_id), None)
    if line is None:
        return Next("mark", notice=_("This person has no seat in this session. Nothing was changed."))
    value = CYCLE[line.attendance] if action[0] == "n" else SET[action[0]]
    outcome = await ctx.uow.bookings.mark_attendance(line.booking_id, session.id, value)
    return Next("mark", notice=problem(outcome) if outcome != "marked" else "")


def problem(outcome: str) -> str:
    if outcome == "not_started":
        return _("This session has not started yet: attendance can be recorded once it has begun.")
    return _("This person has no seat in this session. Nothing was changed.")


FLOW = Flow(
    "satt",
    [
        Step("past", render_past, press_past, anytime=True, roles=STAFF,
             goes_to=frozenset({"satt.past", "satt.mark", "sst.list"})),
        Step("mark", render_mark, press_mark, roles=STAFF, goes_to=frozenset({"satt.past", "satt.mark"})),
    ],
)
