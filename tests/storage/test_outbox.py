"""The outbox table, on SQLite and PostgreSQL: idempotent enqueueing, claims that never overlap, leases,
expiry, and what the staff see."""

from __future__ import annotations

import asyncio
import random
import threading
from datetime import timedelta

import pytest

from storage.crypto import Keyring
from storage.database import make_engine
from storage.store import Store
from tests.delivery.conftest import enqueue, row, status
from tests.support.keys import TEST_DATA_KEY


async def claim(store, limit=10, lease=60, worker="w1", **options):
    async with store.unit_of_work() as uow:
        rows = await uow.outbox.claim(limit, lease, worker, **options)
        await uow.commit()
    return rows


async def test_enqueue_is_idempotent_by_key(store):
    first = await enqueue(store, 42, key="reminder:booking:7:24h")
    again = await enqueue(store, 42, key="reminder:booking:7:24h")
    unkeyed = await enqueue(store, 42, count=2)
    assert first[0] is not None and again == [None]
    assert None not in unkeyed and len(set(unkeyed)) == 2  # no key, no deduplication
    assert (await status(store)).counts["pending"] == 3


def _in_own_loop(db_url, clock, barrier, work):
    """Run `work(store)` in this thread's own event loop, on its own engine."""

    async def main():
        store = Store(make_engine(db_url, keyring=Keyring.from_text(TEST_DATA_KEY)), clock)  # the test key
        try:
            barrier.wait()
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(main())


async def test_two_processes_enqueueing_the_same_keys_leave_one_row_each(store, db_url, clock):
    keys = [f"prompt:person:{n}:2026-W48" for n in range(150)]
    barrier = threading.Barrier(2)

    def worker(seed):
        async def work(own):
            order = random.Random(seed).sample(keys, len(keys))
            got = {}
            for key in order:
                async with own.unit_of_work() as uow:
                    got[key] = await uow.outbox.enqueue(1, {"text": "t"}, clock.now(), key=key)
                    await uow.commit()
            return got

        return _in_own_loop(db_url, clock, barrier, work)

    one, two = await asyncio.gather(asyncio.to_thread(worker, 1), asyncio.to_thread(worker, 2))
    for key in keys:
        assert (one[key] is None) != (two[key] is None), key  # exactly one of them inserted it
    assert (await status(store)).counts["pending"] == len(keys)


async def test_two_processes_claiming_never_take_the_same_row(store, db_url, clock):
    for chat in range(200):  # a chat's rows go to one worker at a time: one row per chat, so both take part
        await enqueue(store, chat)
    barrier = threading.Barrier(2)

    def worker(name):
        async def work(own):
            taken = []
            while rows := await claim(own, limit=7, worker=name):
                taken += [r.id for r in rows]
            return taken

        return _in_own_loop(db_url, clock, barrier, work)

    one, two = await asyncio.gather(asyncio.to_thread(worker, "a"), asyncio.to_thread(worker, "b"))
    assert not set(one) & set(two)
    assert len(one) + len(two) == 200


async def test_a_claim_leases_due_rows_urgent_first(store, clock):
    later = await enqueue(store, 1, due_at=clock.now() + timedelta(minutes=5))
    normal = await enqueue(store, 2)
    urgent = await enqueue(store, 3, urgent=True, kind="alert")
    rows = await claim(store, lease=600)
    assert [r.id for r in rows] == urgent + normal
    assert all(r.state == "sending" and r.attempts == 1 and r.worker == "w1" for r in rows)
    assert rows[0].lease_until == clock.now() + timedelta(seconds=600)
    assert rows[1].payload == {"text": "secret text"}
    assert await claim(store) == []  # leased: nobody else takes them
    clock.advance(minutes=5)
    assert [r.id for r in await claim(store)] == later


async def test_an_expired_lease_is_claimed_again_and_counted_as_a_duplicate(store, clock):
    (id,) = await enqueue(store, 1)
    (first,) = await claim(store, lease=60, worker="dead")
    assert not first.reclaimed
    clock.advance(seconds=59)
    assert await claim(store, worker="w2") == []
    clock.advance(seconds=2)
    (again,) = await claim(store, worker="w2")
    assert again.id == id and again.reclaimed and again.duplicates == 1 and again.attempts == 2
    async with store.unit_of_work() as uow:
        assert not await uow.outbox.mark_sent(id, worker="dead")  # the lease is no longer its own
        assert await uow.outbox.mark_sent(id, worker="w2")
        await uow.commit()
    assert (await row(store, id)).state == "sent"
    assert (await status(store)).duplicates == 1


async def test_a_row_past_not_after_is_dropped_not_claimed(store, clock):
    session_start = clock.now() + timedelta(hours=1)
    (late,) = await enqueue(store, 1, due_at=clock.now(), not_after=clock.now() - timedelta(seconds=1))
    (timely,) = await enqueue(store, 2, not_after=session_start)
    assert [r.id for r in await claim(store)] == [timely]
    dropped = await row(store, late)
    assert (dropped.state, dropped.last_error, dropped.attempts) == ("dropped", "expired", 0)


async def test_results_move_rows_between_states(store, clock):
    ids = await enqueue(store, 1, count=4)
    await claim(store)
    retry_at = clock.now() + timedelta(minutes=2)
    async with store.unit_of_work() as uow:
        assert await uow.outbox.mark_sent(ids[0])
        assert await uow.outbox.retry_later(ids[1], retry_at, "http_502_bad_gateway_and_much_more_text")
        assert await uow.outbox.fail(ids[2], "unreachable")
        assert await uow.outbox.release([ids[3]]) == 1
        assert not await uow.outbox.mark_sent(ids[3])  # released: not leased any more
        await uow.commit()
    sent, retried, failed, released = [await row(store, id) for id in ids]
    assert sent.state == "sent" and sent.sent_at == clock.now()
    assert (retried.state, retried.due_at, retried.attempts) == ("pending", retry_at, 1)
    assert len(retried.last_error) == 32
    assert (failed.state, failed.last_error) == ("failed", "unreachable")
    assert (released.state, released.attempts, released.worker, released.lease_until) == ("pending", 0, None, None)


async def test_postponing_gives_the_attempt_back(store, clock):
    ids = await enqueue(store, 1, count=2)
    await claim(store)
    until = clock.now() + timedelta(seconds=30)
    async with store.unit_of_work() as uow:
        assert await uow.outbox.postpone(ids, until, worker="w1") == 2
        await uow.commit()
    for id in ids:
        postponed = await row(store, id)
        assert (postponed.state, postponed.due_at, postponed.attempts) == ("pending", until, 0)


async def test_cancel_by_key_prefix_ids_or_person_and_reschedule(store, clock):
    a = await enqueue(store, 1, key="reminder:booking:7:24h")
    b = await enqueue(store, 1, key="reminder:booking:7:1h")
    other = await enqueue(store, 1, key="reminder:booking:70:1h")  # a prefix, not a substring
    odd = await enqueue(store, 1, key="reminder:booking:7_%:1h")
    async with store.unit_of_work() as uow:
        assert await uow.outbox.cancel(key_prefix="reminder:booking:7:") == 2
        assert await uow.outbox.cancel(ids=odd) == 1
        assert await uow.outbox.reschedule("reminder:booking:70:1h", clock.now() + timedelta(days=1))
        assert not await uow.outbox.reschedule("reminder:booking:7:1h", clock.now())  # cancelled
        with pytest.raises(ValueError):
            await uow.outbox.cancel()
        await uow.commit()
    for id in a + b + odd:
        assert ((await row(store, id)).state, (await row(store, id)).last_error) == ("dropped", "cancelled")
    moved = await row(store, other[0])
    assert moved.state == "pending" and moved.due_at == clock.now() + timedelta(days=1)


async def test_status_counts_states_and_the_oldest_due_row(store, clock):
    assert (await status(store)).counts == dict.fromkeys(("pending", "sending", "sent", "failed", "dropped"), 0)
    ids = await enqueue(store, 1, count=3)
    await enqueue(store, 2, due_at=clock.now() + timedelta(hours=1))  # not due: not late
    clock.advance(seconds=90)
    await claim(store, limit=1)
    async with store.unit_of_work() as uow:
        await uow.outbox.mark_sent(ids[0])
        await uow.commit()
    now = await status(store)
    assert now.counts == {"pending": 3, "sending": 0, "sent": 1, "failed": 0, "dropped": 0}
    assert now.oldest_due_seconds == 90


async def test_retry_failed_puts_failed_rows_back_now(store, clock):
    ids = await enqueue(store, 1, count=3)
    await claim(store)
    async with store.unit_of_work() as uow:
        for id in ids[:2]:
            await uow.outbox.fail(id, "http_500")
        await uow.outbox.mark_sent(ids[2])
        await uow.commit()
    clock.advance(hours=3)
    async with store.unit_of_work() as uow:
        assert [r.id for r in await uow.outbox.failed()] == ids[:2]
        assert await uow.outbox.retry_failed() == 2
        await uow.commit()
    retried = await row(store, ids[0])
    assert (retried.state, retried.attempts, retried.due_at) == ("pending", 0, clock.now())
    assert [r.id for r in await claim(store)] == ids[:2]


async def test_purge_deletes_old_sent_and_dropped_rows_only(store, clock):
    ids = await enqueue(store, 1, count=3)
    await claim(store, limit=2)
    async with store.unit_of_work() as uow:
        await uow.outbox.mark_sent(ids[0])
        await uow.outbox.fail(ids[1], "unreachable")
        await uow.commit()
    clock.advance(days=31)
    async with store.unit_of_work() as uow:
        assert await uow.outbox.purge(clock.now() - timedelta(days=30)) == 1
        await uow.commit()
    assert await row(store, ids[0]) is None and await row(store, ids[1]) is not None


async def two_instances(url: str, clock) -> tuple[Store, Store]:
    """Two stores on one database, each with its engine and pool: two `relier run` processes."""
    keyring = Keyring.from_text(TEST_DATA_KEY)
    return Store(make_engine(url, keyring=keyring), clock), Store(make_engine(url, keyring=keyring), clock)


async def test_on_postgresql_a_claim_skips_the_rows_another_instance_holds_instead_of_waiting(postgres_url, clock):
    one, two = await two_instances(postgres_url, clock)
    try:
        ids = [(await enqueue(one, chat))[0] for chat in (5, 6, 7)]
        async with one.unit_of_work() as holding:  # claimed, not committed yet: its row (and chat) stays locked
            (held,) = await holding.outbox.claim(1, 60, "one")
            # The other instance neither waits for that lock nor takes the row: it gets the others at once.
            others = await asyncio.wait_for(claim(two, worker="two"), timeout=10)
            assert held.id == ids[0] and [r.id for r in others] == ids[1:]
        # `one` gave up without committing: its row is pending again, and claimable.
        assert [r.id for r in await claim(two, worker="two")] == ids[:1]
    finally:
        await one.close()
        await two.close()


async def test_on_postgresql_two_instances_claiming_in_one_loop_share_the_rows_without_overlap(postgres_url, clock):
    """Claims interleaved statement by statement (no process lock on PostgreSQL): 300 rows, claimed by
    two instances in batches, each row exactly once, and no claim waited for the other's locks."""
    one, two = await two_instances(postgres_url, clock)
    try:
        for chat in range(300):  # a chat's rows go to one worker at a time: one row per chat
            await enqueue(one, chat)

        async def drain(store, name):
            taken = []
            while rows := await claim(store, limit=9, worker=name):
                taken += [r.id for r in rows]
                await asyncio.sleep(0)  # let the other instance in between two claims
            return taken

        a, b = await asyncio.gather(drain(one, "a"), drain(two, "b"))
        assert not set(a) & set(b) and len(a) + len(b) == 300
        assert a and b  # both really took part
        assert (await status(one)).counts["sending"] == 300
    finally:
        await one.close()
        await two.close()
