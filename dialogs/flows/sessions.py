"""Group sessions for parents and workshops for young people: see the dates, book a seat or join
the waiting list in two taps, see and cancel one's bookings (in sessions_mine.py).

Ids travel in button actions ("book:12") and are never trusted: the booking repository checks
centre, audience, start and cancellation again, and answers with an outcome said here kindly.
"""

from __future__ import annotations

import logging

from dialogs import logids
from dialogs.booking import describe
from dialogs.booking.calendar import FILENAME, ics_for
from dialogs.context import Ctx
from dialogs.events import Attachment, Reply, esc
from dialogs.flow import MENU, Choice, Flow, Next, Screen, Step
from dialogs.flows import sessions_mine as mine
from dialogs.flows.sessions_mine import FAMILY, all_dates, back_menu, is_youth, my_bookings, number, short
from dialogs.i18n import _, pgettext
from storage.records import SessionRecord

log = logging.getLogger("relier.dialogs.sessions")

PAGE = 5


def audience(ctx: Ctx) -> str:
    return "youth" if is_youth(ctx) else "parents"


async def visible(ctx: Ctx, session_id: object) -> SessionRecord | None:
    """A session this person may see: their centre, their audience, still to come, not cancelled."""
    if not isinstance(session_id, int):
        return None
    session = await ctx.uow.sessions.get(session_id)
    if (session is None or session.centre_id != ctx.person.centre_id or session.audience != audience(ctx)
            or session.cancelled_at is not None or session.started(ctx.now)):
        return None
    return session


# -- the list ---------------------------------------------------------------------------


async def render_list(ctx: Ctx) -> Screen:
    centre = await ctx.centre()
    total = await ctx.uow.sessions.count_upcoming(centre.id, audience(ctx))
    pages = max(1, -(-total // PAGE))
    page = ctx.data.get("ses_page")
    page = min(max(page if isinstance(page, int) else 0, 0), pages - 1)
    ctx.data["ses_page"] = page
    sessions = await ctx.uow.sessions.upcoming(centre.id, audience(ctx), limit=PAGE, offset=page * PAGE)
    if not sessions:
        if is_youth(ctx):
            text = pgettext("youth", "No workshop is planned for now. New dates will appear here, come and have a "
                                     "look again soon.")
        else:
            text = _("No session is planned for now. New dates will appear here.")
        return Screen(text, ((my_bookings(),), back_menu(ctx)))
    if is_youth(ctx):
        head = pgettext("youth", "<b>Workshops coming up</b>\nTap a workshop to see it and book your place.")
    else:
        head = _("<b>Group sessions coming up</b>\nTap a session to see the details and book a seat.")
    held = {b.session_id: b for b, _s in await ctx.uow.bookings.of_person(ctx.person.id)}
    parts = [head]
    for session in sessions:
        mark = f"\n<b>{esc(mine.state(held[session.id]))}</b>" if session.id in held else ""
        parts.append(describe.line(session, centre.timezone) + mark)
    if pages > 1:
        parts.append(_("Page {page} of {pages}").format(page=page + 1, pages=pages))
    rows: list[tuple[Choice, ...]] = [(Choice(short(s, centre.timezone), f"s:{s.id}"),) for s in sessions]
    turn = ([Choice("‹", f"p:{page - 1}")] if page > 0 else []) + (
        [Choice("›", f"p:{page + 1}")] if page < pages - 1 else [])
    if turn:
        rows.append(tuple(turn))
    rows += [(my_bookings(),), back_menu(ctx)]
    return Screen("\n\n".join(parts), tuple(rows))


async def press_list(ctx: Ctx, action: str) -> Next:
    if action.startswith("s:") and number(action) is not None:
        ctx.data["ses_id"] = number(action)
        return Next("detail")
    if action.startswith("p:") and number(action) is not None:
        ctx.data["ses_page"] = number(action)
        return Next("list")
    if action == "mine":
        return Next("mine")
    return Next(MENU) if action == "menu" else Next("list")


# -- one session ------------------------------------------------------------------------


async def waiting_count(ctx: Ctx, session_id: int) -> int:
    return sum(1 for r in await ctx.uow.bookings.recipients(session_id) if r.status == "waiting")


async def render_detail(ctx: Ctx) -> Screen:
    session = await visible(ctx, ctx.data.get("ses_id"))
    if session is None:
        if is_youth(ctx):
            text = pgettext("youth", "This workshop is no longer open: it has started, or it was cancelled.")
        else:
            text = _("This session is no longer open: it has started, or it was cancelled.")
        return Screen(text, ((all_dates(),), (my_bookings(),), back_menu(ctx)))
    centre = await ctx.centre()
    held = await ctx.uow.bookings.active_for(session.id, ctx.person.id)
    waiting = await waiting_count(ctx, session.id)
    rows: list[tuple[Choice, ...]] = []
    if held is not None and held.status == "booked":
        if is_youth(ctx):
            state = pgettext("youth", "✅ You have a place in this workshop.")
        else:
            state = _("✅ You have a seat for this session.")
        rows.append((Choice(_("✖️ Cancel my booking"), f"drop:{held.id}"),))
    elif held is not None:
        state = mine.waiting_words(ctx, held.position or 1)
        rows.append((Choice(_("✖️ Cancel my booking"), f"drop:{held.id}"),))
    elif session.seats_left > 0 and waiting == 0:
        state = ""
        label = pgettext("youth", "✅ Book my place") if is_youth(ctx) else _("✅ Book a seat")
        rows.append((Choice(label, f"book:{session.id}"),))
    else:
        if is_youth(ctx):
            state = pgettext("youth", "It's full for now. You can join the waiting list: if a place frees up, "
                                      "it's yours automatically and we'll tell you here.")
            label = pgettext("youth", "⏳ Join the waiting list (you'd be number {n})").format(n=waiting + 1)
        else:
            state = _("It is full for now. You can join the waiting list: if a seat frees up, you get it "
                      "automatically and we tell you here.")
            label = _("⏳ Join the waiting list (you would be number {n})").format(n=waiting + 1)
        rows.append((Choice(label, f"book:{session.id}"),))
    rows += [(all_dates(),), back_menu(ctx)]
    text = describe.card(session, centre.timezone)
    return Screen(f"{text}\n\n{state}" if state else text, tuple(rows))


async def press_detail(ctx: Ctx, action: str) -> Next:
    if action.startswith("book:") and number(action) is not None:
        return await book(ctx, number(action))
    if action.startswith("drop:") and number(action) is not None:
        ctx.data["ses_b"] = number(action)  # the cancel step shows it only if it is this person's
        return Next("cancel")
    if action in ("list", "mine"):
        return Next(action)
    return Next(MENU) if action == "menu" else Next("detail")


async def book(ctx: Ctx, session_id: int) -> Next:
    result = await ctx.uow.bookings.book(session_id, ctx.person)
    outcome = result.outcome
    if outcome in ("booked", "waiting"):
        await ctx.uow.people.note_name(ctx.person.id, ctx.event.display_name)
        ctx.data["ses_id"], ctx.data["ses_done"] = session_id, result.booking.id
        if outcome == "waiting":
            return Next("done")
        centre = await ctx.centre()
        title = f"<b>{esc(result.session.title)}</b>"
        if is_youth(ctx):
            caption = pgettext("youth", "📎 Add {title} to your calendar: open this file.").format(title=title)
        else:
            caption = _("📎 Add {title} to your calendar: open this file.").format(title=title)
        ics = ics_for(result.booking.id, result.session, centre)
        attached = Reply(ctx.event.chat_id, caption, attachment=Attachment(FILENAME, content=ics, kind="document"))
        return Next("done", extra=(attached,), fresh=True)  # the file, then the confirmation below it
    if outcome in ("already_booked", "already_waiting"):
        ctx.data["ses_id"] = session_id
        return Next("detail", notice=_("Already done: nothing more to do."))
    if outcome == "closed":
        if is_youth(ctx):
            notice = pgettext("youth", "Sorry, this workshop can no longer be booked: it has started or was "
                                       "cancelled. Here are the next ones.")
        else:
            notice = _("Sorry, this session can no longer be booked: it has started or was cancelled. "
                       "Here are the next dates.")
        return Next("list", notice=notice)
    log.warning("booking refused user=%s outcome=%s", logids.user(ctx.event.user_id), outcome)
    return Next("list", notice=_("This date cannot be booked from here. Here are the dates open for booking."))


# -- after booking ----------------------------------------------------------------------


async def render_done(ctx: Ctx) -> Screen:
    done = ctx.data.get("ses_done")
    booking = await ctx.uow.bookings.get(done) if isinstance(done, int) else None
    rows = ((my_bookings(),), (all_dates(),), back_menu(ctx))
    if booking is None or booking.person_id != ctx.person.id or booking.status == "cancelled":
        return Screen(_("Bookings are listed in « 📌 My bookings »."), rows)
    session = await ctx.uow.sessions.get(booking.session_id)
    centre = await ctx.centre()
    title = f"<b>{esc(session.title)}</b>"
    if booking.status == "waiting":
        return Screen(f"{title}\n{mine.details(session, centre.timezone)}\n\n"
                      + mine.waiting_words(ctx, booking.position or 1), rows)
    if is_youth(ctx):
        head = pgettext("youth", "✅ Your place is booked for {title}. See you there!").format(title=title)
        tail = pgettext("youth", "If you can't come any more, cancel it in « 📌 My bookings » so someone else "
                                 "can come.")
    else:
        head = _("✅ Your seat is booked for {title}. See you there!").format(title=title)
        tail = _("If you can no longer come, please cancel in « 📌 My bookings » so someone else can have "
                 "the seat.")
    return Screen(f"{head}\n\n{mine.details(session, centre.timezone)}\n\n{tail}", rows)


async def press_done(ctx: Ctx, action: str) -> Next:
    if action in ("mine", "list"):
        return Next(action)
    return Next(MENU)


PLACES = frozenset({"ses.list", "ses.detail", "ses.done", "ses.mine", "ses.cancel"})

FLOW = Flow(
    "ses",
    [
        Step("list", render_list, press_list, anytime=True, roles=FAMILY, goes_to=PLACES),
        Step("detail", render_detail, press_detail, anytime=True, roles=FAMILY, goes_to=PLACES),
        Step("done", render_done, press_done, anytime=True, roles=FAMILY, goes_to=PLACES),
        Step("mine", mine.render_mine, mine.press_mine, anytime=True, roles=FAMILY, goes_to=PLACES),
        Step("cancel", mine.render_cancel, mine.press_cancel, anytime=True, roles=FAMILY, goes_to=PLACES),
    ],
)
