"""Leaving: a parent or young person erases what the bot keeps about them (/stop, « 🗑 Delete my data »).

What is deleted, and what a case keeps as a safety record, is said honestly on both sides: to the
person before they confirm, and to the staff of an open case (dialogs.cases.left). The erasure itself
is dialogs.flows.privacy_data.erase_person (storage.repos.privacy says what goes and what stays).
"""

from __future__ import annotations

from dialogs import texts
from dialogs.context import Ctx
from dialogs.flow import END, MENU, Choice, Flow, Next, Screen, Step
from dialogs.flows.privacy_data import erase_person, has_requests
from dialogs.i18n import _, pgettext

FAMILY = frozenset({"parent", "youth"})


async def render_confirm(ctx: Ctx) -> Screen:
    youth = ctx.role == "youth"
    case = await ctx.uow.cases.open_for(ctx.person.id) if ctx.person is not None else None
    kept = ctx.person is not None and await has_requests(ctx)
    centre = await ctx.centre()
    months = texts.months(centre.keep_cases_months if centre else 24)
    if youth:
        parts = [pgettext(
            "youth",
            "<b>Delete your data?</b>\nThis deletes for good: your account with the bot, your check-ins and what "
            "you wrote, your workshop bookings (your place goes to someone waiting), and the messages the bot had "
            "not sent you yet. Your parents are not told. You can come back later with a new link."
        )]
    else:
        parts = [_(
            "<b>Delete your data?</b>\nThis deletes for good: your account with the bot, your check-ins and messages, "
            "your bookings (your seats go to the people waiting), your invitations, and the messages the bot had not "
            "sent you yet; if you are the family's only parent here, your children's records too. This cannot be "
            "undone. The centre's team can still be reached by phone."
        )]
    if kept:
        parts.append(pgettext(
            "youth",
            "What stays: the record of your requests to the team (what you wrote to them and what they did), "
            "kept by the centre to protect you, without your name or your Telegram account, for {months} after "
            "it is closed."
        ).format(months=months) if youth else _(
            "What stays: the record of your requests to the team (what you wrote to them and what they did), "
            "kept by the centre for the child's protection, without your name or your Telegram account, for "
            "{months} after it is closed."
        ).format(months=months))
    if case is not None:
        parts.append(pgettext(
            "youth",
            "Your request to the team is still open: the team will be told that you left, and won't be able to "
            "write to you here any more."
        ) if youth else _(
            "Your request to the team is still open: the team will be told that you left, and will no longer be "
            "able to write to you here."
        ))
    return Screen(
        "\n\n".join(parts),
        ((Choice(_("Yes, delete my data"), "yes"),), (Choice(_("No, keep going"), "no"),)),
    )


async def press_confirm(ctx: Ctx, action: str) -> Next:
    if action != "yes":
        return Next(MENU)
    youth = ctx.role == "youth"
    kept = await has_requests(ctx)
    await erase_person(ctx.uow, ctx.person, ctx.config.default_locale)
    ctx.person, ctx.forget = None, True
    if youth:
        notice = pgettext("youth", "Done: your data has been deleted. Take care of yourself. To come back one day, "
                                   "ask for a new link.")
    else:
        notice = _("Done: your data has been deleted. Take care. If you ever want to come back, send /start.")
    if kept:
        notice += "\n\n" + (pgettext(
            "youth", "Only the record of your requests to the team stays with the centre, without your name, to "
                     "protect you."
        ) if youth else _("Only the record of your requests to the team stays with the centre, without your name, "
                          "for the child's protection."))
    return Next(END, notice=notice)


FLOW = Flow("forget", [Step("confirm", render_confirm, press_confirm, roles=FAMILY)])
