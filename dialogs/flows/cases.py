"""The staff's open cases, in their private chat: the list (most urgent, then oldest, first) and each card.

A staff member writes to the family of a case they took from here too: « ✍️ Write to the family » on
the card, or a reply to a card or to a family's message (the engine brings a reply here; one tap
says to which case it goes). See dialogs.cases.writing.

The card's buttons (take, close) are case buttons: they work here as in the staff chat
(dialogs.cases.actions). /cases opens the list, /case N one card.
"➕ Open a case for a family" lets the staff open (or raise) a case for a family of their centre:
the family, then how urgent; everything is checked again from the button's data.
"""

from __future__ import annotations

from datetime import datetime

from dialogs.cases import writing
from dialogs.cases.announce import open_or_raise
from dialogs.cases.card import card
from dialogs.cases.words import PRIORITY_MARKS, family_label, first_name, priority, staff_name
from dialogs.context import Ctx
from dialogs.events import Reply, esc
from dialogs.flow import MENU, Choice, Flow, Next, Screen, Step
from dialogs.i18n import _, ngettext

STAFF = frozenset({"staff"})
LISTED = 20
BUTTONS = 10
PAGE = 8
LEVELS = ("urgent", "high", "watch")


def waited(now: datetime, since: datetime) -> str:
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    if minutes < 48 * 60:
        return ngettext("{n} hour", "{n} hours", minutes // 60).format(n=minutes // 60)
    return ngettext("{n} day", "{n} days", minutes // 1440).format(n=minutes // 1440)


async def render_list(ctx: Ctx) -> Screen:
    menu = (Choice(_("« Menu"), "menu"),)
    opener = (Choice(_("➕ Open a case for a family"), "open"),)
    cases = await ctx.uow.cases.open_cases(ctx.person.centre_id, limit=LISTED)
    if not cases:
        return Screen(_("📂 No open case in your centre right now."), (opener, menu))
    lines = ["<b>" + _("📂 Open cases") + "</b> " + _("(most urgent first, then the oldest)")]
    rows: list[tuple[Choice, ...]] = []
    for case in cases:
        await ctx.uow.cases.audit(case.id, ctx.person.id, "read", "list")  # a staff read: names, levels
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
    return Screen("\n".join(lines), (*rows, opener, menu))


async def case_card(ctx: Ctx, case_id: int) -> Reply | None:
    """The card of a case of the staff member's own centre, in this private chat; None otherwise."""
    case = await ctx.uow.cases.get(case_id)
    if case is None or ctx.person is None or not ctx.person.is_staff or case.centre_id != ctx.person.centre_id:
        return None
    reply = await card(ctx.uow, case.id, ctx.event.chat_id, None)
    if reply is None:
        return None
    await ctx.uow.cases.audit(case.id, ctx.person.id, "read", "card")  # every staff read is in the audit log
    person = await ctx.uow.people.get(case.person_id) if case.person_id is not None else None
    return Reply(reply.chat_id, reply.text, writing.write_rows(case, person) + reply.buttons)


async def press_list(ctx: Ctx, action: str) -> Next:
    if action.isdigit():
        reply = await case_card(ctx, int(action))
        if reply is None:
            return Next("list", notice=_("There is no case #{id} in your centre.").format(id=int(action)))
        return Next("list", then=(reply,))
    if action == "open":
        ctx.data["case_page"] = 0
        return Next("pick")
    return Next(MENU)


def person_label(person) -> str:
    """The person's first name as stored, or « parent #12 » / « young person #12 »."""
    name = first_name(person.name)
    if name:
        return name
    if person.role == "youth":
        return _("young person #{id}").format(id=person.id)
    return _("parent #{id}").format(id=person.id)


async def children_names(ctx: Ctx, person) -> list[str]:
    if person.role == "youth":
        child = await ctx.uow.families.child(person.child_id) if person.child_id is not None else None
        return [child.first_name] if child is not None else []
    if person.family_id is None:
        return []
    return [child.first_name for child in await ctx.uow.families.children(person.family_id)]


async def family_line(ctx: Ctx, person) -> str:
    names = await children_names(ctx, person)
    label = family_label(person) if first_name(person.name) else person_label(person)
    return f"{label} · {', '.join(names)}" if names else label


async def openable(ctx: Ctx, action: str):
    """The parent or young person of the staff member's own centre named by button data, else None."""
    if ctx.person is None or not ctx.person.is_staff or not action.isdigit():
        return None
    person = await ctx.uow.people.get(int(action))
    if person is None or person.centre_id != ctx.person.centre_id or person.role not in ("parent", "youth"):
        return None
    return person


async def render_pick(ctx: Ctx) -> Screen:
    page = ctx.data.get("case_page", 0)
    page = page if isinstance(page, int) and page >= 0 else 0
    people = await ctx.uow.people.families_page(ctx.person.centre_id, page * PAGE, PAGE + 1)
    back = (Choice(_("« Back to the cases"), "back"),)
    if not people and page == 0:
        return Screen(_("No family of your centre uses the bot yet."), (back,))
    rows: list[tuple[Choice, ...]] = []
    for person in people[:PAGE]:
        rows.append((Choice((await family_line(ctx, person))[:60], str(person.id)),))
    arrows = []
    if page > 0:
        arrows.append(Choice("‹", f"p{page - 1}"))
    if len(people) > PAGE:
        arrows.append(Choice("›", f"p{page + 1}"))
    if arrows:
        rows.append(tuple(arrows))
    text = "<b>" + _("➕ Open a case") + "</b>\n" + _("Which family is it about?")
    return Screen(text, (*rows, back))


async def press_pick(ctx: Ctx, action: str) -> Next:
    if action == "back":
        return Next("list")
    if action.startswith("p") and action[1:].isdigit():
        ctx.data["case_page"] = int(action[1:])
        return Next("pick")
    person = await openable(ctx, action)
    if person is None:
        return Next("list", notice=_("This family is not one of your centre's: nothing was opened."))
    ctx.data["case_for"] = person.id
    return Next("level")


async def render_level(ctx: Ctx) -> Screen:
    person = await openable(ctx, str(ctx.data.get("case_for", "")))
    back = (Choice(_("« Back"), "back"),)
    if person is None:
        return Screen(_("This family is not one of your centre's: nothing was opened."), (back,))
    labels = {"urgent": _("🔴 Urgent"), "high": _("🟠 High"), "watch": _("🟡 Normal")}
    text = _("How urgent? A case for {who}.").format(who=esc(await family_line(ctx, person)))
    return Screen(text, (tuple(Choice(labels[level], f"{level}:{person.id}") for level in LEVELS), back))


async def press_level(ctx: Ctx, action: str) -> Next:
    level, _sep, person_id = action.partition(":")
    if level not in LEVELS:
        return Next("pick")
    person = await openable(ctx, person_id)
    if person is None:
        return Next("list", notice=_("This family is not one of your centre's: nothing was opened."))
    before = await ctx.uow.escalations.open_for(person.id)
    snapshot = {"opened_by": ctx.person.id, "opened_by_name": first_name(ctx.person.name)}
    child_id = person.child_id if person.role == "youth" else None
    case = await open_or_raise(ctx.uow, person.centre_id, person.id, child_id, level, "staff", "staff", snapshot)
    ctx.data.pop("case_for", None)
    ctx.data.pop("case_page", None)
    if before is None:
        notice = _("Case #{id} opened.").format(id=case.id)
    else:
        notice = _("{who} already had an open case: this joins case #{id}.").format(
            who=person_label(person), id=case.id)
    reply = await case_card(ctx, case.id)
    return Next("list", notice=notice, then=(reply,) if reply is not None else ())


FLOW = Flow(
    "cases",
    [
        Step("list", render_list, press_list, anytime=True, roles=STAFF,
             goes_to=frozenset({"cases.list", "cases.pick"})),
        Step("pick", render_pick, press_pick, roles=STAFF,
             goes_to=frozenset({"cases.list", "cases.pick", "cases.level"})),
        Step("level", render_level, press_level, roles=STAFF, goes_to=frozenset({"cases.list", "cases.pick"})),
        # Writing to the family of a case one took, from this private chat (dialogs.cases.writing).
        Step("write", writing.render_write, writing.press_write, writing.type_write, on_media=writing.media_write,
             anytime=True, free_text=True, roles=STAFF, goes_to=frozenset({"cases.list", "cases.write"})),
        Step("reply", writing.render_reply, writing.press_reply, writing.type_reply, on_media=writing.media_reply,
             free_text=True, roles=STAFF, goes_to=frozenset({"cases.list", "cases.write", "cases.reply"})),
    ],
)
