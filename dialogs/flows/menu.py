"""Each role's main menu, and the entries behind it."""

from __future__ import annotations

from dialogs.context import Ctx
from dialogs.flow import MENU, Choice, Flow, Next, Screen, Step
from dialogs.i18n import _, pgettext

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
    if role in ("parent", "youth") and ctx.person is not None:
        case = await ctx.uow.cases.open_for(ctx.person.id)
        if case is not None and case.taken_by is not None:  # a staff member is talking with them
            rows.insert(0, (Choice(_("💬 Back to the conversation"), "relay"),))
    return Screen(title, tuple(rows))


async def press_main(ctx: Ctx, action: str) -> Next:
    if action in ENTRIES.get(ctx.role or "", ()):
        if action == "settings":
            return Next("settings.main")
        if action == "sessions":
            return Next("sst.list" if ctx.role == "staff" else "ses.list")
        if action == "checkin":
            return Next("chk.hub" if ctx.role == "parent" else "ychk.start")
        if action == "talk":
            return Next("talk.start")
        if action == "cases":
            return Next("cases.list")
        return Next(action)
    if action == "relay" and ctx.role in ("parent", "youth"):
        return Next("relay.open")
    return Next("main")


async def press_back(ctx: Ctx, action: str) -> Next:
    return Next(MENU)


FLOW = Flow(
    "menu",
    [
        Step(
            "main", render_main, press_main, anytime=True, roles=EVERYONE,
            goes_to=frozenset({"menu.main", "chk.hub", "ychk.start", "ses.list", "sst.list", "talk.start", "cases.list",
                               "settings.main", "relay.open"}),
        ),
    ],
)
