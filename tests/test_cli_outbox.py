"""`relier outbox status|retry`: what waits to be sent, and failed messages sent again."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone

import pytest

from bot.admin import Admin
from bot.cli import main
from storage.clock import FakeClock


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .env from elsewhere
    url = f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}"
    monkeypatch.setenv("RELIER_DATABASE_URL", url)
    return url


def relier(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


async def fill(url: str) -> dict[str, list[int]]:
    """Rows in every state, made ten minutes ago (the command reads the system clock)."""
    clock = FakeClock(datetime.now(timezone.utc) - timedelta(minutes=10))
    async with Admin(url, clock=clock) as admin:
        async with admin.store.unit_of_work() as uow:
            ids: dict[str, list[int]] = {}
            for name, chat, due in [("sent", 1, 0), ("failed", 2, 0), ("failed", 3, 0), ("sending", 4, 0),
                                    ("dropped", 5, 0), ("due", 6, 0), ("due", 7, 5), ("later", 8, 60)]:
                id = await uow.outbox.enqueue(chat, {"text": "Un texte à ne jamais afficher"},
                                              clock.now() + timedelta(minutes=due), kind="notice")
                ids.setdefault(name, []).append(id)
            await uow.outbox.claim(5, 3600, "worker")  # the first five: chats 1 to 5
            await uow.outbox.mark_sent(ids["sent"][0])
            for id in ids["failed"]:
                await uow.outbox.fail(id, "blocked")
            await uow.outbox.cancel(ids=ids["dropped"])
            await uow.commit()
    return ids


def test_status_counts_every_state_and_how_late_the_oldest_due_message_is(capsys, database):
    asyncio.run(fill(database))
    code, out, _ = relier(capsys, "outbox", "status", "--json")
    assert code == 0
    found = json.loads(out)
    assert {k: found[k] for k in ("pending", "due_now", "sending", "failed", "sent", "dropped", "duplicates")} == {
        "pending": 3, "due_now": 2, "sending": 1, "failed": 2, "sent": 1, "dropped": 1, "duplicates": 0}
    assert 600 <= found["oldest_due_seconds"] <= 660  # the row being sent, due ten minutes ago
    assert [(r["chat_id"], r["error"]) for r in found["failed_rows"]] == [(2, "blocked"), (3, "blocked")]

    code, out, _ = relier(capsys, "outbox", "status")
    assert code == 0
    assert "pending 3 (due now 2), sending 1, failed 2, sent 1, dropped 1" in out
    assert "oldest due message waiting for: 10 min" in out
    assert "error blocked" in out and "relier outbox retry --all" in out
    assert "texte" not in out  # never a message's text


def test_status_of_an_empty_outbox(capsys):
    code, out, _ = relier(capsys, "outbox", "status")
    assert code == 0
    assert "pending 0 (due now 0), sending 0, failed 0, sent 0, dropped 0" in out
    assert "oldest due message waiting for: none" in out and "retry" not in out


def test_retry_puts_failed_rows_back_due_now(capsys, database):
    ids = asyncio.run(fill(database))
    first, second = ids["failed"]
    code, out, _ = relier(capsys, "outbox", "retry", str(first), str(ids["sent"][0]), "--json")
    assert code == 0 and json.loads(out) == {"retried": 1, "not_failed": 1}
    status = json.loads(relier(capsys, "outbox", "status", "--json")[1])
    assert (status["failed"], status["pending"], status["due_now"]) == (1, 4, 3)
    code, out, _ = relier(capsys, "outbox", "retry", "--all")
    assert code == 0 and "1 failed message(s) due again now" in out
    status = json.loads(relier(capsys, "outbox", "status", "--json")[1])
    assert (status["failed"], status["due_now"]) == (0, 4)

    async def attempts() -> list[int]:
        async with Admin(database) as admin:
            async with admin.store.unit_of_work() as uow:
                return [(await uow.outbox.get(id)).attempts for id in (first, second)]

    assert asyncio.run(attempts()) == [0, 0]  # a fresh start: all their attempts again


def test_retry_says_which_rows(capsys):
    code, _, err = relier(capsys, "outbox", "retry")
    assert code == 2 and "--all, or their ids" in err
    code, _, err = relier(capsys, "outbox", "retry", "--all", "3")
    assert code == 2 and "--all, or their ids" in err
    with pytest.raises(SystemExit):
        main(["outbox", "retry", "three"])
    assert "not a number" in capsys.readouterr().err
