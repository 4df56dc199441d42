"""Several instances: the reminder burst and the booking race, through real `relier run --webhook` processes.

    python bench/bench_instances.py [--reminders 2000] [--racers 200] [--seats 12] [--per-second 500]
                                    [--setups sqlite1,pg1,pg2]

For each setup, a fresh database, the fake Telegram (tests/fakebot, flood limits off) and the round-robin
proxy of tests.support.instances in front of the processes:
  sqlite1  one process on a SQLite file (the default installation);
  pg1      one process on PostgreSQL (a throw-away server started in a temporary directory);
  pg2      two processes on that PostgreSQL server.
Then
  (a) the booking race (below), then the reminder burst: `--reminders` rows due at once, each to its own chat, written into the outbox;
      the time until the last is received by the fake Telegram, the rate, and the messages received twice;
  (b) the booking race, run first: `--racers` parents, each on the session's screen, press « Book a seat » at once on
      a session of `--seats` seats; the time until every one has their answer, and whether it ended exact
      (seats sold, each waiting parent told the place they hold, in the order they came).
Sends are raised to `--per-second` a process (RELIER_SEND_PER_SECOND) so that what is measured is the bot,
not Telegram's 30 a second (at 30/s, 2,000 messages take 67 s whatever the setup).
The fake Telegram runs in this process: its own work is part of every figure, the same for each setup.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.admin import Admin  # noqa: E402
from dialogs.events import Reply  # noqa: E402
from dialogs.reminders.payload import reply_payload  # noqa: E402
from tests.e2e.test_onboarding_over_http import tap  # noqa: E402
from tests.fakebot import FakeTelegram  # noqa: E402
from tests.support.instances import RoundRobin, first_messages, received, start_instances, stop, wait_for  # noqa: E402
from tests.support.keys import TEST_DATA_KEY  # noqa: E402
from tests.support.postgres import PostgresServer  # noqa: E402

NAMES = {"sqlite1": "SQLite, 1 process", "pg1": "PostgreSQL, 1 process", "pg2": "PostgreSQL, 2 processes"}
FIRST_RACER, FIRST_CHAT = 8_100_001, 9_200_001


async def seed(url: str, racers: int, seats: int) -> int:
    now = datetime.now(timezone.utc)
    async with Admin(url) as admin, admin.store.unit_of_work() as uow:
        centre = await uow.centres.add("Centre Bench", "Europe/Paris", quiet_from=0, quiet_until=0)
        race = await uow.sessions.add(centre.id, "Race evening", now + timedelta(days=3), 90, seats, "Salle 1")
        for n in range(racers):
            await uow.people.add_parent(FIRST_RACER + n, centre.id, await uow.families.create(centre.id), "en", now)
        await uow.commit()
    return race.id


async def burst(url: str, count: int) -> None:
    async with Admin(url) as admin, admin.store.unit_of_work() as uow:
        now = admin.store.clock.now()
        await uow.outbox.enqueue_many(
            dict(chat_id=chat, payload=reply_payload(Reply(chat, f"Reminder for {chat}")), due_at=now,
                 key=f"bench:{chat}", kind="reminder") for chat in range(FIRST_CHAT, FIRST_CHAT + count))
        await uow.commit()


async def race(telegram, url: str, session_id: int, racers: list, seats: int) -> dict:
    async def to_the_session(racer):
        await telegram.send_text(racer, "/menu")
        listing = await tap(telegram, racer, await telegram.next_reply(racer, timeout=60), "📅 Group sessions")
        button = next(text for row in listing.buttons for text, _data in row if "Race evening" in text)
        return await tap(telegram, racer, listing, button)

    details = []
    for start in range(0, len(racers), 50):  # fifty at a time: the preparation is not what is measured
        details += await asyncio.gather(*(to_the_session(r) for r in racers[start:start + 50]))
    mark = telegram.mark()
    began = time.perf_counter()
    await asyncio.gather(*(telegram.press(r, d, text="✅ Book a seat") for r, d in zip(racers, details)))

    def outcome(message) -> bool:
        return "Your seat is booked" in message.text or "on the waiting list" in message.text

    answers = await first_messages(telegram, [r.id for r in racers], mark, outcome, timeout=120)
    wall = time.perf_counter() - began
    told = {chat: re.search(r"number (\d+) on the waiting list", a.text) for chat, a in answers.items()}
    async with Admin(url) as admin, admin.store.unit_of_work() as uow:
        session = await uow.sessions.get(session_id)
        roster = await uow.bookings.roster(session_id)
        users = {line.person_id: (await uow.people.get(line.person_id)).telegram_user_id for line in roster}
    waiting = [users[line.person_id] for line in sorted(roster, key=lambda line: line.booking_id)
               if line.status == "waiting"]
    booked = {users[line.person_id] for line in roster if line.status == "booked"}
    exact = (session.booked == seats == len(booked) and {u for u, n in told.items() if n is None} == booked
             and [int(told[u].group(1)) for u in waiting] == list(range(1, len(waiting) + 1)))
    return {"race_s": wall, "exact": exact, "sold": session.booked, "waiting": len(waiting)}


async def one_setup(setup: str, server: PostgresServer | None, args) -> dict:
    with tempfile.TemporaryDirectory(prefix="relier-bench-") as tmp:
        directory = Path(tmp)
        if setup == "sqlite1":
            url, name = f"sqlite+aiosqlite:///{directory / 'bench.db'}", None
        else:
            name = await server.create_database()
            url = server.url(name)
        processes = 2 if setup == "pg2" else 1
        try:
            session_id = await seed(url, args.racers, args.seats)
            async with FakeTelegram(bot_username="relier_test_bot") as telegram:
                racers = [telegram.user(FIRST_RACER + n, first_name=f"Parent {n}", language_code="en")
                          for n in range(args.racers)]
                chats = range(FIRST_CHAT, FIRST_CHAT + args.reminders)
                for chat in chats:
                    telegram.user(chat, first_name="Family", language_code="en")
                proxy = await RoundRobin().start()
                began = time.perf_counter()
                instances = await start_instances(
                    telegram, url, directory, proxy, processes, RELIER_SEND_PER_SECOND=str(args.per_second),
                    RELIER_SEND_PER_CHAT_PER_SECOND="50", RELIER_LOG_LEVEL="WARNING", RELIER_DATA_KEY=TEST_DATA_KEY)
                result = {"start_s": time.perf_counter() - began}
                try:
                    result.update(await race(telegram, url, session_id, racers, args.seats))
                    await burst(url, args.reminders)
                    due = time.perf_counter()

                    def delivered() -> bool:
                        counts = received(telegram)
                        return all(counts[chat] for chat in chats)

                    await wait_for(delivered, 600, "the burst", every=0.05)
                    result["burst_s"] = time.perf_counter() - due
                    await asyncio.sleep(0.5)
                    counts = received(telegram)
                    result["twice"] = sum(counts[chat] for chat in chats) - args.reminders
                finally:
                    for instance in instances:
                        await stop(instance)
                    await proxy.stop()
        finally:
            if name is not None:
                await server.drop_database(name)
    return result


def table(results: dict[str, dict], args) -> str:
    setups = list(results)
    rows = [
        ("processes started and serving (s)", lambda r: f"{r['start_s']:.1f}"),
        (f"{args.reminders:,} reminders: all received (s)", lambda r: f"{r['burst_s']:.1f}"),
        ("  messages a second", lambda r: f"{args.reminders / r['burst_s']:.0f}"),
        ("  received twice", lambda r: f"{r['twice']}"),
        (f"race, {args.racers} parents for {args.seats} seats: all answered (s)", lambda r: f"{r['race_s']:.2f}"),
        ("  seats sold / waiting, in order", lambda r: f"{r['sold']} / {r['waiting']}, "
                                                       + ("exact" if r["exact"] else "NOT EXACT")),
    ]
    width = max(len(label) for label, _ in rows)
    header = f"| {'':{width}} | " + " | ".join(NAMES[s] for s in setups) + " |"
    lines = [header, "|" + "-" * (width + 2) + "|" + "|".join("-" * (len(NAMES[s]) + 2) for s in setups) + "|"]
    for label, cell in rows:
        lines.append(f"| {label:{width}} | " + " | ".join(f"{cell(results[s]):>{len(NAMES[s])}}" for s in setups) + " |")
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=2000)
    parser.add_argument("--racers", type=int, default=200)
    parser.add_argument("--seats", type=int, default=12)
    parser.add_argument("--per-second", type=int, default=500)
    parser.add_argument("--setups", default="sqlite1,pg1,pg2")
    args = parser.parse_args()
    os.environ["RELIER_DATA_KEY"] = TEST_DATA_KEY  # the bench's own reads (bot.admin), as the processes write
    setups = args.setups.split(",")
    server = PostgresServer.start() if any(s.startswith("pg") for s in setups) else None
    results = {}
    try:
        for setup in setups:
            results[setup] = await one_setup(setup, server, args)
            print(f"{NAMES[setup]}: {results[setup]}", flush=True)
    finally:
        if server is not None:
            server.stop()
    print()
    print(table(results, args))


if __name__ == "__main__":
    asyncio.run(main())
