"""The staff's open cases, in their private chat: the list (most urgent, then oldest, first) and each card.

The card's buttons (take, close) are case buttons: they work here as in the staff chat
(dialogs.cases.actions). /cases opens the list, /case N one card.
"""

from __future__ import annotations

from datetime import datetime

from dialogs.cases.card import card
from dialogs.cases.words import PRIORITY_MARKS, family_label, priority, staff_name
from dialogs.context import Ctx
from dialogs.events import Reply, esc
from dialogs.flow import MENU, Choice, Flow, Next, Screen, Step
from dialogs.i18n import _, ngettext

STAFF = frozenset({"staff"})
LISTED = 20
BUTTONS = 10


def waited(now: datetime, since: datetime) -> str:
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    if minutes < 48 * 60:
        return ngettext("{n} hour", "{n} hours", minutes // 60).format(n=minutes // 60)
    return ngettext("{n} day", "{n} days", minutes // 1440).format(n=minutes // 1440)


async def render_list(ctx: Ctx) -> Screen:
    menu = (Choice(_("« Menu"), "menu"),)
    cases = await ctx.uow.cases.open_cases(ctx.person.centre_id, limit=LISTED)
    if not cases:
        return Screen(_("📂 No open case in your centre right now."), (menu,))
    lines = ["<b>" + _("📂 Open cases") + "</b> " + _("(most urgent first, then the oldest)")]
    rows: list[tuple[Choice, ...]] = []
    for case in cases:
        person = await ctx.uow.people.get(case.person_id) if case.person_id is not None else None
        who = family_label(person)
        if case.taken_by is None:
            state = _("waiting for {time}").format(time=waited(ctx.now, case.opened_at))
        else:
            staff = await ctx.uow.people.get(case.taken_by)
            state = _("taken by {who}").format(who=staff_name(staff) if staff else "?")
        age = _("opened {time} ago").format(time=waited(ctx.now, case.opened_at))
        lines.append(f"• <b>#{case.id}</b> {priority(case.level)} · {esc(who)} · {esc(state)} · {esc(age)}")
        if len(rows) < BUTTONS:
            rows.append((Choice(f"#{case.id} {PRIORITY_MARKS.get(case.level, '')} {who}"[:60], str(case.id)),))
    lines.append("")
    lines.append(_("Tap a case to see its card, or send /case and its number."))
    return Screen("\n".join(lines), (*rows, menu))


async def case_card(ctx: Ctx, case_id: int) -> Reply | None:
    """The card of a case of the staff member's own centre, in this private chat; None otherwise."""
    case = await ctx.uow.cases.get(case_id)
    if case is None or ctx.person is None or not ctx.person.is_staff or case.centre_id != ctx.person.centre_id:
        return None
    return await card(ctx.uow, case.id, ctx.event.chat_id, None)


async def press_list(ctx: Ctx, action: str) -> Next:
    if action.isdigit():
        reply = await case_card(ctx, int(action))
        if reply is None:
            return Next("list", notice=_("There is no case #{id} in your centre.").format(id=int(action)))
        return Next("list", then=(reply,))
    return Next(MENU)


FLOW = Flow(
    "cases",
    [
        Step("list", render_list, press_list, anytime=True, roles=STAFF, goes_to=frozenset({"cases.list"})),
    ],
)
