"""Group sessions for staff: the upcoming sessions of the centre, one session, its roster, cancelling it.

Changing a session is in staff_session_edit.py ("sedit"), creating one in staff_session_new.py
("snew"), attendance in staff_attendance.py ("satt").
"""

from __future__ import annotations

from dialogs.booking import describe
from dialogs.context import Ctx
from dialogs.events import esc
from dialogs.flow import MENU, Choice, Flow, Next, Screen, Step
from dialogs.flows.staff_session_common import (
    AUDIENCE_MARK, SELECTED, STAFF, already_started, audience_label, closed, counts, not_yours, number, owned,
    roster_replies, selected, short_when, tell_cancelled, timezone, told,
)
from dialogs.i18n import _, ngettext

PAGE = 5
PAGE_KEY = "sst_page"
TITLE_IN_BUTTON = 28


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the list ------------------------------------------------------------------------------


async def render_list(ctx: Ctx) -> Screen:
    centre_id = ctx.person.centre_id
    tz = await timezone(ctx)
    total = await ctx.uow.sessions.count_upcoming(centre_id, None)
    pages = max((total + PAGE - 1) // PAGE, 1)
    page = ctx.data.get(PAGE_KEY, 0)
    page = min(max(page if isinstance(page, int) else 0, 0), pages - 1)
    ctx.data[PAGE_KEY] = page
    sessions = await ctx.uow.sessions.upcoming(centre_id, None, PAGE, page * PAGE)
    if total:
        text = ngettext(
            "<b>Group sessions</b>: {n} to come. Tap one to see its roster or change it.",
            "<b>Group sessions</b>: {n} to come. Tap one to see its roster or change it.",
            total,
        ).format(n=total)
        text += "\n" + _("👪 for parents, 🧒 for young people.")
        if pages > 1:
            text += "\n" + _("Page {page} of {pages}.").format(page=page + 1, pages=pages)
    else:
        text = _("<b>Group sessions</b>: none planned. Create one with « New session ».")
    rows: list[tuple[Choice, ...]] = [
        (Choice(f"{AUDIENCE_MARK.get(s.audience, '')} {short_when(s.starts_at, tz)} · "
                f"{clip(s.title, TITLE_IN_BUTTON)} ({s.booked}/{s.capacity})", f"s{s.id}"),)
        for s in sessions
    ]
    paging = []
    if page > 0:
        paging.append(Choice("‹", "prev"))
    if page < pages - 1:
        paging.append(Choice("›", "next"))
    if paging:
        rows.append(tuple(paging))
    rows += [
        (Choice(_("➕ New session"), "new"),),
        (Choice(_("🗂 Past sessions (attendance)"), "past"),),
        (Choice(_("« Menu"), "menu"),),
    ]
    return Screen(text, tuple(rows))


async def press_list(ctx: Ctx, action: str) -> Next:
    if action.startswith("s"):
        session = await owned(ctx, number(action[1:]))
        if session is None:
            return Next("list", notice=not_yours())
        ctx.data[SELECTED] = session.id
        return Next("view")
    if action in ("prev", "next"):
        page = ctx.data.get(PAGE_KEY, 0)
        ctx.data[PAGE_KEY] = (page if isinstance(page, int) else 0) + (1 if action == "next" else -1)
        return Next("list")
    if action == "new":
        ctx.data.pop("snew", None)
        return Next("snew.kind")
    if action == "past":
        return Next("satt.past")
    ctx.data.pop(SELECTED, None)
    ctx.data.pop(PAGE_KEY, None)
    return Next(MENU)


# -- one session ---------------------------------------------------------------------------


async def render_view(ctx: Ctx) -> Screen:
    session = await selected(ctx)
    back = (Choice(_("« Sessions"), "back"),)
    if session is None:
        return Screen(not_yours(), (back,))
    tz = await timezone(ctx)
    booked, waiting = counts(await ctx.uow.bookings.recipients(session.id))
    text = "\n".join([
        audience_label(session.audience),
        describe.card(session, tz),
        "",
        _("👥 {booked} booked out of {capacity} · {waiting} waiting").format(
            booked=booked, capacity=session.capacity, waiting=waiting),
    ])
    if closed(session, ctx.now):
        text += "\n\n" + already_started()
        rows = [(Choice(_("👥 Roster"), "roster"),)]
        if session.cancelled_at is None:
            rows.append((Choice(_("🗂 Attendance"), "attend"),))
        return Screen(text, tuple(rows) + (back,))
    return Screen(text, (
        (Choice(_("👥 Roster"), "roster"),),
        (Choice(_("🕒 Change time"), "time"), Choice(_("📍 Change place"), "place")),
        (Choice(_("🪑 Change capacity"), "cap"),),
        (Choice(_("❌ Cancel session"), "cancel"),),
        back,
    ))


async def press_view(ctx: Ctx, action: str) -> Next:
    session = await selected(ctx)
    if session is None:
        ctx.data.pop(SELECTED, None)
        return Next("list", notice=not_yours())
    if action == "roster":
        return Next("view", extra=await roster_replies(ctx, session), fresh=True)
    if action == "attend" and session.started(ctx.now) and session.cancelled_at is None:
        return Next("satt.mark")
    edits = {"time": "sedit.time", "place": "sedit.place", "cap": "sedit.cap", "cancel": "cancel"}
    if action in edits:
        if closed(session, ctx.now):
            return Next("view", notice=already_started())
        return Next(edits[action])
    ctx.data.pop(SELECTED, None)
    return Next("list")


# -- cancelling ----------------------------------------------------------------------------


async def render_cancel(ctx: Ctx) -> Screen:
    session = await selected(ctx)
    if session is None:
        return Screen(not_yours(), ((Choice(_("« Sessions"), "no"),),))
    tz = await timezone(ctx)
    booked, waiting = counts(await ctx.uow.bookings.recipients(session.id))
    question = _("Cancel <b>{title}</b>, {when}?").format(title=esc(session.title),
                                                            when=esc(describe.when(session, tz)))
    people = ngettext("{n} person booked", "{n} people booked", booked).format(n=booked)
    line = ngettext("{people} and {n} waiting will be told.", "{people} and {n} waiting will be told.",
                    waiting).format(people=people, n=waiting)
    return Screen(f"{question}\n{line}", (
        (Choice(_("Yes, cancel it"), "yes"),),
        (Choice(_("No, keep it"), "no"),),
    ))


async def press_cancel(ctx: Ctx, action: str) -> Next:
    session = await selected(ctx)
    if session is None:
        ctx.data.pop(SELECTED, None)
        return Next("list", notice=not_yours())
    if action != "yes":
        return Next("view")
    if closed(session, ctx.now):
        return Next("view", notice=already_started())
    cancelled, recipients = await ctx.uow.bookings.cancel_session(session.id)
    if cancelled is None or cancelled.cancelled_at is None:
        return Next("view", notice=already_started())
    centre = await ctx.centre()
    replies = tell_cancelled(ctx, recipients, cancelled, centre)
    ctx.data.pop(SELECTED, None)
    tz = await timezone(ctx)
    notice = _("Cancelled: {title}, {when}.").format(title=esc(cancelled.title),
                                                     when=esc(describe.when(cancelled, tz)))
    return Next("list", notice=f"{notice} {told(len(recipients))}", then=tuple(replies))


FLOW = Flow(
    "sst",
    [
        Step("list", render_list, press_list, anytime=True, roles=STAFF,
             goes_to=frozenset({"sst.list", "sst.view", "snew.kind", "satt.past"})),
        Step("view", render_view, press_view, roles=STAFF,
             goes_to=frozenset({"sst.list", "sst.view", "sst.cancel", "sedit.time", "sedit.place", "sedit.cap",
                                "satt.mark"})),
        Step("cancel", render_cancel, press_cancel, roles=STAFF, goes_to=frozenset({"sst.list", "sst.view"})),
    ],
)
