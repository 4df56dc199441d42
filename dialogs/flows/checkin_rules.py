"""The check-in's questions, their answer values, the week it counts for, and its thank-you."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dialogs.flow import Next
from dialogs.i18n import _, pgettext

from dialogs.triage.answers import ATTENDANCE, INCIDENT, SAFE, SLEEP, TALK  # noqa: F401  (one list of values)

FACES = ("😢", "😟", "😐", "🙂", "😄")  # 1 (worst) to 5 (best)
MESSAGE_MAX = 3000


def week_of(instant: datetime, timezone: str) -> str:
    """The ISO week of the centre's local date: a check-in counts for the week it is done in."""
    year, week, _day = instant.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"


def attendance_label(value: str) -> str:
    return {
        "every_day": _("Every day"),
        "missed_some": _("Missed some days"),
        "missed_most": _("Missed most days"),
        "not_at_all": _("Not at all"),
        "holidays": _("Holidays"),
    }[value]


def incident_label(value: str) -> str:
    return {"yes": _("Yes"), "no": _("No"), "unknown": _("I don't know")}[value]


def sleep_label(value: str, youth: bool = False) -> str:
    if youth:
        return {"good": pgettext("youth", "Well"), "so_so": pgettext("youth", "So-so"),
                "bad": pgettext("youth", "Badly")}[value]
    return {"good": _("Well"), "so_so": _("So-so"), "bad": _("Badly")}[value]


def parent_thanks(answers: dict, worrying: bool, variant: int) -> str:
    """A short thank-you that fits the answers, and not the same sentence every week."""
    child, parent = answers.get("child_mood", 3), answers.get("parent_mood", 3)
    if worrying or child <= 2 or parent <= 2:
        options = (
            _("Thank you for telling us. It sounds like a hard week, for your child and maybe for you too."),
            _("Thank you. Weeks like this are heavy to carry: you do not have to carry them alone."),
            _("Thank you for your answers. We hear that things are difficult right now."),
        )
    elif child >= 4 and parent >= 4:
        options = (
            _("Thank you! Good to read that this week went rather well."),
            _("Thank you. It is good news that things are going better: it is worth noticing."),
            _("Thank you for this check-in. A good week, and that counts."),
        )
    else:
        options = (
            _("Thank you for this check-in. See you next week."),
            _("Thank you. Every answer helps the team follow how things are going."),
            _("Thank you for taking the time. Step by step, week by week."),
        )
    return options[variant % len(options)]


def youth_thanks(answers: dict, worrying: bool, variant: int) -> str:
    if worrying or answers.get("mood", 3) <= 2 or answers.get("safe") == "no":
        options = (
            pgettext("youth", "Thanks for telling me. It sounds like a tough week. You are not alone."),
            pgettext("youth", "Thanks. What you feel matters, and the psychologists are here for that."),
        )
    elif answers.get("mood", 3) >= 4:
        options = (
            pgettext("youth", "Thanks! Nice to hear the week went well."),
            pgettext("youth", "Thanks! A good week, keep it up."),
        )
    else:
        options = (
            pgettext("youth", "Thanks for your answers. See you next week!"),
            pgettext("youth", "Thanks! Every answer helps."),
        )
    return options[variant % len(options)]


def question(slot: str, key: str, values, previous: str, following: str, restart: str):
    """The handler of one tap-to-answer question: keep the answer (saved at once), go on; Back goes back."""

    async def press(ctx, action: str) -> Next:
        current = ctx.data.get(slot) if isinstance(ctx.data.get(slot), dict) else {}
        if action == "back":
            return Next(previous)
        if not current or action not in values:  # a forged or stale answer changes nothing
            return Next(restart) if not current else Next(ctx.conversation.step)
        current["a"][key] = int(action) if key.endswith("mood") else action
        await ctx.uow.checkins.answer(current["id"], ctx.person.id, current["a"])
        return Next(following)

    return press
