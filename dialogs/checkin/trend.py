"""The weeks of a child's history and their trend in words, so a parent reads the direction without reading a chart."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from typing import Literal, Sequence

from babel.dates import format_skeleton
from babel.lists import format_list

from dialogs.i18n import _, current_locale, ngettext, pgettext, use_locale
from dialogs.triage.answers import ATTENDANCE  # one list of answer values

Trend = Literal["rising", "falling", "stable", "unknown"]
MIN_ANSWERS = 3
WINDOW = 3
THRESHOLD = 0.75


@dataclass(frozen=True, slots=True)
class WeekPoint:
    """One check-in week: moods from 1 (very bad) to 5 (very good), None where it was not answered."""

    week_start: date
    child_mood: int | None = None
    parent_mood: int | None = None
    attendance: str | None = None


def answered(points: Sequence[WeekPoint], field: str = "child_mood") -> list[int]:
    """The answered values of one mood, oldest first, skipping unanswered weeks and values out of 1..5."""
    values = (getattr(p, field) for p in points)
    return [v for v in values if isinstance(v, int) and 1 <= v <= 5]


def window_means(values: Sequence[int]) -> tuple[float, float]:
    """Mean of the first and of the last k answers, k = min(3, n // 2) so the two windows never overlap."""
    k = max(1, min(WINDOW, len(values) // 2))
    return sum(values[:k]) / k, sum(values[-k:]) / k


def classify_trend(points: Sequence[WeekPoint], field: str = "child_mood") -> Trend:
    """The direction of one mood over the weeks, by a rule simple enough to explain to a parent.

    Fewer than 3 answered weeks: "unknown" (not enough answers yet). Otherwise compare the mean of
    the last k answers to the mean of the first k (k = 3, or n // 2 when fewer than 6 answers):
    a rise of 0.75 point or more is "rising", a fall of 0.75 or more is "falling", else "stable".
    """
    values = answered(points, field)
    if len(values) < MIN_ANSWERS:
        return "unknown"
    first, last = window_means(values)
    if last - first >= THRESHOLD:
        return "rising"
    if first - last >= THRESHOLD:
        return "falling"
    return "stable"


def mood_label(level: int) -> str:
    """The word for a mood level, shared by the chart's axis and the caption."""
    return {
        1: pgettext("mood", "very bad"),
        2: pgettext("mood", "bad"),
        3: pgettext("mood", "so-so"),
        4: pgettext("mood", "good"),
        5: pgettext("mood", "very good"),
    }[level]


def short_date(day: date) -> str:
    """A week's date the way the reader's language abbreviates it: "3 nov." in French, "Nov 3" in English."""
    return format_skeleton("MMMd", day, locale=current_locale())


def nearest_level(mean: float) -> int:
    return min(5, max(1, int(mean + 0.5)))


def trend_words(points: Sequence[WeekPoint], field: str) -> str:
    values = answered(points, field)
    trend = classify_trend(points, field)
    if trend == "unknown":
        return _("not enough answers yet to see a trend")
    first, last = window_means(values)
    if trend == "stable":
        level = nearest_level(sum(values) / len(values))
        return _("rather stable, on average <i>{level}</i>").format(level=mood_label(level))
    start, end = mood_label(nearest_level(first)), mood_label(nearest_level(last))
    if trend == "rising":
        return _("rather rising, from <i>{start}</i> to <i>{end}</i>").format(start=start, end=end)
    return _("rather falling, from <i>{start}</i> to <i>{end}</i>").format(start=start, end=end)


def school_words(points: Sequence[WeekPoint]) -> str | None:
    """How many weeks of each attendance answer, in a fixed order, or None when school was never answered."""
    counts = {value: sum(1 for p in points if p.attendance == value) for value in ATTENDANCE}
    parts = []
    for value, n in counts.items():
        if not n:
            continue
        if value == "every_day":
            parts.append(ngettext("{n} week every day", "{n} weeks every day", n).format(n=n))
        elif value == "missed_some":
            parts.append(ngettext("{n} week with some days missed", "{n} weeks with some days missed", n)
                         .format(n=n))
        elif value == "missed_most":
            parts.append(ngettext("{n} week with most days missed", "{n} weeks with most days missed", n)
                         .format(n=n))
        elif value == "not_at_all":
            parts.append(ngettext("{n} week not at school", "{n} weeks not at school", n).format(n=n))
        else:
            parts.append(ngettext("{n} week of holidays", "{n} weeks of holidays", n).format(n=n))
    if not parts:
        return None
    return _("School: {summary}.").format(summary=format_list(parts, locale=current_locale()))


def trend_caption(points: Sequence[WeekPoint], child_name: str, locale: str) -> str:
    """Two or three warm, factual lines (Telegram HTML) that go with the chart, in the parent's language."""
    with use_locale(locale):
        name = html.escape(child_name)
        if not points:
            return _("<b>{name}</b>: no check-in yet.").format(name=name)
        first, last = points[0].week_start, points[-1].week_start
        if first == last:
            lines = [_("<b>{name}</b>, week of {start}").format(name=name, start=short_date(first))]
        else:
            lines = [_("<b>{name}</b>, from {start} to {end}").format(
                name=name, start=short_date(first), end=short_date(last))]
        n = len(answered(points, "child_mood"))
        mood = ngettext("Mood of {name} ({n} answer): {trend}.", "Mood of {name} ({n} answers): {trend}.", n)
        mood = mood.format(name=name, n=n, trend=trend_words(points, "child_mood"))
        if answered(points, "parent_mood"):
            mood += " " + _("Your mood: {trend}.").format(trend=trend_words(points, "parent_mood"))
        lines.append(mood)
        school = school_words(points)
        if school:
            lines.append(school)
        return "\n".join(lines)
