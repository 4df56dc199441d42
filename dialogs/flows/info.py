"""Help, privacy and language: shown on top of wherever the person is."""

from __future__ import annotations

from dialogs import texts
from dialogs.cases.guide import staff_help
from dialogs.context import Ctx
from dialogs.flow import BACK_TO_CURRENT, MENU, STAY, Choice, Flow, Next, Screen, Step
from dialogs.flows import privacy_data
from dialogs.i18n import LANGUAGE_NAMES, LOCALES, _, pgettext, switch_locale


FAMILY = frozenset({"parent", "youth"})


def back_row(ctx: Ctx) -> tuple[Choice, ...]:
    if ctx.person is None:
        return (Choice(_("Continue"), "back"),)
    return (Choice(_("« Menu"), "menu"),)


async def press_back(ctx: Ctx, action: str) -> Next:
    return Next(MENU) if action == "menu" else Next(BACK_TO_CURRENT)


async def render_help(ctx: Ctx) -> Screen:
    youth = ctx.role == "youth"
    if ctx.role == "staff":
        about = staff_help()  # dialogs.cases.guide: taking, replying, notes, //, closing
    elif youth:
        about = pgettext(
            "youth",
            "<b>Relier</b> is the bot of your Centre Relier. I am a program, not a person. "
            "What you write goes to the centre's team, not to your parents."
        )
    else:
        about = _(
            "<b>Relier</b> keeps you in touch with your Centre Relier between visits. "
            "I am an automatic assistant, not a person; the centre's team reads what you write here."
        )
    if youth:
        commands = pgettext(
            "youth",
            "/menu: your menu\n/language: change the language\n/privacy: who reads what you write\n"
            "/stop: stop and delete your data",
        )
    elif ctx.role == "staff":
        commands = _("/menu: the menu\n/cases: the open cases\n/language: change the language\n"
                     "/privacy: what is kept, and who reads it")
    else:
        commands = _(
            "/menu: the menu\n/language: change the language\n/privacy: what is kept, and who reads it\n"
            "/stop: stop and delete your data"
        )
    body = about + "\n\n" + commands
    if ctx.role != "staff":
        body += "\n\n" + texts.emergency_contacts(youth)
    return Screen(body, (back_row(ctx),))


async def render_privacy(ctx: Ctx) -> Screen:
    """The notice with the centre's own retention, and for a family member: download, delete."""
    text = texts.privacy_notice(youth=ctx.role == "youth", centre=await ctx.centre())
    rows: tuple[tuple[Choice, ...], ...] = ()
    if ctx.role in FAMILY:
        rows = ((Choice(_("📥 Download my data"), "download"),), (Choice(_("🗑 Delete my data"), "delete"),))
    return Screen(text, rows + (back_row(ctx),))


async def press_privacy(ctx: Ctx, action: str) -> Next:
    if action in ("download", "delete") and ctx.role not in FAMILY:  # button data is never trusted
        return Next(BACK_TO_CURRENT)
    if action == "download":
        return Next(STAY, then=await privacy_data.download(ctx))
    if action == "delete":
        return Next("forget.confirm")
    return await press_back(ctx, action)


async def render_language(ctx: Ctx) -> Screen:
    return Screen(
        pgettext("youth", "Which language do you want?") if ctx.role == "youth"
        else _("Which language would you like?"),
        (tuple(Choice(LANGUAGE_NAMES[code], code) for code in LOCALES),),
    )


async def press_language(ctx: Ctx, action: str) -> Next:
    if action not in LOCALES:
        return Next(BACK_TO_CURRENT)
    if ctx.person is not None:
        await ctx.uow.people.set_locale(ctx.person.id, action)
    else:
        ctx.data["locale"] = action
    ctx.locale = action
    switch_locale(action)
    done = pgettext("youth", "Done: I will write to you in English from now on.") if ctx.role == "youth" \
        else _("Done: I will write to you in English from now on.")
    return Next(BACK_TO_CURRENT, notice=done)


FLOW = Flow(
    "info",
    [
        Step("help", render_help, press_back, anytime=True, overlay=True),
        Step("privacy", render_privacy, press_privacy, anytime=True, overlay=True,
             goes_to=frozenset({"forget.confirm"})),
        Step("language", render_language, press_language, anytime=True, overlay=True),
    ],
)
