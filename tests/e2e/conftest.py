"""The real runtime, in this process, against the fake Bot API server over HTTP, on both frameworks
and both databases.

Every test that uses `running_bot` (or `framework`) runs three times: on aiogram and on
python-telegram-bot with SQLite, and on aiogram with a real PostgreSQL server (tests.support.postgres).
The bot is built by the composition root (bot.bootstrap.build_bot), as `relier run` builds it.
"""

from __future__ import annotations

import asyncio
import json
import socket
from contextlib import asynccontextmanager
from typing import AsyncIterator

import aiohttp
import logging
import re

import pytest
from sqlalchemy import select

from dataclasses import dataclass, field

from bot.bootstrap import TelegramBot, build_bot, build_core
from bot.runtime import DeliveryOptions, Runtime
from storage.clock import FakeClock
from storage.models import OutboxMessage
from tests.conftest import a_database
from tests.fakebot import FakeTelegram


@pytest.fixture
async def telegram():
    async with FakeTelegram(bot_username="relier_test_bot") as fake:
        yield fake


RUNS = [("aiogram", "sqlite"), ("ptb", "sqlite"), ("aiogram", "postgresql")]


def pytest_generate_tests(metafunc):
    names = metafunc.fixturenames
    if "db_backend" not in names:
        return
    if "framework" in names:
        metafunc.parametrize(("framework", "db_backend"), RUNS, ids=[f"{f}-{b}" for f, b in RUNS], indirect=True)
    else:
        metafunc.parametrize("db_backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def db_backend(request) -> str:
    return request.param


@pytest.fixture
async def db_url(db_backend, tmp_path, request):
    """The bot's database: a copy of the migrated SQLite file, or a fresh database on the test server."""
    async with a_database(db_backend, tmp_path, request) as url:
        yield url


@dataclass
class WebhookBot:
    bot: TelegramBot
    url: str  # where Telegram calls it
    base: str  # its web server, for /healthz and /metrics
    stop: asyncio.Event  # set: what SIGTERM does (bot/cli.py)
    task: asyncio.Task

    async def get(self, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as session, session.get(self.base + path) as answer:
            return answer.status, await answer.text()


@asynccontextmanager
async def webhook_bot(telegram, db_url: str, clock, framework: str = "aiogram", secret: str | None = None,
                      **options) -> AsyncIterator[WebhookBot]:
    """The bot behind its webhook (one centre in its store), as `relier run --webhook` runs it."""
    core = await build_core(db_url, clock=clock)
    async with core.store.unit_of_work() as uow:
        await uow.centres.add("Centre Relier Test", "Europe/Paris")
        await uow.commit()
    bot = await build_bot(core, token=telegram.token, api_url=telegram.base_url, framework=framework,
                          options=DeliveryOptions(**options), worker_id="e2e-webhook")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    stop = asyncio.Event()
    task = asyncio.create_task(bot.runtime.run_webhook(stop, f"{base}/telegram/hook", "127.0.0.1", port, secret))
    for _ in range(200):
        if telegram.webhook is not None:
            break
        await asyncio.sleep(0.05)
    try:
        yield WebhookBot(bot, f"{base}/telegram/hook", base, stop, task)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)
        await bot.close()


# What a person sees, per chat: the parity check below compares these between the two frameworks.
USER_VISIBLE = ("sendMessage", "editMessageText", "sendPhoto", "sendDocument", "copyMessage", "createForumTopic",
                "editForumTopic", "answerCallbackQuery")
_seen_by_test: dict[str, tuple[str, dict]] = {}  # test id without its framework -> (framework, what people saw)
INVITE_CODE = re.compile(r"start=[A-Za-z0-9_-]{8,}")  # an invitation's code is random: the same link to a person


def what_people_saw(telegram) -> dict[str, list[str]]:
    """The bot's successful calls that a person sees, chat by chat, in order: method, thread, text or
    caption, buttons (texts and data), file name. Normalised on purpose, because Telegram would not
    show a user the difference (or the difference is chance, not the framework): an invitation link's
    random code, calls Telegram refused (a 429 retried, say), the order of messages
    across different chats (each chat's own order is kept), parse_mode and link preview options
    (both frameworks send HTML with previews off), and a file's bytes (a chart is drawn the same)."""
    seen: dict[str, list[str]] = {}
    for call in telegram.calls:
        if not call.ok or call.method not in USER_VISIBLE or call.injected:
            continue
        params = call.params
        chat = str(params.get("chat_id", "callback"))
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        buttons = [[(b.get("text"), b.get("callback_data") or b.get("url")) for b in row]
                   for row in (markup or {}).get("inline_keyboard", [])]
        upload = params.get("photo") or params.get("document")
        line = [call.method, params.get("message_thread_id"), params.get("text") or params.get("caption")
                or params.get("name"), buttons, getattr(upload, "filename", None)]
        if call.method == "answerCallbackQuery":
            line = [call.method, params.get("text"), params.get("show_alert")]
        seen.setdefault(chat, []).append(INVITE_CODE.sub("start=<code>", json.dumps(line, ensure_ascii=False, default=str)))
    return seen


def check_parity(request, framework: str, telegram) -> None:
    """The same test on the other framework (on SQLite both) made people see exactly the same: else fail."""
    if request.getfixturevalue("db_backend") != "sqlite":
        return
    key = request.node.nodeid.replace(f"{framework}-sqlite", "")
    seen = what_people_saw(telegram)
    other = _seen_by_test.pop(key, None)
    if other is None:
        _seen_by_test[key] = (framework, seen)
        return
    other_framework, other_seen = other
    differences = []
    for chat in sorted(set(seen) | set(other_seen)):
        mine, theirs = seen.get(chat, []), other_seen.get(chat, [])
        if mine != theirs:
            at = next((i for i, (a, b) in enumerate(zip(theirs, mine)) if a != b), min(len(mine), len(theirs)))
            differences.append(f"chat {chat}, message {at + 1} of {len(theirs)} / {len(mine)}:\n"
                               f"  {other_framework}: {theirs[at] if at < len(theirs) else '(nothing)'}\n"
                               f"  {framework}: {mine[at] if at < len(mine) else '(nothing)'}")
    assert differences == [], "the two frameworks showed people different things:\n" + "\n".join(differences)


@dataclass
class RunningBot:
    bot: TelegramBot
    expected_rejections: set[int] = field(default_factory=set)  # statuses a test provokes on purpose

    @property
    def core(self):
        return self.bot.core

    @property
    def runtime(self) -> Runtime:
        return self.bot.runtime

    @property
    def app(self):
        return self.bot.app


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
    """Case cards the outbox gave up on: an urgent card must never fail silently. Read in a unit of
    work, as the bot reads: on SQLite a connection of the async engine takes the write lock in its
    own thread while the bot's queries wait for it on the event loop, both stuck for the busy timeout."""
    async with core.store.unit_of_work() as uow:
        rows = (await uow.outbox._session.execute(select(OutboxMessage.payload, OutboxMessage.last_error)
                                                  .where(OutboxMessage.state == "failed"))).all()
    # A code ending in "_sent" says the card went another way (privately, the staff group being gone).
    return [f"case {json.loads(p).get('case')}: {e}" for p, e in rows
            if json.loads(p).get("type") == "case_card" and not (e or "").endswith("_sent")]


@pytest.fixture
async def running_bot(telegram, db_url, clock: FakeClock, delivery_options, framework, request):
    """Start the bot (polling the fake server, its outbox dispatcher and planner running) on a
    store with one centre; stop it after. `running_bot.runtime` is the bot's `bot.runtime.Runtime`.
    Every call Telegram would refuse fails the test, unless its status is in
    `running_bot.expected_rejections` (a 403 to a person who blocked the bot, say). What people saw
    must be the same on both frameworks (check_parity), unless the test is marked `no_parity` (its
    outcome depends on timing, not on the framework; the mark says why)."""
    core = await build_core(db_url, clock=clock)
    async with core.store.unit_of_work() as uow:
        await uow.centres.add("Centre Relier Test", "Europe/Paris")
        await uow.commit()
    bot = await build_bot(core, token=telegram.token, api_url=telegram.base_url, framework=framework,
                          options=delivery_options, worker_id="e2e-bot")
    running = RunningBot(bot)
    stop = asyncio.Event()
    task = asyncio.create_task(bot.runtime.run_polling(stop))
    try:
        yield running
        assert await undelivered_cards(core) == [], "a case card was never delivered"
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)
        await bot.close()
    if not running.expected_rejections:
        telegram.assert_no_rejections()
    unexpected = [f"{c.method} -> {c.status} {c.description}" for c in telegram.rejected
                  if c.status not in running.expected_rejections]
    assert unexpected == [], "fake Telegram rejected calls"
    if request.node.get_closest_marker("no_parity") is None:
        check_parity(request, framework, telegram)
