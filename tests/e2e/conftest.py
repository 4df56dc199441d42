"""The real aiogram runtime, in this process, against the fake Bot API server over HTTP."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from sqlalchemy import select

from bot.aiogram_app import TelegramApp, make_bot
from bot.bootstrap import build_core
from bot.runtime import DeliveryOptions, Runtime
from storage.clock import FakeClock
from storage.models import OutboxMessage
from tests.fakebot import FakeTelegram


@pytest.fixture
async def telegram():
    async with FakeTelegram(bot_username="relier_test_bot") as fake:
        yield fake


@pytest.fixture
def delivery_options() -> DeliveryOptions:
    """How the in-process bot delivers its outbox; a test module may override this fixture."""
    return DeliveryOptions()


@pytest.fixture(autouse=True)
def no_error_logged(caplog):
    """An end-to-end test fails on any log line at ERROR or above: nothing may go wrong unnoticed.
    A test that provokes an error on purpose lists its logger in `caplog.expected_errors`."""
    caplog.expected_errors = set()
    yield
    errors = [f"{r.name}: {r.getMessage()[:200]}" for r in caplog.get_records("call")
              if r.levelno >= logging.ERROR and r.name not in caplog.expected_errors]
    assert errors == [], "errors were logged"


async def undelivered_cards(core) -> list[str]:
    """Case cards the outbox gave up on: an urgent card must never fail silently."""
    async with core.store.engine.connect() as conn:
        rows = (await conn.execute(select(OutboxMessage.payload, OutboxMessage.last_error)
                                   .where(OutboxMessage.state == "failed"))).all()
    # A code ending in "_sent" says the card went another way (privately, the staff group being gone).
    return [f"case {json.loads(p).get('case')}: {e}" for p, e in rows
            if json.loads(p).get("type") == "case_card" and not (e or "").endswith("_sent")]


@pytest.fixture
async def running_bot(telegram, db_url, clock: FakeClock, delivery_options):
    """Start the bot (polling the fake server, its outbox dispatcher and planner running) on a
    store with one centre; stop it after. `running_bot.runtime` is the bot's `bot.runtime.Runtime`.
    Every call Telegram would refuse fails the test, unless its status is in
    `running_bot.expected_rejections` (a 403 to a person who blocked the bot, say)."""
    core = await build_core(db_url, clock=clock)
    async with core.store.unit_of_work() as uow:
        await uow.centres.add("Centre Relier Test", "Europe/Paris")
        await uow.commit()
    bot = make_bot(telegram.token, telegram.base_url)
    app = TelegramApp(core, bot, clock)
    app.runtime = Runtime(app, delivery_options, worker_id="e2e-bot")
    app.expected_rejections = set()
    stop = asyncio.Event()
    task = asyncio.create_task(app.runtime.run_polling(stop))
    try:
        yield app
        assert await undelivered_cards(core) == [], "a case card was never delivered"
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)
        await bot.session.close()
        await core.close()
    if not app.expected_rejections:
        telegram.assert_no_rejections()
    unexpected = [f"{c.method} -> {c.status} {c.description}" for c in telegram.rejected
                  if c.status not in app.expected_rejections]
    assert unexpected == [], "fake Telegram rejected calls"
