"""Leaving: a parent or young person erases what the bot keeps about them."""

from __future__ import annotations

from dialogs.context import Ctx
from dialogs.flow import END, MENU, Choice, Flow, Next, Screen, Step
from dialogs.i18n import _, pgettext

FAMILY = frozenset({"parent", "youth"})


async def render_confirm(ctx: Ctx) -> Screen:
    if ctx.role == "youth":
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
    return Screen(
        text,
        ((Choice(_("Yes, delete everything"), "yes"),), (Choice(_("No, keep going"), "no"),)),
    )


async def press_confirm(ctx: Ctx, action: str) -> Next:
    if action != "yes":
        return Next(MENU)
    youth = ctx.role == "youth"
    await ctx.uow.people.forget(ctx.person.id)
    ctx.person, ctx.forget = None, True
    if youth:
        notice = pgettext(
            "youth", "Done: everything has been deleted. Take care of yourself. To come back one day, ask for a new link."
        )
    else:
        notice = _("Done: everything has been deleted. Take care. If you ever want to come back, send /start.")
    return Next(END, notice=notice)


FLOW = Flow("forget", [Step("confirm", render_confirm, press_confirm, roles=FAMILY)])
