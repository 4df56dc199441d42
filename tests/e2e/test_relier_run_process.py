"""The real `relier run` process, polling or behind a webhook, against the fake Bot API, on aiogram
and on python-telegram-bot (RELIER_FRAMEWORK)."""

from __future__ import annotations

import asyncio
import os
import pathlib
import re
import signal
import socket
import sys

import pytest

from bot.admin import Admin
from dialogs.triage.second_stage import model as ready_model
from tests.e2e.test_onboarding_over_http import onboard
from tests.support.keys import TEST_DATA_KEY

RELIER = str(pathlib.Path(sys.executable).parent / "relier")
FR = ["Continuer", "J'accepte", "Je suis parent", "Collège", "Non, c'est tout"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def database(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'run.db'}"
    async with Admin(url) as admin:
        await admin.add_centre("Centre Relier Test", "Europe/Paris", None)
    return url


def environment(telegram, database, **env) -> dict[str, str]:
    """This machine's environment without RELIER_* settings (but the tests' model cache), plus the bot's own."""
    ready_model()  # the triage model in the tests' cache now: the bot reads it there instead of training at its start
    values = {k: v for k, v in os.environ.items() if not k.startswith("RELIER_") or k == "RELIER_CACHE_DIR"}
    values.update(
        RELIER_BOT_TOKEN=telegram.token, RELIER_TELEGRAM_API_URL=telegram.base_url, RELIER_DATABASE_URL=database,
        RELIER_DATA_KEY=TEST_DATA_KEY,
    )
    values.update(env)
    return values


async def start(telegram, database, tmp_path, *args, **env):
    with open(tmp_path / "relier.log", "ab") as log:
        process = await asyncio.create_subprocess_exec(
            RELIER, "run", *args, env=environment(telegram, database, **env), cwd=tmp_path, stdout=log, stderr=log
        )
    calls = len(telegram.calls_to("setMyCommands"))
    for _ in range(600):  # importing aiogram alone takes seconds on a small machine
        if len(telegram.calls_to("setMyCommands")) > calls or process.returncode is not None:
            break
        await asyncio.sleep(0.05)
    assert process.returncode is None, (tmp_path / "relier.log").read_text()
    return process, tmp_path / "relier.log"


async def stop(process) -> int:
    process.send_signal(signal.SIGTERM)
    return await asyncio.wait_for(process.wait(), timeout=20)


async def test_relier_run_onboards_a_parent_and_stops_cleanly(telegram, database, tmp_path, framework):
    process, log = await start(telegram, database, tmp_path, RELIER_FRAMEWORK=framework)
    try:
        parent = telegram.user(first_name="Camille", language_code="fr")
        menu = await onboard(telegram, parent, FR, child=("Zéphyrine", "12"))
        assert "Menu principal" in menu.text
    finally:
        code = await stop(process)
    assert code == 0
    text = log.read_text()
    assert "Zéphyrine" not in text and "Camille" not in text  # logs carry ids, never names
    assert str(parent.id) not in text  # a Telegram id only as its pseudonym (dialogs.logids)
    assert re.search(r"update user=u[0-9a-f]{10} kind=command", text), text[-2000:]
    assert f"Telegram through {framework}" in text
    assert telegram.token.split(":")[1] not in text  # nor the token (httpx logs URLs at INFO)
    telegram.assert_no_rejections()


async def test_relier_run_continues_a_conversation_after_a_restart(telegram, database, tmp_path):
    """Stopped with SIGTERM and started again: the conversation goes on where it was, and no update is
    handled twice (the ones answered were confirmed to Telegram before the process exited)."""
    process, log = await start(telegram, database, tmp_path)
    parent = telegram.user(first_name="Dominique", language_code="en")
    try:
        await telegram.send_text(parent, "/start")
        welcome = await telegram.next_reply(parent)
        await telegram.press(parent, welcome, text="Continue")
        privacy = await telegram.next_reply(parent)
        await telegram.press(parent, privacy, text="I agree")
        role = await telegram.next_reply(parent)
        await telegram.press(parent, role, text="I am a parent")
        await telegram.next_reply(parent)
        await telegram.settle()
    finally:
        await stop(process)
    process, _log = await start(telegram, database, tmp_path)
    try:
        await telegram.send_text(parent, "Noé")
        reply = await telegram.next_reply(parent, timeout=15)
        assert "How old is Noé?" in reply.text
    finally:
        assert await stop(process) == 0
    assert log.read_text().count(" INFO relier.telegram: update user=") == 5  # /start, three buttons, the name


async def test_relier_run_with_a_webhook(telegram, database, tmp_path, framework):
    port = free_port()
    process, _log = await start(
        telegram, database, tmp_path, "--webhook", f"http://127.0.0.1:{port}/telegram",
        RELIER_WEBHOOK_LISTEN="127.0.0.1", RELIER_WEBHOOK_PORT=str(port), RELIER_WEBHOOK_SECRET="s3cret-token",
        RELIER_FRAMEWORK=framework,
    )
    try:
        for _ in range(200):
            if telegram.webhook is not None:
                break
            await asyncio.sleep(0.05)
        assert telegram.webhook is not None, "the bot never set its webhook"
        assert telegram.webhook.secret_token == "s3cret-token"
        parent = telegram.user(first_name="Lou", language_code="en")
        await telegram.send_text(parent, "/start")
        welcome = await telegram.next_reply(parent, timeout=10)
        assert "welcome to" in welcome.text
    finally:
        assert await stop(process) == 0


async def test_relier_run_with_a_refused_token_says_so(telegram, database, tmp_path, framework):
    process = await asyncio.create_subprocess_exec(
        RELIER, "run", env=environment(telegram, database, RELIER_BOT_TOKEN="999:WRONG", RELIER_FRAMEWORK=framework), cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    _out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    assert "Telegram refused the token" in err.decode()
    assert "WRONG" not in err.decode()
