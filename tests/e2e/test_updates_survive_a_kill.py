"""A real `relier run` process killed (SIGKILL) while a parent's messages are being handled: once it
is started again, the parent's alarming message is answered and reaches the team. Telegram keeps an
update until the bot has handled it (polling: the offset is not moved past it; webhook: the call is
answered only then), so a process that dies loses nothing a person sent.

The scene: Telegram is slow to take the bot's answer to the parent's first message (it never answers
that call); the parent writes again, an alarming message, which waits behind the first (a person's
messages are handled in order). Then the process is killed. Before the fix the second message had
been confirmed to Telegram as soon as it was fetched (polling) or answered 200 at once (webhook): it
was gone, and the case never opened.
"""

from __future__ import annotations

import asyncio
import signal

import pytest
from sqlalchemy import select

from bot.admin import Admin
from storage.models import Escalation
from tests.e2e.test_onboarding_over_http import onboard
from tests.e2e.test_relier_run_process import FR, database, free_port, start, stop  # noqa: F401  (a fixture)

ALARM = "Ma fille m'a dit ce soir qu'elle veut mourir, elle a pris des cachets"


class SlowToAnswer:
    """Telegram takes the bot's sendMessage calls to one chat and never answers them, while `on`."""

    def __init__(self, telegram, chat_id: int) -> None:
        self.on = False
        self.held = 0
        execute = telegram._execute

        async def execute_or_hang(method, params):
            if self.on and method == "sendMessage" and str(params.get("chat_id")) == str(chat_id):
                self.held += 1
                await asyncio.Event().wait()  # the call stays open; the fake's shutdown ends it
            return await execute(method, params)

        telegram._execute = execute_or_hang


async def until(condition, what: str, timeout: float = 15.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


async def open_cases(url: str) -> list[tuple[str, str]]:
    async with Admin(url) as admin:
        async with admin.store.engine.connect() as conn:
            rows = await conn.execute(select(Escalation.level, Escalation.source).where(Escalation.status == "open"))
            return [tuple(row) for row in rows.all()]


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_message_being_handled_when_the_process_is_killed_is_answered_after_the_restart(
        telegram, database, tmp_path, mode):
    args: tuple[str, ...] = ()
    env: dict[str, str] = {}
    if mode == "webhook":
        port = free_port()
        args = ("--webhook", f"http://127.0.0.1:{port}/telegram")
        env = {"RELIER_WEBHOOK_LISTEN": "127.0.0.1", "RELIER_WEBHOOK_PORT": str(port)}
    process, log = await start(telegram, database, tmp_path, *args, **env)
    killed = False
    try:
        parent = telegram.user(first_name="Camille", language_code="fr")
        await onboard(telegram, parent, FR, child=("Inès", "12"))
        slow = SlowToAnswer(telegram, parent.id)
        slow.on = True
        await telegram.send_text(parent, "Bonjour, une question sur le groupe de parents de jeudi")
        await until(lambda: slow.held == 1, "the bot answering the first message")
        await telegram.send_text(parent, ALARM)
        alarm = telegram.updates.history[-1]["update_id"]
        await until(lambda: alarm in telegram.updates.delivered_at or mode == "webhook",
                    "the bot fetching the alarm")
        await asyncio.sleep(0.5)  # the bot has taken it: it waits behind the first message
        process.send_signal(signal.SIGKILL)
        await process.wait()
        killed = True
        assert [m for m in telegram.chat_messages(parent) if "3114" in m.text] == []  # never answered before the kill

        slow.on = False
        process, log = await start(telegram, database, tmp_path, *args, **env)
        killed = False
        answer = await telegram.next_reply(parent, timeout=20, predicate=lambda m: "3114" in m.text)
        assert "112" in answer.text  # the emergency numbers, at once
        cases = await open_cases(database)
        assert ("urgent", "text") in cases, cases  # and the team has the alarm as an urgent case
    finally:
        if not killed:
            assert await stop(process) == 0, log.read_text()[-3000:]
