"""OutboxSender against the fake Bot API over HTTP, on both frameworks: rows become messages, errors SendResults."""

from __future__ import annotations

import asyncio

import pytest

from bot.bootstrap import make_client
from bot.delivery.sender import OutboxSender, Prepared, error_code
from dialogs.events import Attachment, Button, Reply
from dialogs.reminders.payload import reply_payload
from tests.fakebot import FakeTelegram
from tests.fakebot.model import ForumTopic


@pytest.fixture
async def telegram():
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def sender(telegram, store, framework):
    client = make_client(framework, telegram.token, telegram.base_url)
    yield OutboxSender(client, store, "fr")
    await client.close()


async def outbox_row(store, chat_id: int, payload: dict, thread_id: int | None = None, kind: str = "notice"):
    async with store.unit_of_work() as uow:
        id = await uow.outbox.enqueue(chat_id, payload, store.clock.now(), kind=kind, thread_id=thread_id)
        await uow.commit()
        return await uow.outbox.get(id)


async def test_a_reply_row_is_sent_with_its_buttons(telegram, store, sender):
    user = telegram.user()
    reply = Reply(user.id, "Une place s'est <b>libérée</b>.", ((Button("Voir", data="v1:menu:main:x"),),))
    result = await sender(await outbox_row(store, user.id, reply_payload(reply)))
    assert result.outcome == "ok"
    message = telegram.last_message(user)
    assert message.text == "Une place s'est libérée." and message.button_texts == ["Voir"]


async def test_an_attachment_goes_as_a_document_with_its_caption_in_a_forum_topic(telegram, store, sender):
    staff = telegram.group(title="Équipe", forum=True)
    staff.topics[42] = ForumTopic(42, "Alertes")
    reply = Reply(staff.id, "Le calendrier", attachment=Attachment("session.ics", content=b"BEGIN:VCALENDAR\r\n"))
    prepared = await sender.prepare(await outbox_row(store, staff.id, reply_payload(reply), thread_id=42))
    assert isinstance(prepared, Prepared) and prepared.file == b"BEGIN:VCALENDAR\r\n"  # loaded before the slot
    assert (await sender.send(prepared)).outcome == "ok"
    message = telegram.last_message(staff)
    assert (message.kind, message.text, message.message_thread_id) == ("document", "Le calendrier", 42)
    assert message.file_bytes == b"BEGIN:VCALENDAR\r\n" and message.file_name == "session.ics"


async def test_a_photo_attachment_goes_as_a_photo(telegram, store, sender):
    from tests.fakebot.actions import TINY_PNG

    user = telegram.user()
    reply = Reply(user.id, "", attachment=Attachment("chart.png", content=TINY_PNG, kind="photo"))
    assert (await sender(await outbox_row(store, user.id, reply_payload(reply)))).outcome == "ok"
    assert telegram.last_message(user).kind == "photo"


async def test_a_row_render_finds_obsolete_is_skipped(telegram, store, sender):
    user = telegram.user()
    row = await outbox_row(store, user.id, {"type": "prompt", "person": 999, "at": store.clock.now().isoformat()},
                           kind="prompt")
    assert await sender.prepare(row) is None
    result = await sender(row)
    assert (result.outcome, result.reason) == ("skip", "obsolete")
    assert telegram.calls_to("sendMessage") == []


async def test_telegram_errors_become_results(telegram, store, sender):
    user = telegram.user()
    row = await outbox_row(store, user.id, reply_payload(Reply(user.id, "Bonjour")))

    telegram.fail_next("sendMessage", 429, retry_after=7, chat_id=user.id)
    result = await sender(row)
    assert (result.outcome, result.seconds, result.scope) == ("retry_after", 7, "chat")

    telegram.fail_next("sendMessage", 502, chat_id=user.id)
    result = await sender(row)
    assert (result.outcome, result.reason) == ("transient", "5xx_bad_gateway")

    telegram.fail_next("sendMessage", 400, "Bad Request: can't parse entities: unsupported start tag", chat_id=user.id)
    result = await sender(row)
    assert (result.outcome, result.reason, result.unreachable) == ("permanent", "400_can_t_parse_entities", False)

    user.blocked = True
    result = await sender(row)
    assert (result.outcome, result.reason, result.unreachable) == ("permanent", "blocked", True)

    nobody = await outbox_row(store, 123_456, reply_payload(Reply(123_456, "Bonjour")))  # unknown to Telegram
    result = await sender(nobody)
    assert (result.outcome, result.reason, result.unreachable) == ("permanent", "chat_not_found", True)


async def test_a_deactivated_account_is_unreachable(telegram, store, sender):
    user = telegram.user()
    telegram.fail_next("sendMessage", 403, "Forbidden: user is deactivated", chat_id=user.id)
    result = await sender(await outbox_row(store, user.id, reply_payload(Reply(user.id, "Bonjour"))))
    assert (result.outcome, result.reason, result.unreachable) == ("permanent", "deactivated", True)


async def test_429s_for_three_chats_within_a_second_mean_the_whole_bot_waits(telegram, store, sender):
    users = [telegram.user() for _ in range(4)]
    rows = [await outbox_row(store, u.id, reply_payload(Reply(u.id, "Bonjour"))) for u in users]
    for user in users:
        telegram.fail_next("sendMessage", 429, retry_after=2, chat_id=user.id)
    scopes = [(await sender(row)).scope for row in rows[:3]]
    assert scopes == ["chat", "chat", "global"]
    telegram.fail_next("sendMessage", 429, description="Too Many Requests: global flood, retry after 2",
                       chat_id=users[3].id)
    assert (await sender(rows[3])).scope == "global"


async def test_a_429_for_one_chat_after_a_second_is_that_chat_s_own(telegram, store, sender, monkeypatch):
    from bot.delivery import sender as outbox_sender

    monkeypatch.setattr(outbox_sender, "GLOBAL_WINDOW", 0.05)
    users = [telegram.user() for _ in range(3)]
    for user in users:
        telegram.fail_next("sendMessage", 429, retry_after=2, chat_id=user.id)
        row = await outbox_row(store, user.id, reply_payload(Reply(user.id, "Bonjour")))
        assert (await sender(row)).scope == "chat"
        await asyncio.sleep(0.06)


async def test_a_server_that_cannot_be_reached_is_a_transient_failure(store, framework):
    client = make_client(framework, "123456:TEST-TOKEN", "http://127.0.0.1:9")  # nothing listens on the discard port
    try:
        row = await outbox_row(store, 1, reply_payload(Reply(1, "Bonjour")))
        result = await OutboxSender(client, store)(row)
    finally:
        await client.close()
    assert (result.outcome, result.reason) == ("transient", "network")


def test_error_codes_keep_the_first_clause_only():
    assert error_code(400, "Bad Request: message is too long") == "400_message_is_too_long"
    assert error_code(400, "Bad Request: can't parse entities: Can't find end of tag at byte 12") == \
        "400_can_t_parse_entities"
    assert error_code("5xx", "Internal Server Error") == "5xx_internal_server_error"
    assert len(error_code(400, "Bad Request: " + "word " * 40)) <= 32
