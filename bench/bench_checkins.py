"""Check-ins at scale: 1,000 families with 52 weekly check-ins each, then history charts and triage.

    python bench/bench_checkins.py [--families 1000] [--weeks 52] [--charts 200]

Prints the time to seed the store, the time to build one child's history chart (the database
query plus the PNG and its caption, p50/p99), the size of the charts, and triage over 10,000
messages (bench/bench_triage.py does the triage figures in more detail).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.bootstrap import build_core  # noqa: E402
from dialogs.checkin.chart import render_chart  # noqa: E402
from dialogs.checkin.trend import WeekPoint, trend_caption  # noqa: E402
from dialogs.triage import assess_text  # noqa: E402
from storage.clock import FakeClock  # noqa: E402
from storage.models import Checkin  # noqa: E402

ATTENDANCE = ("every_day", "every_day", "every_day", "missed_some", "missed_most", "not_at_all", "holidays")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def seed(core, families: int, weeks: int, rng: random.Random) -> list[tuple[int, int, str]]:
    """Families, each with one child and `weeks` completed check-ins (bulk insert, one commit per 50)."""
    first_monday = date(2025, 12, 1)
    subjects = []
    async with core.store.unit_of_work() as uow:
        centre = await uow.centres.add("Centre Bench", "Europe/Paris")
        await uow.commit()
    for start in range(0, families, 50):
        async with core.store.unit_of_work() as uow:
            rows = []
            for n in range(start, min(families, start + 50)):
                family = await uow.families.create(centre.id)
                parent = await uow.people.add_parent(10_000 + n, centre.id, family, "fr", uow.clock.now())
                child = await uow.families.add_child(family, f"Enfant{n}", 11, "middle")
                subjects.append((parent.id, child.id, child.first_name))
                mood = rng.randint(2, 4)
                for w in range(weeks):
                    mood = max(1, min(5, mood + rng.choice((-1, 0, 0, 1))))
                    monday = first_monday + timedelta(weeks=w)
                    year, week, _ = monday.isocalendar()
                    at = datetime.combine(monday, datetime.min.time(), timezone.utc) + timedelta(days=6, hours=17)
                    answers = {"child_mood": mood, "attendance": rng.choice(ATTENDANCE), "incident": "no",
                               "sleep": "good", "parent_mood": rng.randint(2, 5)}
                    rows.append(Checkin(person_id=parent.id, child_id=child.id, subject=f"child:{child.id}",
                                        audience="parent", week=f"{year}-W{week:02d}", answers=json.dumps(answers),
                                        level="none", started_at=at, completed_at=at))
            for row in rows:  # bench only: rows straight into the session, one flush per batch
                uow._session.add(row)
            await uow.commit()
    return subjects


async def chart_times(core, subjects, charts: int, rng: random.Random) -> tuple[list[float], list[int]]:
    times, sizes = [], []
    for parent_id, child_id, name in rng.sample(subjects, min(charts, len(subjects))):
        started = time.perf_counter()
        async with core.store.unit_of_work() as uow:
            records = await uow.checkins.history(parent_id, child_id, weeks=12)
        points = []
        for r in reversed(records):
            year, week = r.week.split("-W")
            points.append(WeekPoint(date.fromisocalendar(int(year), int(week), 1), r.answers.get("child_mood"),
                                    r.answers.get("parent_mood"), r.answers.get("attendance")))
        png = render_chart(points, name, "fr")
        trend_caption(points, name, "fr")
        times.append((time.perf_counter() - started) * 1000)
        sizes.append(len(png))
    return times, sizes


def triage_times(count: int, rng: random.Random) -> tuple[float, list[float]]:
    from tests.triage.cases import load_cases

    texts = [case.text for case in load_cases()]
    sample = [rng.choice(texts) for _ in range(count)]
    per = []
    started = time.perf_counter()
    for text in sample:
        t = time.perf_counter()
        assess_text(text, "fr")
        per.append((time.perf_counter() - t) * 1e6)
    return time.perf_counter() - started, per


async def main(args: argparse.Namespace) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        core = await build_core(f"sqlite+aiosqlite:///{tmp}/bench.db", clock=FakeClock())
        try:
            started = time.perf_counter()
            subjects = await seed(core, args.families, args.weeks, rng)
            seeded = time.perf_counter() - started
            render_chart([WeekPoint(date(2026, 1, 5), 3, 3, "every_day")], "x", "fr")  # warm matplotlib up
            times, sizes = await chart_times(core, subjects, args.charts, rng)
        finally:
            await core.close()
    total, per = triage_times(10_000, rng)
    print(f"Check-ins benchmark: {args.families:,} families x {args.weeks} weekly check-ins "
          f"({args.families * args.weeks:,} rows), SQLite")
    print(f"  seeding the store: {seeded:.1f} s")
    print(f"  history chart (query + PNG + caption), {len(times)} charts: p50 {statistics.median(times):.1f} ms, "
          f"p99 {percentile(times, 0.99):.1f} ms, max {max(times):.1f} ms; PNG {statistics.median(sizes) / 1024:.0f} KB")
    print(f"  triage of 10,000 messages: {total:.2f} s ({10_000 / total:,.0f}/s), p50 {statistics.median(per):.0f} µs, "
          f"p99 {percentile(per, 0.99):.0f} µs")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--charts", type=int, default=200)
    asyncio.run(main(parser.parse_args()))
