"""Safety first: free text is assessed before anything else, and danger is answered at once."""

from __future__ import annotations

import logging

from dialogs import texts
from dialogs.context import Ctx
from dialogs.events import Reply, esc
from dialogs.i18n import _, pgettext
from dialogs.triage import Assessment, assess_text

log = logging.getLogger("relier.safety")


async def screen_text(ctx: Ctx, text: str) -> list[Reply]:
    """Replies to send before anything else when the text says someone is in danger now."""
    assessment = assess_text(text, ctx.locale)
    if assessment.level == "none":
        return []
    # Ids and the rule only: never the text.
    log.warning("triage user=%s level=%s rule=%s", ctx.event.user_id, assessment.level, assessment.rule)
    if assessment.level != "urgent":
        return []
    if ctx.person is not None and not ctx.person.is_staff:
        # The record the centre's staff will work from; the message itself is kept for them, never logged.
        await ctx.uow.escalations.open_or_raise(
            ctx.person.centre_id, ctx.person.id, ctx.person.child_id, "urgent", assessment.rule or "text", "text",
            {"message": text[:4000], "step": f"{ctx.conversation.flow}.{ctx.conversation.step}"},
        )
    return [Reply(ctx.event.chat_id, await urgent_answer(ctx, assessment))]


async def urgent_answer(ctx: Ctx, assessment: Assessment) -> str:
    youth = ctx.role == "youth"
    if youth:
        opening = pgettext(
            "youth",
            "What you wrote sounds serious, and you matter. If you are in danger or might hurt yourself, "
            "call now: someone will answer.",
        )
        closing = pgettext(
            "youth",
            "I am only a bot and cannot alert the centre's team by myself yet: please also tell an adult you "
            "trust, or call the centre.",
        )
    else:
        opening = _(
            "What you wrote sounds serious. If you or your child are in danger, please call now: "
            "someone will answer."
        )
        closing = _(
            "I am only a bot and cannot alert the centre's team by myself yet: please also call the centre."
        )
    centre = await ctx.centre()
    if centre is not None and centre.phone:
        number = pgettext("youth", "The centre's number: {phone}") if youth else _("The centre's number: {phone}")
        closing += "\n" + number.format(phone=f"<b>{esc(centre.phone)}</b>")
    return f"{opening}\n\n{texts.emergency_contacts(youth)}\n\n{closing}"
