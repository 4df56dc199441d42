"""The history chart is a valid, stable, phone-sized PNG, and its caption says the trend in the parent's words."""

from __future__ import annotations

import io
import re
import struct
from datetime import date, timedelta

import matplotlib.image
import pytest

from dialogs.checkin.chart import render_chart
from dialogs.checkin.trend import WeekPoint, classify_trend, trend_caption

MONDAY = date(2025, 11, 3)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
def week(i: int, child=None, parent=None, attendance=None) -> WeekPoint:
    return WeekPoint(MONDAY + timedelta(weeks=i), child, parent, attendance)


def moods(*values) -> list[WeekPoint]:
    return [week(i, v, v, "every_day") for i, v in enumerate(values)]


TWELVE = [week(i, 1 + i % 5, 5 - i % 5, ("every_day", "missed_some", "holidays")[i % 3]) for i in range(12)]
WITH_GAPS = [week(0, 2, 3, "every_day"), week(1, None, 2, "missed_some"), week(4, 3, None, None),
             week(5, 4, 4, "holidays"), week(9, 4, 3, "not_at_all"), week(11, 5, 4, "every_day")]


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


@pytest.mark.parametrize("points", [TWELVE, WITH_GAPS, TWELVE[:1], [week(i) for i in range(6)], []],
                         ids=["12 weeks", "gaps", "1 week", "nothing answered", "empty"])
def test_the_chart_is_a_phone_sized_png(points):
    png = render_chart(points, "Léo", "en")
    assert png_size(png) == (800, 500)
    assert len(png) < 80_000


def test_the_png_decodes_and_the_same_history_gives_the_same_bytes():
    french = render_chart(WITH_GAPS, "Léo", "fr")
    assert matplotlib.image.imread(io.BytesIO(french)).shape == (500, 800, 4)
    assert french == render_chart(list(WITH_GAPS), "Léo", "fr")
    assert french != render_chart(WITH_GAPS, "Léo", "en")
    twelve = render_chart(TWELVE, "Léo", "fr")
    assert png_size(twelve) == (800, 500) and len(twelve) < 80_000


def test_odd_names_neither_warn_nor_break_the_chart():
    png = render_chart(TWELVE, "$\\frac{a}{$ 李 <b>&" + "x" * 200, "en")
    assert png_size(png) == (800, 500)


@pytest.mark.parametrize("values, trend", [
    ((1, 2, 2, 3, 4, 4), "rising"),
    ((5, 4, 4, 3, 2, 2), "falling"),
    ((3, 4, 3, 3, 4, 3), "stable"),
    ((2, 4), "unknown"),
    ((), "unknown"),
    ((2, 3, 3), "rising"),
    ((4, 4, 3, 4), "stable"),
])
def test_the_trend_compares_the_first_and_the_last_answers(values, trend):
    assert classify_trend(moods(*values)) == trend


def test_unanswered_weeks_do_not_count_towards_the_trend():
    points = [week(0, 2), week(1), week(2), week(3, 2), week(5, None, 4), week(7, 2), week(8, 5)]
    assert classify_trend(points) == "rising"
    assert classify_trend(points[:3]) == "unknown"
    assert classify_trend(points, "parent_mood") == "unknown"


@pytest.mark.parametrize("values, words", [
    ((1, 2, 2, 3, 4, 4), "rather rising, from <i>bad</i> to <i>good</i>"),
    ((5, 4, 4, 3, 2, 2), "rather falling, from <i>good</i> to <i>bad</i>"),
    ((3, 4, 3, 3, 4, 3), "rather stable, on average <i>so-so</i>"),
    ((2, 4), "not enough answers yet to see a trend"),
])
def test_the_english_caption_says_the_trend(values, words):
    caption = trend_caption(moods(*values), "Léo", "en")
    lines = caption.split("\n")
    assert len(lines) == 3
    assert lines[0] == "<b>Léo</b>, from Nov 3 to " + ("Dec 8" if len(values) == 6 else "Nov 10")
    assert lines[1] == f"Mood of Léo ({len(values)} answers): {words}. Your mood: {words}."
    assert lines[2] == f"School: {len(values)} weeks every day."


def test_the_caption_counts_school_weeks_and_escapes_the_name():
    caption = trend_caption(WITH_GAPS, "Zoé <3 & co", "en")
    assert "<b>Zoé &lt;3 &amp; co</b>, from Nov 3 to Jan 19" in caption
    assert "(5 answers)" in caption
    assert caption.endswith("School: 2 weeks every day, 1 week with some days missed, 1 week not at school, "
                            "and 1 week of holidays.")
    assert trend_caption(TWELVE[:1], "Léo", "en").startswith("<b>Léo</b>, week of Nov 3\nMood of Léo (1 answer)")
    assert trend_caption([week(0)], "Léo", "en") == (
        "<b>Léo</b>, week of Nov 3\nMood of Léo (0 answers): not enough answers yet to see a trend.")
    assert trend_caption([], "Léo", "en") == "<b>Léo</b>: no check-in yet."


def test_the_french_caption_has_french_dates_today():
    caption = trend_caption(WITH_GAPS, "Léo", "fr")
    assert "Léo" in caption and "3 nov." in caption and "19 janv." in caption


ENGLISH = {"week", "weeks", "mood", "from", "to", "rather", "school", "answer", "answers", "every", "day", "and",
           "your", "of", "with", "not", "yet", "enough", "trend", "missed", "holidays", "rising", "falling"}


@pytest.mark.parametrize("points", [TWELVE, WITH_GAPS, TWELVE[:1], [week(0)], [], moods(5, 4, 4, 3, 2, 2),
                                    moods(3, 3, 3, 3)])
def test_the_french_caption_has_no_english(points):
    caption = trend_caption(points, "Léo", "fr")
    words = set(re.findall(r"[\w']+", re.sub(r"<[^>]+>", " ", caption).lower()))
    assert not words & ENGLISH, caption
    assert not words & {"tu", "ton", "ta", "tes", "toi"}
