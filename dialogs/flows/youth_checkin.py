"""A young person's check-in: four taps and a message if they want; for the centre's team only."""

from __future__ import annotations

from dialogs.context import Ctx
from dialogs.flow import MENU, Choice, Flow, Next, Screen, Step
from dialogs.flows import consent
from dialogs.flows.checkin_finish import WORRYING, escalate, variant
from dialogs.flows.said import with_notes
from dialogs.flows.checkin_rules import FACES, MESSAGE_MAX, SAFE, SLEEP, TALK, sleep_label, week_of, youth_thanks
from dialogs.flows.checkin_rules import question as ask
from dialogs.i18n import pgettext
from dialogs.triage import YouthAnswers, assess_answers, assess_text, combine

YOUTH = frozenset({"youth"})


def draft(ctx: Ctx) -> dict:
    value = ctx.data.get("ychk")
    return value if isinstance(value, dict) else {}


def back() -> tuple[Choice, ...]:
    return (Choice(pgettext("youth", "« Back"), "back"),)


async def render_start(ctx: Ctx) -> Screen:
    return Screen(
        pgettext("youth", "<b>Your check-in</b>: 4 quick questions and a message if you want.\n"
          "🔒 Only the centre's team sees your answers. Never your parents."),
        ((Choice(pgettext("youth", "Let's go"), "go"),), (Choice(pgettext("youth", "« Menu"), "menu"),)),
    )


async def press_start(ctx: Ctx, action: str) -> Next:
    if action != "go":
        return Next(MENU)
    if consent.outdated(ctx):  # a new privacy notice is agreed to first
        return Next("consent.renew")
    centre = await ctx.centre()
    week = week_of(ctx.now, centre.timezone)
    checkin = await ctx.uow.checkins.start(ctx.person.id, None, "youth", week)
    ctx.data["ychk"] = {"id": checkin, "a": {}, "week": week}
    return Next("mood")


async def render_mood(ctx: Ctx) -> Screen:
    return Screen(pgettext("youth", "How was your week?"), (tuple(Choice(f, str(i + 1)) for i, f in enumerate(FACES)), back()))


async def render_safe(ctx: Ctx) -> Screen:
    labels = {"yes": pgettext("youth", "Yes"), "sometimes": pgettext("youth", "Sometimes"), "no": pgettext("youth", "No")}
    return Screen(pgettext("youth", "Did you feel safe at school this week?"), (tuple(Choice(labels[v], v) for v in SAFE), back()))


async def render_sleep(ctx: Ctx) -> Screen:
    return Screen(pgettext("youth", "Did you sleep well?"), (tuple(Choice(sleep_label(v, youth=True), v) for v in SLEEP), back()))


async def render_talk(ctx: Ctx) -> Screen:
    labels = {"yes": pgettext("youth", "Yes, I'd like to"), "not_now": pgettext("youth", "Not now")}
    return Screen(pgettext("youth", "Would you like to talk to someone from the centre?"),
                  (tuple(Choice(labels[v], v) for v in TALK), back()))


async def render_message(ctx: Ctx) -> Screen:
    return Screen(pgettext("youth", "Anything else you want to say? Write it below, or skip."), ((Choice(pgettext("youth", "Skip"), "skip"),), back()))


async def press_message(ctx: Ctx, action: str) -> Next:
    if action == "back":
        return Next("talk")
    if action == "skip" and draft(ctx):
        return await complete(ctx, None)
    return Next("start")


async def type_message(ctx: Ctx, text: str) -> Next:
    return await complete(ctx, text.strip()[:MESSAGE_MAX] or None) if draft(ctx) else Next("start")


async def complete(ctx: Ctx, message: str | None) -> Next:
    current = draft(ctx)
    message = with_notes(current, message)
    try:
        answers = YouthAnswers.from_dict(current.get("a", {}))
    except (ValueError, TypeError, KeyError):
        return Next("start")
    earlier = [r for r in await ctx.uow.checkins.history(ctx.person.id, None, weeks=4) if r.week != current.get("week")]
    assessment = assess_answers(answers, [YouthAnswers.from_dict(r.answers) for r in earlier],
                                iso_weeks=[current.get("week", "")] + [r.week for r in earlier])
    if message:
        assessment = combine(assessment, assess_text(message, ctx.locale))
    record = await ctx.uow.checkins.complete(current["id"], current["a"], message, assessment.level, assessment.rule)
    wants_to_talk = current["a"].get("talk") == "yes"
    if assessment.level in WORRYING or wants_to_talk or assessment.clarify:
        level = assessment.level if assessment.level in WORRYING else "watch"
        reason = assessment.rule if assessment.level in WORRYING or not wants_to_talk else "wants_to_talk"
        snapshot = {"answers": current["a"], "earlier": [r.answers for r in earlier], "week": record.week,
                    "message": message, "wants_to_talk": wants_to_talk}
        await escalate(ctx, level, reason or "checkin", "checkin", ctx.person.child_id, snapshot, record.id)
    ctx.data.pop("ychk", None)
    ctx.data["ychk_done"] = {"a": current["a"], "level": assessment.level, "v": variant(ctx, record.week)}
    return Next("done")


async def render_done(ctx: Ctx) -> Screen:
    done = ctx.data.get("ychk_done") if isinstance(ctx.data.get("ychk_done"), dict) else {}
    answers, level = done.get("a", {}), done.get("level", "none")
    text = youth_thanks(answers, level in WORRYING, int(done.get("v", 0)))
    if level in WORRYING or answers.get("talk") == "yes":
        text += "\n\n" + pgettext("youth", "A psychologist of the centre will see your answers and get back to you.")
    return Screen(text, ((Choice(pgettext("youth", "💬 Talk to someone"), "talk"),), (Choice(pgettext("youth", "« Menu"), "menu"),)))


async def press_done(ctx: Ctx, action: str) -> Next:
    return Next("talk.start") if action == "talk" else Next(MENU)


STEPS = frozenset({"consent.renew", "ychk.start", "ychk.mood", "ychk.safe", "ychk.sleep", "ychk.talk", "ychk.message", "ychk.done",
                   "talk.start"})
MOODS = tuple(str(i) for i in range(1, 6))

FLOW = Flow(
    "ychk",
    [
        Step("start", render_start, press_start, anytime=True, roles=YOUTH, goes_to=STEPS),
        Step("mood", render_mood, ask("ychk", "mood", MOODS, "start", "safe", "start"), roles=YOUTH, goes_to=STEPS),
        Step("safe", render_safe, ask("ychk", "safe", SAFE, "mood", "sleep", "start"), roles=YOUTH, goes_to=STEPS),
        Step("sleep", render_sleep, ask("ychk", "sleep", SLEEP, "safe", "talk", "start"), roles=YOUTH, goes_to=STEPS),
        Step("talk", render_talk, ask("ychk", "talk", TALK, "sleep", "message", "start"), roles=YOUTH, goes_to=STEPS),
        Step("message", render_message, press_message, type_message, roles=YOUTH, goes_to=STEPS, free_text=True),
        Step("done", render_done, press_done, anytime=True, roles=YOUTH, goes_to=STEPS),
    ],
)
