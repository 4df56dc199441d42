"""Leaving: a parent or young person erases what the bot keeps about them.

What is deleted, and what a case keeps as a safety record, is said honestly on both sides: to the
person before they confirm, and to the staff of an open case (dialogs.cases.left). Messages the bot
had not sent them yet are dropped: nothing reaches them after they asked to leave.
"""

from __future__ import annotations

from dialogs.cases import left
from dialogs.context import Ctx
from dialogs.flow import END, MENU, Choice, Flow, Next, Screen, Step
from dialogs.i18n import _, pgettext

FAMILY = frozenset({"parent", "youth"})


async def has_case(ctx: Ctx) -> bool:
    return (await ctx.uow.cases.open_for(ctx.person.id) is not None
            or await ctx.uow.cases.last_closed(ctx.person.id) is not None)


async def render_confirm(ctx: Ctx) -> Screen:
    case = await ctx.uow.cases.open_for(ctx.person.id) if ctx.person is not None else None
    if ctx.role == "youth" and case is not None:  # the team following the request is told: say so
        text = pgettext(
            "youth",
            "Do you want to stop and delete everything the bot keeps about you? "
            "Your parents will not be told. You can come back later with a new link."
        )
    elif ctx.role == "youth":
        text = pgettext(
            "youth",
            "Do you want to stop and delete everything the bot keeps about you? "
            "Nobody will be told. You can come back later with a new link."
        )
    else:
        text = _(
            "Do you want to stop and delete everything the bot keeps about you and your children? "
            "This cannot be undone. The centre's team can still be reached by phone."
        )
    if case is not None:
        text += "\n\n" + (pgettext(
            "youth",
            "Your request to the team is still open: the team will be told that you left. They keep the record "
            "of your request, for your safety, but they won't be able to write to you here any more."
        ) if ctx.role == "youth" else _(
            "Your request to the team is still open: the team will be told that you left. They keep the record "
            "of your request, for safety, but will no longer be able to write to you here."
        ))
    return Screen(
        text,
        ((Choice(_("Yes, delete everything"), "yes"),), (Choice(_("No, keep going"), "no"),)),
    )


async def press_confirm(ctx: Ctx, action: str) -> Next:
    if action != "yes":
        return Next(MENU)
    youth = ctx.role == "youth"
    kept = await has_case(ctx)
    await left.tell_staff(ctx.uow, ctx.person, ctx.config.default_locale)
    await ctx.uow.outbox.cancel(person_id=ctx.person.id)  # nothing more reaches them
    await ctx.uow.people.forget(ctx.person.id)
    ctx.person, ctx.forget = None, True
    if youth:
        notice = pgettext(
            "youth", "Done: everything has been deleted. Take care of yourself. To come back one day, ask for a new link."
        )
    else:
        notice = _("Done: everything has been deleted. Take care. If you ever want to come back, send /start.")
    if kept:
        notice += "\n\n" + (pgettext(
            "youth", "Only the record of your requests to the team stays with the centre, for your safety."
        ) if youth else _("Only the record of your requests to the team stays with the centre, for safety."))
    return Next(END, notice=notice)


FLOW = Flow("forget", [Step("confirm", render_confirm, press_confirm, roles=FAMILY)])
