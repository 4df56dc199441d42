"""Times the "My history" chart and caption on 200 realistic histories, because a parent waits for it in the chat.

Usage, from the repository root: `python bench/bench_chart.py [--charts 200] [--seed 7] [--locale fr]`.
Prints p50/p99 render time (PNG alone, and PNG plus caption) in ms and the PNG sizes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

from dialogs.checkin.chart import render_chart  # noqa: E402
from dialogs.checkin.trend import WeekPoint, trend_caption  # noqa: E402

ATTENDANCE = ("every_day",) * 6 + ("missed_some", "missed_some", "missed_most", "not_at_all", "holidays")
NAMES = ("Léo", "Chloé", "Inès", "Noah", "Maëlys", "Jean-Baptiste", "Zoé", "Aïcha", "Tom", "Louise-Marie")


def history(rng: random.Random) -> list[WeekPoint]:
    """Up to 12 weeks ending on a Monday, a drifting mood, some weeks skipped and some questions unanswered."""
    end = date(2026, 1, 5) + timedelta(weeks=rng.randrange(40))
    weeks = rng.randint(1, 12)
    child, parent = rng.uniform(1.5, 4.5), rng.uniform(1.5, 4.5)
    drift = rng.uniform(-0.3, 0.3)
    points = []
    for i in range(weeks):
        child = min(5.0, max(1.0, child + drift + rng.gauss(0, 0.6)))
        parent = min(5.0, max(1.0, 0.6 * parent + 0.4 * child + rng.gauss(0, 0.5)))
        if rng.random() < 0.2:
            continue  # a week without a check-in
        points.append(WeekPoint(
            end - timedelta(weeks=weeks - 1 - i),
            round(child) if rng.random() > 0.05 else None,
            round(parent) if rng.random() > 0.1 else None,
            rng.choice(ATTENDANCE) if rng.random() > 0.1 else None,
        ))
    return points or [WeekPoint(end, 3, 3, "every_day")]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--charts", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--locale", default="fr")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    histories = [(history(rng), rng.choice(NAMES)) for _ in range(args.charts)]
    render_chart(histories[0][0], "x", args.locale)  # warm up: fonts and matplotlib's caches
    png_ms, total_ms, sizes = [], [], []
    for points, name in histories:
        started = time.perf_counter()
        png = render_chart(points, name, args.locale)
        drawn = time.perf_counter()
        trend_caption(points, name, args.locale)
        done = time.perf_counter()
        png_ms.append((drawn - started) * 1000)
        total_ms.append((done - started) * 1000)
        sizes.append(len(png))
    print(f"{args.charts} charts, locale {args.locale}, matplotlib {matplotlib.__version__}")
    print(f"render_chart        p50 {percentile(png_ms, 0.5):6.1f} ms   p99 {percentile(png_ms, 0.99):6.1f} ms")
    print(f"chart + caption     p50 {percentile(total_ms, 0.5):6.1f} ms   p99 {percentile(total_ms, 0.99):6.1f} ms")
    print(f"PNG size            p50 {percentile(sizes, 0.5) / 1024:6.1f} KB   p99 {percentile(sizes, 0.99) / 1024:6.1f} KB"
          f"   max {max(sizes) / 1024:.1f} KB   mean {statistics.mean(sizes) / 1024:.1f} KB")


if __name__ == "__main__":
    main()
