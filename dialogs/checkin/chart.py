"""The "My history" chart as a PNG a parent can read on a phone: moods, school weeks and gaps, in their language."""

from __future__ import annotations

import io
import math
from datetime import date, timedelta
from functools import cache
from typing import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.lines import Line2D

from dialogs.checkin.trend import ATTENDANCE, WeekPoint, answered, mood_label, short_date
from dialogs.flows.checkin_rules import attendance_label  # the legend reads like the parent's answers
from dialogs.i18n import _, use_locale

WIDTH, HEIGHT, DPI = 8.0, 5.0, 100  # 800 x 500 px
TEXT = 14
INK = "#1a1a1a"
GRID = "#d0d0d0"
# Okabe-Ito colours, each paired with its own marker and line style so colour is never the only cue.
CHILD = dict(color="#0072B2", marker="o", linestyle="-")
PARENT = dict(color="#D55E00", marker="s", linestyle="--")
SCHOOL = {
    "every_day": ("#009E73", "o"),
    "missed_some": ("#E69F00", "s"),
    "missed_most": ("#CC79A7", "D"),
    "not_at_all": ("#000000", "X"),
    "holidays": ("#56B4E9", "^"),
}
NAME_MAX = 30
PNG_METADATA = {"Software": None}


@cache
def _glyphs() -> frozenset[int]:
    return frozenset(FT2Font(findfont(FontProperties())).get_charmap())


def drawable(name: str) -> str:
    """The name without characters the font lacks (no warning, no box) and with `$` kept literal, not math."""
    kept = "".join(c for c in name.strip()[:NAME_MAX] if ord(c) in _glyphs() or c == " ")
    return kept.replace("$", r"\$").strip()


def week_index(points: Sequence[WeekPoint]) -> tuple[date, int]:
    """The first week and how many weeks the history spans, missing weeks included."""
    first = points[0].week_start
    return first, (points[-1].week_start - first).days // 7 + 1


def series(points: Sequence[WeekPoint], first: date, span: int, field: str) -> list[float]:
    """One value per week of the span, NaN where unanswered, so the line breaks instead of bridging the gap."""
    values = [math.nan] * span
    for p in points:
        v = getattr(p, field)
        if isinstance(v, int) and 1 <= v <= 5:
            values[(p.week_start - first).days // 7] = float(v)
    return values


def tick_positions(span: int) -> list[int]:
    """Every week while they fit; beyond 7, every other week, always ending on the latest one."""
    step = 1 if span <= 7 else 2
    return sorted({*range(span - 1, -1, -step)})


def draw_moods(ax, points: Sequence[WeekPoint], first: date, span: int, name: str) -> None:
    x = list(range(span))
    child_label = _("{name}'s mood").format(name=name) if name else _("Your child's mood")
    ax.plot(x, series(points, first, span, "child_mood"), label=child_label, linewidth=3.5,
            markersize=10, zorder=3, **CHILD)
    if answered(points, "parent_mood"):
        ax.plot(x, series(points, first, span, "parent_mood"), label=_("Your mood"), linewidth=3,
                markersize=9, zorder=2, **PARENT)
    ax.set_ylim(0.5, 5.5)
    ax.set_yticks(range(1, 6), [mood_label(level) for level in range(1, 6)], fontsize=TEXT, color=INK)
    ax.grid(axis="y", color=GRID, linewidth=1)
    ax.tick_params(axis="x", bottom=False, labelbottom=False)
    if not answered(points, "child_mood") and not answered(points, "parent_mood"):
        ax.text(0.5, 0.5, _("No mood answered for these weeks yet"), transform=ax.transAxes,
                ha="center", va="center", fontsize=TEXT, color=INK, parse_math=False)
    else:
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False, fontsize=TEXT,
                  borderaxespad=0.2, handlelength=2.5)


def draw_school(ax, points: Sequence[WeekPoint], first: date, span: int) -> None:
    seen = []
    for value in ATTENDANCE:
        xs = [(p.week_start - first).days // 7 for p in points if p.attendance == value]
        if xs:
            color, marker = SCHOOL[value]
            ax.scatter(xs, [0] * len(xs), s=180, c=color, marker=marker, edgecolors=INK, linewidths=1, zorder=3)
            seen.append(value)
    ax.set_ylim(-1, 1)
    ax.set_yticks([0], [_("School")], fontsize=TEXT, color=INK)
    ticks = tick_positions(span)
    ax.set_xticks(ticks, [short_date(first + timedelta(weeks=i)) for i in ticks], fontsize=TEXT - 1, color=INK)
    if seen:
        labels = [attendance_label(v) for v in seen]
        columns = min(len(seen), 3 if max(map(len, labels)) <= 16 else 2)
        handles = [Line2D([], [], linestyle="", marker=SCHOOL[v][1], markersize=11, markerfacecolor=SCHOOL[v][0],
                          markeredgecolor=INK, label=label) for v, label in zip(seen, labels)]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(-0.02, -0.5), ncol=columns,
                  frameon=False, fontsize=TEXT - 2, handletextpad=0.3, columnspacing=1.2)


def render_chart(points: Sequence[WeekPoint], child_name: str, locale: str) -> bytes:
    """The PNG (about 800 x 500 px, the same bytes for the same input) of up to 12 weeks, oldest on the left."""
    points = sorted(points, key=lambda p: p.week_start)
    name = drawable(child_name)
    with use_locale(locale):
        fig = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, facecolor="white")
        FigureCanvasAgg(fig)
        grid = fig.add_gridspec(2, 1, height_ratios=(5, 1), hspace=0.08, left=0.17, right=0.97, top=0.8, bottom=0.25)
        moods = fig.add_subplot(grid[0])
        school = fig.add_subplot(grid[1], sharex=moods)
        title = _("{name}, week by week").format(name=name) if name else _("Week by week")
        fig.suptitle(title, x=0.03, y=0.975, ha="left", fontsize=TEXT + 5, fontweight="bold", color=INK)
        if points:
            first, span = week_index(points)
            draw_moods(moods, points, first, span, name)
            draw_school(school, points, first, span)
            pad = 0.5 + max(0, 4 - span) / 2
            moods.set_xlim(-pad, span - 1 + pad)
        else:
            first, span = date(2000, 1, 3), 1
            draw_moods(moods, points, first, span, name)
            school.set_ylim(-1, 1)
            school.set_yticks([0], [_("School")], fontsize=TEXT, color=INK)
            school.set_xticks([])
        school.tick_params(axis="y", left=False)
        for side in ("top", "right", "left"):
            school.spines[side].set_visible(False)
        for ax in (moods, school):
            ax.set_facecolor("white")
            ax.tick_params(colors=INK, length=0)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata=PNG_METADATA)
        return buffer.getvalue()
