"""Slash commands that work from anywhere: /start, /menu, /help, /language, /privacy, /stop."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dialogs import texts
from dialogs.context import Ctx
from dialogs.events import Response
from dialogs.i18n import _, pgettext
from storage.errors import InviteUnusable

if TYPE_CHECKING:
    from dialogs.engine import Dialogs

PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

# The commands a person sees in Telegram's menu, with the key of their description.
PUBLIC_COMMANDS = ("start", "menu", "help", "language", "privacy", "stop")


def command_descriptions() -> dict[str, str]:
    return {
        "start": _("Start, or come back to the beginning"),
        "menu": _("Show the menu"),
        "help": _("What this bot does, and emergency numbers"),
        "language": _("Change the language"),
        "privacy": _("What is kept about you, and who reads it"),
        "stop": _("Stop and delete your data"),
    }


class CommandTable:
    async def run(self, dialogs: "Dialogs", ctx: Ctx) -> Response:
        handler = getattr(self, f"cmd_{ctx.event.command}", None)
        if handler is None:
            return await dialogs.show(ctx, dialogs.here(ctx), notice=texts.unknown_command(), edit=None)
        return await handler(dialogs, ctx)

    async def cmd_start(self, dialogs: "Dialogs", ctx: Ctx) -> Response:
        payload = ctx.event.text.strip()
        if ctx.person is not None:
            if ctx.person.unreachable_at is not None:  # they unblocked the bot and came back
                await ctx.uow.people.mark_reachable(ctx.event.user_id)
            notice = _("Welcome back.")
            if payload:
                notice = _("You are already registered, so this link is not needed. Welcome back.")
            return await dialogs.show(ctx, "menu.main", notice=notice, edit=None)
        if not payload and not await ctx.uow.centres.all():
            return dialogs.message(ctx, texts.not_ready())
        ctx.conversation.data = {k: v for k, v in ctx.data.items() if k == "locale"}
        if not payload:
            return await dialogs.show(ctx, "onb.welcome", notice="", edit=None)
        if not PAYLOAD.match(payload):
            return await dialogs.show(ctx, "onb.welcome", notice=_("This link does not work."), edit=None)
        try:
            await ctx.uow.invites.check(payload)
        except InviteUnusable as problem:
            return dialogs.message(ctx, invite_problem(problem.reason))
        ctx.data["invite"] = payload
        return await dialogs.show(ctx, "youth.welcome", notice="", edit=None)

    async def cmd_menu(self, dialogs: "Dialogs", ctx: Ctx) -> Response:
        if ctx.person is None:
            return await dialogs.show(
                ctx, dialogs.here(ctx), notice=_("First, let's finish getting to know each other."), edit=None
            )
        return await dialogs.show(ctx, "menu.main", notice="", edit=None)

    async def cmd_help(self, dialogs: "Dialogs", ctx: Ctx) -> Response:
        return await dialogs.show(ctx, "info.help", notice="", edit=None)

    async def cmd_privacy(self, dialogs: "Dialogs", ctx: Ctx) -> Response:
        return await dialogs.show(ctx, "info.privacy", notice="", edit=None)

    async def cmd_language(self, dialogs: "Dialogs", ctx: Ctx) -> Response:
        return await dialogs.show(ctx, "info.language", notice="", edit=None)

    async def cmd_cases(self, dialogs: "Dialogs", ctx: Ctx) -> Response:
        """Staff only: the open cases of their centre. Anyone else gets the unknown-command answer."""
        if ctx.person is None or not ctx.person.is_staff:
            return await dialogs.show(ctx, dialogs.here(ctx), notice=texts.unknown_command(), edit=None)
        return await dialogs.show(ctx, "cases.list", notice="", edit=None)

    async def cmd_case(self, dialogs: "Dialogs", ctx: Ctx) -> Response:
        """Staff only: /case N shows the card of case N of their centre."""
        from dialogs.flows.cases import case_card

        if ctx.person is None or not ctx.person.is_staff:
            return await dialogs.show(ctx, dialogs.here(ctx), notice=texts.unknown_command(), edit=None)
        number = ctx.event.text.strip().lstrip("#")
        reply = await case_card(ctx, int(number)) if number.isdigit() and len(number) < 10 else None
        if reply is None:
            return dialogs.message(ctx, _("There is no case with this number in your centre. Send /cases to see "
                                          "the open ones."))
        return Response([reply])

    async def cmd_stop(self, dialogs: "Dialogs", ctx: Ctx) -> Response:
        if ctx.person is None:
            ctx.forget = True
            return dialogs.message(
                ctx,
                _("Nothing is stored about you, and where we were in the conversation is now forgotten too. "
                  "Send /start whenever you want to come back."),
            )
        if ctx.person.is_staff:
            return dialogs.message(ctx, _("Staff accounts are removed by an administrator of the centre."))
        return await dialogs.show(ctx, "forget.confirm", notice="", edit=None)


def invite_problem(reason: str) -> str:
    """Said to the person who opened an invitation: most likely a young person."""
    if reason == "expired":
        return pgettext(
            "youth", "This invitation has expired (they last 7 days). Ask the person who sent it for a new link."
        )
    if reason == "used":
        return pgettext("youth", "This invitation has already been used. Each link works only once: ask for a new one.")
    return pgettext("youth", "This invitation link does not work. Check that it was copied whole, or ask for a new one.")
