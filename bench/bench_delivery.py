"""Durable delivery: a burst of reminders due at the same instant, through Telegram's flood limits.

    python bench/bench_delivery.py             # 10,000 reminders: about 12 minutes
    python bench/bench_delivery.py --quick     # 1,000 reminders: about 80 seconds

Our side: N outbox rows due at the same second, one per private chat, sent by the real
`relier run` process (its dispatcher and aiogram sender) to the fake Telegram Bot API server of
the tests with its flood limits on (30 messages/s overall, 1/s per chat: 429 answers beyond).
The reference: the same N messages sent by python-telegram-bot 22 with `AIORateLimiter()` at its
defaults, all at once with asyncio.gather, in its own process, against a fresh fake server.
Prints a table and writes the figures to bench/results/delivery.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import math
import os
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.procs import MB, BotProcess, clean_environment, relier_executable  # noqa: E402
from bench.report import fmt, git_state, package_version, progress, verdict  # noqa: E402
from tests.fakebot import FakeTelegram  # noqa: E402

TOKEN = "7000002:BENCH-DELIVERY-TOKEN"
LIMIT = 30  # messages per second overall, as Telegram and the fake enforce it
TARGET_FRACTION = 0.95
SEED_BASE = 910_000_000  # Telegram ids of the people (the fake's own users start at 700M)
TEXT = "Rappel : votre séance de groupe « Parler du harcèlement » commence aujourd'hui à 18:00. (n° {i})"
RESULTS = ROOT / "bench" / "results"
STALL = 60.0  # seconds without a new delivery after which a side is given up
SLOW_SECOND = 25  # a whole second after due with fewer deliveries than this is listed as slow


# -- figures from the fake server's logs -----------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of unsorted values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def busiest_window(times: list[float], width: float = 1.0) -> tuple[int, float | None]:
    """The most timestamps in any window [t, t + width) (exact: every window starting at a
    timestamp, which is where a maximum is reached), and where that window starts."""
    ordered = sorted(times)
    best, start, lo = 0, None, 0
    for hi, t in enumerate(ordered):
        while t - ordered[lo] >= width:
            lo += 1
        if hi - lo + 1 > best:
            best, start = hi - lo + 1, ordered[lo]
    return best, start


def delivery_figures(tg: FakeTelegram, due: float, expected: int) -> dict:
    """Everything measured on the server side, from its call log and its log of accepted sends."""
    accepted = [s for s in tg.send_log if s.method == "sendMessage"]
    calls = [c for c in tg.calls if c.method == "sendMessage"]
    refused = [c for c in calls if c.status == 429]
    errors = [c for c in calls if c.status not in (200, 429)]
    first_at: dict[int, float] = {}
    for send in accepted:
        first_at.setdefault(send.chat_id, send.at)
    times = sorted(first_at.values())
    lateness = [t - due for t in times]
    most, most_at = busiest_window([s.at for s in accepted])
    tried, tried_at = busiest_window([c.at for c in calls])
    out: dict = {
        "expected": expected,
        "delivered": len(first_at),
        "accepted_sends": len(accepted),
        "duplicates": len(accepted) - len(first_at),
        "answers_429": len(refused),
        "other_errors": len(errors),
        "other_error_examples": sorted({f"{c.status} {c.description}" for c in errors})[:3],
        "max_per_second": most,
        "max_per_second_from_due_s": None if most_at is None else most_at - due,
        "max_attempts_per_second": tried,
        "max_attempts_per_second_from_due_s": None if tried_at is None else tried_at - due,
        "seconds_over_limit": windows_over(sorted(s.at for s in accepted), LIMIT),
    }
    if times:
        span = times[-1] - times[0]
        rate = (len(times) - 1) / span if span > 0 else None
        out.update({
            "first_after_due_s": times[0] - due,
            "last_after_due_s": times[-1] - due,
            "rate_per_s": rate,
            "rate_fraction": None if rate is None else rate / LIMIT,
            "rate_from_due_per_s": len(times) / (times[-1] - due) if times[-1] > due else None,
            "lateness_p50_s": percentile(lateness, 50),
            "lateness_p99_s": percentile(lateness, 99),
            "lateness_max_s": max(lateness),
            "first_second_sends": sum(1 for t in times if t < times[0] + 1.0),
        })
        gaps = [(b - a) * 1000 for a, b in zip(times, times[1:])]
        if gaps:
            out.update({
                "gap_p50_ms": percentile(gaps, 50),
                "gap_p99_ms": percentile(gaps, 99),
                "gap_max_ms": max(gaps),
                "gaps_over_100ms": sum(1 for g in gaps if g > 100),
                "time_in_gaps_over_100ms_s": sum(g for g in gaps if g > 100) / 1000,
            })
        per_second = [0] * (int(times[-1] - due) + 1)
        for t in times:
            per_second[max(int(t - due), 0)] += 1
        out["deliveries_by_second_after_due"] = per_second
        out["slow_seconds_after_due"] = [i for i, n in enumerate(per_second[:-1]) if 0 < i and n < SLOW_SECOND]
        out["receive_times_after_due_s"] = [round(t - due, 4) for t in times]
    return out


def windows_over(ordered: list[float], limit: int, width: float = 1.0) -> int:
    """How many sends started a window [t, t + width) holding more than `limit` sends."""
    over, hi = 0, 0
    for lo, t in enumerate(ordered):
        hi = max(hi, lo)
        while hi < len(ordered) and ordered[hi] - t < width:
            hi += 1
        over += hi - lo > limit
    return over


@contextlib.contextmanager
def no_gc_pauses():
    """While a side sends, no collection in this process: a full one over the fake's 10,000
    users and call log pauses the server ~80 ms, which timestamps the sends queued meanwhile
    together (a burst the bot did not send). Allocation is small; collected afterwards."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


class LoopLag:
    """Stalls of this process's event loop (the fake server's): a send that waited here is
    timestamped late, so sends can look bunched when they were not. Run while a side sends."""

    def __init__(self, every: float = 0.01, threshold: float = 0.05) -> None:
        self.every, self.threshold = every, threshold
        self.stalls: list[tuple[float, float]] = []  # (time.time() at the end, seconds late)
        self._task: asyncio.Task | None = None

    def start(self) -> "LoopLag":
        self._task = asyncio.ensure_future(self._run())
        return self

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.every)
            late = loop.time() - before - self.every
            if late >= self.threshold:
                self.stalls.append((time.time(), late))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def figures(self, due: float) -> dict:
        return {"fake_loop_stalls_over_50ms": len(self.stalls),
                "fake_loop_stall_max_ms": max((late for _at, late in self.stalls), default=0.0) * 1000,
                "fake_loop_stalls": [[round(at - due, 3), round(late * 1000, 1)] for at, late in self.stalls[:50]]}


# -- our side: the outbox and `relier run` ---------------------------------------------------

async def seed(url: str, count: int, batch: int = 500) -> dict:
    """A centre, `count` parents (one family each) and one reminder row each, due far ahead."""
    from bot.admin import Admin
    from bot.bootstrap import build_core

    began = time.perf_counter()
    async with Admin(url) as admin:
        centre = await admin.add_centre("Centre Bench", "Europe/Paris", None)
    core = await build_core(url)
    now = datetime.now(timezone.utc)
    later = now + timedelta(days=1)  # made due at one instant once the bot is running
    try:
        for first in range(0, count, batch):
            async with core.store.unit_of_work() as uow:
                for i in range(first, min(first + batch, count)):
                    family_id = await uow.families.create(centre["id"])
                    person = await uow.people.add_parent(SEED_BASE + i, centre["id"], family_id, "fr", now)
                    await uow.outbox.enqueue(SEED_BASE + i, {"type": "reply", "text": TEXT.format(i=i)}, later,
                                             key=f"bench:reminder:{i}", kind="reminder", person_id=person.id)
                await uow.commit()
    finally:
        await core.close()
    return {"people": count, "rows": count, "seconds": time.perf_counter() - began}


def make_due(db_path: Path) -> float:
    """Every pending row due at the next whole second but one: the same instant for all."""
    from sqlalchemy import create_engine, update

    from storage.models import OutboxMessage

    due = datetime.fromtimestamp(math.ceil(time.time()) + 1, timezone.utc)
    engine = create_engine(f"sqlite:///{db_path}", connect_args={"timeout": 30})
    try:
        with engine.begin() as connection:
            connection.execute(update(OutboxMessage).where(OutboxMessage.state == "pending").values(due_at=due))
    finally:
        engine.dispose()
    return due.timestamp()


def outbox_counts(db_path: Path) -> dict:
    with sqlite3.connect(db_path) as db:
        states = {f"{kind} {state}": n for kind, state, n in
                  db.execute("SELECT kind, state, COUNT(*) FROM outbox GROUP BY kind, state")}
        attempts, duplicates = db.execute("SELECT COALESCE(SUM(attempts), 0), COALESCE(SUM(duplicates), 0) "
                                          "FROM outbox").fetchone()
        errors = dict(db.execute("SELECT last_error, COUNT(*) FROM outbox WHERE last_error IS NOT NULL "
                                 "GROUP BY last_error").fetchall())
    return {"states": states, "attempts": attempts, "duplicates": duplicates, "last_errors": errors}


def relier_wired() -> bool:
    """Does `relier run` start the outbox's dispatcher? (Read from the source, not imported.)"""
    for name in ("bot/cli.py", "bot/runtime.py", "bot/telegram/app.py"):
        path = ROOT / name
        if path.exists() and "Dispatcher(" in path.read_text(encoding="utf-8") and "delivery" in path.read_text(
                encoding="utf-8"):
            return True
    return False


async def watch(tg: FakeTelegram, label: str, count: int, due: float, deadline: float,
                done: asyncio.Future | None = None) -> str:
    """Wait until every chat got its message (or the process is done, or it stalls); progress lines."""
    last_count, last_change, last_note = -1, time.time(), time.time()
    while True:
        delivered = len({s.chat_id for s in tg.flood.sends if s.method == "sendMessage"})
        now = time.time()
        if delivered != last_count:
            last_count, last_change = delivered, now
        if now - last_note >= 15:
            refused = sum(1 for c in tg.calls if c.method == "sendMessage" and c.status == 429)
            progress(f"{label}: {delivered:,}/{count:,} delivered after {now - due:.0f} s, {refused:,} answers 429")
            last_note = now
        if delivered >= count:
            return "complete"
        if done is not None and done.done():
            return "process ended"
        if now > deadline:
            return "deadline"
        if now > due and now - last_change > STALL:
            return f"stalled ({STALL:.0f} s without a delivery)"
        await asyncio.sleep(0.1)


def fake_server() -> FakeTelegram:
    return FakeTelegram(token=TOKEN, bot_username="relier_bench_bot")


def add_people(tg: FakeTelegram, count: int) -> None:
    for i in range(count):
        tg.user(SEED_BASE + i, first_name="Camille", language_code="fr")
    tg.enforce_limits(global_per_second=LIMIT, per_chat_per_second=1, per_group_per_minute=20)


def side_deadline(count: int) -> float:
    return count / LIMIT * 1.5 + 60


async def relier_side(args: argparse.Namespace, workdir: Path) -> dict:
    db_path = workdir / "delivery.db"
    url = f"sqlite+aiosqlite:///{db_path}"
    progress(f"relier: seeding {args.count:,} people and reminders")
    out: dict = {"seed": await seed(url, args.count)}
    env = clean_environment(RELIER_BOT_TOKEN=TOKEN, RELIER_DATABASE_URL=url, RELIER_LOG_LEVEL="WARNING")
    async with fake_server() as tg:
        add_people(tg, args.count)
        if args.in_process:
            argv = [sys.executable, str(ROOT / "bench" / "bench_delivery_inproc.py"), "--api", tg.base_url,
                    "--token", TOKEN, "--database-url", url]
            out["what"] = "bot.delivery.Dispatcher in a process of its own, minimal aiohttp sender (--in-process)"
        else:
            env["RELIER_TELEGRAM_API_URL"] = tg.base_url
            argv = [relier_executable(), "run"]
            out["what"] = "relier run (its dispatcher and aiogram sender)"
        out["settings"] = {k: v for k, v in env.items() if k.startswith("RELIER_SEND") or k.startswith("RELIER_OUTBOX")}
        bot = BotProcess("relier", argv, env, workdir / "relier.log")
        try:
            await bot.start(tg)
            out["ready_after_s"] = bot.ready_after
            out["rss_idle_mb"] = bot.rss() / MB
            due = make_due(db_path)
            cpu_before = bot.cpu()
            at = datetime.fromtimestamp(due, timezone.utc)
            progress(f"relier: {args.count:,} reminders due at {at:%H:%M:%S} UTC")
            exited = asyncio.ensure_future(bot.process.wait())
            lag = LoopLag().start()
            try:
                with no_gc_pauses():
                    out["ended"] = await watch(tg, "relier", args.count, due, due + side_deadline(args.count),
                                               exited)
            finally:
                await lag.stop()
            out.update(lag.figures(due))
            await asyncio.sleep(0.5)  # the last results recorded
            if bot.process.returncode is None:
                out["cpu_s"] = bot.cpu() - cpu_before
                out["rss_end_mb"] = bot.rss() / MB
                out["peak_rss_mb"] = bot.peak_rss() / MB
            out.update(delivery_figures(tg, due, args.count))
        finally:
            try:
                out["exit_code"] = await bot.stop()
            finally:
                bot.kill_now()
        if out.get("ended") != "complete" or out.get("exit_code") not in (0, None):
            out["log_tail"] = bot.log_tail(15)
    out["outbox"] = outbox_counts(db_path)
    return out


# -- the reference: python-telegram-bot's AIORateLimiter -------------------------------------

def ptb_missing() -> str | None:
    try:
        metadata.version("python-telegram-bot")
        metadata.version("aiolimiter")
    except metadata.PackageNotFoundError as missing:
        return str(missing)
    return None


async def ptb_side(args: argparse.Namespace, workdir: Path) -> dict:
    out: dict = {"what": f"python-telegram-bot AIORateLimiter(max_retries={args.ptb_max_retries}), "
                         "asyncio.gather of send_message"}
    async with fake_server() as tg:
        add_people(tg, args.count)
        log_path = workdir / "ptb.log"
        with open(log_path, "ab") as log:
            child = await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "bench" / "bench_delivery_ptb.py"), "--api", tg.base_url,
                "--token", TOKEN, "--first", str(SEED_BASE), "--count", str(args.count),
                "--max-retries", str(args.ptb_max_retries),
                cwd=str(ROOT), stdout=asyncio.subprocess.PIPE, stderr=log, stdin=asyncio.subprocess.DEVNULL,
            )
        output = asyncio.ensure_future(child.communicate())
        try:
            # The due instant is when the child starts its sends; it says so at the end. Until
            # then, the first call after getMe stands in for it (only for the progress lines).
            lag = LoopLag().start()
            try:
                with no_gc_pauses():
                    began = time.time()
                    while not any(c.method == "sendMessage" for c in tg.calls) and not output.done():
                        if time.time() - began > 90:
                            raise RuntimeError("python-telegram-bot did not start sending within 90 s")
                        await asyncio.sleep(0.01)
                    first = next((c.at for c in tg.calls if c.method == "sendMessage"), time.time())
                    out["ended"] = await watch(tg, "ptb", args.count, first, first + side_deadline(args.count),
                                               output)
                    stdout, _ = await asyncio.wait_for(output, side_deadline(args.count))
            finally:
                await lag.stop()
        finally:
            if child.returncode is None:
                child.kill()
                await child.wait()
        lines = [line for line in stdout.decode().splitlines() if line.startswith("{")]
        report = json.loads(lines[-1]) if lines else {}
        out["exit_code"] = child.returncode
        if "missing" in report or child.returncode != 0:
            out["error"] = report.get("missing") or log_path.read_text(errors="replace")[-2000:]
            return out
        out["client"] = report
        out["peak_rss_mb"] = report["peak_rss_bytes"] / MB
        out["cpu_s"] = report.get("cpu_s")
        out.update(delivery_figures(tg, report["started"], args.count))
        out.update(lag.figures(report["started"]))
        if out["delivered"] >= args.count:
            out["ended"] = "complete"
    return out


# -- the run ---------------------------------------------------------------------------------

async def run(args: argparse.Namespace) -> dict:
    report: dict = {"environment": environment(args)}
    with tempfile.TemporaryDirectory(prefix="relier-bench-delivery-") as tmp:
        workdir = Path(tmp)
        if not args.in_process and not relier_wired():
            raise SystemExit("relier run does not start the outbox's dispatcher in this checkout: "
                             "use --in-process to measure the Dispatcher alone")
        report["relier"] = await relier_side(args, workdir)
        if args.skip_ptb:
            report["ptb"] = {"skipped": "--skip-ptb"}
        elif (missing := ptb_missing()) is not None:
            report["ptb"] = {"skipped": f"python-telegram-bot is not installed ({missing}): "
                                        "pip install 'python-telegram-bot[rate-limiter]>=22,<23'"}
            progress(report["ptb"]["skipped"])
        else:
            progress(f"ptb: sending {args.count:,} messages through AIORateLimiter()")
            report["ptb"] = await ptb_side(args, workdir)
    return report


def environment(args: argparse.Namespace) -> dict:
    commit, dirty = git_state(ROOT)
    return {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "count": args.count,
        "commit": commit,
        "uncommitted_changes": dirty,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "limit_per_second": LIMIT,
        "target_fraction": TARGET_FRACTION,
        "versions": {name: package_version(name) for name in
                     ("aiogram", "aiohttp", "aiolimiter", "sqlalchemy", "python-telegram-bot", "httpx")},
    }


# -- the table -------------------------------------------------------------------------------

def render(report: dict) -> str:
    env = report["environment"]
    ours, ptb = report.get("relier", {}), report.get("ptb", {})
    lines: list[str] = []
    w = lines.append
    w(f"Relier bot: delivery benchmark, {env['count']:,} reminders due at the same second  {env['when']}  "
      f"commit {env['commit']}{' (+ uncommitted changes)' if env.get('uncommitted_changes') else ''}")
    versions = env["versions"]
    w(f"python {env['python']}, aiogram {versions['aiogram']}, python-telegram-bot {versions['python-telegram-bot']}, "
      f"aiolimiter {versions['aiolimiter']}, {env['cpus']} CPUs; fake Bot API on 127.0.0.1 answering 429 over "
      f"{LIMIT} sends in any second (and over 1/s in a chat)")
    w(f"  relier:  {ours.get('what', '-')}")
    w(f"  ptb:     {ptb.get('what') or ptb.get('skipped', '-')}")
    row = "  {:<44}{:>22}{:>22}{:>10}  {}"

    def line(label, a, b, target="", ok=""):
        w(row.format(label, a, b, target, ok).rstrip())

    def both(key, digits=1, suffix=""):
        return fmt(ours.get(key), digits, suffix), fmt(ptb.get(key), digits, suffix)

    def check(data: dict, key: str, test) -> bool | None:
        return None if data.get(key) is None else test(data[key])

    w("")
    line("", "relier", "ptb", "target")
    line("delivered", f"{fmt(ours.get('delivered'))} / {fmt(ours.get('expected'))}",
         f"{fmt(ptb.get('delivered'))} / {fmt(ptb.get('expected'))}", "all",
         verdict(check(ours, "delivered", lambda v: v == ours["expected"])))
    line("answers 429", *both("answers_429"), "0", verdict(check(ours, "answers_429", lambda v: v == 0)))
    line("most sends accepted in one second (sliding)", *both("max_per_second"), f"<= {LIMIT}",
         verdict(check(ours, "max_per_second", lambda v: v <= LIMIT)))
    line("  windows over the limit", *both("seconds_over_limit"), "0")
    line("most sendMessage calls in one second", *both("max_attempts_per_second"))
    line("sent in the first second", *both("first_second_sends"))
    rate = ours.get("rate_fraction")
    line("achieved rate, first to last (msg/s)", *both("rate_per_s", 2))
    line(f"  as a fraction of {LIMIT}/s", *both("rate_fraction", 3), f">= {TARGET_FRACTION}",
         verdict(None if rate is None else rate >= TARGET_FRACTION))
    line("first delivery after due (s)", *both("first_after_due_s", 2))
    line("time to the last delivery (s)", *both("last_after_due_s"))
    line("lateness p50 (s)", *both("lateness_p50_s"))
    line("lateness p99 (s)", *both("lateness_p99_s"))
    line("lateness max (s)", *both("lateness_max_s"))
    line("peak RSS of the sending process (MB)", *both("peak_rss_mb"))
    line("CPU seconds while sending", *both("cpu_s", 1))
    line("gap between sends p50 / p99 / max (ms)",
         *(f"{fmt(d.get('gap_p50_ms'))} / {fmt(d.get('gap_p99_ms'))} / {fmt(d.get('gap_max_ms'), 0)}"
           for d in (ours, ptb)))
    line("  gaps over 100 ms: count, seconds in them",
         *(f"{fmt(d.get('gaps_over_100ms'))}, {fmt(d.get('time_in_gaps_over_100ms_s'), 2)}" for d in (ours, ptb)))
    line("fake server's loop stalls > 50 ms: count, max",
         *(f"{fmt(d.get('fake_loop_stalls_over_50ms'))}, {fmt(d.get('fake_loop_stall_max_ms'), 0)} ms"
           for d in (ours, ptb)))
    line("duplicates (a chat sent to twice)", *both("duplicates"))
    line("other errors", *both("other_errors"))

    notes = []
    outbox = ours.get("outbox")
    if outbox:
        notes.append(f"relier outbox afterwards: {outbox['states']}, attempts {outbox['attempts']:,}, "
                     f"duplicates {outbox['duplicates']}" + (f", last errors {outbox['last_errors']}"
                                                           if outbox["last_errors"] else ""))
    if ours.get("seed"):
        notes.append(f"relier: {ours['seed']['people']:,} people and rows seeded in {ours['seed']['seconds']:.1f} s; "
                     f"the process polled after {fmt(ours.get('ready_after_s'))} s, "
                     f"idle RSS {fmt(ours.get('rss_idle_mb'))} MB")
    client = ptb.get("client")
    if client:
        notes.append(f"ptb: outcomes of the {env['count']:,} send_message calls: {client['outcomes']} "
                     f"(AIORateLimiter max_retries={client['max_retries']}: a 429 is raised to the caller as "
                     "RetryAfter and that message is not sent)")
    for name, data in (("relier", ours), ("ptb", ptb)):
        if data.get("slow_seconds_after_due"):
            notes.append(f"{name}: seconds after due with fewer than {SLOW_SECOND} deliveries: "
                         f"{', '.join(str(i) for i in data['slow_seconds_after_due'][:20])}")
        if data.get("answers_429") and data.get("receive_times_after_due_s"):
            notes.append(f"{name}: busiest second (most sendMessage calls) began "
                         f"{fmt(data.get('max_attempts_per_second_from_due_s'))} s after due")
        if data.get("ended") not in (None, "complete"):
            missing = data.get("expected", 0) - data.get("delivered", 0)
            notes.append(f"{name}: {missing:,} chat(s) never got their message (the run ended: {data['ended']})")
        if data.get("exit_code") not in (0, None):
            notes.append(f"{name} exited with status {data['exit_code']}")
        if data.get("error"):
            notes.append(f"{name}: {data['error'].strip().splitlines()[-1] if data['error'].strip() else '?'}")
        if data.get("other_error_examples"):
            notes.append(f"{name}: other errors, e.g. {data['other_error_examples']}")
        if data.get("log_tail"):
            notes.append(f"{name}: end of its log:\n" + "\n".join("      " + l for l in data["log_tail"].splitlines()))
    if notes:
        w("")
        w("Notes")
        lines.extend(f"  - {n}" for n in notes)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Relier bot delivery benchmark (see bench/README.md).")
    parser.add_argument("--count", type=int, default=None, help="reminders due at once (10000; --quick 1000)")
    parser.add_argument("--quick", action="store_true", help="1,000 reminders: about 80 seconds")
    parser.add_argument("--skip-ptb", action="store_true", help="do not run the python-telegram-bot reference")
    parser.add_argument("--ptb-max-retries", type=int, default=0,
                        help="AIORateLimiter(max_retries=...) for the reference (0, its default)")
    parser.add_argument("--in-process", action="store_true",
                        help="our side without `relier run`: the Dispatcher alone with a minimal aiohttp sender")
    parser.add_argument("--output", type=Path, default=RESULTS / "delivery.json", help="JSON output file")
    parser.add_argument("--time-limit", type=float, default=None,
                        help="hard stop, s (default: 2 x (count/30 x 1.5 + 120))")
    args = parser.parse_args(argv)
    if args.count is None:
        args.count = 1_000 if args.quick else 10_000
    if args.count < 1:
        parser.error("--count must be at least 1")
    limit = args.time_limit or 2 * (args.count / LIMIT * 1.5 + 120)

    began = time.perf_counter()
    try:
        report = asyncio.run(asyncio.wait_for(run(args), limit))
    except asyncio.TimeoutError:
        print(f"benchmark stopped: over its time limit of {limit:.0f} s", file=sys.stderr)
        return 1
    report["environment"]["duration_s"] = round(time.perf_counter() - began, 1)
    print(render(report))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    print(f"\n(figures written to {shown}; run took {report['environment']['duration_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
