"""What only the Telegram layer decides, on both frameworks: an update no framework can parse, and
the webhook with its secret.

The rest of the end-to-end suite runs on aiogram and on python-telegram-bot too (the `framework`
fixture), and compares what people saw on each (tests/e2e/conftest.py, check_parity).
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pydantic
import pytest

from bot.telegram.webhook import SECRET_HEADER
from tests.e2e.conftest import webhook_bot

WELCOME = "Bonjour"


def unreadable(telegram) -> dict:
    """A person's message whose chat is not an object: neither framework, nor the bot, can read it."""
    return {"message": {"message_id": 1, "date": int(telegram.clock()), "chat": "bonjour", "text": "bonjour",
                        "from": {"id": 42, "is_bot": False, "first_name": "Bonjour"}}}


def odd(telegram, user) -> dict:
    """A person's /start with a second entity the frameworks refuse (no offset, no length: a shape a
    newer Bot API might send); the bot does not need it, and reads the command."""
    return {"message": {"message_id": 2, "date": int(telegram.clock()), "chat": user.chat_api(), "from": user.api(),
                        "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6},
                                                       {"type": "spoiler"}]}}


def test_neither_framework_can_parse_these_updates(telegram):
    """The premise of the next test, checked: aiogram and python-telegram-bot both refuse both updates."""
    import telegram as ptb
    from aiogram.types import Update

    for update in (unreadable(telegram), odd(telegram, telegram.user(language_code="fr"))):
        update = {"update_id": 1, **update}
        with pytest.raises(pydantic.ValidationError):
            Update.model_validate(update)
        with pytest.raises(TypeError):
            ptb.Update.de_json(update, None)


async def test_updates_a_framework_cannot_parse_never_stop_the_others(running_bot, telegram, caplog):
    """One the bot cannot read either is logged by its id and skipped; the others are answered, in
    the same batch of getUpdates or the next, and the bad one is not fetched again."""
    caplog.set_level(logging.WARNING, logger="relier.telegram")
    first, odd_one, last = (telegram.user(language_code="fr") for _ in range(3))
    await telegram.send_text(first, "/start")
    telegram.push_raw_update(unreadable(telegram))
    telegram.push_raw_update(odd(telegram, odd_one))
    await telegram.send_text(last, "/start")
    for person in (first, odd_one, last):  # each answered (whenever: they are handled side by side)
        welcome = await telegram.wait_for_message(person, after=0)
        assert welcome.text.startswith(WELCOME)
    await telegram.settle()
    skipped = [r for r in caplog.records if "update skipped" in r.getMessage()]
    assert len(skipped) == 1 and skipped[0].levelno == logging.WARNING
    assert "bonjour" not in skipped[0].getMessage()  # its id, never its text
    await telegram.send_text(first, "/menu")
    await telegram.next_reply(first)
    await telegram.settle()
    assert len([r for r in caplog.records if "update skipped" in r.getMessage()]) == 1


@pytest.fixture
async def hook(telegram, db_url, clock, framework):
    async with webhook_bot(telegram, db_url, clock, framework, secret="s3cret-token", scheduler=False) as served:
        yield served.url
    telegram.assert_no_rejections()


async def test_behind_a_webhook_with_its_secret_the_bot_answers(hook, telegram):
    assert telegram.webhook is not None and telegram.webhook.url == hook
    assert telegram.webhook.secret_token == "s3cret-token"
    parent = telegram.user(language_code="fr")
    await telegram.send_text(parent, "/start")
    assert WELCOME in (await telegram.next_reply(parent, timeout=10)).text


async def test_a_webhook_call_without_the_secret_is_refused_with_401_and_logged(hook, telegram, caplog):
    caplog.set_level(logging.WARNING, logger="relier.telegram")
    update = {"update_id": 999, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
                                            "from": {"id": 5, "is_bot": False, "first_name": "X"}, "text": "/start"}}
    async with aiohttp.ClientSession() as session:
        for headers in ({}, {SECRET_HEADER: "wrong"}):
            async with session.post(hook, json=update, headers=headers) as answer:
                assert answer.status == 401
        async with session.post(hook, data=b"not json", headers={SECRET_HEADER: "s3cret-token"}) as answer:
            assert answer.status == 400
    refused = [r for r in caplog.records if "webhook call refused" in r.getMessage()]
    assert len(refused) == 2
    await telegram.settle()
    assert telegram.chat_messages(5) == []  # nothing was answered to the forged update
