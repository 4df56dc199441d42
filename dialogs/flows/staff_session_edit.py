"""Staff change a session: its time, its place, its capacity. Everyone concerned is told at once.

The session is the one chosen in "sst" (kept in the conversation) and is checked again, with
the staff member's centre, on every answer.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from dialogs.booking import describe
from dialogs.context import Ctx
from dialogs.events import esc
from dialogs.flow import Choice, Flow, Next, Screen, Step
from dialogs.flows.staff_session_common import (
    SELECTED, STAFF, already_started, closed, counts, not_yours, number, read_start, selected, tell_changed,
    tell_promoted, timezone, told,
)
from dialogs.i18n import _, ngettext
from storage.records import SessionRecord

PLACE_LIMIT = 200
CAPACITY_MAX = 500
COMMON_CAPACITIES = (6, 8, 10, 12, 15, 20)


def back_row() -> tuple[Choice, ...]:
    return (Choice(_("« Back"), "back"),)


async def usable(ctx: Ctx) -> tuple[SessionRecord | None, Next | None]:
    """The selected session if it may still be changed; otherwise where to go instead."""
    session = await selected(ctx)
    if session is None:
        ctx.data.pop(SELECTED, None)
        return None, Next("sst.list", notice=not_yours())
    if closed(session, ctx.now):
        return None, Next("sst.view", notice=already_started())
    return session, None


async def press_back(ctx: Ctx, action: str) -> Next:
    return Next("sst.view")


# -- time ----------------------------------------------------------------------------------


async def render_time(ctx: Ctx) -> Screen:
    session = await selected(ctx)
    if session is None:
        return Screen(not_yours(), (back_row(),))
    tz = await timezone(ctx)
    local = session.starts_at.astimezone(ZoneInfo(tz))
    return Screen(
        _("<b>{title}</b> is now on {when}.\nType the new date and time, in the centre's local time, "
          "for example <code>{example}</code>.").format(
            title=esc(session.title), when=esc(describe.when(session, tz)), example=f"{local:%d/%m/%Y %H:%M}"),
        (back_row(),),
    )


async def type_time(ctx: Ctx, text: str) -> Next:
    session, refused = await usable(ctx)
    if refused is not None:
        return refused
    tz = await timezone(ctx)
    start, problem = read_start(ctx, text, tz)
    if start is None:
        return Next("time", notice=problem)
    if start == session.starts_at:
        return Next("sst.view", notice=_("That is already the session's time: nothing was changed."))
    changed = await ctx.uow.sessions.change(session.id, starts_at=start)
    if changed is None:
        return Next("sst.view", notice=already_started())
    recipients = await ctx.uow.bookings.recipients(session.id)
    replies = tell_changed(ctx, recipients, changed, await ctx.centre())
    notice = _("Moved to {when}.").format(when=esc(describe.when(changed, tz)))
    return Next("sst.view", notice=f"{notice} {told(len(recipients))}", then=tuple(replies))


# -- place ---------------------------------------------------------------------------------


async def render_place(ctx: Ctx) -> Screen:
    session = await selected(ctx)
    if session is None:
        return Screen(not_yours(), (back_row(),))
    now = esc(session.place) if session.place else _("not given")
    return Screen(
        _("<b>{title}</b>: the place is now « {place} ».\nType the new place or online link "
          "(up to {limit} characters).").format(title=esc(session.title), place=now, limit=PLACE_LIMIT),
        (back_row(),),
    )


async def type_place(ctx: Ctx, text: str) -> Next:
    session, refused = await usable(ctx)
    if refused is not None:
        return refused
    place = " ".join(text.split())
    if not place:
        return Next("place", notice=_("Please type the place or the link."))
    if len(place) > PLACE_LIMIT:
        return Next("place", notice=_("This is too long: {limit} characters at most, please.").format(
            limit=PLACE_LIMIT))
    if place == session.place:
        return Next("sst.view", notice=_("That is already the session's place: nothing was changed."))
    changed = await ctx.uow.sessions.change(session.id, place=place)
    if changed is None:
        return Next("sst.view", notice=already_started())
    recipients = await ctx.uow.bookings.recipients(session.id)
    replies = tell_changed(ctx, recipients, changed, await ctx.centre())
    notice = _("New place: {place}.").format(place=esc(place))
    return Next("sst.view", notice=f"{notice} {told(len(recipients))}", then=tuple(replies))


# -- capacity ------------------------------------------------------------------------------


def cannot_go_below(booked: int) -> str:
    return ngettext(
        "{n} person has a seat: the capacity cannot go below {n}.",
        "{n} people have a seat: the capacity cannot go below {n}.",
        booked,
    ).format(n=booked)


async def render_cap(ctx: Ctx) -> Screen:
    session = await selected(ctx)
    if session is None:
        return Screen(not_yours(), (back_row(),))
    booked, waiting = counts(await ctx.uow.bookings.recipients(session.id))
    text = _("<b>{title}</b>: {capacity} seats, {booked} booked, {waiting} waiting.\n"
             "Tap the new number of seats, or type it (1 to {most}).").format(
        title=esc(session.title), capacity=session.capacity, booked=booked, waiting=waiting, most=CAPACITY_MAX)
    lowest = max(booked, 1)
    near = [n for n in (session.capacity - 2, session.capacity - 1, session.capacity + 1, session.capacity + 2)
            if lowest <= n <= CAPACITY_MAX]
    common = [n for n in COMMON_CAPACITIES if n >= lowest and n != session.capacity and n not in near]
    rows = [tuple(Choice(str(n), f"c{n}") for n in near)] if near else []
    if common:
        rows.append(tuple(Choice(str(n), f"c{n}") for n in common))
    return Screen(text, tuple(rows) + (back_row(),))


async def press_cap(ctx: Ctx, action: str) -> Next:
    if action.startswith("c") and number(action[1:]) is not None:
        return await set_capacity(ctx, number(action[1:]))
    return Next("sst.view")


async def type_cap(ctx: Ctx, text: str) -> Next:
    wanted = number(text)
    if wanted is None:
        return Next("cap", notice=_("Please type a number of seats, for example 12."))
    return await set_capacity(ctx, wanted)


async def set_capacity(ctx: Ctx, wanted: int) -> Next:
    session, refused = await usable(ctx)
    if refused is not None:
        return refused
    if not 1 <= wanted <= CAPACITY_MAX:
        return Next("cap", notice=_("The number of seats must be between 1 and {most}.").format(most=CAPACITY_MAX))
    if wanted == session.capacity:
        return Next("sst.view", notice=_("That is already the number of seats: nothing was changed."))
    if wanted < session.booked:
        return Next("cap", notice=cannot_go_below(session.booked))
    freed = await ctx.uow.bookings.set_capacity(session.id, wanted)
    if freed.outcome == "below_booked" and freed.session is not None:
        return Next("cap", notice=cannot_go_below(freed.session.booked))
    if freed.outcome != "changed" or freed.session is None:
        return Next("sst.view", notice=already_started())
    notice = ngettext("Capacity: {n} seat.", "Capacity: {n} seats.", wanted).format(n=wanted)
    if not freed.promoted:
        return Next("sst.view", notice=notice)
    replies = tell_promoted(ctx, freed.promoted, freed.session, await ctx.centre())
    got = len(freed.promoted)
    notice += " " + ngettext("{n} person waiting got a seat and was told.",
                             "{n} people waiting got a seat and were told.", got).format(n=got)
    return Next("sst.view", notice=notice, then=tuple(replies))


EDITS = frozenset({"sst.view", "sst.list"})

FLOW = Flow(
    "sedit",
    [
        Step("time", render_time, press_back, type_time, roles=STAFF, goes_to=EDITS | {"sedit.time"}),
        Step("place", render_place, press_back, type_place, roles=STAFF, free_text=True,
             goes_to=EDITS | {"sedit.place"}),
        Step("cap", render_cap, press_cap, type_cap, roles=STAFF, goes_to=EDITS | {"sedit.cap"}),
    ],
)
