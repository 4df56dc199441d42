"""Where a family's last request stands once it is closed, for their « Talk to someone » screen."""

from __future__ import annotations

from datetime import timedelta

from dialogs.context import Ctx
from dialogs.i18n import _, format_when, pgettext

SHOWN_FOR = timedelta(days=30)  # a request closed longer ago is not mentioned any more


async def last_closed(ctx: Ctx) -> str:
    """"Your last request was closed on …", or nothing."""
    case = await ctx.uow.cases.last_closed(ctx.person.id)
    if case is None or case.closed_at is None or ctx.now - case.closed_at > SHOWN_FOR:
        return ""
    centre = await ctx.centre()
    when = format_when(case.closed_at, centre.timezone if centre else "Europe/Paris")
    if ctx.role == "youth":
        line = pgettext("youth", "Your last request was closed on {when}. You can ask again whenever you need to.")
    else:
        line = _("Your last request was closed on {when}. You can ask again whenever you need to.")
    return "\n\n" + line.format(when=when)
