"""A parent's weekly check-in about one child: five taps, an optional message, a warm thank-you."""

from __future__ import annotations

from dialogs.context import Ctx
from dialogs.events import esc
from dialogs.flow import MENU, Choice, Flow, Next, Screen, Step
from dialogs.flows import checkin_finish as finish
from dialogs.flows import consent
from dialogs.flows.checkin_rules import (
    ATTENDANCE, FACES, INCIDENT, MESSAGE_MAX, SLEEP, attendance_label, incident_label, sleep_label, week_of,
)
from dialogs.flows.checkin_rules import question as ask
from dialogs.i18n import _

PARENT = frozenset({"parent"})


async def children(ctx: Ctx) -> dict[str, object]:
    family = ctx.person.family_id if ctx.person else None
    return {f"c{c.id}": c for c in await ctx.uow.families.children(family)} if family else {}


def draft(ctx: Ctx) -> dict:
    value = ctx.data.get("chk")
    return value if isinstance(value, dict) else {}


async def child_name(ctx: Ctx) -> str:
    child = (await children(ctx)).get(f"c{draft(ctx).get('child')}")
    return esc(child.first_name) if child else ""


def back() -> tuple[Choice, ...]:
    return (Choice(_("« Back"), "back"),)


async def render_hub(ctx: Ctx) -> Screen:
    kids = await children(ctx)
    rows = [(Choice(_("▶️ Check-in for {name}").format(name=c.first_name), key),) for key, c in kids.items()]
    rows += [(Choice(_("📈 History of {name}").format(name=c.first_name), "h" + key),) for key, c in kids.items()]
    rows.append((Choice(_("⏰ When to ask me"), "when"),))
    rows.append((Choice(_("« Menu"), "menu"),))
    text = _("<b>Weekly check-in</b>\nFive quick questions about your child and you, then a message if you wish. "
             "About one minute. The centre's team reads your answers.")
    if not kids:
        text += "\n\n" + _("First, tell us about your child in « Settings », « My children ».")
    return Screen(text, tuple(rows))


async def press_hub(ctx: Ctx, action: str) -> Next:
    kids = await children(ctx)
    if action in kids and consent.outdated(ctx):  # a new privacy notice is agreed to first
        return Next("consent.renew")
    if action in kids:
        centre = await ctx.centre()
        week = week_of(ctx.now, centre.timezone)
        child_id = kids[action].id
        checkin = await ctx.uow.checkins.start(ctx.person.id, child_id, "parent", week)
        ctx.data["chk"] = {"child": child_id, "id": checkin, "a": {}, "week": week}
        return Next("mood")
    if action.startswith("h") and action[1:] in kids:
        return await finish.history(ctx, kids[action[1:]])
    if action == "when":
        return Next("when.day")
    return Next(MENU) if action == "menu" else Next("hub")


async def render_mood(ctx: Ctx) -> Screen:
    faces = tuple(Choice(face, str(i + 1)) for i, face in enumerate(FACES))
    return Screen(_("How did {name} seem this week?").format(name=await child_name(ctx)) + "\n"
                  + _("<i>From 😢 (very bad) to 😄 (very good)</i>"), (faces, back()))


async def render_school(ctx: Ctx) -> Screen:
    rows = tuple((Choice(attendance_label(v), v),) for v in ATTENDANCE)
    return Screen(_("Did {name} go to school this week?").format(name=await child_name(ctx)), rows + (back(),))


async def render_incident(ctx: Ctx) -> Screen:
    row = tuple(Choice(incident_label(v), v) for v in INCIDENT)
    return Screen(_("Was there a new incident of bullying or being left out this week?"), (row, back()))


async def render_sleep(ctx: Ctx) -> Screen:
    row = tuple(Choice(sleep_label(v), v) for v in SLEEP)
    return Screen(_("How did {name} sleep this week?").format(name=await child_name(ctx)), (row, back()))


async def render_self(ctx: Ctx) -> Screen:
    faces = tuple(Choice(face, str(i + 1)) for i, face in enumerate(FACES))
    return Screen(_("And you, how are you doing this week?"), (faces, back()))


async def render_message(ctx: Ctx) -> Screen:
    return Screen(
        _("Anything you want the team to know? Write it below, or skip."),
        ((Choice(_("Skip"), "skip"),), back()),
    )


async def press_message(ctx: Ctx, action: str) -> Next:
    if action == "back":
        return Next("self")
    if action == "skip" and draft(ctx):
        return await finish.complete_parent(ctx, draft(ctx), None)
    return Next("hub")


async def type_message(ctx: Ctx, text: str) -> Next:
    if not draft(ctx):
        return Next("hub")
    return await finish.complete_parent(ctx, draft(ctx), text.strip()[:MESSAGE_MAX] or None)


FACE_VALUES = tuple(str(i) for i in range(1, 6))
STEPS = frozenset({"consent.renew", "chk.hub", "chk.mood", "chk.school", "chk.incident", "chk.sleep", "chk.self", "chk.message",
                   "chk.done", "when.day", "talk.start"})

FLOW = Flow(
    "chk",
    [
        Step("hub", render_hub, press_hub, anytime=True, roles=PARENT, goes_to=STEPS),
        Step("mood", render_mood, ask("chk", "child_mood", FACE_VALUES, "hub", "school", "hub"), roles=PARENT, goes_to=STEPS),
        Step("school", render_school, ask("chk", "attendance", ATTENDANCE, "mood", "incident", "hub"), roles=PARENT,
             goes_to=STEPS),
        Step("incident", render_incident, ask("chk", "incident", INCIDENT, "school", "sleep", "hub"), roles=PARENT,
             goes_to=STEPS),
        Step("sleep", render_sleep, ask("chk", "sleep", SLEEP, "incident", "self", "hub"), roles=PARENT, goes_to=STEPS),
        Step("self", render_self, ask("chk", "parent_mood", FACE_VALUES, "sleep", "message", "hub"), roles=PARENT,
             goes_to=STEPS),
        Step("message", render_message, press_message, type_message, roles=PARENT, goes_to=STEPS, free_text=True),
        Step("done", finish.render_done, finish.press_done, anytime=True, roles=PARENT, goes_to=STEPS),
    ],
)
