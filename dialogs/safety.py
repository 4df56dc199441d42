"""Safety first: free text is assessed before anything else, and danger is answered at once."""

from __future__ import annotations

import logging

from dialogs import texts
from dialogs.cases.announce import open_or_raise
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
        # The staff are told in the same transaction (dialogs.cases.announce); their card names the person.
        if ctx.event.display_name:
            await ctx.uow.people.note_name(ctx.person.id, ctx.event.display_name)
        await open_or_raise(
            ctx.uow, ctx.person.centre_id, ctx.person.id, ctx.person.child_id, "urgent", assessment.rule or "text",
            "text",
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
            "I am a bot: I have passed your message on to the centre's team, but they may not see it right "
            "away. So please also tell an adult you trust now, or call one of these numbers.",
        )
    else:
        opening = _(
            "What you wrote sounds serious. If you or your child are in danger, please call now: "
            "someone will answer."
        )
        closing = _(
            "I am a bot: I have passed your message on to the centre's team, but they may not see it right "
            "away. Please do not wait for them: call one of these numbers, or the centre."
        )
    centre = await ctx.centre()
    if centre is not None and centre.phone:
        number = pgettext("youth", "The centre's number: {phone}") if youth else _("The centre's number: {phone}")
        closing += "\n" + number.format(phone=f"<b>{esc(centre.phone)}</b>")
    return f"{opening}\n\n{texts.emergency_contacts(youth)}\n\n{closing}"
