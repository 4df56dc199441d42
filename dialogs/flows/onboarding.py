"""A parent's first steps: what the bot is, privacy, who they are, their centre."""

from __future__ import annotations

from dialogs import texts
from dialogs.context import Ctx
from dialogs.flow import END, Choice, Flow, Next, Screen, Step
from dialogs.i18n import _, pgettext


async def render_welcome(ctx: Ctx) -> Screen:
    return Screen(
        _(
            "Hello, and welcome to <b>Relier</b>.\n\n"
            "This bot keeps you in touch with your Centre Relier between visits: a short weekly check-in, "
            "the parents' groups, and a way to reach a psychologist.\n"
            "What you write here is read only by the centre's team. I am an automatic assistant, not a person."
        ),
        ((Choice(_("Continue"), "next"),),),
    )


async def press_welcome(ctx: Ctx, action: str) -> Next:
    return Next("privacy") if action == "next" else Next("welcome")


async def render_privacy(ctx: Ctx) -> Screen:
    return Screen(
        texts.privacy_notice(centre=await ctx.centre()) + "\n\n" + _("Do you agree to this?"),
        (
            (Choice(_("I agree"), "yes"),),
            (Choice(_("No, thank you"), "no"),),
        ),
    )


async def press_privacy(ctx: Ctx, action: str) -> Next:
    if action == "yes":
        ctx.data["consented_at"] = ctx.now.isoformat()
        return Next("role")
    if action == "no":
        ctx.forget = True
        return Next(
            END,
            notice=_(
                "All right. Nothing has been kept about you. "
                "If you change your mind, send /start at any time."
            ),
        )
    return Next("privacy")


async def render_role(ctx: Ctx) -> Screen:
    return Screen(
        _("Thank you. Are you the parent (or the person raising the child)?"),
        (
            (Choice(_("I am a parent"), "parent"),),
            (Choice(_("I am a young person"), "youth"),),
        ),
    )


async def press_role(ctx: Ctx, action: str) -> Next:
    if action == "youth":
        return Next(
            "role",
            notice=pgettext(
                "youth",
                "Young people join with a personal link, sent by a parent or by the centre. "
                "Ask them for one! If you need help right now:"
            )
            + "\n\n"
            + texts.emergency_contacts(youth=True),
        )
    if action != "parent":
        return Next("role")
    centres = await ctx.uow.centres.all()
    if len(centres) > 1 and "centre_id" not in ctx.data:
        return Next("centre")
    if len(centres) == 1:
        ctx.data["centre_id"] = centres[0].id
    return await register_parent(ctx)


async def render_centre(ctx: Ctx) -> Screen:
    centres = await ctx.uow.centres.all()
    return Screen(
        _("Which Centre Relier follows your family?"),
        tuple((Choice(c.name, str(c.id)),) for c in centres),
    )


async def press_centre(ctx: Ctx, action: str) -> Next:
    ids = {str(c.id): c.id for c in await ctx.uow.centres.all()}
    if action not in ids:
        return Next("centre")
    ctx.data["centre_id"] = ids[action]
    return await register_parent(ctx)


async def register_parent(ctx: Ctx) -> Next:
    """Create the parent and their family, then ask about the first child."""
    from datetime import datetime

    centre = await ctx.centre()
    if centre is None:
        return Next(END, notice=texts.not_ready())
    consented = ctx.data.get("consented_at")
    consented_at = datetime.fromisoformat(consented) if isinstance(consented, str) else ctx.now
    family_id = await ctx.uow.families.create(centre.id)
    ctx.person = await ctx.uow.people.add_parent(
        ctx.event.user_id, centre.id, family_id, ctx.locale, consented_at, texts.NOTICE_VERSION
    )
    ctx.conversation.data = {}
    return Next("child.name", notice=_("Thank you. Now let's talk about your child."))


FLOW = Flow(
    "onb",
    [
        Step("welcome", render_welcome, press_welcome, goes_to=frozenset({"onb.privacy", "onb.welcome"})),
        Step("privacy", render_privacy, press_privacy, goes_to=frozenset({"onb.role", "onb.privacy"})),
        Step(
            "role",
            render_role,
            press_role,
            goes_to=frozenset({"onb.role", "onb.centre", "child.name"}),
        ),
        Step("centre", render_centre, press_centre, goes_to=frozenset({"onb.centre", "child.name"})),
    ],
)
