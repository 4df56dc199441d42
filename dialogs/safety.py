"""Safety first: free text is assessed before anything else, and danger is answered at once.

An urgent message always reaches the centre's team: it opens the person's case, or joins the
case that is open (its level raised, the message added to it in order and posted to the staff),
never replacing what was there. A step that takes free text as an answer (a check-in's message,
a request to talk, a conversation with a psychologist) keeps and passes the text on itself; here
the case is only raised, so that nothing is sent twice.

Before the privacy notice is accepted nothing is passed on: the bot does not know who is writing
nor which centre follows them, and the person has not agreed to anything being kept. The answer
says so plainly and gives the numbers that answer day and night, and the centre's own number
(README, "Safety first").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from dialogs import texts
from dialogs.cases.announce import add_to_case, open_or_raise
from dialogs.context import Ctx
from dialogs.events import Reply, esc
from dialogs.i18n import _, pgettext
from dialogs.triage import Assessment, assess_rules, assess_text

log = logging.getLogger("relier.safety")

MESSAGE_MAX = 4000  # what a case keeps of one message


@dataclass
class Screening:
    """What the safety screen did with a text: replies to send first, and whether to ask the question."""

    replies: list[Reply] = field(default_factory=list)
    answered: bool = False  # the text is on a case and answered: not to be taken as an answer to the screen
    ask: bool = False  # unsure: ask one direct question (dialogs.flows.clarify), the text already on a case
    assessment: Assessment | None = None  # what the rules (and the second stage) read, when not `none`


async def screen_text(ctx: Ctx, text: str, kept_by_step: bool = False, typed_answer: bool = False) -> Screening:
    """Assess the text before anything else: danger now is answered at once and reaches the team.

    `kept_by_step`: the step the person is on takes this text as an answer and escalates it itself.
    `typed_answer`: the step asked for a short typed answer (a first name, an age, a date): the rules read it,
    not the learned second stage, which was trained on what people write freely ("douze ans et demi" is an age).
    """
    if ctx.person is not None and ctx.person.is_staff:
        return Screening()  # staff write about families; their words are not a family's distress
    assessment = assess_rules(text, ctx.locale) if typed_answer else assess_text(text, ctx.locale)
    if assessment.level == "none":
        return Screening()
    # Ids and the rule only: never the text.
    log.log(logging.WARNING if assessment.level == "urgent" else logging.INFO, "triage person=%s level=%s rule=%s",
            ctx.person.id if ctx.person else None, assessment.level, assessment.rule)
    if assessment.level == "urgent":
        if ctx.person is None:
            return Screening([Reply(ctx.event.chat_id, await not_joined_answer(ctx))], answered=True)
        await record_alarm(ctx, text, assessment, kept_by_step)
        return Screening([Reply(ctx.event.chat_id, await urgent_answer(ctx, assessment))], answered=True,
                         assessment=assessment)
    if ctx.person is None:
        return Screening()
    if assessment.clarify:
        # Risk words, but no rule is sure: the message goes to the team as `watch` whatever the answer.
        await record_alarm(ctx, text, assessment, kept_by_step, level="watch")
        return Screening(ask=True, assessment=assessment)
    if assessment.level == "high" and not kept_by_step:
        # Worrying (hopelessness, severe bullying): on the case for the team, and the person told so.
        await record_alarm(ctx, text, assessment)
        return Screening([Reply(ctx.event.chat_id, passed_on(ctx))], answered=True, assessment=assessment)
    return Screening(assessment=assessment)


def passed_on(ctx: Ctx) -> str:
    youth = ctx.role == "youth"
    if youth:
        return pgettext("youth", "Thanks for telling me. I have passed your message on to the centre's team: "
                                 "someone will get back to you, during the centre's opening hours. If it becomes "
                                 "urgent, the emergency numbers are in « Talk to someone ».")
    return _("Thank you for telling me. I have passed your message on to the centre's team: someone will get back "
             "to you, during the centre's opening hours. If it becomes urgent, the emergency numbers are in « Talk "
             "to someone ».")


async def record_alarm(ctx: Ctx, text: str, assessment: Assessment, kept_by_step: bool = False,
                       level: str | None = None) -> None:
    """Open the person's case on this message, or add the message to the open one (raising its level)."""
    level = level or assessment.level
    person = ctx.person
    if ctx.event.display_name:  # the staff's card names the person
        await ctx.uow.people.note_name(person.id, ctx.event.display_name)
    before = await ctx.uow.cases.open_for(person.id)
    if kept_by_step and before is None:
        return  # the step opens the case with the message, its answers and its context
    message = text.strip()[:MESSAGE_MAX]
    rule = assessment.rule or "text"
    child_id = person.child_id if person.role == "youth" else None
    case = await open_or_raise(
        ctx.uow, person.centre_id, person.id, child_id if before is None else before.child_id, level, rule, "text",
        {"message": message, "step": f"{ctx.conversation.flow}.{ctx.conversation.step}"},
    )
    if before is not None and not kept_by_step:
        await add_to_case(ctx.uow, case.id, "text", message, level, rule)


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
    closing += await centre_numbers(ctx, youth)
    return f"{opening}\n\n{texts.emergency_contacts(youth)}\n\n{closing}"


async def not_joined_answer(ctx: Ctx) -> str:
    """Someone who has not accepted the notice yet: the numbers, and the honest truth that nothing was passed on."""
    opening = _(
        "What you wrote sounds serious. If you, your child or someone else is in danger, please call now: "
        "someone will answer, day and night."
    )
    closing = _(
        "I am a bot, and you have not joined the centre here yet: your message has <b>not</b> been passed on to "
        "anyone, and I have not kept it. Please call one of these numbers now, or the centre."
    )
    closing += await centre_numbers(ctx, youth=False)
    return f"{opening}\n\n{texts.emergency_contacts(False)}\n\n{closing}"


async def centre_numbers(ctx: Ctx, youth: bool) -> str:
    """The centre's phone (a tap calls it in Telegram); before joining, every centre's with its name."""
    centre = await ctx.centre()
    if centre is not None:
        if not centre.phone:
            return ""
        number = pgettext("youth", "The centre's number: {phone}") if youth else _("The centre's number: {phone}")
        return "\n" + number.format(phone=f"<b>{esc(centre.phone)}</b>")
    lines = [f"• {esc(c.name)}: <b>{esc(c.phone)}</b>" for c in await ctx.uow.centres.all() if c.phone]
    return ("\n" + _("The centres' numbers:") + "\n" + "\n".join(lines)) if lines else ""
