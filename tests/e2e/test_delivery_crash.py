"""The real `relier run` process with 1,000 due messages in its outbox: killed mid-delivery and
restarted, nothing is lost and the only duplicates are the sends in flight at the kill; stopped
with SIGTERM mid-delivery, it exits cleanly and leaves no row being sent.

Sends are raised to 400 a second (RELIER_SEND_PER_SECOND) so a run takes seconds, and the lease
shortened (RELIER_OUTBOX_LEASE_SECONDS) so the rows of the killed process are claimed again soon.
The fake Telegram enforces one message per chat per second, with no overall limit, and answers a
send 50 ms after taking it, as a distant server would: a kill then finds messages that reached
Telegram but whose answer never reached the bot, the duplicates at-least-once delivery allows."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from bot.admin import Admin
from dialogs.events import Reply
from dialogs.reminders.payload import reply_payload
from storage.models import OutboxMessage
from tests.e2e.test_relier_run_process import database, start, stop  # noqa: F401  (a fixture)

ROWS = 1000
FAST = {"RELIER_SEND_PER_SECOND": "400", "RELIER_OUTBOX_LEASE_SECONDS": "5"}


def distant(telegram, latency: float = 0.05) -> None:
    """Every send is taken at once and answered `latency` seconds later."""
    execute = telegram._execute

    async def answer_later(method, params):
        result = await execute(method, params)
        if method == "sendMessage":
            await asyncio.sleep(latency)
        return result

    telegram._execute = answer_later


async def fill(telegram, url: str, count: int = ROWS) -> list[int]:
    """`count` messages due now, each to its own private chat the fake knows."""
    chats = [telegram.user(first_name=f"Parent {n}").id for n in range(count)]
    async with Admin(url) as admin:
        now = admin.store.clock.now()
        async with admin.store.unit_of_work() as uow:
            for n, chat in enumerate(chats):
                await uow.outbox.enqueue(chat, reply_payload(Reply(chat, f"Message {n}")),
                                         now - timedelta(seconds=1), key=f"crash-test:{n}")
            await uow.commit()
    return chats


async def states(url: str) -> Counter[str]:
    async with Admin(url) as admin:
        async with admin.store.engine.connect() as conn:
            rows = await conn.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state))
            return Counter(dict(rows.all()))


async def duplicates_counted(url: str) -> int:
    async with Admin(url) as admin:
        async with admin.store.engine.connect() as conn:
            return int(await conn.scalar(select(func.sum(OutboxMessage.duplicates))) or 0)


def received(telegram) -> Counter[int]:
    """Messages accepted by the fake, per chat."""
    return Counter(record.chat_id for record in telegram.send_log)


async def wait_for(check, timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.002)


async def test_a_killed_process_loses_nothing_and_duplicates_only_what_was_in_flight(telegram, database, tmp_path):
    telegram.enforce_limits(global_per_second=None, per_chat_per_second=1, per_group_per_minute=20)
    distant(telegram)
    chats = await fill(telegram, database)
    loop = asyncio.get_running_loop()
    process, log = await start(telegram, database, tmp_path, **FAST)
    began = loop.time()
    try:
        await wait_for(lambda: len(telegram.send_log) >= 300, 30, "300 messages")
        process.send_signal(signal.SIGKILL)
        await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
    at_kill = len(telegram.send_log)
    in_flight = (await states(database))["sending"]  # claimed, maybe sent, not recorded
    assert in_flight > 0, "the kill came between two batches: nothing was in flight"

    process, log = await start(telegram, database, tmp_path, **FAST)
    try:
        await wait_for(lambda: len(received(telegram)) == ROWS, 40, "every chat's message")
        await wait_for(lambda: True, 0.5, "late duplicates")
    finally:
        assert await stop(process) == 0
    total = sum(received(telegram).values())
    duplicates = total - ROWS
    print(f"\n1,000 rows: {at_kill} messages received before SIGKILL, {in_flight} rows in flight at the kill, "
          f"{total} messages in all, {duplicates} duplicates (counted by the outbox as possible: "
          f"{await duplicates_counted(database)}), {loop.time() - began:.1f} s from first start to the end")
    assert set(received(telegram)) == set(chats)  # none missing
    assert 0 <= duplicates <= in_flight
    assert await states(database) == Counter({"sent": ROWS})
    assert await duplicates_counted(database) == in_flight  # every in-flight row was claimed again, once
    # The killed process's long poll was still open at the fake: the new one's first getUpdates
    # may be refused (409), as Telegram does. No send was refused.
    assert [c for c in telegram.rejected if c.method != "getUpdates"] == []
    assert "Message " not in log.read_text()  # no message text in the logs


async def test_sigterm_mid_delivery_exits_cleanly_and_leaves_nothing_being_sent(telegram, database, tmp_path):
    telegram.enforce_limits(global_per_second=None, per_chat_per_second=1, per_group_per_minute=20)
    distant(telegram)
    await fill(telegram, database)
    env = {**FAST, "RELIER_SEND_PER_SECOND": "200"}
    process, _log = await start(telegram, database, tmp_path, **env)
    try:
        await wait_for(lambda: len(telegram.send_log) >= 200, 30, "200 messages")
    finally:
        code = await stop(process)  # SIGTERM
    assert code == 0
    found = await states(database)
    sent_before = len(telegram.send_log)
    print(f"\nSIGTERM after 200 messages: exit {code}, {sent_before} received, states {dict(found)}")
    assert found["sending"] == 0
    assert found["sent"] == sent_before and found["pending"] == ROWS - sent_before  # every send recorded

    process, _log = await start(telegram, database, tmp_path, **FAST)  # the rest, exactly once
    try:
        await wait_for(lambda: len(received(telegram)) == ROWS, 40, "every chat's message")
    finally:
        assert await stop(process) == 0
    assert sum(received(telegram).values()) == ROWS  # a clean stop leaves no duplicate
    assert await states(database) == Counter({"sent": ROWS})
