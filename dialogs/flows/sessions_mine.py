"""My bookings and cancelling one (steps of the "ses" flow), and the pieces both halves share.

A cancelled seat goes at once to the first person waiting, who is told in their own language.
"""

from __future__ import annotations

import logging

from dialogs import logids
from dialogs.booking import describe, messages, notify
from dialogs.context import Ctx
from dialogs.events import esc
from dialogs.flow import MENU, Choice, Next, Screen
from dialogs.i18n import _, current_locale, format_when, pgettext
from storage.records import BookingRecord, SessionRecord

log = logging.getLogger("relier.dialogs.sessions")

FAMILY = frozenset({"parent", "youth"})
TITLE_IN_BUTTON = 30  # characters of a title on a button, the date before it


def is_youth(ctx: Ctx) -> bool:
    return ctx.role == "youth"


def number(action: str) -> int | None:
    """The id after the colon of "book:12", or None for anything else."""
    value = action.partition(":")[2]
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else None


def short(session: SessionRecord, timezone: str) -> str:
    """A button's text: "Thu 3 Dec, 6:30 PM · Parents' group" (the title cut to fit)."""
    pattern = "EEE d MMM HH:mm" if current_locale() == "fr" else "EEE d MMM, h:mm a"
    title = session.title if len(session.title) <= TITLE_IN_BUTTON else session.title[: TITLE_IN_BUTTON - 1] + "…"
    return f"{format_when(session.starts_at, timezone, pattern)} · {title}"


def details(session: SessionRecord, timezone: str) -> str:
    lines = ["🗓 " + esc(describe.when(session, timezone))]
    if session.place:
        lines.append("📍 " + esc(session.place))
    return "\n".join(lines)


def all_dates() -> Choice:
    return Choice(_("📅 All dates"), "list")


def my_bookings() -> Choice:
    return Choice(_("📌 My bookings"), "mine")


def back_menu(ctx: Ctx) -> tuple[Choice, ...]:
    return (Choice(pgettext("youth", "« Menu") if is_youth(ctx) else _("« Menu"), "menu"),)


def waiting_words(ctx: Ctx, position: int) -> str:
    if is_youth(ctx):
        return pgettext("youth", "⏳ You are number {n} on the waiting list. If a place frees up, it's yours "
                                 "automatically and we'll tell you here.").format(n=position)
    return _("⏳ You are number {n} on the waiting list. If a seat frees up, you get it automatically and we tell "
             "you here.").format(n=position)


def state(booking: BookingRecord) -> str:
    if booking.status == "booked":
        return _("✅ Seat booked")
    return _("⏳ Waiting list: number {n}").format(n=booking.position or 1)


# -- my bookings ------------------------------------------------------------------------


async def render_mine(ctx: Ctx) -> Screen:
    centre = await ctx.centre()
    items = await ctx.uow.bookings.of_person(ctx.person.id)
    if not items:
        if is_youth(ctx):
            text = pgettext("youth", "You have no booking right now. The coming workshops are in « 📅 All dates ».")
        else:
            text = _("You have no booking right now. The coming sessions are in « 📅 All dates ».")
        return Screen(text, ((all_dates(),), back_menu(ctx)))
    parts = [_("<b>My bookings</b>")]
    for booking, session in items:
        parts.append(f"<b>{esc(session.title)}</b>\n{details(session, centre.timezone)}\n{esc(state(booking))}")
    if is_youth(ctx):
        parts.append(pgettext("youth", "To cancel one, tap it below."))
    else:
        parts.append(_("To cancel one, tap it below."))
    rows = [(Choice(short(s, centre.timezone), f"b:{b.id}"),) for b, s in items]
    rows += [(all_dates(),), back_menu(ctx)]
    return Screen("\n\n".join(parts), tuple(rows))


async def press_mine(ctx: Ctx, action: str) -> Next:
    if action.startswith("b:") and number(action) is not None:
        ctx.data["ses_b"] = number(action)  # shown only if it is this person's (render_cancel)
        return Next("cancel")
    if action == "list":
        return Next("list")
    return Next(MENU) if action == "menu" else Next("mine")


# -- cancelling -------------------------------------------------------------------------


async def own(ctx: Ctx, booking_id: object) -> BookingRecord | None:
    """The person's own active booking with this id, or None."""
    booking = await ctx.uow.bookings.get(booking_id) if isinstance(booking_id, int) else None
    if booking is None or booking.person_id != ctx.person.id or booking.status == "cancelled":
        return None
    return booking


async def render_cancel(ctx: Ctx) -> Screen:
    booking = await own(ctx, ctx.data.get("ses_b"))
    if booking is None:
        return Screen(_("This booking is no longer active."), ((my_bookings(),), back_menu(ctx)))
    centre = await ctx.centre()
    session = await ctx.uow.sessions.get(booking.session_id)
    values = {"title": f"<b>{esc(session.title)}</b>", "date": esc(format_when(session.starts_at, centre.timezone))}
    if booking.status == "booked":
        if is_youth(ctx):
            question = pgettext("youth", "Cancel your place for {title}, {date}?").format(**values)
        else:
            question = _("Cancel your seat for {title}, {date}?").format(**values)
    else:
        if is_youth(ctx):
            question = pgettext("youth", "Leave the waiting list for {title}, {date}?").format(**values)
        else:
            question = _("Leave the waiting list for {title}, {date}?").format(**values)
    return Screen(question, ((Choice(_("Yes, cancel"), f"cancel:{booking.id}"), Choice(_("No, keep it"), "keep")),))


async def press_cancel(ctx: Ctx, action: str) -> Next:
    if action.startswith("cancel:") and number(action) is not None:
        return await cancel(ctx, number(action))
    return Next("mine")


async def cancel(ctx: Ctx, booking_id: int) -> Next:
    before = await own(ctx, booking_id)
    freed = await ctx.uow.bookings.cancel(booking_id, ctx.person.id)  # refuses another person's booking
    ctx.data.pop("ses_b", None)
    if freed.outcome == "unknown":
        log.warning("cancel refused user=%s", logids.user(ctx.event.user_id))
        return Next("mine", notice=_("This booking cannot be changed from here: nothing was changed."))
    if freed.outcome == "already":
        return Next("mine", notice=_("This booking was already cancelled."))
    if freed.outcome == "started":
        if is_youth(ctx):
            notice = pgettext("youth", "This workshop has already started, so it can't be cancelled any more. "
                                       "If you couldn't come, that's OK: you can tell the centre's team next time.")
        else:
            notice = _("This session has already started, so it can no longer be cancelled. If you could not "
                       "come, don't worry: you can let the centre know when it suits you.")
        return Next("mine", notice=notice)
    centre = await ctx.centre()
    session = freed.session
    youth = session.audience == "youth"
    told = notify.tell(freed.promoted, lambda r: messages.promoted(r, session, centre, youth),
                       ctx.config.default_locale)
    if before is not None and before.status == "waiting":
        if is_youth(ctx):
            notice = pgettext("youth", "Done: you have left the waiting list.")
        else:
            notice = _("Done: you have left the waiting list.")
    elif is_youth(ctx):
        notice = pgettext("youth", "Your place is cancelled. Thanks for letting us know: someone else can come.")
    else:
        notice = _("Your seat is cancelled. Thank you for letting us know: someone else can have it.")
    return Next("mine", notice=notice, then=tuple(told))
