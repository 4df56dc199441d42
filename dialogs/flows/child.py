"""A parent names a child: first name, age, school level; as many children as they have."""

from __future__ import annotations

from dialogs.context import Ctx
from dialogs.events import esc
from dialogs.flow import MENU, Choice, Flow, Next, Screen, Step
from dialogs.flows.child_rules import AGES, SCHOOL_LEVELS, clean_name, parse_age, school_label
from dialogs.i18n import _, ngettext

PARENT = frozenset({"parent"})


def draft(ctx: Ctx) -> dict:
    child = ctx.data.get("child")
    if not isinstance(child, dict):
        child = ctx.data["child"] = {}
    return child


async def render_name(ctx: Ctx) -> Screen:
    count = len(await ctx.uow.families.children(ctx.person.family_id)) if ctx.person else 0
    question = (
        _("What is your child's first name? A nickname is fine too.")
        if count == 0
        else _("What is the first name (or nickname) of this child?")
    )
    rows = () if count == 0 else ((Choice(_("Cancel"), "cancel"),),)
    return Screen(question + "\n" + _("<i>Type it below.</i>"), rows)


async def type_name(ctx: Ctx, text: str) -> Next:
    name, problem = clean_name(text)
    if name is None:
        return Next("name", notice=problem)
    draft(ctx)["name"] = name
    return Next("age")


async def press_name(ctx: Ctx, action: str) -> Next:
    if action == "cancel":
        ctx.data.pop("child", None)
        return Next(MENU)
    return Next("name")


async def render_age(ctx: Ctx) -> Screen:
    name = esc(draft(ctx).get("name", ""))
    ages = [Choice(str(a), f"a{a}") for a in AGES]
    rows = tuple(tuple(ages[i : i + 4]) for i in range(0, len(ages), 4))
    return Screen(
        _("How old is {name}?").format(name=name) + "\n" + _("<i>Tap the age, or type it.</i>"),
        rows + ((Choice(_("Back"), "back"),),),
    )


async def press_age(ctx: Ctx, action: str) -> Next:
    if action == "back":
        return Next("name")
    if action.startswith("a"):
        age = parse_age(action[1:])
        if age is not None:
            draft(ctx)["age"] = age
            return Next("school")
    return Next("age")


async def type_age(ctx: Ctx, text: str) -> Next:
    age = parse_age(text)
    if age is None:
        return Next("age", notice=_("Please give the age as a number, for example 12."))
    draft(ctx)["age"] = age
    return Next("school")


async def render_school(ctx: Ctx) -> Screen:
    name = esc(draft(ctx).get("name", ""))
    return Screen(
        _("Where does {name} go to school?").format(name=name),
        tuple((Choice(school_label(level), level),) for level in SCHOOL_LEVELS) + ((Choice(_("Back"), "back"),),),
    )


async def press_school(ctx: Ctx, action: str) -> Next:
    if action == "back":
        return Next("age")
    child = draft(ctx)
    if action not in SCHOOL_LEVELS or "name" not in child or "age" not in child:
        return Next("name") if "name" not in child else Next("school")
    saved = await ctx.uow.families.add_child(ctx.person.family_id, child["name"], child["age"], action)
    ctx.data.pop("child", None)
    notice = _("Saved: {name}, {age}, {school}.").format(
        name=esc(saved.first_name),
        age=ngettext("{n} year old", "{n} years old", saved.age).format(n=saved.age),
        school=school_label(saved.school_level),
    )
    return Next("more", notice=notice)


async def render_more(ctx: Ctx) -> Screen:
    return Screen(
        _("Do you have another child you would like the centre to know about?"),
        ((Choice(_("Add another child"), "add"),), (Choice(_("No, that's all"), "done"),)),
    )


async def press_more(ctx: Ctx, action: str) -> Next:
    if action == "add":
        return Next("name")
    if action == "done":
        return Next(MENU, notice=_("You are all set. Here is your menu; you can come back to it with /menu."))
    return Next("more")


FLOW = Flow(
    "child",
    [
        Step("name", render_name, press_name, type_name, goes_to=frozenset({"child.name", "child.age"}), roles=PARENT),
        Step(
            "age", render_age, press_age, type_age,
            goes_to=frozenset({"child.name", "child.age", "child.school"}), roles=PARENT,
        ),
        Step(
            "school", render_school, press_school,
            goes_to=frozenset({"child.age", "child.school", "child.name", "child.more"}), roles=PARENT,
        ),
        Step("more", render_more, press_more, goes_to=frozenset({"child.name", "child.more"}), roles=PARENT),
    ],
)
