"""Settings: language, check-in time, notifications, children, inviting a child, privacy, leaving."""

from __future__ import annotations

from dialogs.context import Ctx
from dialogs.events import Reply, esc
from dialogs.flow import MENU, Choice, Flow, Next, Screen, Step
from dialogs.flows.child_rules import school_label
from dialogs.flows.schedule import describe
from dialogs.i18n import LANGUAGE_NAMES, _, format_when, ngettext, pgettext

EVERYONE = frozenset({"parent", "youth", "staff"})
FAMILY = frozenset({"parent", "youth"})
PARENT = frozenset({"parent"})


def notifications_label(explicit: bool) -> str:
    return _("🔔 Notifications: detailed") if explicit else _("🔔 Notifications: discreet")


async def render_main(ctx: Ctx) -> Screen:
    rows: list[tuple[Choice, ...]] = [(Choice(_("🌐 Language: {name}").format(name=LANGUAGE_NAMES[ctx.locale]), "lang"),)]
    if ctx.role in ("parent", "youth"):
        rows.append((Choice(_("⏰ Check-in: {when}").format(when=describe(ctx)), "when"),))
        rows.append((Choice(notifications_label(ctx.person.explicit_notifications), "notify"),))
    if ctx.role == "parent":
        rows.append((Choice(_("👧 My children"), "children"),))
        rows.append((Choice(_("✉️ Invite my child"), "invite"),))
    rows.append((Choice(_("🔒 Privacy"), "privacy"),))
    if ctx.role != "staff":
        rows.append((Choice(_("🗑 Delete my data"), "forget"),))
    rows.append((Choice(_("« Menu"), "menu"),))
    return Screen(_("<b>Settings</b>"), tuple(rows))


async def press_main(ctx: Ctx, action: str) -> Next:
    parent_only = {"children": "children", "invite": "invite"}
    if action in parent_only and ctx.role == "parent":
        return Next(parent_only[action])
    if action == "lang":
        return Next("info.language")
    if action == "when" and ctx.role in ("parent", "youth"):
        return Next("when.day")
    if action == "notify" and ctx.role in ("parent", "youth"):
        return Next("notify")
    if action == "privacy":
        return Next("info.privacy")
    if action == "forget" and ctx.role != "staff":
        return Next("forget.confirm")
    return Next(MENU)


async def render_notify(ctx: Ctx) -> Screen:
    """Discreet (the default) or detailed prompts and reminders: what a lock screen may show."""
    if ctx.role == "youth":
        text = pgettext(
            "youth",
            "<b>Notifications</b>\n\n"
            "🔕 <b>Discreet</b>: reminders only say « Relier », and for a workshop its day and time. Nothing about "
            "what they are for shows on your lock screen or in the list of chats.\n"
            "🔔 <b>Detailed</b>: they say what they are for (your check-in, a workshop and its place). Anyone who "
            "sees your phone can read them.",
        )
    else:
        text = _(
            "<b>Notifications</b>\n\n"
            "🔕 <b>Discreet</b>: check-in prompts and reminders only say « Relier », and for a session its day and "
            "time. Nothing about the subject, your child or the centre shows on the lock screen or in the list "
            "of chats.\n"
            "🔔 <b>Detailed</b>: they name the check-in, your child, the session and its place. Anyone who sees "
            "your phone can read them."
        )
    explicit = ctx.person.explicit_notifications
    rows = (
        (Choice(("✓ " if not explicit else "") + _("🔕 Discreet"), "discreet"),
         Choice(("✓ " if explicit else "") + _("🔔 Detailed"), "detailed")),
        (Choice(_("« Settings"), "back"),),
    )
    return Screen(text, rows)


async def press_notify(ctx: Ctx, action: str) -> Next:
    if action not in ("discreet", "detailed"):
        return Next("main")
    await ctx.uow.people.set_explicit_notifications(ctx.person.id, action == "detailed")
    ctx.person = await ctx.uow.people.get(ctx.person.id)
    notice = _("Saved: detailed notifications.") if action == "detailed" else _("Saved: discreet notifications.")
    return Next("notify", notice=notice)


async def render_children(ctx: Ctx) -> Screen:
    children = await ctx.uow.families.children(ctx.person.family_id) if ctx.person.family_id else []
    if children:
        lines = [_("<b>Your children</b>")]
        for c in children:
            age = ngettext("{n} year old", "{n} years old", c.age).format(n=c.age)
            lines.append(f"• {esc(c.first_name)}, {age}, {school_label(c.school_level)}")
    else:
        lines = [_("You have not told us about a child yet.")]
    return Screen(
        "\n".join(lines),
        ((Choice(_("➕ Add a child"), "add"),), (Choice(_("« Settings"), "back"),)),
    )


async def press_children(ctx: Ctx, action: str) -> Next:
    if action == "add":
        ctx.data["child"] = {}
        return Next("child.name")
    return Next("main")


async def render_invite(ctx: Ctx) -> Screen:
    children = await ctx.uow.families.children(ctx.person.family_id) if ctx.person.family_id else []
    if not children:
        return Screen(
            _("First, tell us about your child in « My children »."),
            ((Choice(_("👧 My children"), "children"),), (Choice(_("« Settings"), "back"),)),
        )
    rows = tuple((Choice(c.first_name, f"c{c.id}"),) for c in children)
    return Screen(
        _(
            "Your child can use their own space in the bot: a short weekly check-in and a way to ask for help.\n"
            "<b>Their answers go to the centre's team, not to you.</b> This is what helps young people "
            "speak freely.\n\nWho is the invitation for?"
        ) + "\n" + _(
            "<i>By sending it, you agree as their parent to them using the bot (needed under 15).</i>"
        ),
        rows + ((Choice(_("« Settings"), "back"),),),
    )


async def press_invite(ctx: Ctx, action: str) -> Next:
    if action == "children":
        return Next("children")
    children = {f"c{c.id}": c for c in await ctx.uow.families.children(ctx.person.family_id or 0)}
    child = children.get(action)  # only this family's children: button data is never trusted
    if child is None:
        return Next("main")
    code, invite = await ctx.uow.invites.create(  # the parent's consent to their child joining, recorded
        ctx.person.centre_id, family_id=ctx.person.family_id, child_id=child.id, created_by=ctx.person.id,
        parental_consent_by="parent",
    )
    centre = await ctx.centre()
    link = _("Invitation for {name} to join Relier. It works once, until {date}:\n{link}").format(
        name=esc(child.first_name),
        date=esc(format_when(invite.expires_at, centre.timezone if centre else "Europe/Paris")),
        link=esc(ctx.deep_link(code)),
    )
    notice = _("The invitation for {name} is in the next message: forward it to them.").format(
        name=esc(child.first_name)
    )
    return Next("main", notice=notice, then=(Reply(ctx.event.chat_id, link),))


FLOW = Flow(
    "settings",
    [
        Step(
            "main", render_main, press_main, anytime=True, roles=EVERYONE,
            goes_to=frozenset({"settings.children", "settings.invite", "info.language", "info.privacy", "forget.confirm",
                               "when.day", "settings.notify"}),
        ),
        Step(
            "notify", render_notify, press_notify, anytime=True, roles=FAMILY,
            goes_to=frozenset({"settings.notify", "settings.main"}),
        ),
        Step(
            "children", render_children, press_children, anytime=True, roles=PARENT,
            goes_to=frozenset({"child.name", "settings.main"}),
        ),
        Step(
            "invite", render_invite, press_invite, roles=PARENT,
            goes_to=frozenset({"settings.children", "settings.main"}),
        ),
    ],
)
