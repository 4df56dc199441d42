"""The runtime's wiring: settings, the planner and purge jobs, the scheduler, unreachable chats."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.bootstrap import build_bot
from bot.cli import main
from bot.delivery import Limits
from bot.runtime import DeliveryOptions, Runtime
from bot.settings import Settings, parse_durations
from tests.delivery.conftest import enqueue, status


@pytest.fixture
async def runtime(core, clock):
    bot = await build_bot(core, token="123456:TEST-TOKEN", api_url="http://127.0.0.1:9",  # never called here
                          options=DeliveryOptions(reminders=(timedelta(hours=2),)), worker_id="test-runtime")
    yield bot.runtime
    await bot.client.close()


def test_durations_are_read_longest_first():
    assert parse_durations("2h,24h") == (timedelta(hours=24), timedelta(hours=2))
    assert parse_durations(" 1d , 90m, 24h") == (timedelta(days=1), timedelta(minutes=90))
    assert parse_durations("") == ()
    for bad in ("2", "2 hours", "0h", "-1h", "1w"):
        with pytest.raises(ValueError):
            parse_durations(bad)


def test_delivery_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RELIER_SESSION_REMINDERS", "1d,90m")
    monkeypatch.setenv("RELIER_SEND_PER_SECOND", "400")
    monkeypatch.setenv("RELIER_SEND_PER_GROUP_PER_MINUTE", "10")
    monkeypatch.setenv("RELIER_OUTBOX_LEASE_SECONDS", "6")
    options = DeliveryOptions.from_settings(Settings())
    assert options.reminders == (timedelta(days=1), timedelta(minutes=90))
    assert options.limits == Limits(overall_per_second=400, private_per_second=1, group_per_minute=10)
    assert options.lease == 6


def test_a_bad_delivery_setting_stops_relier_at_once(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RELIER_SESSION_REMINDERS", "tomorrow")
    assert main(["outbox", "status"]) == 2
    assert "bad setting: session_reminders" in capsys.readouterr().err
    monkeypatch.setenv("RELIER_SESSION_REMINDERS", "24h")
    monkeypatch.setenv("RELIER_SEND_PER_SECOND", "0")
    assert main(["outbox", "status"]) == 2
    assert "bad setting: send_per_second" in capsys.readouterr().err


async def test_a_short_lease_gets_a_shorter_send_timeout(core, clock):
    bot = await build_bot(core, token="123456:TEST-TOKEN", api_url="http://127.0.0.1:9",
                          options=DeliveryOptions(lease=6))
    try:
        assert bot.runtime.dispatcher._send_timeout == 2  # a send must fit well within the lease
    finally:
        await bot.client.close()


async def test_purge_deletes_sent_and_dropped_rows_after_30_days(core, clock, runtime):
    store = core.store
    sent, dropped, failed, pending = [await enqueue(store, chat) for chat in (1, 2, 3, 4)]
    async with store.unit_of_work() as uow:
        await uow.outbox.claim(10, 60, "w")
        await uow.outbox.mark_sent(sent[0])
        await uow.outbox.fail(failed[0], "blocked")
        await uow.outbox.release([pending[0]])
        await uow.outbox.cancel(ids=dropped)
        await uow.commit()
    clock.advance(days=29)
    assert await runtime.purge() == 0
    clock.advance(days=2)
    assert await runtime.purge() == 2
    counts = (await status(store)).counts
    assert (counts["sent"], counts["dropped"], counts["failed"], counts["pending"]) == (0, 0, 1, 1)


async def test_the_scheduler_plans_and_purges_once_at_start(core, clock, runtime, monkeypatch):
    (old,) = await enqueue(core.store, 1)
    async with core.store.unit_of_work() as uow:
        await uow.outbox.claim(10, 60, "w")
        await uow.outbox.mark_sent(old)
        await uow.commit()
    clock.advance(days=31)
    planned = []

    async def plan(store, reminders, notify=None):
        planned.append(reminders)
        return 0

    import bot.runtime

    monkeypatch.setattr(bot.runtime, "plan", plan)
    halt = asyncio.Event()
    delivering = asyncio.create_task(runtime.dispatcher.run(halt))
    scheduler = runtime.start_scheduler()
    assert {job.id for job in scheduler.get_jobs()} >= {"plan", "purge"}
    for _ in range(300):
        if planned and (await status(core.store)).counts["sent"] == 0:
            break
        await asyncio.sleep(0.01)
    await runtime.shutdown(halt, delivering)
    assert planned == [(timedelta(hours=2),)]
    assert (await status(core.store)).counts["sent"] == 0
    assert runtime.scheduler is None and delivering.done()


async def test_a_plan_under_way_at_shutdown_finishes_and_nothing_is_logged_as_an_error(runtime, monkeypatch, caplog):
    """SIGTERM while the planner is writing: it gets the grace to commit rather than being cancelled in the
    middle (on PostgreSQL that left a broken connection and a traceback in the log)."""
    import bot.runtime

    started, finished = asyncio.Event(), []

    async def slow(store, reminders, notify=None):
        started.set()
        await asyncio.sleep(0.3)  # a commit under way
        finished.append(True)
        return 0

    monkeypatch.setattr(bot.runtime, "plan", slow)
    halt = asyncio.Event()
    delivering = asyncio.create_task(runtime.dispatcher.run(halt))
    runtime.start_scheduler()
    await asyncio.wait_for(started.wait(), 5)
    await runtime.shutdown(halt, delivering)
    assert finished == [True]
    assert [r.getMessage() for r in caplog.records if r.levelname in ("ERROR", "CRITICAL") or r.exc_info] == []


async def test_a_plan_past_the_grace_is_cancelled_and_said(core, monkeypatch, caplog):
    import bot.runtime

    bot_ = await build_bot(core, token="123456:TEST-TOKEN", api_url="http://127.0.0.1:9",
                           options=DeliveryOptions(grace=0.1), worker_id="test-runtime-grace")
    started, finished = asyncio.Event(), []

    async def stuck(store, reminders, notify=None):
        started.set()
        await asyncio.sleep(30)
        finished.append(True)
        return 0

    monkeypatch.setattr(bot.runtime, "plan", stuck)
    try:
        halt = asyncio.Event()
        delivering = asyncio.create_task(bot_.runtime.dispatcher.run(halt))
        bot_.runtime.start_scheduler()
        await asyncio.wait_for(started.wait(), 5)
        await asyncio.wait_for(bot_.runtime.shutdown(halt, delivering), 5)
    finally:
        await bot_.client.close()
    assert finished == [] and "scheduler.shutdown_late jobs=1" in caplog.text


async def test_a_planner_failure_is_logged_and_the_next_run_tries_again(runtime, monkeypatch, caplog):
    import bot.runtime

    async def broken(store, reminders, notify=None):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(bot.runtime, "plan", broken)
    assert await runtime.plan() == 0
    assert "plan failed: RuntimeError" in caplog.text


async def test_an_unreachable_chat_wakes_the_dispatcher_when_the_staff_must_be_told(core, runtime):
    async with core.store.unit_of_work() as uow:
        centre = await uow.centres.add("Centre", "Europe/Paris", staff_chat_id=-100777)
        family = await uow.families.create(centre.id)
        parent = await uow.people.add_parent(501, centre.id, family, "fr", uow.clock.now())
        await uow.escalations.open_or_raise(centre.id, parent.id, None, "high", "request", "request", {})
        await uow.commit()
    runtime.dispatcher._wake.clear()
    await runtime.on_unreachable(501)
    assert runtime.dispatcher._wake.is_set()
    async with core.store.unit_of_work() as uow:
        assert (await uow.people.by_telegram_id(501)).unreachable_at is not None
        assert (await uow.outbox.status()).counts["pending"] == 1


async def test_a_group_the_bot_cannot_write_to_is_a_warning_for_the_operator(core, runtime, caplog):
    await runtime.on_unreachable(-100777)
    assert "can no longer write to group -100777" in caplog.text
    async with core.store.unit_of_work() as uow:
        assert (await uow.outbox.status()).counts["pending"] == 0
