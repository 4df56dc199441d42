"""Production mode over HTTP: /healthz and /metrics on the webhook's server, and SIGTERM's drain.

The shutdown that SIGTERM starts (`stop` set, as bot/cli.py does) takes no update any more, lets
the ones under way be answered, and returns within the grace period even when one never ends.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import aiohttp
import pytest

from bot.bootstrap import build_bot
from bot.health import LAG_LIMIT, health
from dialogs.events import Reply
from dialogs.reminders.payload import reply_payload
from tests.e2e.conftest import webhook_bot


@pytest.fixture
def grace() -> float:
    return 10.0


@pytest.fixture
async def served(telegram, db_url, clock, grace):
    async with webhook_bot(telegram, db_url, clock, grace=grace) as running:
        yield running


async def test_healthz_says_ok_when_the_database_answers_and_the_scheduler_runs(served):
    status, body = await served.get("/healthz")
    assert status == 200
    assert '"status": "ok"' in body and '"database": true' in body and '"scheduler": "running"' in body


async def test_metrics_count_updates_replies_and_open_cases_without_a_name(served, telegram):
    parent = telegram.user(first_name="Zéphyrine", language_code="fr")
    await telegram.send_text(parent, "/start")
    await telegram.next_reply(parent)
    await telegram.settle()
    status, body = await served.get("/metrics")
    assert status == 200
    assert "relier_updates_handled_total 1.0" in body
    assert "relier_replies_sent_total 1.0" in body
    assert 'relier_escalations_open{level="urgent"} 0.0' in body
    assert 'relier_outbox_messages{state="pending"}' in body and "relier_outbox_oldest_due_seconds" in body
    assert "relier_case_time_to_take_seconds" in body
    assert "Zéphyrine" not in body and str(parent.id) not in body


async def test_healthz_says_503_when_the_outbox_is_late_or_the_scheduler_stopped(core, clock):
    bot = await build_bot(core, token="123456:TEST-TOKEN", api_url="http://127.0.0.1:9")  # never started
    try:
        async with core.store.unit_of_work() as uow:
            await uow.outbox.enqueue(5, reply_payload(Reply(5, "Bonjour")), clock.now() - timedelta(seconds=LAG_LIMIT + 60))
            await uow.commit()
        ok, body = await health(bot.runtime)
    finally:
        await bot.client.close()
    assert not ok and body["status"] == "failing"
    assert body["scheduler"] == "stopped" and body["outbox_lag_seconds"] >= LAG_LIMIT + 60
    assert any("outbox late" in p for p in body["problems"])


async def test_sigterm_takes_no_more_updates_and_answers_the_ones_under_way(served, telegram, monkeypatch):
    dialogs = served.bot.core.dialogs
    handle, started = dialogs.handle, asyncio.Event()

    async def slow(event):
        started.set()
        await asyncio.sleep(1.0)  # an update still being handled when SIGTERM comes
        return await handle(event)

    monkeypatch.setattr(dialogs, "handle", slow)
    parent = telegram.user(language_code="fr")
    await telegram.send_text(parent, "/start")
    await asyncio.wait_for(started.wait(), timeout=10)
    served.stop.set()  # what SIGTERM does (bot/cli.py)
    await asyncio.wait_for(served.task, timeout=15)
    assert "Bonjour" in (await telegram.next_reply(parent)).text  # answered before the bot stopped
    with pytest.raises(aiohttp.ClientConnectionError):  # and no update is taken any more
        await served.get("/healthz")


@pytest.mark.parametrize("grace", [1.0])
async def test_an_update_that_never_ends_does_not_hold_the_shutdown_past_the_grace(served, telegram, monkeypatch,
                                                                                   caplog):
    caplog.set_level(logging.WARNING, logger="relier.telegram")
    dialogs = served.bot.core.dialogs
    started = asyncio.Event()

    async def stuck(event):
        started.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(dialogs, "handle", stuck)
    await telegram.send_text(telegram.user(language_code="fr"), "/start")
    await asyncio.wait_for(started.wait(), timeout=10)
    loop = asyncio.get_running_loop()
    began = loop.time()
    served.stop.set()
    await asyncio.wait_for(served.task, timeout=15)
    assert loop.time() - began < 1.0 + 3.0  # the grace, and the rest of the shutdown
    assert any("stopped with 1 update(s) unanswered" in r.getMessage() for r in caplog.records)
