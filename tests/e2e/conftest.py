"""The real aiogram runtime, in this process, against the fake Bot API server over HTTP."""

from __future__ import annotations

import asyncio

import pytest

from bot.aiogram_app import TelegramApp, make_bot
from bot.bootstrap import build_core
from storage.clock import FakeClock
from tests.fakebot import FakeTelegram


@pytest.fixture
async def telegram():
    async with FakeTelegram(bot_username="relier_test_bot") as fake:
        yield fake


@pytest.fixture
async def running_bot(telegram, db_url, clock: FakeClock):
    """Start the bot (polling the fake server) on a store with one centre; stop it after."""
    core = await build_core(db_url, clock=clock)
    async with core.store.unit_of_work() as uow:
        await uow.centres.add("Centre Relier Test", "Europe/Paris")
        await uow.commit()
    bot = make_bot(telegram.token, telegram.base_url)
    app = TelegramApp(core, bot, clock)
    stop = asyncio.Event()
    task = asyncio.create_task(app.run_polling(stop))
    try:
        yield app
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)
        await core.close()
    telegram.assert_no_rejections()
