"""Several bot processes on one PostgreSQL database, at the storage level: what the two-process
end-to-end test (tests/e2e/test_two_instances.py) relies on, checked exactly and fast.

- Two dispatchers claiming at once never hold rows of one chat at the same time: a chat's messages
  leave in order, at the chat's pace, and a case's topic is opened by one process only.
- Two processes starting together on an empty database both migrate it (one waits for the other).
"""

from __future__ import annotations

import asyncio
import os
import pathlib
import sys
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import inspect, select

from storage.crypto import Keyring
from storage.database import make_engine, upgrade
from storage.models import OutboxMessage
from storage.store import Store
from tests.delivery.conftest import enqueue
from tests.support.keys import TEST_DATA_KEY
from tests.support.postgres import server_or_skip

RELIER = str(pathlib.Path(sys.executable).parent / "relier")

CHATS, PER_CHAT = 40, 5


def own_store(url: str, clock) -> Store:
    """A store on an engine of its own: another process, as far as the database can tell."""
    return Store(make_engine(url, keyring=Keyring.from_text(TEST_DATA_KEY)), clock)


async def claim(store: Store, worker: str, limit: int = 7):
    async with store.unit_of_work() as uow:
        rows = await uow.outbox.claim(limit, 60, worker)
        await uow.commit()
    return rows


async def mark_sent(store: Store, worker: str, rows) -> None:
    async with store.unit_of_work() as uow:
        for row in rows:
            assert await uow.outbox.mark_sent(row.id, worker)
        await uow.commit()


async def holders(store: Store) -> dict[int, set[str]]:
    """chat -> the workers holding a live lease on one of its rows."""
    async with store.unit_of_work() as uow:
        found = (await uow.outbox._session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.worker).where(OutboxMessage.state == "sending"))).all()
    held: dict[int, set[str]] = defaultdict(set)
    for chat, worker in found:
        held[chat].add(worker)
    return held


async def test_two_dispatchers_never_hold_one_chat_at_once_and_each_chat_keeps_its_order(postgres_url, clock):
    first, second = own_store(postgres_url, clock), own_store(postgres_url, clock)
    try:
        for chat in range(1, CHATS + 1):  # chat after chat, each chat's rows one after the other
            for n in range(PER_CHAT):
                await enqueue(first, chat, due_at=clock.now() - timedelta(hours=1, seconds=-chat * PER_CHAT - n))
        sent: dict[int, list[int]] = defaultdict(list)  # chat -> row ids in the order they were sent
        rounds = 0
        while sum(len(ids) for ids in sent.values()) < CHATS * PER_CHAT:
            rounds += 1
            assert rounds < 200, "the claims stopped making progress"
            one, two = await asyncio.gather(claim(first, "a"), claim(second, "b"))
            shared = {chat: workers for chat, workers in (await holders(first)).items() if len(workers) > 1}
            assert shared == {}, f"round {rounds}: chats held by both processes at once"
            for store, worker, rows in ((first, "a", one), (second, "b", two)):
                await mark_sent(store, worker, rows)
                for row in rows:
                    sent[row.chat_id].append(row.id)
        assert [chat for chat, ids in sent.items() if ids != sorted(ids) or len(ids) != PER_CHAT] == [], dict(sent)
        async with first.unit_of_work() as uow:
            assert (await uow.outbox.status()).counts["sent"] == CHATS * PER_CHAT
    finally:
        await first.close()
        await second.close()


async def test_a_chat_whose_worker_died_waits_for_the_lease_then_goes_on_in_order(postgres_url, clock):
    first, second = own_store(postgres_url, clock), own_store(postgres_url, clock)
    try:
        ids = [(await enqueue(first, 9, due_at=clock.now() - timedelta(seconds=3 - n)))[0] for n in range(3)]
        dead = await claim(first, "dead", limit=1)
        assert [r.id for r in dead] == ids[:1]
        assert await claim(second, "b") == []  # the chat is being served: its next rows wait
        clock.advance(seconds=61)  # the lease expired: everything of the chat, from its first row, in order
        again = await claim(second, "b")
        assert [r.id for r in again] == ids and again[0].reclaimed
    finally:
        await first.close()
        await second.close()


async def test_two_processes_starting_together_on_an_empty_database_both_migrate_it(postgres_server):
    """Each `relier db upgrade` (as `relier run` does at start) in a process of its own: Alembic's context is one
    per process, so processes are what can race."""
    server = server_or_skip(postgres_server)
    name = await server.create_database(migrated=False)
    environment = {**os.environ, "RELIER_DATABASE_URL": server.url(name), "RELIER_DATA_KEY": TEST_DATA_KEY}
    try:
        processes = [await asyncio.create_subprocess_exec(
            RELIER, "db", "upgrade", env=environment, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            for _ in range(3)]
        results = [await asyncio.wait_for(p.communicate(), timeout=120) for p in processes]
        assert [p.returncode for p in processes] == [0, 0, 0], [err.decode()[-400:] for _out, err in results]
        engine = make_engine(server.url(name))
        try:
            async with engine.connect() as conn:
                tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
                version = (await conn.exec_driver_sql("SELECT version_num FROM alembic_version")).all()
        finally:
            await engine.dispose()
        assert {"outbox", "people", "group_sessions", "bookings"} <= tables, tables
        assert len(version) == 1
    finally:
        await server.drop_database(name)
