from __future__ import annotations

import asyncio
import os
import pathlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import AsyncIterator
import shutil
import sqlite3

import pytest

from bot.bootstrap import FRAMEWORKS, build_core
from storage.clock import FakeClock
from storage.crypto import Keyring
from storage.database import make_engine, upgrade
from tests.support.chat import Chat
from tests.support.postgres import postgres_server, postgres_url, server_or_skip  # noqa: F401 (fixtures: one server a run)
from tests.support.keys import TEST_DATA_KEY

# The triage second stage's trained model (dialogs/triage/second_stage.py) is kept here, not in the home
# directory: trained once by the first process of a run that needs it, read by the others (and by `relier`
# started by the tests, which inherit this).
os.environ.setdefault("RELIER_CACHE_DIR", str(pathlib.Path(__file__).resolve().parent.parent / ".pytest_cache" / "relier"))


@pytest.fixture(autouse=True)
def data_key(monkeypatch) -> str:
    """Every store of the tests encrypts, as a real installation does: bot.bootstrap and bot.admin
    take the key from the environment when none is handed to them, and so does `relier` itself."""
    monkeypatch.setenv("RELIER_DATA_KEY", TEST_DATA_KEY)
    monkeypatch.delenv("RELIER_DATA_KEYS_OLD", raising=False)
    monkeypatch.delenv("RELIER_ALLOW_PLAINTEXT", raising=False)
    return TEST_DATA_KEY


def pytest_generate_tests(metafunc):
    """A test that uses `framework` (the end-to-end `running_bot` does) runs on both frameworks; the
    end-to-end suite also chooses its database (tests/e2e/conftest.py)."""
    if "framework" in metafunc.fixturenames and "db_backend" not in metafunc.fixturenames:
        metafunc.parametrize("framework", FRAMEWORKS)


@pytest.fixture
def framework(request) -> str:
    """The Telegram framework under the bot (bot.aiogram or bot.ptb), set by pytest_generate_tests."""
    return request.param


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> pathlib.Path:
    """One SQLite file migrated to the newest schema, made once per run: migrating a new file takes most
    of a second, and hundreds of tests start from an empty store. Each test gets a copy (`db_url`)."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"

    async def migrate() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{path}", keyring=Keyring.from_text(TEST_DATA_KEY))
        await upgrade(engine)
        await engine.dispose()

    with ThreadPoolExecutor(1) as thread:  # its own event loop, whether or not one runs here already
        thread.submit(asyncio.run, migrate()).result()
    with sqlite3.connect(path) as db:  # the write-ahead log into the file, so that a copy is whole
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def fresh_sqlite(template: pathlib.Path, folder: pathlib.Path) -> str:
    """A copy of the migrated template: an empty store, as a new installation has after `relier db upgrade`."""
    target = folder / "relier.db"
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
def db_url(tmp_path, migrated_sqlite) -> str:
    return fresh_sqlite(migrated_sqlite, tmp_path)


@asynccontextmanager
async def a_database(backend: str, tmp_path: pathlib.Path, request) -> AsyncIterator[str]:
    """The URL of an empty store, migrated: a copy of the SQLite template, or a database of its own on
    the PostgreSQL test server (skipped locally without one, a failure with CI=true), dropped after."""
    if backend == "sqlite":
        yield fresh_sqlite(request.getfixturevalue("migrated_sqlite"), tmp_path)
        return
    server = server_or_skip(request.getfixturevalue("postgres_server"))
    name = await server.create_database()
    try:
        yield server.url(name)
    finally:
        await server.drop_database(name)


@pytest.fixture
async def core(db_url, clock):
    core = await build_core(db_url, bot_username="relier_test_bot", clock=clock)
    yield core
    await core.close()


@pytest.fixture
async def centre(core):
    async with core.store.unit_of_work() as uow:
        record = await uow.centres.add("Centre Relier Test", "Europe/Paris")
        await uow.commit()
    return record


@pytest.fixture
def chat_for(core, clock):
    """Make a person: chat_for(user_id, language) -> Chat."""

    def make(user_id: int, language: str | None = "fr") -> Chat:
        return Chat(core.dialogs, clock, user_id, language)

    return make


async def onboard_parent(chat: Chat, children=(("Léo", "12", "middle"),)) -> None:
    """Walk a parent through onboarding with the buttons, in the chat's own language."""
    await chat.command("start")
    await chat.press(chat.labels()[0])  # continue
    await chat.press(chat.labels()[0])  # agree
    await chat.press(chat.labels()[0])  # I am a parent
    for index, (name, age, level) in enumerate(children):
        await chat.text(name)
        await chat.text(age)
        from dialogs.flows.child_rules import SCHOOL_LEVELS

        await chat.press(chat.labels()[SCHOOL_LEVELS.index(level)])
        await chat.press(chat.labels()[0 if index < len(children) - 1 else 1])


async def reach_first_child(chat: Chat) -> None:
    """/start, continue, agree, parent: the parent is asked for their first child's name (English)."""
    await chat.command("start")
    await chat.press("Continue")
    await chat.press("I agree")
    await chat.press("I am a parent")


async def join_as_youth(core, chat: Chat) -> None:
    """A staff invitation (`relier invite youth`), opened and accepted: the young person is at their menu."""
    from bot.admin import Admin

    async with Admin(str(core.store.engine.url), clock=core.store.clock) as admin:
        code = (await admin.invite_youth(None, None, None, parental_consent=True))["code"]
    await chat.command("start", code)
    await chat.press(chat.labels()[0])  # OK, next
    await chat.press(chat.labels()[0])  # yes, let's go
