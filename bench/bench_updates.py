"""How fast and how big is the bot? Updates through the fake Bot API, against the real bot.

    python bench/bench_updates.py            # full run, about 2.5 minutes
    python bench/bench_updates.py --quick    # about 1 minute

Runs the real `relier run` process on SQLite and a bare aiogram echo bot (the floor) against
the fake Telegram Bot API server of the tests (tests.fakebot), in this process, on 127.0.0.1.
Prints a table and writes the figures to bench/results/latest.json. See bench/README.md.
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
import sys
import tempfile
import time
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


async def load_one_bot(kind: str, argv: list[str], env: dict[str, str], workdir: Path,
                       args: argparse.Namespace, profile: dict) -> dict:
    """Start one bot, measure it idle, under open-loop then closed-loop load, stop it."""
    echo = kind == "echo"
    me = SelfCpu()
    out: dict = {"kind": kind}
    async with FakeTelegram(token=TOKEN, bot_username="relier_bench_bot") as tg:
        bot = BotProcess(kind, argv + (["--api", tg.base_url] if echo else []),
                         {**env, **({} if echo else {"RELIER_TELEGRAM_API_URL": tg.base_url})},
                         workdir / f"{kind}.log")
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


async def families_memory(workdir: Path, args: argparse.Namespace) -> dict:
    db_path = workdir / "bench_families.db"
    url = f"sqlite+aiosqlite:///{db_path}"
    out: dict = {"seed": await seed_families(url, args.families)}
    gc.collect()
    env = clean_environment(RELIER_BOT_TOKEN=TOKEN, RELIER_DATABASE_URL=url, RELIER_LOG_LEVEL="WARNING")
    async with FakeTelegram(token=TOKEN, bot_username="relier_bench_bot") as tg:
        env["RELIER_TELEGRAM_API_URL"] = tg.base_url
        bot = BotProcess("relier-families", [relier_executable(), "run"], env,
                         workdir / "relier-families.log")
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


# -- the whole run ---------------------------------------------------------------------------

async def run(args: argparse.Namespace) -> dict:
    profile = PROFILES["quick" if args.quick else "full"]
    report: dict = {"environment": environment(args), "targets": TARGETS}
    with tempfile.TemporaryDirectory(prefix="relier-bench-") as tmp:
        workdir = Path(tmp)
        db_path = workdir / "bench.db"
        url = f"sqlite+aiosqlite:///{db_path}"
        from bot.admin import Admin

        async with Admin(url) as admin:
            await admin.add_centre("Centre Bench", "Europe/Paris", None)
        relier_env = clean_environment(RELIER_BOT_TOKEN=TOKEN, RELIER_DATABASE_URL=url,
                                       RELIER_LOG_LEVEL="WARNING")
        relier = [relier_executable(), "run"]
        if args.relier_command:
            relier = shlex.split(args.relier_command)
        if args.profile is not None:
            relier = [sys.executable, str(ROOT / "bench" / "profiled_relier.py"), str(args.profile.resolve())]
        phases = [("relier", relier, relier_env)]
        if not args.skip_echo:
            echo_env = clean_environment(BOT_TOKEN=TOKEN, ECHO_LOG_LEVEL="WARNING")
            phases.append(("echo", [sys.executable, str(ROOT / "bench" / "echo_bot.py")], echo_env))
        for kind, argv, env in phases:
            progress(f"{kind}: starting, then {profile['open_seconds']:.0f} s open loop "
                     f"and {profile['closed_seconds']:.0f} s closed loop")
            report[kind] = await load_one_bot(kind, argv, env, workdir, args, profile)
            if kind == "relier":
                report[kind]["rows"] = count_rows(db_path)
        if args.families:
            progress(f"relier with {args.families:,} families: seeding, starting, two /start")
            report["families"] = await families_memory(workdir, args)
    return report


def environment(args: argparse.Namespace) -> dict:
    commit, _dirty = git_state(ROOT)
    return {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "profile": "quick" if args.quick else "full",
        "commit": commit,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "aiogram": package_version("aiogram"),
        "aiohttp": package_version("aiohttp"),
        "sqlalchemy": package_version("sqlalchemy"),
        "rate": args.rate,
        "low_rate": args.low_rate,
        "think_s": [args.think_min, args.think_max],
        "concurrency": args.concurrency,
        "families": args.families,
    }


# -- the table -------------------------------------------------------------------------------

def render(report: dict) -> str:
    env = report["environment"]
    ours, echo = report.get("relier", {}), report.get("echo", {})
    lines: list[str] = []
    w = lines.append
    w(f"Relier bot: update benchmark ({env['profile']})  {env['when']}  commit {env['commit']}")
    w(f"python {env['python']}, aiogram {env['aiogram']}, {env['cpus']} CPUs; fake Bot API on 127.0.0.1 "
      "(validation on, flood limits off); SQLite (WAL)")
    row = "  {:<40}{:>19}{:>17}{:>9}  {}"

    def line(label, a, b, target="", ok=""):
        w(row.format(label, a, b, target, ok).rstrip())

    def pair(a: dict, b: dict, key1: str, key2: str) -> tuple[str, str]:
        return (f"{fmt(a.get(key1))} / {fmt(a.get(key2))}", f"{fmt(b.get(key1))} / {fmt(b.get(key2))}")

    o1, o2 = ours.get("open", {}), echo.get("open", {})
    w("")
    w(f"1. Open loop: {fmt(env['rate'], 0)} updates/s for {fmt(o1.get('seconds') or o2.get('seconds'), 0)} s "
      f"on a fixed schedule, parents walking through onboarding (think time "
      f"{env['think_s'][0]}-{env['think_s'][1]} s); latency = update injected -> first "
      "sendMessage/editMessageText in its chat")
    line("", "relier", "echo floor", "target")
    line("updates sent", fmt(o1.get("updates")), fmt(o2.get("updates")))
    line("distinct parents / walks completed", *pair(o1, o2, "users", "walks_completed"))
    line("latency p50 (ms)", fmt(o1.get("p50_ms")), fmt(o2.get("p50_ms")))
    line("latency p90 (ms)", fmt(o1.get("p90_ms")), fmt(o2.get("p90_ms")))
    p99 = o1.get("p99_ms")
    line("latency p99 (ms)", fmt(p99), fmt(o2.get("p99_ms")), f"<= {TARGETS['open_p99_ms']:.0f}",
         verdict(None if p99 is None else p99 <= TARGETS["open_p99_ms"] and not o1.get("no_reply")))
    line("latency max (ms)", fmt(o1.get("max_ms")), fmt(o2.get("max_ms")))
    line("no reply within 10 s after the schedule", fmt(o1.get("no_reply")), fmt(o2.get("no_reply")), "0")
    line("injection lag p99 / max (ms)", *pair(o1, o2, "lag_p99_ms", "lag_max_ms"))
    line("bot CPU (share of one core)", pct(o1.get("bot_cpu_share")), pct(o2.get("bot_cpu_share")))
    line("fake server + users CPU (one core)", pct(o1.get("bench_cpu_share")), pct(o2.get("bench_cpu_share")))
    if o1.get("by_step"):
        w("   relier p50/p99 by step (ms): " + ", ".join(
            f"{step} {fmt(v['p50_ms'], 0)}/{fmt(v['p99_ms'], 0)}" for step, v in o1["by_step"].items()
            if v["n"]))
    l1, l2 = ours.get("open_low", {}), echo.get("open_low", {})
    if l1 or l2:
        w(f"   the same at {fmt(env.get('low_rate'), 0)} updates/s for {fmt(l1.get('seconds') or l2.get('seconds'), 0)} s "
          "(below our capacity), to see latency without a queue:")
        line("latency p50 / p90 (ms)", *pair(l1, l2, "p50_ms", "p90_ms"))
        line("latency p99 / max (ms)", *pair(l1, l2, "p99_ms", "max_ms"))
        line("no reply / bot CPU", f"{fmt(l1.get('no_reply'))} / {pct(l1.get('bot_cpu_share'))}",
             f"{fmt(l2.get('no_reply'))} / {pct(l2.get('bot_cpu_share'))}")

    c1, c2 = ours.get("closed", {}), echo.get("closed", {})
    w("")
    w(f"2. Closed loop: {fmt(env['concurrency'])} parents at once, each sending its next step as soon as its "
      f"reply came, {fmt(c1.get('seconds') or c2.get('seconds'), 0)} s")
    line("", "relier", "echo floor", "target")
    rate = c1.get("updates_per_s")
    line("updates/s", fmt(rate, 0), fmt(c2.get("updates_per_s"), 0), f">= {TARGETS['closed_updates_per_s']:.0f}",
         verdict(None if rate is None else rate >= TARGETS["closed_updates_per_s"]))
    line("latency p50 / p99 (ms)", *pair(c1, c2, "p50_ms", "p99_ms"))
    line("updates with no reply", fmt(c1.get("no_reply")), fmt(c2.get("no_reply")), "0")
    line("bot CPU ms per update", fmt(c1.get("bot_cpu_ms_per_update"), 2), fmt(c2.get("bot_cpu_ms_per_update"), 2))
    line("  of which main thread (event loop)", fmt(c1.get("bot_main_thread_cpu_ms_per_update"), 2),
         fmt(c2.get("bot_main_thread_cpu_ms_per_update"), 2))
    line("bot CPU (share of one core)", pct(c1.get("bot_cpu_share")), pct(c2.get("bot_cpu_share")))
    line("fake server + users CPU (one core)", pct(c1.get("bench_cpu_share")), pct(c2.get("bench_cpu_share")))
    line("fake server + users CPU ms per update", fmt(c1.get("bench_cpu_ms_per_update"), 2),
         fmt(c2.get("bench_cpu_ms_per_update"), 2))
    calls1, calls2 = c1.get("api_calls", {}), c2.get("api_calls", {})
    if calls1 and calls2:
        line("getUpdates calls per update", fmt(calls1.get("getUpdates", 0) / max(c1["updates"], 1), 2),
             fmt(calls2.get("getUpdates", 0) / max(c2["updates"], 1), 2))
    rows, injected = ours.get("rows"), ours.get("injected_by_step", {})
    if rows:
        w("   bench.db after all relier phases, rows (expected from the updates sent): "
          f"conversations {rows['conversations']:,} ({injected.get('start', 0):,} /start), "
          f"people {rows['people']:,} ({injected.get('parent', 0):,} 'Je suis parent'), "
          f"children {rows['children']:,} ({injected.get('school', 0):,} 'Collège')")
        w(f"   sum of conversations.version = {rows['conversation_versions']:,} state writes for "
          f"{ours.get('injected_total', 0):,} updates sent: one write per update")

    fam = report.get("families", {})
    limit = TARGETS["rss_mb"]
    w("")
    w("3. Resident memory (RSS of the bot process, MB)")
    line("", "relier", "echo floor", "target")
    idle = ours.get("rss_idle_mb")
    line("idle after start", fmt(idle), fmt(echo.get("rss_idle_mb")), f"< {limit:.0f}",
         verdict(None if idle is None else idle < limit))
    line("highest sampled, open loop / closed",
         f"{fmt(o1.get('rss_peak_sampled_mb'))} / {fmt(c1.get('rss_peak_sampled_mb'))}",
         f"{fmt(o2.get('rss_peak_sampled_mb'))} / {fmt(c2.get('rss_peak_sampled_mb'))}")
    peak = ours.get("rss_peak_mb")
    line("peak of the whole run (VmHWM)", fmt(peak), fmt(echo.get("rss_peak_mb")), f"< {limit:.0f}",
         verdict(None if peak is None else peak < limit))
    line("after the load runs", fmt(ours.get("rss_after_load_mb")), fmt(echo.get("rss_after_load_mb")))
    if fam:
        count = fam["seed"]["families"]
        after = fam.get("rss_after_start_mb")
        line(f"{count:,} families in the store, idle", fmt(fam.get("rss_idle_mb")), "")
        line(f"{count:,} families, after 2 /start", fmt(after), "", f"< {limit:.0f}",
             verdict(None if after is None else after < limit))
        starts = fam.get("start", {})
        w("   " + "; ".join(f"/start from {who}: {v['ms']:.1f} ms ({v['reply']!r})" for who, v in starts.items()))
        w(f"   ({count:,} families seeded through the store in {fam['seed']['seconds']:.1f} s; rows: "
          f"{fam['rows']['families']:,} families, {fam['rows']['people']:,} people, "
          f"{fam['rows']['children']:,} children)")

    w("")
    w("4. Our cost against the floor (closed loop)")
    if c1 and c2:
        cpu_ratio = c1["bot_cpu_ms_per_update"] / c2["bot_cpu_ms_per_update"]
        tput_ratio = c2["updates_per_s"] / c1["updates_per_s"]
        report["ratios"] = {"cpu_per_update_ours_over_echo": cpu_ratio,
                            "throughput_echo_over_ours": tput_ratio}
        w(f"   CPU per update: {c1['bot_cpu_ms_per_update']:.2f} ms / {c2['bot_cpu_ms_per_update']:.2f} ms "
          f"= {cpu_ratio:.1f}x the floor")
        w(f"   throughput: {c1['updates_per_s']:.0f} / {c2['updates_per_s']:.0f} updates/s: the floor does "
          f"{tput_ratio:.1f}x more")
    else:
        w("   (needs both bots)")

    notes = []
    shares = [(f"{name} {phase}", data.get(phase, {}).get("bench_cpu_share"))
              for name, data in (("relier", ours), ("echo", echo)) for phase in ("open_low", "open", "closed")]
    shares = [(where, share) for where, share in shares if share is not None]
    if shares:
        where, highest = max(shares, key=lambda item: item[1])
        if highest >= SATURATED:
            notes.append(f"the fake server (this process) used {pct(highest)} of a core ({where}): it is "
                         "saturated there, so that figure is bounded by the fake server, not by the bot.")
        else:
            notes.append(f"the fake server (this process) used at most {pct(highest)} of a core ({where}): "
                         "it was not the bottleneck.")
    stolen = [(f"{name} {phase.replace('_', ' ')}", data.get(phase, {}).get("stolen_share"))
              for name, data in (("relier", ours), ("echo", echo)) for phase in ("open_low", "open", "closed")]
    stolen = [(where, share) for where, share in stolen if share]
    if stolen:
        where, highest = max(stolen, key=lambda item: item[1])
        if highest >= 0.03:
            notes.append(f"the hypervisor took up to {pct(highest)} of this machine's CPU time ({where}, steal "
                         "time): other machines were busy, the figures are noisier than usual.")
    for name, data in (("relier", ours), ("echo", echo)):
        for phase in ("open_low", "open", "closed"):
            figures = data.get(phase, {})
            if figures.get("bot_cpu_share", 0) >= SATURATED:
                notes.append(f"{name} {phase.replace('_', ' ')} loop: the bot used {pct(figures['bot_cpu_share'])} "
                             "of a core: the bot is the bottleneck.")
            if figures.get("rejected_calls"):
                notes.append(f"{name} {phase} loop: the fake rejected {figures['rejected_calls']} call(s), e.g. "
                             f"{figures['rejected_examples']}")
            if figures.get("broken_walks"):
                notes.append(f"{name} {phase} loop: {figures['broken_walks']} walk(s) broke, e.g. "
                             f"{figures['broken_examples']}")
        if data.get("exit_code") not in (0, None):
            notes.append(f"{name} exited with status {data['exit_code']} on SIGTERM")
    if fam.get("exit_code") not in (0, None):
        notes.append(f"relier (families) exited with status {fam['exit_code']} on SIGTERM")
    if notes:
        w("")
        w("Notes")
        lines.extend(f"  - {n}" for n in notes)
    return "\n".join(lines)


def pct(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Relier bot update benchmark (see bench/README.md).")
    parser.add_argument("--quick", action="store_true", help="shorter runs, about 1 minute in all")
    parser.add_argument("--rate", type=float, default=100.0, help="open-loop updates per second (100)")
    parser.add_argument("--low-rate", type=float, default=50.0,
                        help="also an open loop at this lower rate first, below our capacity (50; 0 skips)")
    parser.add_argument("--think-min", type=float, default=0.5, help="open loop: least think time, s (0.5)")
    parser.add_argument("--think-max", type=float, default=1.5, help="open loop: most think time, s (1.5)")
    parser.add_argument("--concurrency", type=int, default=64, help="closed-loop parents at once (64)")
    parser.add_argument("--families", type=int, default=None,
                        help="pre-created families (10000, quick 2000; 0 skips)")
    parser.add_argument("--skip-echo", action="store_true", help="do not measure the echo floor")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json", help="JSON output file")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="hard stop, s (default 330, quick 150)")
    parser.add_argument("--profile", type=Path, default=None, metavar="FILE.prof",
                        help="run relier under cProfile and write its profile to FILE.prof")
    parser.add_argument("--relier-command", default=None, metavar="CMD",
                        help="for experiments: run CMD (same environment) instead of `relier run`")
    args = parser.parse_args(argv)
    if args.families is None:
        args.families = 2_000 if args.quick else 10_000
    limit = args.time_limit or (150.0 if args.quick else 330.0)

    async def bounded() -> dict:
        return await asyncio.wait_for(run(args), limit)

    began = time.perf_counter()
    try:
        report = asyncio.run(bounded())
    except asyncio.TimeoutError:
        print(f"benchmark stopped: over its time limit of {limit:.0f} s", file=sys.stderr)
        return 1
    report["environment"]["duration_s"] = round(time.perf_counter() - began, 1)
    table = render(report)
    print(table)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\n(figures written to {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output};"
          f" run took {report['environment']['duration_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
