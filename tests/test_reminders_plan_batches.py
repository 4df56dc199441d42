"""The planner in batches: with more families than one batch, every due prompt and reminder is planned
exactly once, in the run at its minute, however the runs are cut and whichever process runs them."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.bootstrap import build_core
from dialogs.reminders.plan import plan
from storage.models import OutboxMessage

PARIS = ZoneInfo("Europe/Paris")
OFFSETS = (timedelta(hours=24), timedelta(hours=2))
SUNDAY_18 = datetime(2026, 11, 29, 18, 0, tzinfo=PARIS).astimezone(timezone.utc)
MONDAY_18 = SUNDAY_18 + timedelta(days=1)
BATCH = 3  # the families below fill several batches


async def add_parents(core, centre, count: int, first_id: int, weekday: int = 6, hour: int = 18,
                      paused: bool = False) -> list[int]:
    """Parents who agreed on Tuesday 24 November, with their check-in day and hour; their person ids."""
    ids = []
    async with core.store.unit_of_work() as uow:
        for n in range(count):
            family = await uow.families.create(centre.id)
            person = await uow.people.add_parent(first_id + n, centre.id, family, "fr", uow.clock.now())
            await uow.people.set_checkin_time(person.id, weekday, hour)
            if paused:
                await uow.people.pause_checkins(person.id, True)
            ids.append(person.id)
        await uow.commit()
    return ids


async def outbox(core, kind: str | None = None) -> list[OutboxMessage]:
    async with core.store.engine.connect() as conn:
        query = select(OutboxMessage.key, OutboxMessage.kind, OutboxMessage.person_id, OutboxMessage.chat_id,
                       OutboxMessage.due_at).order_by(OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        return list((await conn.execute(query)).all())


async def families(core, centre) -> tuple[list[int], list[int]]:
    """Eight families asked on Sunday at 18:00, three on Monday at 18:00, and two who paused, mixed
    in id order so that every batch holds some of each."""
    sunday, monday = [], []
    for start in range(0, 8, 4):
        sunday += await add_parents(core, centre, 4, 1000 + start)
        monday += await add_parents(core, centre, 1 if start else 2, 2000 + start, weekday=0)
        await add_parents(core, centre, 1, 3000 + start, paused=True)
    return sunday, monday


async def test_more_families_than_a_batch_each_due_prompt_is_planned_once_in_the_run_at_its_minute(
        core, centre, clock):
    sunday, monday = await families(core, centre)
    clock.set(SUNDAY_18 - timedelta(seconds=1))
    assert await plan(core.store, OFFSETS, batch=BATCH) == 0  # 17:59:59: not yet
    clock.set(SUNDAY_18)
    assert await plan(core.store, OFFSETS, batch=BATCH) == 2 * len(sunday)  # 18:00:00: a prompt and a nudge each
    prompts = await outbox(core, "prompt")
    assert sorted(row.person_id for row in prompts) == sorted(sunday)
    assert {row.due_at for row in prompts} == {SUNDAY_18}
    assert sorted(row.person_id for row in await outbox(core, "nudge")) == sorted(sunday)
    assert await plan(core.store, OFFSETS, batch=BATCH) == 0  # twice run, nothing more
    clock.set(SUNDAY_18 + timedelta(minutes=1))
    assert await plan(core.store, OFFSETS, batch=2) == 0  # a minute later, cut otherwise: nothing more
    clock.set(MONDAY_18)
    assert await plan(core.store, OFFSETS, batch=BATCH) == 2 * len(monday)
    monday_prompts = [row for row in await outbox(core, "prompt") if row.due_at == MONDAY_18]
    assert sorted(row.person_id for row in monday_prompts) == sorted(monday)
    keys = [row.key for row in await outbox(core)]
    assert len(keys) == len(set(keys)) == 2 * (len(sunday) + len(monday))


async def test_another_process_cut_in_other_batches_adds_nothing_to_what_was_planned(core, centre, clock, db_url):
    sunday, _monday = await families(core, centre)
    clock.set(SUNDAY_18 + timedelta(minutes=3))
    assert await plan(core.store, OFFSETS, batch=BATCH) == 2 * len(sunday)
    other = await build_core(db_url, clock=clock, migrate=False)
    try:
        assert await plan(other.store, OFFSETS, batch=2) == 0  # its memory is empty: the keys refuse it
        assert await plan(other.store, OFFSETS, batch=100) == 0
    finally:
        await other.close()
    assert len(await outbox(core)) == 2 * len(sunday)


async def test_two_processes_planning_at_once_batch_by_batch_plan_each_prompt_once(core, centre, clock, db_url):
    sunday, _monday = await families(core, centre)
    clock.set(SUNDAY_18)
    other = await build_core(db_url, clock=clock, migrate=False)
    try:
        # Each gives the event loop back between its batches, so their batches interleave.
        added = await asyncio.gather(plan(core.store, OFFSETS, batch=2), plan(other.store, OFFSETS, batch=3))
    finally:
        await other.close()
    assert sum(added) == 2 * len(sunday)
    assert sorted(row.person_id for row in await outbox(core, "prompt")) == sorted(sunday)


async def test_seat_reminders_over_several_batches_once_each_at_their_minute(core, centre, clock):
    parents = await add_parents(core, centre, 7, 5000, weekday=2)  # Wednesday: no prompt on these days
    starts = MONDAY_18
    async with core.store.unit_of_work() as uow:
        session = await uow.sessions.add(centre.id, "Groupe de parole", starts, 90, 10)
        booked = [(await uow.bookings.book(session.id, await uow.people.get(pid))).booking.id for pid in parents]
        await uow.commit()
    clock.set(starts - timedelta(hours=24, seconds=1))
    assert await plan(core.store, OFFSETS, batch=BATCH) == 0
    clock.set(starts - timedelta(hours=24))
    assert await plan(core.store, OFFSETS, batch=BATCH) == len(parents)
    assert await plan(core.store, OFFSETS, batch=2) == 0
    reminders = await outbox(core, "reminder")
    assert sorted(row.person_id for row in reminders) == sorted(parents)
    assert {row.due_at for row in reminders} == {starts - timedelta(hours=24)}
    assert sorted(int(row.key.split(":")[1]) for row in reminders) == sorted(booked)
    clock.set(starts - timedelta(hours=2))
    assert await plan(core.store, OFFSETS, batch=BATCH) == len(parents)  # the 2 h ones, once each
    assert len(await outbox(core, "reminder")) == 2 * len(parents)


async def test_the_dispatcher_is_woken_as_batches_are_queued_not_only_at_the_end(core, centre, clock):
    sunday, _monday = await families(core, centre)
    woken: list[int] = []

    def notify() -> None:  # what the runtime would hand over: the dispatcher's notify
        woken.append(1)

    clock.set(SUNDAY_18)
    assert await plan(core.store, OFFSETS, batch=BATCH, notify=notify) == 2 * len(sunday)
    assert len(woken) > 1  # once per batch that queued something, the first before the run ended
    woken.clear()
    assert await plan(core.store, OFFSETS, batch=BATCH, notify=notify) == 0
    assert woken == []  # nothing new: nobody woken


async def test_many_rows_at_once_are_idempotent_by_key_like_one_at_a_time(core, centre, clock):
    (person_id,) = await add_parents(core, centre, 1, 6000)
    row = dict(chat_id=6000, payload={"type": "prompt", "person": person_id}, due_at=SUNDAY_18, kind="prompt",
               person_id=person_id)
    async with core.store.unit_of_work() as uow:
        assert await uow.outbox.enqueue(6000, row["payload"], SUNDAY_18, key="prompt:a", kind="prompt") is not None
        added = await uow.outbox.enqueue_many([{**row, "key": "prompt:a"}, {**row, "key": "prompt:b"},
                                               {**row, "key": "prompt:b"}, {**row, "key": "prompt:c"}])
        await uow.commit()
    assert added == 2  # a is there already, b once
    assert [r.key for r in await outbox(core)] == ["prompt:a", "prompt:b", "prompt:c"]
    async with core.store.unit_of_work() as uow:
        assert await uow.outbox.enqueue_many([{**row, "key": "prompt:c"}]) == 0
        assert await uow.outbox.enqueue_many([]) == 0
    async with core.store.engine.connect() as conn:
        row_id = await conn.scalar(select(OutboxMessage.id).where(OutboxMessage.key == "prompt:c"))
    async with core.store.unit_of_work() as uow:
        stored = await uow.outbox.get(row_id)  # as the dispatcher reads it: the payload decrypted
    assert stored.payload == row["payload"] and stored.due_at == SUNDAY_18 and stored.state == "pending"
