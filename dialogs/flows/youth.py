"""A young person joins with an invite: simple words, and who reads what, said plainly."""

from __future__ import annotations

from dialogs import texts
from dialogs.commands import invite_problem
from dialogs.context import Ctx
from dialogs.flow import END, MENU, Choice, Flow, Next, Screen, Step
from dialogs.i18n import pgettext
from storage.errors import InviteUnusable
from storage.records import ChildRecord, InviteRecord


CONSENT_AGE = 15  # under this age, a parent's consent is needed (France: loi Informatique et Libertés, art. 45)


def parents_agreed(invite: InviteRecord, child: ChildRecord | None) -> bool:
    """An under-15 joins only with a parent's consent on the invite; without it, only someone known to be 15+."""
    if invite.parental_consent_at is not None:
        return True
    age = child.age if child is not None else invite.youth_age
    return age is not None and age >= CONSENT_AGE


async def render_welcome(ctx: Ctx) -> Screen:
    return Screen(
        pgettext(
            "youth",
            "Hi! I am <b>Relier</b>, the bot of your Centre Relier. I am a program, not a person.\n\n"
            "Here you can say how your week went, find the centre's workshops, "
            "and ask to talk to someone when things are hard."
        ),
        ((Choice(pgettext("youth", "OK, next"), "next"),),),
    )


async def press_welcome(ctx: Ctx, action: str) -> Next:
    return Next("secret") if action == "next" else Next("welcome")


async def render_secret(ctx: Ctx) -> Screen:
    return Screen(
        pgettext(
            "youth",
            "<b>Who reads what you write?</b>\n"
            "The centre's team only: its psychologists, social workers and coordinators. <b>Not your parents.</b> "
            "Your parents do not see your answers, and we do not tell them what you say.\n"
            "Just one exception: if you are in danger, the team will have to act to protect you, "
            "and will talk with you about it first whenever they can."
        ) + "\n\n" + texts.privacy_notice(youth=True, centre=await ctx.centre()) + "\n\n"
        + pgettext("youth", "Is that OK for you?"),
        ((Choice(pgettext("youth", "Yes, let's go"), "yes"),), (Choice(pgettext("youth", "No thanks"), "no"),)),
    )


async def press_secret(ctx: Ctx, action: str) -> Next:
    if action == "no":
        ctx.forget = True
        return Next(END, notice=pgettext("youth", "No problem, nothing was kept. Your link still works if you change your mind."))
    if action != "yes":
        return Next("secret")
    code = ctx.data.get("invite")
    if not isinstance(code, str):
        ctx.forget = True
        return Next(END, notice=invite_problem("unknown"))
    try:
        invite = await ctx.uow.invites.check(code)
    except InviteUnusable as problem:
        ctx.forget = True
        return Next(END, notice=invite_problem(problem.reason))
    child = await ctx.uow.families.child(invite.child_id) if invite.child_id else None
    if not parents_agreed(invite, child):
        ctx.forget = True
        return Next(END, notice=pgettext(
            "youth", "This link cannot be used yet: under 15, a parent has to agree first. Ask your parent, or the "
                     "centre, for a new link."))
    ctx.person = await ctx.uow.people.add_youth(
        ctx.event.user_id,
        invite.centre_id,
        invite.family_id,
        child.id if child else None,
        ctx.locale,
        ctx.now,
        texts.NOTICE_VERSION,
    )
    try:
        await ctx.uow.invites.redeem(code, ctx.person.id)
    except InviteUnusable as problem:  # used by someone else a moment ago
        await ctx.uow.people.forget(ctx.person.id)
        ctx.person, ctx.forget = None, True
        return Next(END, notice=invite_problem(problem.reason))
    ctx.conversation.data = {}
    return Next(MENU, notice=pgettext("youth", "Welcome! This is your menu. You can always get back to it with /menu."))


FLOW = Flow(
    "youth",
    [
        Step("welcome", render_welcome, press_welcome, goes_to=frozenset({"youth.secret", "youth.welcome"})),
        Step("secret", render_secret, press_secret, goes_to=frozenset({"youth.secret"})),
    ],
)
