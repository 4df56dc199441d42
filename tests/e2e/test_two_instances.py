"""Two real `relier run --webhook` processes on one PostgreSQL database behave as one bot.

The fake Telegram calls one URL, a round-robin reverse proxy of the test's own (tests.support.instances),
which spreads the updates over both processes. In one run, in this order:
1. Timers at start: both processes plan, check the cases and apply retention at once on a database
   seeded with one of each due (a session reminder, the 10-minute alert of an urgent case nobody took, a
   retention notice): each is sent once, and the case's alert stage moves once.
2. A parent's onboarding, its steps handled by one process then the other, goes on to the end.
3. A booking race: RACERS parents press « Book a seat » at once on a session of SEATS seats, their presses
   spread over both processes: exactly SEATS seats sold, the others on the waiting list, each told the
   place they hold in it, in the order they came.
4. A burst of 2,000 due messages (1,000 chats, two each): one process is killed with SIGKILL in the
   middle; the other delivers everything, each chat's messages in order, and the only messages received
   twice are some of those the killed process held at the kill (claimed, perhaps sent, not recorded).
The fake's flood limits are off and sends are raised to 500 a second a process (RELIER_SEND_PER_SECOND),
a chat's to 50, so the run takes seconds; the lease is 5 s, so the killed process's rows are taken over soon.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.admin import Admin
from dialogs.cases.announce import open_or_raise
from dialogs.events import Reply
from dialogs.reminders.payload import reply_payload
from storage.clock import FakeClock
from storage.models import Escalation, OutboxMessage
from tests.e2e.test_onboarding_over_http import onboard
from tests.support.instances import Lap, RoundRobin, first_messages, kill, received, start_instances, stop, wait_for
from tests.support.postgres import postgres_server, server_or_skip  # noqa: F401 (a fixture)

EN = ["Continue", "I agree", "I am a parent", "Middle school (collège)", "No, that's all"]
PSY, REMINDED, SILENT, CASE_PARENT = 7301, 7302, 7303, 7304
RACER_IDS = range(8_100_001, 8_100_001 + 100)
SEATS = 12
BURST_CHATS, PER_CHAT = 1000, 2
BURST_IDS = range(9_200_001, 9_200_001 + BURST_CHATS)
ENV = {"RELIER_SEND_PER_SECOND": "500", "RELIER_SEND_PER_CHAT_PER_SECOND": "50", "RELIER_OUTBOX_LEASE_SECONDS": "5",
       "RELIER_LOG_LEVEL": "WARNING"}


@pytest.fixture
async def database(postgres_server):  # noqa: F811
    server = server_or_skip(postgres_server)
    name = await server.create_database()
    yield server.url(name)
    await server.drop_database(name)


async def seed(url: str) -> dict:
    """The centre (no quiet hours: the test runs at any hour), and one due timer of each kind."""
    now = datetime.now(timezone.utc)
    clock = FakeClock(now - timedelta(days=800))
    async with Admin(url, clock=clock) as admin:
        async with admin.store.unit_of_work() as uow:
            centre = await uow.centres.add("Centre Relier Test", "Europe/Paris", quiet_from=0, quiet_until=0)
            await uow.people.add_parent(SILENT, centre.id, await uow.families.create(centre.id), "en",
                                        clock.now())  # silent for 26 months: told of the coming removal
            await uow.commit()
        clock.set(now - timedelta(hours=5))  # a seat taken 5 hours ago, for a session in 90 minutes: its 2 h reminder
        async with admin.store.unit_of_work() as uow:
            evening = await uow.sessions.add(centre.id, "Evening for parents", now + timedelta(minutes=90), 90, 10,
                                             "Salle 2")
            reminded = await uow.people.add_parent(REMINDED, centre.id, await uow.families.create(centre.id), "en",
                                                   clock.now())
            assert (await uow.bookings.book(evening.id, reminded)).outcome == "booked"
            await uow.commit()
        clock.set(now - timedelta(minutes=15))  # an urgent case nobody took for 15 minutes: its 10-minute alert
        async with admin.store.unit_of_work() as uow:
            staff = await uow.people.add_staff(PSY, centre.id, "Inès Martin", "psychologist")
            await uow.people.set_locale(staff.id, "en")
            parent = await uow.people.add_parent(CASE_PARENT, centre.id, await uow.families.create(centre.id), "en",
                                                 clock.now())
            case = await open_or_raise(uow, centre.id, parent.id, None, "urgent", "rule", "text", {"message": "help"})
            await uow.commit()
        clock.set(now)
        async with admin.store.unit_of_work() as uow:
            race = await uow.sessions.add(centre.id, "Race evening", now + timedelta(days=3), 90, SEATS, "Salle 1")
            racers = {}
            for user_id in RACER_IDS:
                racers[user_id] = await uow.people.add_parent(
                    user_id, centre.id, await uow.families.create(centre.id), "en", now)
            await uow.commit()
    return {"case": case.id, "race": race.id, "racers": racers}


async def rows(url: str, *where) -> list:
    async with Admin(url) as admin, admin.store.engine.connect() as conn:
        return (await conn.execute(select(OutboxMessage.key, OutboxMessage.chat_id, OutboxMessage.state,
                                          OutboxMessage.worker, OutboxMessage.duplicates).where(*where))).all()


async def fill(url: str) -> None:
    """PER_CHAT messages due now for each burst chat, numbered in the order they are due."""
    async with Admin(url) as admin, admin.store.unit_of_work() as uow:
        now = admin.store.clock.now()
        for number in range(PER_CHAT):
            await uow.outbox.enqueue_many(
                dict(chat_id=chat, payload=reply_payload(Reply(chat, f"Burst {number} for {chat}")),
                     due_at=now - timedelta(seconds=PER_CHAT - number), key=f"burst:{chat}:{number}", kind="reminder")
                for chat in BURST_IDS)
        await uow.commit()


def updates_from(telegram, user) -> list[int]:
    found = []
    for update in telegram.updates.history:
        body = update.get("message") or update.get("callback_query") or {}
        if body.get("from", {}).get("id") == user.id:
            found.append(update["update_id"])
    return found


async def test_two_instances_behave_as_one_bot(telegram, database, tmp_path):
    lap = Lap()
    seeded = await seed(database)
    for user_id in (PSY, REMINDED, SILENT, CASE_PARENT):
        telegram.user(user_id, first_name="Dominique", language_code="en")
    racers = [telegram.user(user_id, first_name=f"Parent {n}", language_code="en")
              for n, user_id in enumerate(RACER_IDS)]
    for user_id in BURST_IDS:
        telegram.user(user_id, first_name="Family", language_code="en")
    proxy = await RoundRobin().start()
    lap("start")
    instances = await start_instances(telegram, database, tmp_path, proxy, **ENV)
    first, second = instances
    try:
        lap("serving")
        # 1. The timers of both processes at start: each due thing once.
        await wait_for(lambda: all(received(telegram)[chat] >= 1 for chat in (REMINDED, SILENT))
                       and received(telegram)[PSY] >= 2, 30, "the reminder, the notice, the card and the alert")
        async with Admin(database) as admin, admin.store.engine.connect() as conn:
            stage = await conn.scalar(select(Escalation.alert_stage).where(Escalation.id == seeded["case"]))
        assert stage == 1, "the case's alert stage moved more than once"
        timers = await rows(database, OutboxMessage.chat_id.in_((PSY, REMINDED, SILENT)))
        kinds = Counter((key or "unkeyed").split(":")[0] for key, *_ in timers)
        assert kinds["reminder"] == 1 and kinds["retention"] == 1, timers
        assert len([key for key, *_ in timers if key and ":alert:" in key]) == 1, timers
        lap("timers")

        # 2. A dialog goes on from one process to the other.
        parent = telegram.user(first_name="Camille", language_code="en")
        menu = await onboard(telegram, parent, EN, child=("Noé", "12"))
        assert "Main menu" in menu.text
        # Telegram is answered once an update is handled, a moment after the reply: wait for the last answer.
        await wait_for(lambda: None not in proxy.by_instance(updates_from(telegram, parent)), 10,
                       "the answers to Telegram for the parent's updates")
        handled_by = proxy.by_instance(updates_from(telegram, parent))
        assert None not in handled_by and set(handled_by) == {0, 1}, handled_by
        assert any(a != b for a, b in zip(handled_by, handled_by[1:]))
        lap("dialog")

        # 3. The booking race, through both processes.
        async def tap(racer, message, text):
            await telegram.press(racer, message, text=text)
            return await telegram.next_reply(racer, timeout=30)

        async def to_the_session(racer):
            await telegram.send_text(racer, "/menu")
            listing = await tap(racer, await telegram.next_reply(racer, timeout=30), "📅 Group sessions")
            button = next(text for row in listing.buttons for text, _data in row if "Race evening" in text)
            return await tap(racer, listing, button)

        details = []
        for start in range(0, len(racers), 25):  # the way there is not the race: a few at a time
            details += await asyncio.gather(*(to_the_session(racer) for racer in racers[start:start + 25]))
        assert all("Book a seat" in str(detail.buttons) for detail in details)
        lap("race_ready")
        mark = telegram.mark()
        await asyncio.gather(*(telegram.press(racer, detail, text="✅ Book a seat")
                               for racer, detail in zip(racers, details)))

        def outcome(message) -> bool:
            return "Your seat is booked" in message.text or "on the waiting list" in message.text

        answers = await first_messages(telegram, [racer.id for racer in racers], mark, outcome, timeout=60)
        lap("race_done")
        told = {chat: (answer.text, re.search(r"number (\d+) on the waiting list", answer.text))
                for chat, answer in answers.items()}
        async with Admin(database) as admin, admin.store.unit_of_work() as uow:
            session = await uow.sessions.get(seeded["race"])
            roster = await uow.bookings.roster(seeded["race"])
        assert session.booked == SEATS
        person_to_user = {person.id: user_id for user_id, person in seeded["racers"].items()}
        booked = {person_to_user[line.person_id] for line in roster if line.status == "booked"}
        waiting = [person_to_user[line.person_id] for line in sorted(roster, key=lambda line: line.booking_id)
                   if line.status == "waiting"]
        assert len(roster) == len(racers) and len(booked) == SEATS and len(waiting) == len(racers) - SEATS
        assert {user for user, (_text, number) in told.items() if number is None} == booked
        assert [int(told[user][1].group(1)) for user in waiting] == list(range(1, len(waiting) + 1))
        presses = [u["update_id"] for u in telegram.updates.history[-len(racers):]]
        assert set(proxy.by_instance(presses)) == {0, 1}, "the presses did not reach both processes"

        # 4. The burst, and one process killed in the middle of it.
        await fill(database)
        lap("burst")
        burst_total = BURST_CHATS * PER_CHAT

        def burst_received() -> int:
            counts = received(telegram)
            return sum(counts[chat] for chat in BURST_IDS)

        def burst_complete(counts: Counter) -> bool:
            return all(counts[chat] >= PER_CHAT for chat in BURST_IDS)

        await wait_for(lambda: burst_received() >= burst_total * 2 // 5, 60, "40% of the burst", every=0.02)
        await kill(second)
        lap("killed")
        at_kill = burst_received()
        in_flight = len(await rows(database, OutboxMessage.state == "sending", OutboxMessage.worker == second.worker))
        await telegram.send_text(parent, "/menu")  # the proxy passes over the dead process
        assert "Main menu" in (await telegram.next_reply(parent, timeout=15)).text
        await wait_for(lambda: burst_complete(received(telegram)), 120, "every message", every=0.05)
        lap("delivered")
        await asyncio.sleep(0.5)  # anything late would show now
        burst = await rows(database, OutboxMessage.key.startswith("burst:"))
        assert Counter(state for _key, _chat, state, _worker, _dup in burst) == Counter({"sent": burst_total})
        counts = received(telegram)
        duplicates = sum(counts[chat] for chat in BURST_IDS) - burst_total
        reclaimed = sum(dup for *_rest, dup in burst)
        print(f"\ntwo instances: serving after {lap.between('start', 'serving'):.1f} s; timers at start "
              f"{lap.between('serving', 'timers'):.1f} s; race of {len(racers)} for {SEATS} seats "
              f"{lap.between('race_ready', 'race_done'):.2f} s; burst of {burst_total}: killed after {at_kill} "
              f"({lap.between('burst', 'killed'):.1f} s), {in_flight} in flight, all delivered "
              f"{lap.between('burst', 'delivered'):.1f} s after it was due, {duplicates} received twice, "
              f"{reclaimed} rows taken over; routed {Counter(proxy.routed.values())}, "
              f"{proxy.unreachable} call(s) passed over")
        assert 0 <= duplicates <= in_flight
        assert reclaimed == in_flight  # every row the dead process held was taken over, once
        for chat in BURST_IDS:  # each chat's messages in order (a message received twice: where it first came)
            texts = [m.text for m in telegram.chat_messages(chat)]
            assert list(dict.fromkeys(texts)) == [f"Burst {n} for {chat}" for n in range(PER_CHAT)], texts
        for chat in (PSY, REMINDED, SILENT):  # nothing of the timers sent twice
            sent = [row for row in await rows(database, OutboxMessage.chat_id == chat) if row.state == "sent"]
            assert received(telegram)[chat] == len(sent), (chat, sent)
    finally:
        codes = [await stop(instance) for instance in instances]
        await proxy.stop()
    assert codes[0] == 0, first.log.read_text()[-3000:]
    assert [c for c in telegram.rejected if c.method != "getUpdates"] == []
    text = first.log.read_text()
    assert "Traceback" not in text and "Burst " not in text and "Camille" not in text, text[-3000:]
