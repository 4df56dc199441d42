"""How fast and how big is the bot, on each framework? Updates through the fake Bot API.

    python bench/bench_updates.py                    # both frameworks, full run: about 10 minutes
    python bench/bench_updates.py --quick            # about 5 minutes
    python bench/bench_updates.py --framework ptb    # one framework

Runs the real `relier run` process on SQLite, on aiogram and on python-telegram-bot, with
RELIER_UPDATES_AT_ONCE=32 and 1, and the bare echo bots of each framework (the floors: aiogram's,
and PTB's one update at a time and with concurrent_updates), one after the other and interleaved,
against the fake Telegram Bot API server of the tests (tests.fakebot), in this process, on
127.0.0.1. Prints a table and writes the figures to bench/results/latest.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import os
import platform
import random
import shlex
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from bench.procs import MB, BotProcess, SelfCpu, clean_environment, relier_executable  # noqa: E402
from bench.sim import (  # noqa: E402
    STEPS,
    PhaseResult,
    ReplyWatcher,
    closed_loop,
    open_loop,
)
from bench.report import fmt, git_state, package_version, progress, verdict  # noqa: E402
from tests.fakebot import FakeTelegram  # noqa: E402

TOKEN = "7000001:BENCH-TOKEN"
RESULTS = ROOT / "bench" / "results"
TARGETS = {"open_p99_ms": 50.0, "closed_updates_per_s": 300.0, "rss_mb": 250.0}
PROFILES = {
    "full": {"open_seconds": 20.0, "low_seconds": 10.0, "closed_seconds": 15.0},
    "quick": {"open_seconds": 8.0, "low_seconds": 4.0, "closed_seconds": 6.0},
}
SATURATED = 0.90  # share of one core above which a process is the bottleneck
SEED_BASE = 900_000_000  # Telegram ids of the pre-created parents (the fake's own start at 700M)
FRAMEWORKS = ("aiogram", "ptb")
FRAMEWORK_NAMES = {"aiogram": "aiogram", "ptb": "python-telegram-bot"}
PTB_TRUE = 256  # what PTB's concurrent_updates(True) means


@dataclass(frozen=True)
class Variant:
    """One bot process to measure: our bot or an echo floor, on one framework, with its concurrency.

    at_once: for relier, RELIER_UPDATES_AT_ONCE; for the PTB echo bot, concurrent_updates (1 is
    PTB's default, one update at a time); None for the aiogram echo bot, whose dispatcher starts a
    task per update with no bound (aiogram's default).
    """

    framework: str
    bot: str  # "relier" or "echo"
    at_once: int | None = None

    @property
    def key(self) -> str:
        return f"{self.framework}-{self.bot}" + ("" if self.at_once is None else f"-{self.at_once}")

    @property
    def echo(self) -> bool:
        return self.bot == "echo"

    @property
    def label(self) -> str:
        return f"{self.bot} x{'∞' if self.at_once is None else self.at_once}"


def plan(args: argparse.Namespace) -> list[Variant]:
    """The bots to measure, interleaved: each group (the floors, then relier at each setting) has
    both frameworks next to each other, and the framework that goes first alternates."""
    frameworks = [f for f in FRAMEWORKS if f in args.framework]
    groups: list[list[Variant]] = []
    if not args.skip_echo:
        floors: list[Variant] = []
        if "aiogram" in frameworks:
            floors.append(Variant("aiogram", "echo"))
        if "ptb" in frameworks:
            floors += [Variant("ptb", "echo", 1), Variant("ptb", "echo", args.ptb_concurrent)]
        groups.append(floors)
    for n in args.at_once:
        groups.append([Variant(f, "relier", n) for f in frameworks])
    return [v for i, group in enumerate(groups) for v in (group if i % 2 == 0 else group[::-1])]


# -- small statistics ------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of unsorted values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def latency_summary(result: PhaseResult) -> dict:
    ms = [s.latency * 1000 for s in result.answered()]
    return {
        "updates": len(result.samples),
        "answered": len(ms),
        "no_reply": result.unanswered(),
        "p50_ms": percentile(ms, 50),
        "p90_ms": percentile(ms, 90),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms) if ms else None,
        "mean_ms": sum(ms) / len(ms) if ms else None,
    }


def by_step(result: PhaseResult) -> dict:
    table = {}
    for step in STEPS:
        ms = [s.latency * 1000 for s in result.answered() if s.step == step]
        table[step] = {"n": len(ms), "p50_ms": percentile(ms, 50), "p99_ms": percentile(ms, 99),
                       "max_ms": max(ms) if ms else None}
    return table


# -- one bot under load ----------------------------------------------------------------------

class Meter:
    """CPU seconds of the bot and of this process between two readings, and the wall time."""

    def __init__(self, bot: BotProcess, me: SelfCpu) -> None:
        self.bot, self.me = bot, me
        self.start: tuple[float, float, float, float, float] | None = None
        self.end: tuple[float, float, float, float, float] | None = None

    def read(self) -> tuple[float, float, float, float, float]:
        return (time.perf_counter(), self.bot.cpu(), self.me.cpu(), self.bot.main_thread_cpu(),
                stolen_seconds())

    def open(self) -> None:
        self.start = self.read()

    def close(self) -> None:
        self.end = self.read()

    def window(self, which: str) -> None:
        self.open() if which == "open" else self.close()

    def figures(self) -> dict:
        assert self.start and self.end
        wall = self.end[0] - self.start[0]
        bot, me = self.end[1] - self.start[1], self.end[2] - self.start[2]
        main = self.end[3] - self.start[3]
        stolen = (self.end[4] - self.start[4]) / (wall * (os.cpu_count() or 1))
        return {"wall_s": wall, "bot_cpu_s": bot, "bot_main_thread_cpu_s": main, "bench_cpu_s": me,
                "bot_cpu_share": bot / wall, "bench_cpu_share": me / wall, "stolen_share": stolen}


def stolen_seconds() -> float:
    """CPU time the hypervisor gave to other machines (all CPUs), 0 where not reported."""
    return getattr(psutil.cpu_times(), "steal", 0.0)


async def load_one_bot(variant: Variant, argv: list[str], env: dict[str, str], workdir: Path,
                       args: argparse.Namespace, profile: dict, round_: int) -> dict:
    """Start one bot, measure it idle, under open-loop then closed-loop load, stop it."""
    echo = variant.echo
    me = SelfCpu()
    out: dict = {"variant": variant.key, "round": round_}
    async with FakeTelegram(token=TOKEN, bot_username="relier_bench_bot") as tg:
        bot = BotProcess(variant.key, argv + (["--api", tg.base_url] if echo else []),
                         {**env, **({} if echo else {"RELIER_TELEGRAM_API_URL": tg.base_url})},
                         workdir / f"{variant.key}-{round_}.log")
        watcher = ReplyWatcher(tg)
        sampler: asyncio.Task | None = None
        phases: list[PhaseResult] = []
        try:
            await bot.start(tg)
            out["ready_after_s"] = bot.ready_after
            await asyncio.sleep(1.0)
            out["rss_idle_mb"] = bot.rss() / MB
            watcher.start()
            sampler = asyncio.create_task(bot.sample_memory())

            # A few walks first: the first update of a process pays for lazy imports and caches.
            warm = await closed_loop(tg, watcher, concurrency=4, duration=0.8, ramp=0.2,
                                     echo=echo, on_window=lambda _w: None)
            phases.append(warm)
            out["warmup"] = {"updates": len(warm.samples), "users": warm.users}
            await settle(tg)

            async def open_phase(rate: float, seconds: float) -> dict:
                watcher.skip_to_now()
                gc.collect()
                bot.peak_sampled = bot.rss()
                meter = Meter(bot, me)
                meter.open()
                opened = await open_loop(tg, watcher, rate=rate, duration=seconds,
                                         think=(args.think_min, args.think_max), echo=echo,
                                         rng=random.Random(7), drain=10.0)
                meter.close()
                phases.append(opened)
                figures = {
                    **latency_summary(opened),
                    "rate": rate,
                    "seconds": seconds,
                    "users": opened.users,
                    "walks_completed": opened.walks_completed,
                    "broken_walks": len(opened.broken),
                    "broken_examples": opened.broken[:3],
                    "lag_p99_ms": (percentile(opened.lags, 99) or 0) * 1000,
                    "lag_max_ms": max(opened.lags, default=0) * 1000,
                    "by_step": by_step(opened),
                    "rejected_calls": len(watcher.rejected),
                    "rejected_examples": [f"{c.method} {c.status} {c.description}"
                                          for c in watcher.rejected[:3]],
                    "rss_peak_sampled_mb": bot.peak_sampled / MB,
                    **meter.figures(),
                }
                await settle(tg)
                return figures

            if args.low_rate:
                out["open_low"] = await open_phase(args.low_rate, profile["low_seconds"])
            out["open"] = await open_phase(args.rate, profile["open_seconds"])

            watcher.skip_to_now()
            gc.collect()
            bot.peak_sampled = bot.rss()
            meter = Meter(bot, me)
            closed = await closed_loop(tg, watcher, concurrency=args.concurrency,
                                       duration=profile["closed_seconds"], ramp=1.0, echo=echo,
                                       on_window=meter.window)
            phases.append(closed)
            in_window = [s for s in closed.answered()
                         if closed.started <= s.injected + s.latency <= closed.ended]
            figures = meter.figures()
            rate = len(in_window) / (closed.ended - closed.started)
            per_update = 1000 / max(len(in_window), 1)
            out["closed"] = {
                **latency_summary(closed),
                "concurrency": args.concurrency,
                "seconds": profile["closed_seconds"],
                "updates_in_window": len(in_window),
                "updates_per_s": rate,
                "bot_cpu_ms_per_update": figures["bot_cpu_s"] * per_update,
                "bot_main_thread_cpu_ms_per_update": figures["bot_main_thread_cpu_s"] * per_update,
                "bench_cpu_ms_per_update": figures["bench_cpu_s"] * per_update,
                "users": closed.users,
                "walks_completed": closed.walks_completed,
                "broken_walks": len(closed.broken),
                "broken_examples": closed.broken[:3],
                "rejected_calls": len(watcher.rejected),
                "rejected_examples": [f"{c.method} {c.status} {c.description}"
                                      for c in watcher.rejected[:3]],
                "api_calls": dict(watcher.calls_by_method),
                "rss_peak_sampled_mb": bot.peak_sampled / MB,
                **figures,
            }
            await settle(tg)
            out["rss_after_load_mb"] = bot.rss() / MB
            out["rss_peak_mb"] = bot.peak_rss() / MB
            # Every update injected, in all phases, for the database check (settle() let the
            # bot answer the late ones too).
            out["injected_by_step"] = {
                step: sum(1 for r in phases for s in r.samples if s.step == step) for step in STEPS
            }
            out["injected_total"] = sum(len(r.samples) for r in phases)
            out["answered_in_time_total"] = sum(len(r.answered()) for r in phases)
        finally:
            if sampler is not None:
                sampler.cancel()
            await watcher.stop()
            try:
                out["exit_code"] = await bot.stop()
            finally:
                bot.kill_now()
    return out


async def settle(tg: FakeTelegram) -> None:
    """Let the bot finish what it has (no call for 0.3 s) so phases do not overlap."""
    try:
        await tg.settle(timeout=15.0, quiet=0.3)
    except AssertionError as problem:
        progress(f"the bot did not settle between phases: {str(problem).splitlines()[0]}")


def count_rows(db_path: Path) -> dict:
    with sqlite3.connect(db_path) as db:
        one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "conversations": one("SELECT COUNT(*) FROM conversations"),
            "conversation_versions": one("SELECT COALESCE(SUM(version), 0) FROM conversations"),
            "people": one("SELECT COUNT(*) FROM people"),
            "families": one("SELECT COUNT(*) FROM families"),
            "children": one("SELECT COUNT(*) FROM children"),
        }


# -- 10,000 families -------------------------------------------------------------------------

async def seed_families(url: str, count: int, batch: int = 500) -> dict:
    from bot.admin import Admin
    from bot.bootstrap import build_core

    began = time.perf_counter()
    async with Admin(url) as admin:
        centre = await admin.add_centre("Centre Bench", "Europe/Paris", None)
    core = await build_core(url)
    consented = datetime.now(timezone.utc)
    try:
        for first in range(0, count, batch):
            async with core.store.unit_of_work() as uow:
                for i in range(first, min(first + batch, count)):
                    family_id = await uow.families.create(centre["id"])
                    await uow.people.add_parent(SEED_BASE + i, centre["id"], family_id, "fr", consented)
                    await uow.families.add_child(family_id, "Léo", 12, "middle")
                await uow.commit()
    finally:
        await core.close()
    return {"families": count, "seconds": time.perf_counter() - began}


async def families_memory(framework: str, db_path: Path, workdir: Path, args: argparse.Namespace) -> dict:
    """RSS of `relier run` on `framework` over a store of N onboarded families: idle, then after two /start."""
    url = f"sqlite+aiosqlite:///{db_path}"
    out: dict = {"framework": framework, "updates_at_once": args.at_once[0]}
    gc.collect()
    env = clean_environment(RELIER_BOT_TOKEN=TOKEN, RELIER_DATABASE_URL=url, RELIER_LOG_LEVEL="WARNING",
                            RELIER_FRAMEWORK=framework, RELIER_UPDATES_AT_ONCE=str(args.at_once[0]))
    async with FakeTelegram(token=TOKEN, bot_username="relier_bench_bot") as tg:
        env["RELIER_TELEGRAM_API_URL"] = tg.base_url
        bot = BotProcess(f"{framework}-relier-families", [relier_executable(), "run"], env,
                         workdir / f"{framework}-relier-families.log")
        watcher = ReplyWatcher(tg).start()
        try:
            await bot.start(tg)
            await asyncio.sleep(1.0)
            out["rss_idle_mb"] = bot.rss() / MB
            starts = {}
            for who, user in (("an existing parent", tg.user(SEED_BASE + args.families // 2)),
                              ("a new person", tg.user())):
                future = watcher.expect(user.id)
                await tg.send_text(user, "/start")
                injected = time.time()
                reply = await asyncio.wait_for(future, 15)
                first_line = reply.message.text.splitlines()[0] if reply.message else ""
                starts[who] = {"ms": (reply.at - injected) * 1000, "reply": first_line[:60]}
            out["start"] = starts
            await asyncio.sleep(0.5)
            out["rss_after_start_mb"] = bot.rss() / MB
            out["rejected_calls"] = len(watcher.rejected)
        finally:
            await watcher.stop()
            try:
                out["exit_code"] = await bot.stop()
            finally:
                bot.kill_now()
    out["rows"] = count_rows(db_path)
    return out


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file (WAL included), so each framework starts from the same store."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


# -- the whole run ---------------------------------------------------------------------------

def summary(result: dict) -> dict:
    """The scalar figures of one bot's run that the tables show."""
    low, opened, closed = result.get("open_low", {}), result.get("open", {}), result.get("closed", {})
    return {
        "ready_after_s": result.get("ready_after_s"),
        "rss_idle_mb": result.get("rss_idle_mb"),
        "rss_peak_mb": result.get("rss_peak_mb"),
        "rss_after_load_mb": result.get("rss_after_load_mb"),
        **{f"low_{k}": low.get(k) for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "no_reply", "bot_cpu_share")},
        **{f"open_{k}": opened.get(k) for k in ("updates", "p50_ms", "p90_ms", "p99_ms", "max_ms", "no_reply",
                                                 "bot_cpu_share", "bench_cpu_share", "stolen_share", "lag_max_ms",
                                                 "rss_peak_sampled_mb")},
        **{f"closed_{k}": closed.get(k) for k in ("updates_per_s", "p50_ms", "p99_ms", "no_reply",
                                                   "bot_cpu_ms_per_update", "bot_main_thread_cpu_ms_per_update",
                                                   "bot_cpu_share", "bench_cpu_share", "stolen_share",
                                                   "bench_cpu_ms_per_update", "rss_peak_sampled_mb")},
        "closed_getupdates_per_update": (closed.get("api_calls", {}).get("getUpdates", 0) / closed["updates"]
                                         if closed.get("updates") else None),
    }


def median_summary(results: list[dict]) -> dict:
    """Each figure's median over the rounds (a figure missing from a round is left out of its median)."""
    figures = [summary(r) for r in results]
    out = {}
    for key in figures[0]:
        values = [f[key] for f in figures if f.get(key) is not None]
        out[key] = statistics.median(values) if values else None
    out["rounds"] = len(results)
    return out


async def run(args: argparse.Namespace) -> dict:
    profile = PROFILES["quick" if args.quick else "full"]
    variants = plan(args)
    report: dict = {"environment": environment(args), "targets": TARGETS,
                    "variants": [{"key": v.key, "framework": v.framework, "bot": v.bot, "at_once": v.at_once,
                                  "label": v.label} for v in variants],
                    "runs": {v.key: [] for v in variants}}
    with tempfile.TemporaryDirectory(prefix="relier-bench-") as tmp:
        workdir = Path(tmp)
        from bot.admin import Admin

        for round_ in range(1, args.rounds + 1):
            order = variants if round_ % 2 else variants[::-1]
            for variant in order:
                progress(f"round {round_}/{args.rounds}, {variant.key}: starting, then "
                         f"{profile['open_seconds']:.0f} s open loop and {profile['closed_seconds']:.0f} s closed loop")
                if variant.echo:
                    script = "echo_bot.py" if variant.framework == "aiogram" else "echo_bot_ptb.py"
                    argv = [sys.executable, str(ROOT / "bench" / script)]
                    if variant.framework == "ptb":
                        argv += ["--concurrent", str(variant.at_once)]
                    env = clean_environment(BOT_TOKEN=TOKEN, ECHO_LOG_LEVEL="WARNING")
                    db_path = None
                else:
                    db_path = workdir / f"{variant.key}-{round_}.db"
                    url = f"sqlite+aiosqlite:///{db_path}"
                    async with Admin(url) as admin:
                        await admin.add_centre("Centre Bench", "Europe/Paris", None)
                    env = clean_environment(RELIER_BOT_TOKEN=TOKEN, RELIER_DATABASE_URL=url,
                                            RELIER_LOG_LEVEL="WARNING", RELIER_FRAMEWORK=variant.framework,
                                            RELIER_UPDATES_AT_ONCE=str(variant.at_once))
                    argv = [relier_executable(), "run"]
                    if args.relier_command:
                        argv = shlex.split(args.relier_command)
                    if args.profile is not None:
                        argv = [sys.executable, str(ROOT / "bench" / "profiled_relier.py"),
                                str(args.profile.resolve())]
                result = await load_one_bot(variant, argv, env, workdir, args, profile, round_)
                if db_path is not None:
                    result["rows"] = count_rows(db_path)
                report["runs"][variant.key].append(result)
        if args.families:
            frameworks = [f for f in FRAMEWORKS if f in args.framework]
            progress(f"{args.families:,} families: seeding the store once, then relier on "
                     f"{' and '.join(frameworks)}, idle and two /start")
            seeded = workdir / "families-seed.db"
            report["families_seed"] = await seed_families(f"sqlite+aiosqlite:///{seeded}", args.families)
            report["families"] = {}
            for framework in frameworks:
                db_path = workdir / f"families-{framework}.db"
                copy_database(seeded, db_path)
                report["families"][framework] = await families_memory(framework, db_path, workdir, args)
    report["summary"] = {key: median_summary(results) for key, results in report["runs"].items() if results}
    return report


def environment(args: argparse.Namespace) -> dict:
    commit, dirty = git_state(ROOT)
    return {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "profile": "quick" if args.quick else "full",
        "commit": commit,
        "uncommitted_changes": dirty,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": list(os.getloadavg()),
        "aiogram": package_version("aiogram"),
        "aiohttp": package_version("aiohttp"),
        "python-telegram-bot": package_version("python-telegram-bot"),
        "httpx": package_version("httpx"),
        "sqlalchemy": package_version("sqlalchemy"),
        "frameworks": [f for f in FRAMEWORKS if f in args.framework],
        "at_once": args.at_once,
        "ptb_concurrent": args.ptb_concurrent,
        "rounds": args.rounds,
        "rate": args.rate,
        "low_rate": args.low_rate,
        "think_s": [args.think_min, args.think_max],
        "concurrency": args.concurrency,
        "families": args.families,
    }


# -- the tables ------------------------------------------------------------------------------

LABEL = 40
COLUMN = 14


def render(report: dict) -> str:
    env = report["environment"]
    variants = [v for v in report["variants"] if v["key"] in report.get("summary", {})]
    figures = {v["key"]: report["summary"][v["key"]] for v in variants}
    families = report.get("families", {})
    lines: list[str] = []
    w = lines.append
    w(f"Relier bot: update benchmark ({env['profile']}, {env['rounds']} round(s): medians)  {env['when']}  "
      f"commit {env['commit']}{' + uncommitted changes' if env.get('uncommitted_changes') else ''}")
    w(f"python {env['python']}, aiogram {env['aiogram']}, python-telegram-bot {env['python-telegram-bot']}, "
      f"{env['cpus']} CPUs, load average {env['load_average_at_start'][0]:.1f} at start; fake Bot API on "
      "127.0.0.1 (validation on, flood limits off); SQLite (WAL)")

    def header() -> None:
        w(" " * (LABEL + 2) + "".join(f"{v['framework']:>{COLUMN}}" for v in variants))
        w(" " * (LABEL + 2) + "".join(f"{v['label']:>{COLUMN}}" for v in variants))

    def row(label: str, cell, target: str = "") -> None:
        cells = "".join(f"{cell(figures[v['key']], v):>{COLUMN}}" for v in variants)
        w(f"  {label:<{LABEL}}{cells}{('   ' + target) if target else ''}")

    def number(key: str, digits: int = 1):
        return lambda f, _v: fmt(f.get(key), digits)

    def share(key: str):
        return lambda f, _v: pct(f.get(key))

    w("")
    w(f"1. Open loop: {fmt(env['rate'], 0)} updates/s on a fixed schedule, parents walking through onboarding "
      f"(think time {env['think_s'][0]}-{env['think_s'][1]} s); latency = update injected -> first "
      "sendMessage/editMessageText in its chat")
    header()
    row("updates sent", number("open_updates"))
    row("latency p50 (ms)", number("open_p50_ms"))
    row("latency p90 (ms)", number("open_p90_ms"))
    row("latency p99 (ms)", number("open_p99_ms"), f"target for relier <= {TARGETS['open_p99_ms']:.0f}")
    row("latency max (ms)", number("open_max_ms"))
    row("no reply within 10 s after the schedule", number("open_no_reply", 0), "0")
    row("injection lag max (ms)", number("open_lag_max_ms"))
    row("bot CPU (share of one core)", share("open_bot_cpu_share"))
    row("fake server + users CPU (one core)", share("open_bench_cpu_share"))
    if env.get("low_rate"):
        w(f"   the same at {fmt(env['low_rate'], 0)} updates/s, to see latency without a queue:")
        row("latency p50 (ms)", number("low_p50_ms"))
        row("latency p99 (ms)", number("low_p99_ms"))
        row("no reply", number("low_no_reply", 0))

    w("")
    w(f"2. Closed loop: {fmt(env['concurrency'])} parents at once, each sending its next step as soon as its "
      "reply came")
    header()
    row("updates/s", number("closed_updates_per_s", 0), f"target for relier >= {TARGETS['closed_updates_per_s']:.0f}")
    row("latency p50 (ms)", number("closed_p50_ms"))
    row("latency p99 (ms)", number("closed_p99_ms"))
    row("updates with no reply", number("closed_no_reply", 0), "0")
    row("bot CPU ms per update", number("closed_bot_cpu_ms_per_update", 2))
    row("  of which main thread (event loop)", number("closed_bot_main_thread_cpu_ms_per_update", 2))
    row("bot CPU (share of one core)", share("closed_bot_cpu_share"))
    row("fake server + users CPU (one core)", share("closed_bench_cpu_share"))
    row("getUpdates calls per update", number("closed_getupdates_per_update", 2))
    for v in variants:
        for result in report["runs"][v["key"]]:
            rows, injected = result.get("rows"), result.get("injected_by_step", {})
            if rows:
                check = "ok" if rows["conversation_versions"] == result.get("injected_total") else "MISMATCH"
                w(f"   {v['key']} round {result['round']}: {rows['conversations']:,} conversations "
                  f"({injected.get('start', 0):,} /start), {rows['people']:,} people ({injected.get('parent', 0):,}"
                  f" 'Je suis parent'), {rows['children']:,} children ({injected.get('school', 0):,} 'Collège'); "
                  f"{rows['conversation_versions']:,} state writes for {result.get('injected_total', 0):,} "
                  f"updates: {check}")

    w("")
    w("3. Resident memory (RSS of the bot process, MB)")
    header()
    row("idle after start", number("rss_idle_mb"), f"< {TARGETS['rss_mb']:.0f}")
    row("highest sampled, open loop", number("open_rss_peak_sampled_mb"))
    row("highest sampled, closed loop", number("closed_rss_peak_sampled_mb"))
    row("peak of the whole run (VmHWM)", number("rss_peak_mb"), f"< {TARGETS['rss_mb']:.0f}")
    row("after the load runs", number("rss_after_load_mb"))
    row("start-up (s)", number("ready_after_s"))
    seed = report.get("families_seed")
    for framework, fam in families.items():
        count = seed["families"] if seed else 0
        starts = "; ".join(f"/start from {who}: {s['ms']:.1f} ms" for who, s in fam.get("start", {}).items())
        w(f"   relier on {framework}, {fam['updates_at_once']} at once, {count:,} families in the store: idle "
          f"{fmt(fam.get('rss_idle_mb'))} MB, after two /start {fmt(fam.get('rss_after_start_mb'))} MB "
          f"(target < {TARGETS['rss_mb']:.0f}); {starts}")
    if seed:
        w(f"   ({seed['families']:,} families seeded through the store once, in {seed['seconds']:.1f} s, "
          "then copied for each framework)")

    w("")
    w("4. Our cost against the floor (closed loop; CPU per update moves less with the machine's load than updates/s)")
    ratios: dict = {}
    for v in variants:
        if v["bot"] != "relier":
            continue
        ours = figures[v["key"]]
        for floor in variants:
            if floor["bot"] != "echo" or floor["framework"] != v["framework"]:
                continue
            theirs = figures[floor["key"]]
            cpu_a, cpu_b = ours.get("closed_bot_cpu_ms_per_update"), theirs.get("closed_bot_cpu_ms_per_update")
            rate_a, rate_b = ours.get("closed_updates_per_s"), theirs.get("closed_updates_per_s")
            if not (cpu_a and cpu_b and rate_a and rate_b):
                continue
            ratios[f"{v['key']} / {floor['key']}"] = {"cpu_per_update": cpu_a / cpu_b, "throughput": rate_b / rate_a}
            w(f"   {v['key']} against {floor['key']}: CPU per update {cpu_a:.2f} / {cpu_b:.2f} ms = "
              f"{cpu_a / cpu_b:.1f}x; the floor answers {rate_b / rate_a:.1f}x more updates/s")
    report["ratios"] = ratios
    if not ratios:
        w("   (needs relier and an echo floor of the same framework)")

    notes = []
    for v in variants:
        for result in report["runs"][v["key"]]:
            where = f"{v['key']} round {result['round']}"
            for phase in ("open_low", "open", "closed"):
                data = result.get(phase, {})
                if data.get("bench_cpu_share", 0) >= SATURATED:
                    notes.append(f"{where} {phase}: the fake server (this process) used {pct(data['bench_cpu_share'])} "
                                 "of a core: that figure is bounded by the fake server, not by the bot.")
                if data.get("stolen_share", 0) >= 0.03:
                    notes.append(f"{where} {phase}: the hypervisor took {pct(data['stolen_share'])} of the CPU "
                                 "(steal time): noisier than usual.")
                if data.get("bot_cpu_share", 0) >= SATURATED:
                    notes.append(f"{where} {phase}: the bot used {pct(data['bot_cpu_share'])} of a core: the bot "
                                 "is the bottleneck.")
                if data.get("rejected_calls"):
                    notes.append(f"{where} {phase}: the fake rejected {data['rejected_calls']} call(s), e.g. "
                                 f"{data['rejected_examples']}")
                if data.get("broken_walks"):
                    notes.append(f"{where} {phase}: {data['broken_walks']} walk(s) broke, e.g. {data['broken_examples']}")
            if result.get("exit_code") not in (0, None):
                notes.append(f"{where}: exited with status {result['exit_code']} on SIGTERM")
    for framework, fam in families.items():
        if fam.get("exit_code") not in (0, None):
            notes.append(f"relier on {framework} (families) exited with status {fam['exit_code']} on SIGTERM")
        if fam.get("rejected_calls"):
            notes.append(f"relier on {framework} (families): the fake rejected {fam['rejected_calls']} call(s)")
    load = os.getloadavg()[0]
    notes.append(f"load average {env['load_average_at_start'][0]:.1f} at start and {load:.1f} at the end, on "
                 f"{env['cpus']} CPUs: above {env['cpus']}, other processes took CPU time from the bots and "
                 "the figures are worse than on a quiet machine (compare bots of the same run only).")
    w("")
    w("Notes")
    lines.extend(f"  - {n}" for n in notes)
    return "\n".join(lines)


def markdown(report: dict) -> str:
    """The README's table: one row a bot, the medians over the rounds."""
    env = report["environment"]
    families = report.get("families", {})
    count = report.get("families_seed", {}).get("families", 0)
    lines = [
        f"| framework | bot | updates at once | onboarding, updates/s ({env['concurrency']} parents) | CPU per update "
        f"| latency at {fmt(env['rate'], 0)} updates/s, p50 / p90 / p99 "
        + (f"| p50 / p99 at {fmt(env['low_rate'], 0)}/s " if env.get("low_rate") else "")
        + (f"| idle RSS | RSS, {count:,} families |" if count else "| idle RSS | |"),
        "|---|---|---|---|---|---|" + ("---|" if env.get("low_rate") else "") + "---|---|",
    ]
    for v in report["variants"]:
        f = report.get("summary", {}).get(v["key"])
        if f is None:
            continue
        fam = families.get(v["framework"]) if v["bot"] == "relier" and v["at_once"] == env["at_once"][0] else None
        at_once = "unbounded (a task each)" if v["at_once"] is None else str(v["at_once"])
        if v["bot"] == "echo" and v["framework"] == "ptb":
            at_once = ("1 (PTB's default)" if v["at_once"] == 1
                       else f"{v['at_once']} (`concurrent_updates({'True' if v['at_once'] == PTB_TRUE else v['at_once']})`)")
        elif v["bot"] == "relier":
            at_once = f"`RELIER_UPDATES_AT_ONCE={v['at_once']}`"
        latency = " / ".join(ms(f.get(k)) for k in ("open_p50_ms", "open_p90_ms", "open_p99_ms"))
        if f.get("open_no_reply"):
            latency += f" ({f['open_no_reply']:.0f} unanswered)"
        lines.append(
            f"| {FRAMEWORK_NAMES[v['framework']]} | {'relier' if v['bot'] == 'relier' else 'echo floor'} | {at_once} "
            f"| {fmt(f.get('closed_updates_per_s'), 0)} | {fmt(f.get('closed_bot_cpu_ms_per_update'), 2)} ms "
            f"| {latency} "
            + (f"| {ms(f.get('low_p50_ms'))} / {ms(f.get('low_p99_ms'))} " if env.get("low_rate") else "")
            + f"| {fmt(f.get('rss_idle_mb'), 0)} MB "
            f"| {fmt(fam.get('rss_after_start_mb'), 0) + ' MB' if fam else ''} |"
        )
    return "\n".join(lines)


def ms(value: float | None) -> str:
    """Milliseconds as the README writes them: seconds past 10,000 ms."""
    if value is None:
        return "-"
    if value >= 10_000:
        return f"{value / 1000:.1f} s"
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def pct(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def at_once_list(text: str) -> list[int]:
    values = [int(part) for part in text.split(",") if part.strip()]
    if not values or any(v < 1 or v > 1000 for v in values):
        raise argparse.ArgumentTypeError("comma-separated numbers from 1 to 1000, e.g. 32,1")
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Relier bot update benchmark (see bench/README.md).")
    parser.add_argument("--quick", action="store_true", help="shorter phases, 2,000 families")
    parser.add_argument("--framework", choices=("aiogram", "ptb", "both"), default="both",
                        help="measure one framework only (both)")
    parser.add_argument("--at-once", type=at_once_list, default=[32, 1], metavar="N[,N...]",
                        help="RELIER_UPDATES_AT_ONCE values to measure relier with (32,1); the first one is also "
                             "used for the families' memory")
    parser.add_argument("--ptb-concurrent", type=int, default=PTB_TRUE, metavar="N",
                        help=f"the PTB echo floor is measured with concurrent_updates off and with N ({PTB_TRUE}, "
                             "what True means)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every bot this many times, the order reversed every other round; the tables "
                             "show medians (1)")
    parser.add_argument("--rate", type=float, default=100.0, help="open-loop updates per second (100)")
    parser.add_argument("--low-rate", type=float, default=50.0,
                        help="also an open loop at this lower rate first, below our capacity (50; 0 skips)")
    parser.add_argument("--think-min", type=float, default=0.5, help="open loop: least think time, s (0.5)")
    parser.add_argument("--think-max", type=float, default=1.5, help="open loop: most think time, s (1.5)")
    parser.add_argument("--concurrency", type=int, default=64, help="closed-loop parents at once (64)")
    parser.add_argument("--families", type=int, default=None,
                        help="pre-created families (10000, quick 2000; 0 skips)")
    parser.add_argument("--skip-echo", action="store_true", help="do not measure the echo floors")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json", help="JSON output file")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="hard stop, s (default: 100 s a bot and round, 45 with --quick, plus the families)")
    parser.add_argument("--profile", type=Path, default=None, metavar="FILE.prof",
                        help="run relier under cProfile and write its profile to FILE.prof (one relier bot only: "
                             "with --framework and one --at-once value)")
    parser.add_argument("--relier-command", default=None, metavar="CMD",
                        help="for experiments: run CMD (same environment) instead of `relier run`")
    args = parser.parse_args(argv)
    args.framework = FRAMEWORKS if args.framework == "both" else (args.framework,)
    if args.families is None:
        args.families = 2_000 if args.quick else 10_000
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.profile is not None and (len(args.framework) > 1 or len(args.at_once) > 1 or args.rounds > 1):
        parser.error("--profile measures one relier bot: add --framework aiogram|ptb and one --at-once value")
    if "ptb" in args.framework and package_version("python-telegram-bot") is None:
        parser.error('python-telegram-bot is not installed: pip install -e ".[ptb]", or --framework aiogram')
    bots = len(plan(args)) * args.rounds
    limit = args.time_limit or (bots * (45.0 if args.quick else 100.0)
                                + (60.0 + 60.0 * len(args.framework) if args.families else 0.0))

    async def bounded() -> dict:
        return await asyncio.wait_for(run(args), limit)

    progress(f"{len(plan(args))} bot(s) x {args.rounds} round(s): " + ", ".join(v.key for v in plan(args))
             + f"; stops after {limit:.0f} s at most")
    began = time.perf_counter()
    try:
        report = asyncio.run(bounded())
    except asyncio.TimeoutError:
        print(f"benchmark stopped: over its time limit of {limit:.0f} s", file=sys.stderr)
        return 1
    report["environment"]["duration_s"] = round(time.perf_counter() - began, 1)
    table = render(report)
    print(table)
    print("\nFor the README (medians):\n")
    print(markdown(report))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\n(figures written to {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output};"
          f" run took {report['environment']['duration_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
