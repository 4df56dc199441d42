"""One direct question when a message carries risk words but no rule is sure (dialogs.triage.clarify).

The message is already with the centre's team as a `watch` case (dialogs.safety) when the question is
asked. "Yes" makes the case urgent and answers with the emergency numbers at once; "no" is thanked and
closes nothing; the numbers are one tap away all along. The answer is added to the case, in order.

Many people type their answer instead of tapping ("parfois. surtout le soir", "yeah for months"). While
the question is the last thing on screen (`WAITING` in the conversation, set when it is shown, cleared
by any other screen), the next text is read as the answer (dialogs.triage.reply): a yes is the « Oui »
button, a no is the « Non » button, and an answer the bot cannot read is added to the case and the
question asked again. The text is screened first like any text: if it is urgent by itself, its numbers
are the only ones sent.
"""

from __future__ import annotations

from dialogs import texts
from dialogs.cases.announce import add_to_case, open_or_raise
from dialogs.context import Ctx
from dialogs.events import Reply
from dialogs.flow import BACK_TO_CURRENT, Choice, Flow, Next, Screen, Step
from dialogs.flows.talk import say, youth
from dialogs.i18n import _, pgettext
from dialogs.triage import Assessment, clarifying_question
from dialogs.triage.reply import read_reply
from storage.repos.cases import CaseRecord

FAMILY = frozenset({"parent", "youth"})
ASK = "clarify.ask"
WAITING = "asked"  # in the conversation's data: the question is on screen, a typed text answers it
ANSWER_MAX = 4000  # what a case keeps of one answer


def question(ctx: Ctx) -> str:
    return clarifying_question(ctx.role or "parent")


async def render_ask(ctx: Ctx) -> Screen:
    intro = say(ctx, _("Thank you for writing this. I am a bot, and I want to be sure I understood."),
                pgettext("youth", "Thanks for telling me. I am a bot, and I want to be sure I understood."))
    after = say(ctx, _("Whatever you answer, your message is with the centre's team."),
                pgettext("youth", "Whatever you answer, your message is with the centre's team."))
    rows = ((Choice(say(ctx, _("Yes"), pgettext("youth", "Yes")), "yes"),
             Choice(say(ctx, _("No"), pgettext("youth", "No")), "no")),
            (Choice(_("☎️ Emergency numbers"), "sos"),))
    return Screen(f"{intro}\n\n<b>{question(ctx)}</b>\n\n<i>{after}</i>", rows)


async def press_ask(ctx: Ctx, action: str) -> Next:
    if action == "sos":
        return Next(ASK, notice=texts.emergency_contacts(youth(ctx)))
    if action not in ("yes", "no"):
        return Next(BACK_TO_CURRENT)
    case = await ctx.uow.cases.open_for(ctx.person.id)
    if action == "yes":
        return await _yes(ctx, say(ctx, _("Yes"), pgettext("youth", "Yes")), case)
    if case is not None:  # a "no" is kept with the message; it closes nothing
        await add_to_case(ctx.uow, case.id, "answer", f"{question(ctx)} {say(ctx, _('No'), pgettext('youth', 'No'))}")
    return _thanks(ctx)


async def waiting(ctx: Ctx) -> CaseRecord | None:
    """The open case a typed text answers the question of (the question is on screen), or None."""
    if not ctx.data.get(WAITING):
        return None
    if ctx.person is not None and ctx.person.role in FAMILY:
        case = await ctx.uow.cases.open_for(ctx.person.id)
        if case is not None:
            return case
    ctx.data.pop(WAITING, None)  # the case was closed meanwhile: the text is read as any other
    return None


async def typed(ctx: Ctx, case: CaseRecord, text: str, urgent_already: bool, assessment: Assessment | None) -> Next:
    """A text typed while the question of the open `case` is on screen, screened already (`urgent_already`: its
    numbers are sent). The screen may have raised the case's level; its id and child stay."""
    answer = text.strip()[:ANSWER_MAX]
    reading = read_reply(answer, ctx.locale)
    if reading == "yes" and not urgent_already:
        return await _yes(ctx, answer, case)
    person = ctx.person
    level, rule = None, None
    if assessment is not None and assessment.level in ("urgent", "high"):
        level, rule = assessment.level, assessment.rule or "text"
        if level == "high":  # worrying by itself: the case rises to high (urgent: the screen raised it)
            case = await open_or_raise(ctx.uow, person.centre_id, person.id, case.child_id, "high", rule, "text",
                                       {"message": answer})
    await add_to_case(ctx.uow, case.id, "answer", f"{question(ctx)} {answer}", level, rule)
    if urgent_already:
        return Next(BACK_TO_CURRENT)  # the numbers are above; the answer is on the case
    if level == "high":
        from dialogs.safety import passed_on  # the same words as for any worrying message

        return Next(BACK_TO_CURRENT, notice=passed_on(ctx))
    if reading == "no":
        return _thanks(ctx)
    return Next(ASK, notice=say(
        ctx,
        _("I have added what you wrote to your message for the centre's team. I am a bot and I could not tell "
          "whether it means yes or no: could you answer with a button?"),
        pgettext("youth", "I have added what you wrote to your message for the centre's team. I am a bot and I "
                          "could not tell if it means yes or no: can you answer with a button?"),
    ))


async def _yes(ctx: Ctx, answer: str, before: CaseRecord | None) -> Next:
    """Yes: the open case (`before`) becomes urgent, or one opens if it was closed meanwhile; the numbers are
    shown at once."""
    from dialogs.safety import urgent_answer  # the same words as for any urgent message

    person = ctx.person
    said = f"{question(ctx)} {answer}"
    case = await open_or_raise(ctx.uow, person.centre_id, person.id, before.child_id if before else None, "urgent",
                               "clarify_yes", "text", {"message": said})
    if before is not None:
        await add_to_case(ctx.uow, case.id, "answer", said, "urgent", "clarify_yes")
    numbers = Reply(ctx.event.chat_id, await urgent_answer(ctx, Assessment("urgent", rule="clarify_yes")))
    return Next(BACK_TO_CURRENT, extra=(numbers,), fresh=True)


def _thanks(ctx: Ctx) -> Next:
    return Next(BACK_TO_CURRENT, notice=say(
        ctx,
        _("Thank you for answering. Your message stays with the centre's team, who will read it. If things get "
          "worse, the emergency numbers are in « Talk to someone »."),
        pgettext("youth", "Thanks for answering. Your message stays with the centre's team, who will read it. If "
                          "things get worse, the emergency numbers are in « Talk to someone »."),
    ))


FLOW = Flow(
    "clarify",
    [
        # On top of where the person is: after the answer they are back where they were.
        Step("ask", render_ask, press_ask, anytime=True, overlay=True, roles=FAMILY, goes_to=frozenset({ASK})),
    ],
)
