"""Each role's main menu, and the entries behind it."""

from __future__ import annotations

from dialogs import texts
from dialogs.context import Ctx
from dialogs.events import esc
from dialogs.flow import MENU, Choice, Flow, Next, Screen, Step
from dialogs.i18n import _, pgettext

FAMILY = frozenset({"parent", "youth"})
EVERYONE = frozenset({"parent", "youth", "staff"})
STAFF = frozenset({"staff"})

ENTRIES = {
    "parent": ("checkin", "sessions", "talk", "settings"),
    "youth": ("checkin", "sessions", "talk", "settings"),
    "staff": ("cases", "sessions", "settings"),
}


def back() -> tuple[Choice, ...]:
    return (Choice(_("« Menu"), "menu"),)


async def render_main(ctx: Ctx) -> Screen:
    role = ctx.role or "parent"
    labels = {
        "checkin": _("📝 Check-in"),
        "sessions": _("📅 Group sessions") if role != "youth" else pgettext("youth", "📅 Workshops"),
        "talk": _("💬 Talk to someone"),
        "settings": _("⚙️ Settings"),
        "cases": _("📂 Open cases"),
    }
    if role == "staff":
        title = _("<b>Staff menu</b>. What would you like to do?")
    elif role == "youth":
        title = pgettext("youth", "<b>Your menu</b>. What do you want to do?")
    else:
        title = _("<b>Main menu</b>. What would you like to do?")
    entries = ENTRIES[role]
    rows = [tuple(Choice(labels[e], e) for e in entries[i : i + 2]) for i in range(0, len(entries), 2)]
    return Screen(title, tuple(rows))


async def press_main(ctx: Ctx, action: str) -> Next:
    if action in ENTRIES.get(ctx.role or "", ()):
        if action == "settings":
            return Next("settings.main")
        if action == "sessions":
            return Next("sst.list" if ctx.role == "staff" else "ses.list")
        if action == "checkin":
            return Next("chk.hub" if ctx.role == "parent" else "ychk.start")
        return Next(action)
    return Next("main")


async def press_back(ctx: Ctx, action: str) -> Next:
    return Next(MENU)


async def render_talk(ctx: Ctx) -> Screen:
    youth = ctx.role == "youth"
    intro = (
        pgettext(
            "youth",
            "Writing to a psychologist here is coming soon. Until then, talk to the centre's team at your next visit, "
            "or call the centre.",
        )
        if youth
        else _("Writing to a psychologist through the bot is coming soon. Until then, please call the centre.")
    )
    centre = await ctx.centre()
    if centre is not None and centre.phone:
        number = pgettext("youth", "The centre's number: {phone}") if youth else _("The centre's number: {phone}")
        intro += "\n" + number.format(phone=f"<b>{esc(centre.phone)}</b>")
    return Screen(texts.emergency_contacts(youth) + "\n\n" + intro, (back(),))


async def render_cases(ctx: Ctx) -> Screen:
    return Screen(
        _("Case handling in the bot is coming soon: escalations will appear here and in the staff group."),
        (back(),),
    )


FLOW = Flow(
    "menu",
    [
        Step(
            "main", render_main, press_main, anytime=True, roles=EVERYONE,
            goes_to=frozenset({"menu.main", "chk.hub", "ychk.start", "ses.list", "sst.list", "menu.talk", "menu.cases",
                               "settings.main"}),
        ),
        Step("talk", render_talk, press_back, anytime=True, roles=FAMILY),
        Step("cases", render_cases, press_back, anytime=True, roles=STAFF),
    ],
)
