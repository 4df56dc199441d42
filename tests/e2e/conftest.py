"""The real aiogram runtime, in this process, against the fake Bot API server over HTTP."""

from __future__ import annotations

import asyncio

import pytest

from bot.aiogram_app import TelegramApp, make_bot
from bot.bootstrap import build_core
from bot.runtime import DeliveryOptions, Runtime
from storage.clock import FakeClock
from tests.fakebot import FakeTelegram


@pytest.fixture
async def telegram():
    async with FakeTelegram(bot_username="relier_test_bot") as fake:
        yield fake


@pytest.fixture
def delivery_options() -> DeliveryOptions:
    """How the in-process bot delivers its outbox; a test module may override this fixture."""
    return DeliveryOptions()


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
