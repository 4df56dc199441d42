"""From a young person's alarming message to the case card in the staff chat, with the real bot.

    python bench/bench_cases.py            # 200 cases, then a burst of 10 in one centre: about 1.5 minutes
    python bench/bench_cases.py --quick    # 50 cases, a burst of 5

The real `relier run` process (SQLite, default settings: 20 messages a minute per group) against
the fake Telegram Bot API server of the tests (tests.fakebot), in this process, its flood limits
on. Each centre's staff chat is a forum supergroup. Measured, per case, on the fake server's
side: from the moment the young person's message is pushed to the fake server (which answers
the bot's waiting long poll with it) to the moment the case card is posted in the case's new
topic (getChat once per group, createForumTopic, sendMessage), and to the moment the emergency
numbers reach the young person.

- spread: N different young people in 20 centres, each writing one alarming message, at a
  steady pace (4 a second: one case every 5 s per staff group, under Telegram's 20 a minute).
- burst: M young people of one centre writing within a tenth of a second. Telegram lets a bot
  post 20 messages a minute in a group, so the k-th card waits about 3.15 (k - 1) seconds: the
  figure says what a centre sees when several cases open at the same moment.
Prints a table and writes the figures to bench/results/cases.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.procs import MB, BotProcess, clean_environment, relier_executable  # noqa: E402
from tests.fakebot import FakeTelegram  # noqa: E402

TOKEN = "7000003:BENCH-CASES-TOKEN"
SEED_BASE = 920_000_000  # Telegram ids of the young people (the fake's own users start at 700M)
STAFF_BASE = 930_000_000
ALARM = "Je veux disparaître, personne ne me regretterait"
NAME = re.compile(r"Jeune(\d{4})")
RESULTS = ROOT / "bench" / "results"
TARGET_P99_S = 2.0
PROFILES = {"full": {"cases": 200, "centres": 20, "rate": 4.0, "burst": 10},
            "quick": {"cases": 50, "centres": 20, "rate": 4.0, "burst": 5}}


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of unsorted values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def summary(seconds: list[float], expected: int) -> dict:
    return {"cases": expected, "measured": len(seconds), "p50_s": percentile(seconds, 50),
            "p90_s": percentile(seconds, 90), "p99_s": percentile(seconds, 99),
            "max_s": max(seconds) if seconds else None}


class Stopwatch:
    """When each message was handed to the bot, and when its card and its answer came out."""

    def __init__(self, tg: FakeTelegram) -> None:
        self.sent_at: dict[int, float] = {}  # young person's index -> when the bench pushed their message
        self.cards: dict[int, float] = {}
        self.answers: dict[int, float] = {}
        record = tg.record_event

        def on_event(kind: str, message) -> None:
            record(kind, message)
            if kind != "sent":
                return
            now = time.perf_counter()
            if message.chat_id < 0 and any(d and d.startswith("case|close|") for row in message.buttons
                                           for _t, d in row):
                found = NAME.search(message.text)
                if found:
                    self.cards.setdefault(int(found.group(1)), now)
            elif message.chat_id > 0 and "3114" in message.text:
                self.answers.setdefault(message.chat_id - SEED_BASE, now)

        tg.record_event = on_event  # type: ignore[method-assign]

    def latencies(self, indexes: range, what: dict[int, float]) -> list[float]:
        return [what[i] - self.sent_at[i] for i in indexes if i in what and i in self.sent_at]


async def seed(url: str, centres: int, people: int, burst: int) -> dict:
    """`centres` centres (plus one for the burst), a psychologist each, and the young people."""
    from bot.bootstrap import build_core

    began = time.perf_counter()
    core = await build_core(url)
    groups = {}
    try:
        async with core.store.unit_of_work() as uow:
            now = uow.clock.now()
            for c in range(centres + 1):
                chat_id = -(1_001_950_000_000 + c)
                centre = await uow.centres.add(f"Centre Bench {c}", "Europe/Paris", staff_chat_id=chat_id)
                await uow.people.add_staff(STAFF_BASE + c, centre.id, f"Psy {c}", "psychologist")
                groups[c] = (centre.id, chat_id)
            for i in range(people + burst):
                c = i % centres if i < people else centres  # the burst's people all in the last centre
                await uow.people.add_youth(SEED_BASE + i, groups[c][0], None, None, "fr", now)
            await uow.commit()
    finally:
        await core.close()
    return {"groups": groups, "seconds": time.perf_counter() - began}


def fake_world(tg: FakeTelegram, groups: dict, people: int) -> dict[int, object]:
    users = {}
    for c, (_centre, chat_id) in groups.items():
        group = tg.group(chat_id, title=f"Équipe {c}", forum=True)
        tg.add_member(group, tg.user(STAFF_BASE + c, first_name=f"Psy{c}"), "member")
    for i in range(people):
        users[i] = tg.user(SEED_BASE + i, first_name=f"Jeune{i:04d}", language_code="fr")
    tg.enforce_limits(global_per_second=30, per_chat_per_second=1, per_group_per_minute=20)
    return users


async def write(tg: FakeTelegram, watch: Stopwatch, users: dict, indexes: list[int], interval: float) -> None:
    """Each young person of `indexes` writes the alarming message, `interval` seconds apart."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    for n, i in enumerate(indexes):
        delay = start + n * interval - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        watch.sent_at[i] = time.perf_counter()
        await tg.send_text(users[i], ALARM)


async def wait_for(watch: Stopwatch, indexes: range, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if all(i in watch.cards and i in watch.answers for i in indexes):
            return True
        await asyncio.sleep(0.02)
    return False


async def run(args: argparse.Namespace) -> dict:
    profile = dict(PROFILES["quick" if args.quick else "full"])
    for key in ("cases", "centres", "rate", "burst"):
        if getattr(args, key) is not None:
            profile[key] = getattr(args, key)
    cases, centres, rate, burst = profile["cases"], profile["centres"], profile["rate"], profile["burst"]
    report: dict = {"environment": environment(), "profile": profile}
    with tempfile.TemporaryDirectory(prefix="relier-bench-cases-") as tmp:
        workdir = Path(tmp)
        url = f"sqlite+aiosqlite:///{workdir / 'cases.db'}"
        seeded = await seed(url, centres, cases, burst)
        report["seed_s"] = seeded["seconds"]
        async with FakeTelegram(token=TOKEN, bot_username="relier_bench_bot") as tg:
            users = fake_world(tg, seeded["groups"], cases + burst)
            watch = Stopwatch(tg)
            env = clean_environment(RELIER_BOT_TOKEN=TOKEN, RELIER_DATABASE_URL=url, RELIER_LOG_LEVEL="WARNING",
                                    RELIER_TELEGRAM_API_URL=tg.base_url)
            bot = BotProcess("relier", [relier_executable(), "run"], env, workdir / "relier.log")
            try:
                await bot.start(tg)
                report["ready_after_s"] = bot.ready_after
                cpu = bot.cpu()
                began = time.perf_counter()
                progress(f"spread: {cases} cases in {centres} centres, {rate:g} a second")
                await write(tg, watch, users, list(range(cases)), 1 / rate)
                complete = await wait_for(watch, range(cases), 30.0)
                report["spread"] = {
                    "card": summary(watch.latencies(range(cases), watch.cards), cases),
                    "emergency_answer": summary(watch.latencies(range(cases), watch.answers), cases),
                    "complete": complete, "wall_s": time.perf_counter() - began, "bot_cpu_s": bot.cpu() - cpu,
                }
                progress(f"burst: {burst} cases in one centre at once")
                people = range(cases, cases + burst)
                await write(tg, watch, users, list(people), 0.01)
                complete = await wait_for(watch, people, 3.2 * burst + 30)
                report["burst"] = {
                    "card": summary(watch.latencies(people, watch.cards), burst),
                    "cards_s": [round(s, 3) for s in sorted(watch.latencies(people, watch.cards))],
                    "emergency_answer": summary(watch.latencies(people, watch.answers), burst),
                    "complete": complete,
                }
                report["rss_mb"] = bot.rss() / MB
            finally:
                try:
                    report["exit_code"] = await bot.stop()
                finally:
                    bot.kill_now()
            report["topics_created"] = len(tg.calls_to("createForumTopic"))
            report["answers_429"] = {
                "group": sum(1 for c in tg.calls if c.status == 429 and (c.chat_id or 0) < 0),
                "private": sum(1 for c in tg.calls if c.status == 429 and (c.chat_id or 0) > 0)}
            report["rejected"] = sorted({f"{c.method} {c.status} {c.description}" for c in tg.rejected
                                         if c.status != 429})[:5]
            if not (report["spread"]["complete"] and report["burst"]["complete"]):
                report["log_tail"] = bot.log_tail(20)
    return report


def environment() -> dict:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                                    text=True).stdout.strip())
    except OSError:
        commit, dirty = "?", None
    import os
    return {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "commit": commit,
            "uncommitted_changes": dirty, "python": platform.python_version(), "cpus": os.cpu_count()}


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:,.0f} ms"


def render(report: dict) -> str:
    env, profile, spread, burst = report["environment"], report["profile"], report["spread"], report["burst"]
    lines = [f"Relier bot: from an alarming message to the case card  {env['when']}  commit {env['commit']}"
             f"{' (+ uncommitted changes)' if env.get('uncommitted_changes') else ''}",
             f"python {env['python']}, {env['cpus']} CPUs; relier run (SQLite) against the fake Bot API on 127.0.0.1,"
             " its flood limits on", ""]
    card, answer = spread["card"], spread["emergency_answer"]
    ok = card["p99_s"] is not None and card["p99_s"] < TARGET_P99_S and card["measured"] == card["cases"]
    lines += [f"spread: {card['cases']} young people in {profile['centres']} centres, {profile['rate']:g} a second",
              f"  card in the staff chat:   p50 {ms(card['p50_s'])}  p90 {ms(card['p90_s'])}  p99 {ms(card['p99_s'])}"
              f"  max {ms(card['max_s'])}  ({card['measured']}/{card['cases']})   target p99 < {TARGET_P99_S:g} s:"
              f" {'met' if ok else 'NOT MET'}",
              f"  emergency numbers back:   p50 {ms(answer['p50_s'])}  p99 {ms(answer['p99_s'])}"
              f"  max {ms(answer['max_s'])}",
              f"  bot CPU {spread['bot_cpu_s']:.1f} s over {spread['wall_s']:.1f} s", ""]
    card, answer = burst["card"], burst["emergency_answer"]
    lines += [f"burst: {card['cases']} young people of one centre within 0.1 s"
              " (Telegram: 20 messages a minute per group)",
              f"  card in the staff chat:   p50 {ms(card['p50_s'])}  max {ms(card['max_s'])}   each: "
              + ", ".join(f"{s:.1f}" for s in burst["cards_s"]) + " s",
              f"  emergency numbers back:   p50 {ms(answer['p50_s'])}  max {ms(answer['max_s'])}", "",
              f"topics created {report['topics_created']}; 429 answers: {report['answers_429']['group']} to the staff"
              f" groups, {report['answers_429']['private']} to young people (the second of two immediate replies"
              " within a second: the fake allows 1 a second per chat, and the bot waits it out)",
              f"bot RSS {report.get('rss_mb', 0):.0f} MB, exit code {report.get('exit_code')}"]
    if report.get("log_tail"):
        lines += ["", "relier log (tail):", report["log_tail"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cases", type=int)
    parser.add_argument("--centres", type=int)
    parser.add_argument("--rate", type=float, help="cases a second in the spread phase")
    parser.add_argument("--burst", type=int)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    report = asyncio.run(run(args))
    print(render(report))
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "cases.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    card = report["spread"]["card"]
    return 0 if card["p99_s"] is not None and card["p99_s"] < TARGET_P99_S else 1


if __name__ == "__main__":
    sys.exit(main())
