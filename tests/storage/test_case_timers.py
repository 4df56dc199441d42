"""Case timers, on SQLite and PostgreSQL: the alerts of a case nobody took fall due at 10 and 30 minutes
(urgent) or every 4 hours (high), each enqueued once even when several checkers (several instances)
run at the same minute, and never for a case someone took.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.bootstrap import build_core
from dialogs.cases.render import render_case_row
from dialogs.cases.timers import check_cases
from storage.models import OutboxMessage
from storage.repos.outbox import to_record
from tests.test_case_alerts import GROUP, open_case, rows, setup


async def test_urgent_alerts_at_10_and_30_minutes_then_stop(core, centre, clock):
    youth, _psy = await setup(core, centre)
    case = await open_case(core, centre, youth)
    before = len(await rows(core))
    clock.advance(minutes=9, seconds=59)
    assert await check_cases(core.store) == 0
    clock.advance(seconds=1)
    assert await check_cases(core.store) == 1
    stage1 = (await rows(core))[before:]
    assert [chat for chat, *_ in stage1] == [GROUP, 601]  # the topic, and the psychologist on duty privately
    assert {payload["stage"] for _c, _k, payload, _d in stage1} == {1}
    clock.advance(minutes=20)
    assert await check_cases(core.store) == 1
    stage2 = (await rows(core))[before + 2:]
    assert [chat for chat, *_ in stage2] == [GROUP, 601, 603]  # and the coordinator
    clock.advance(days=2)
    assert await check_cases(core.store) == 0
    async with core.store.unit_of_work() as uow:
        assert (await uow.cases.get(case.id)).next_alert_at is None


async def test_high_repeats_every_4_hours_in_the_topic_and_a_centre_can_shorten_it(core, centre, clock):
    youth, _psy = await setup(core, centre, timers={"high": 60})
    await open_case(core, centre, youth, "high")
    before = len(await rows(core))
    for _ in range(3):
        clock.advance(minutes=60)
        assert await check_cases(core.store) == 1
    alerts = (await rows(core))[before:]
    assert [chat for chat, *_ in alerts] == [GROUP] * 3 and [p["stage"] for _c, _k, p, _d in alerts] == [1, 2, 3]


async def test_two_checkers_at_once_enqueue_each_alert_once(core, centre, clock):
    youth, _psy = await setup(core, centre)
    await open_case(core, centre, youth)
    clock.advance(minutes=10)
    await asyncio.gather(check_cases(core.store), check_cases(core.store))
    assert len([k for _c, k, *_ in await rows(core) if ":alert:" in k]) == 2  # the topic and Inès, once each


async def test_a_taken_case_is_not_alerted_and_a_pending_alert_is_dropped_when_sent(core, centre, clock):
    youth, psy = await setup(core, centre)
    case = await open_case(core, centre, youth)
    clock.advance(minutes=10)
    await check_cases(core.store)
    async with core.store.unit_of_work() as uow:
        assert await uow.cases.take(case.id, psy) == "taken"
        await uow.commit()
    async with core.store.engine.connect() as conn:
        alert = (await conn.execute(select(OutboxMessage).where(OutboxMessage.key.like("%:alert:%")))).first()
    async with core.store.unit_of_work() as uow:
        assert await render_case_row(uow, to_record(alert), "en") is None
    clock.advance(hours=1)
    assert await check_cases(core.store) == 0


async def test_on_postgresql_two_instances_checking_at_once_alert_each_case_once(postgres_url, clock):
    """Two `relier run` processes on one database, their minute job firing at the same moment."""
    one = await build_core(postgres_url, bot_username="relier_test_bot", clock=clock)
    two = await build_core(postgres_url, bot_username="relier_test_bot", clock=clock)
    try:
        async with one.store.unit_of_work() as uow:
            centre = await uow.centres.add("Centre Relier Test", "Europe/Paris")
            await uow.commit()
        youth, _psy = await setup(one, centre)
        case = await open_case(one, centre, youth)
        clock.advance(minutes=10)
        first = await asyncio.gather(check_cases(one.store), check_cases(two.store))
        clock.advance(minutes=20)
        second = await asyncio.gather(check_cases(one.store), check_cases(two.store))
        assert sorted(first) == [0, 1] and sorted(second) == [0, 1]  # one alerted, the other found it done
        alerts = [key for _c, key, *_ in await rows(one) if ":alert:" in key]
        assert len(alerts) == len(set(alerts)) == 5  # stage 1: the topic and Inès; stage 2: and the coordinator
        async with one.store.unit_of_work() as uow:
            trail = [(action, detail) for _at, _who, action, detail in await uow.cases.audit_trail(case.id)]
        assert trail.count(("alert", "stage 1")) == 1 and trail.count(("alert", "stage 2")) == 1
    finally:
        await one.close()
        await two.close()
