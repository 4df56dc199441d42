"""Staff create a session, one question at a time: kind, audience, title, first date, duration,
capacity, place, repeat, description; then a summary to publish.

The draft lives in the conversation under "snew" (staff_session_draft.py) and is dropped once
published or abandoned.
"""

from __future__ import annotations

from dialogs.booking import describe
from dialogs.context import Ctx
from dialogs.flow import Choice, Flow, Next, Screen, Step
from dialogs.flows.staff_session_common import STAFF, example, number, read_start, timezone
from dialogs.flows.staff_session_draft import (
    ABOUT_LIMIT, CAPACITIES, CAPACITY_MAX, DRAFT, MINUTES, PLACE_LIMIT, REPEATS, TITLE_LIMIT, WEEKS_MAX, clean,
    complete, draft, length_label, planned, publish, summary, too_long,
)
from dialogs.i18n import _, ngettext

ORDER = ("kind", "audience", "title", "when", "length", "cap", "place", "repeat", "about", "summary")
GOES = frozenset({f"snew.{step}" for step in ORDER} | {"sst.list"})


def nav(step: str) -> tuple[Choice, ...]:
    if step == "kind":
        return (Choice(_("Cancel"), "quit"),)
    return (Choice(_("« Back"), "back"), Choice(_("Cancel"), "quit"))


def previous(step: str) -> str:
    return ORDER[max(ORDER.index(step) - 1, 0)]


def navigate(ctx: Ctx, step: str, action: str) -> Next | None:
    """The Back and Cancel buttons every question has."""
    if action == "back":
        return Next(previous(step))
    if action == "quit":
        ctx.data.pop(DRAFT, None)
        return Next("sst.list", notice=_("Nothing was published."))
    return None


def ask(question: str, step: str, rows: tuple[tuple[Choice, ...], ...] = ()) -> Screen:
    return Screen(question, rows + (nav(step),))


def question(name: str, render, pick=None, typed=None, free_text: bool = False) -> Step:
    """A step of the dialog: Back and Cancel first, then `pick` (a button) or `typed` (a text)."""

    async def on_button(ctx: Ctx, action: str) -> Next:
        found = navigate(ctx, name, action) or (await pick(ctx, action) if pick else None)
        return found or Next(name)

    return Step(name, render, on_button, typed, roles=STAFF, free_text=free_text, goes_to=GOES)


def typed_text(name: str, key: str, limit: int, empty):
    """A short typed answer (title, place), kept in the draft."""

    async def on_text(ctx: Ctx, text: str) -> Next:
        value = clean(text)
        if not value:
            return Next(name, notice=empty())
        if len(value) > limit:
            return Next(name, notice=too_long(limit))
        draft(ctx)[key] = value
        return Next(ORDER[ORDER.index(name) + 1])

    return on_text


def pick_number(key: str, prefix: str, allowed, after: str):
    async def pick(ctx: Ctx, action: str) -> Next | None:
        if action.startswith(prefix) and number(action[1:]) in allowed:
            draft(ctx)[key] = number(action[1:])
            return Next(after)
        return None

    return pick


# -- the questions -------------------------------------------------------------------------


async def render_kind(ctx: Ctx) -> Screen:
    rows = tuple((Choice(describe.kind_label(kind), kind),) for kind in describe.KINDS)
    return ask(_("<b>New session</b>\nWhat kind of session is it?"), "kind", rows)


async def pick_kind(ctx: Ctx, action: str) -> Next | None:
    if action in describe.KINDS:
        draft(ctx).update(kind=action, audience="youth" if action == "workshop" else "parents")
        return Next("audience")
    return None


async def render_audience(ctx: Ctx) -> Screen:
    chosen = draft(ctx).get("audience", "parents")
    options = (("parents", _("👪 Parents")), ("youth", _("🧒 Young people")))
    rows = tuple((Choice(("✓ " if key == chosen else "") + label, key),) for key, label in options)
    return ask(_("Who is it for?"), "audience", rows)


async def pick_audience(ctx: Ctx, action: str) -> Next | None:
    if action in ("parents", "youth"):
        draft(ctx)["audience"] = action
        return Next("title")
    return None


async def render_title(ctx: Ctx) -> Screen:
    label = describe.kind_label(draft(ctx).get("kind", "group"))
    return ask(_("Type its title ({limit} characters at most), for example « Parents' evening: "
                 "talking about school ».").format(limit=TITLE_LIMIT),
               "title", ((Choice(_("Use « {label} »").format(label=label), "same"),),))


async def pick_title(ctx: Ctx, action: str) -> Next | None:
    if action == "same":
        draft(ctx)["title"] = describe.kind_label(draft(ctx).get("kind", "group"))
        return Next("when")
    return None


async def render_when(ctx: Ctx) -> Screen:
    tz = await timezone(ctx)
    return ask(_("When is the first session? Type the date and time in the centre's local time, "
                 "for example <code>{example}</code>.").format(example=example(ctx, tz)), "when")


async def type_when(ctx: Ctx, text: str) -> Next:
    start, problem = read_start(ctx, text, await timezone(ctx))
    if start is None:
        return Next("when", notice=problem)
    draft(ctx)["start"] = start.isoformat()
    return Next("length")


async def render_length(ctx: Ctx) -> Screen:
    rows = (tuple(Choice(length_label(m), f"m{m}") for m in MINUTES),)
    return ask(_("How long does it last?"), "length", rows)


async def render_cap(ctx: Ctx) -> Screen:
    rows = (tuple(Choice(str(n), f"c{n}") for n in CAPACITIES),)
    return ask(_("How many seats? Tap a number or type it (1 to {most}).").format(most=CAPACITY_MAX), "cap", rows)


async def type_cap(ctx: Ctx, text: str) -> Next:
    wanted = number(text)
    if wanted is None or not 1 <= wanted <= CAPACITY_MAX:
        return Next("cap", notice=_("Please type a number of seats between 1 and {most}.").format(most=CAPACITY_MAX))
    draft(ctx)["capacity"] = wanted
    return Next("place")


async def render_place(ctx: Ctx) -> Screen:
    return ask(_("Where does it take place? Type the room and address, or the link for an online session "
                 "({limit} characters at most).").format(limit=PLACE_LIMIT), "place")


async def render_repeat(ctx: Ctx) -> Screen:
    rows = ((Choice(_("Once"), "w1"),),) + tuple(
        (Choice(ngettext("Every week for {n} week", "Every week for {n} weeks", n).format(n=n), f"w{n}"),)
        for n in REPEATS
    )
    return ask(_("Does it repeat? Tap a choice, or type a number of weeks (1 to {most}).").format(most=WEEKS_MAX),
               "repeat", rows)


async def set_weeks(ctx: Ctx, weeks: int | None) -> Next:
    if weeks is None or not 1 <= weeks <= WEEKS_MAX:
        return Next("repeat", notice=_("Please type a number of weeks between 1 and {most}.").format(most=WEEKS_MAX))
    starts, problem = await planned(ctx, weeks)
    if not starts:
        return Next("repeat", notice=problem)
    draft(ctx)["weeks"] = weeks
    return Next("about")


async def pick_repeat(ctx: Ctx, action: str) -> Next | None:
    return await set_weeks(ctx, number(action[1:])) if action.startswith("w") else None


async def type_repeat(ctx: Ctx, text: str) -> Next:
    return await set_weeks(ctx, number(text))


async def render_about(ctx: Ctx) -> Screen:
    return ask(_("Add a short description for families ({limit} characters at most), or skip.").format(
        limit=ABOUT_LIMIT), "about", ((Choice(_("Skip"), "skip"),),))


async def type_about(ctx: Ctx, text: str) -> Next:
    about = text.strip()
    if len(about) > ABOUT_LIMIT:
        return Next("about", notice=too_long(ABOUT_LIMIT))
    draft(ctx)["about"] = about or None
    return Next("summary")


async def pick_about(ctx: Ctx, action: str) -> Next | None:
    if action == "skip":
        draft(ctx)["about"] = None
        return Next("summary")
    return None


# -- summary and publishing ----------------------------------------------------------------


async def render_summary(ctx: Ctx) -> Screen:
    if not complete(draft(ctx)):
        return ask(_("This draft is incomplete. Please start over."), "summary", ((Choice(_("✏️ Start over"), "over"),),))
    return Screen(await summary(ctx), (
        (Choice(_("✅ Publish"), "publish"),),
        (Choice(_("✏️ Start over"), "over"), Choice(_("Cancel"), "quit")),
    ))


async def pick_summary(ctx: Ctx, action: str) -> Next | None:
    if action == "over":
        ctx.data[DRAFT] = {}
        return Next("kind")
    if action != "publish" or not complete(draft(ctx)):
        return None
    done, problem = await publish(ctx)
    if not done:
        return Next("when", notice=problem)
    ctx.data.pop(DRAFT, None)
    return Next("sst.list", notice=done)


FLOW = Flow(
    "snew",
    [
        question("kind", render_kind, pick_kind),
        question("audience", render_audience, pick_audience),
        question("title", render_title, pick_title, typed_text("title", "title", TITLE_LIMIT,
                                                                lambda: _("Please type a title.")), free_text=True),
        question("when", render_when, typed=type_when),
        question("length", render_length, pick_number("minutes", "m", MINUTES, "cap")),
        question("cap", render_cap, pick_number("capacity", "c", range(1, CAPACITY_MAX + 1), "place"), type_cap),
        question("place", render_place, typed=typed_text("place", "place", PLACE_LIMIT,
                                                         lambda: _("Please type the place or the link.")),
                 free_text=True),
        question("repeat", render_repeat, pick_repeat, type_repeat),
        question("about", render_about, pick_about, type_about, free_text=True),
        question("summary", render_summary, pick_summary),
    ],
)
