"""The end of a check-in: triage of the answers and the message, escalation, thanks, history."""

from __future__ import annotations

import zlib
from datetime import date
from functools import partial

from dialogs.cases.announce import add_to_case, open_or_raise
from dialogs.context import Ctx
from dialogs.events import Attachment, Reply
from dialogs.flow import MENU, Choice, Next, Screen
from dialogs.flows.checkin_rules import parent_thanks
from dialogs.flows.said import with_notes
from dialogs.i18n import _
from dialogs.triage import ParentAnswers, assess_answers, assess_text, combine

WORRYING = ("high", "urgent")


def variant(ctx: Ctx, week: str) -> int:
    """Which thank-you: changes from one week to the next, stable within a week."""
    return zlib.crc32(f"{ctx.event.user_id}:{week}".encode())


async def escalate(ctx: Ctx, level: str, reason: str, source: str, child_id: int | None, snapshot: dict,
                   checkin_id: int | None = None) -> None:
    """Open a case on this check-in, or add it to the person's open case (which keeps what it was opened on)."""
    before = await ctx.uow.cases.open_for(ctx.person.id)
    case = await open_or_raise(  # the staff are told if the case opened or its level rose
        ctx.uow, ctx.person.centre_id, ctx.person.id, child_id, level, reason, source, snapshot, checkin_id
    )
    if before is not None:
        await add_to_case(ctx.uow, case.id, "checkin", snapshot.get("message") or "", level, reason)


async def complete_parent(ctx: Ctx, draft: dict, message: str | None) -> Next:
    answers = draft.get("a", {})
    try:
        current = ParentAnswers.from_dict(answers)
    except (ValueError, TypeError, KeyError):
        return Next("chk.hub")
    child_id = draft["child"]
    message = with_notes(draft, message)
    earlier = await ctx.uow.checkins.history(ctx.person.id, child_id, weeks=3)
    previous = [ParentAnswers.from_dict(r.answers) for r in earlier if r.week != draft.get("week")]
    weeks = [draft.get("week", "")] + [r.week for r in earlier if r.week != draft.get("week")]
    assessment = assess_answers(current, previous, iso_weeks=weeks)
    if message:
        assessment = combine(assessment, assess_text(message, ctx.locale))
    record = await ctx.uow.checkins.complete(draft["id"], answers, message, assessment.level, assessment.rule)
    if assessment.level in WORRYING or assessment.clarify:  # unsure about the message: the team reads it too
        snapshot = {"answers": answers, "earlier": [r.answers for r in earlier], "week": record.week,
                    "message": message}
        level = assessment.level if assessment.level in WORRYING else "watch"
        await escalate(ctx, level, assessment.rule or "checkin", "checkin", child_id, snapshot, record.id)
    ctx.data.pop("chk", None)
    ctx.data["chk_done"] = {"a": answers, "level": assessment.level, "v": variant(ctx, record.week)}
    return Next("chk.done")


async def render_done(ctx: Ctx) -> Screen:
    done = ctx.data.get("chk_done") if isinstance(ctx.data.get("chk_done"), dict) else {}
    answers, level = done.get("a", {}), done.get("level", "none")
    worrying = level in WORRYING
    text = parent_thanks(answers, worrying, int(done.get("v", 0)))
    low = min(answers.get("child_mood", 3), answers.get("parent_mood", 3)) <= 2
    if worrying:
        text += "\n\n" + _("Your answers have been flagged to the centre's psychologists: someone from the centre "
                           "will get back to you.")
    elif low:
        text += "\n\n" + _("If you would like to talk about it, the centre's team is there.")
    rows: list[tuple[Choice, ...]] = []
    if worrying or low:
        rows.append((Choice(_("💬 Talk to someone"), "talk"),))
    rows.append((Choice(_("« Menu"), "menu"),))
    return Screen(text, tuple(rows))


async def press_done(ctx: Ctx, action: str) -> Next:
    return Next("talk.start") if action == "talk" else Next(MENU)


async def history(ctx: Ctx, child) -> Next:
    """The child's last 12 weeks as a chart, with its trend in words."""
    from dialogs.checkin.chart import render_chart
    from dialogs.checkin.trend import WeekPoint, trend_caption

    records = await ctx.uow.checkins.history(ctx.person.id, child.id, weeks=12)
    if not records:
        return Next("chk.hub", notice=_("No check-in for {name} yet: the history starts with the first one.")
                    .format(name=child.first_name))
    points = []
    for record in reversed(records):
        year, week = record.week.split("-W")
        points.append(WeekPoint(
            week_start=date.fromisocalendar(int(year), int(week), 1),
            child_mood=record.answers.get("child_mood"),
            parent_mood=record.answers.get("parent_mood"),
            attendance=record.answers.get("attendance"),
        ))
    caption = trend_caption(points, child.first_name, ctx.locale)
    chart = partial(render_chart, tuple(points), child.first_name, ctx.locale)
    photo = Reply(ctx.event.chat_id, caption, attachment=Attachment("history.png", kind="photo", render=chart))
    return Next("chk.hub", extra=(photo,), fresh=True)  # the chart, then the check-in screen below it



