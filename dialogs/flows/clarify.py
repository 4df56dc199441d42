"""One direct question when a message carries risk words but no rule is sure (dialogs.triage.clarify).

The message is already with the centre's team as a `watch` case (dialogs.safety) when the question is
asked. "Yes" makes the case urgent and answers with the emergency numbers at once; "no" is thanked and
closes nothing; the numbers are one tap away all along. The answer is added to the case, in order.
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

FAMILY = frozenset({"parent", "youth"})
ASK = "clarify.ask"


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
    answer = say(ctx, _("Yes"), pgettext("youth", "Yes")) if action == "yes" else say(ctx, _("No"),
                                                                                       pgettext("youth", "No"))
    person = ctx.person
    case = await ctx.uow.cases.open_for(person.id)
    if action == "yes":
        from dialogs.safety import urgent_answer  # the same words as for any urgent message

        before = case
        case = await open_or_raise(ctx.uow, person.centre_id, person.id, case.child_id if case else None, "urgent",
                                   "clarify_yes", "text", {"message": f"{question(ctx)} {answer}"})
        if before is not None:
            await add_to_case(ctx.uow, case.id, "answer", f"{question(ctx)} {answer}", "urgent",
                                       "clarify_yes")
        numbers = Reply(ctx.event.chat_id, await urgent_answer(ctx, Assessment("urgent", rule="clarify_yes")))
        return Next(BACK_TO_CURRENT, extra=(numbers,), fresh=True)
    if case is not None:  # a "no" is kept with the message; it closes nothing
        await add_to_case(ctx.uow, case.id, "answer", f"{question(ctx)} {answer}")
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
