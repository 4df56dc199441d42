"""Bad input through the real adapter: kind answers, nothing rejected by Telegram, no crash."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.test_onboarding_over_http import onboard, tap

EN = ["Continue", "I agree", "I am a parent", "Middle school (collège)", "No, that's all"]


@pytest.fixture
async def parent(running_bot, telegram):
    user = telegram.user(first_name="Alex", language_code="en")
    menu = await onboard(telegram, user, EN)
    return user, menu


@pytest.mark.parametrize("send", ["send_sticker", "send_photo", "send_voice", "send_document"])
async def test_media_gets_a_kind_answer(parent, telegram, send):
    user, _menu = parent
    await getattr(telegram, send)(user)
    reply = await telegram.next_reply(user)
    assert "I can only read text and buttons" in reply.text


async def test_an_edited_message_gets_a_kind_answer(parent, telegram):
    user, _menu = parent
    sent = await telegram.send_text(user, "hello")
    await telegram.next_reply(user)
    await telegram.edit_user_message(user, sent, "hello again")
    reply = await telegram.next_reply(user)
    assert "not edits" in reply.text


async def test_a_message_edited_into_danger_gets_the_emergency_numbers_and_reaches_the_team(parent, telegram,
                                                                                           running_bot):
    user, _menu = parent
    sent = await telegram.send_text(user, "see you on Tuesday")
    await telegram.next_reply(user)
    await telegram.edit_user_message(user, sent, "my son says he wants to die")
    numbers = await telegram.next_reply(user, predicate=lambda m: "3114" in m.text)
    assert "passed your message on" in numbers.text
    async with running_bot.core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(user.id)
        case = await uow.cases.open_for(person.id)
    assert case.level == "urgent" and case.snapshot["message"] == "my son says he wants to die"


async def test_group_messages_are_ignored(parent, telegram):
    user, _menu = parent
    group = telegram.group(title="Parents du quartier")
    telegram.add_member(group, user)
    await telegram.send_text(user, "/start", chat=group)
    await telegram.send_text(user, "bonjour", chat=group)
    await telegram.settle()
    assert telegram.chat_messages(group) == []


async def test_forged_and_old_buttons_are_answered_and_change_nothing(parent, telegram, running_bot):
    user, menu = parent
    await telegram.press_raw(user, menu, "1|forget.confirm|yes")
    await telegram.settle()
    await telegram.press_raw(user, menu, "x" * 64)
    await telegram.settle()
    answers = [c for c in telegram.calls_to("answerCallbackQuery") if c.params.get("text")]
    assert len(answers) >= 2
    async with running_bot.core.store.unit_of_work() as uow:
        assert await uow.people.by_telegram_id(user.id) is not None


async def test_ten_thousand_characters(parent, telegram):
    user, _menu = parent
    await telegram.send_text(user, "é" * 10_000)
    reply = await telegram.next_reply(user)
    assert "I haven't passed on what you wrote yet" in reply.text and len(reply.text) < 1000


async def test_start_with_garbage_payload(running_bot, telegram):
    user = telegram.user(language_code="en")
    await telegram.send_text(user, "/start ../../etc/passwd")
    reply = await telegram.next_reply(user)
    assert "does not work" in reply.text


async def test_expired_invitation(running_bot, telegram, clock):
    async with running_bot.core.store.unit_of_work() as uow:
        centre = (await uow.centres.all())[0]
        code, _ = await uow.invites.create(centre.id, parental_consent_by="staff")
        await uow.commit()
    clock.advance(timedelta(days=8))
    youth = telegram.user(language_code="fr")
    await telegram.open_deep_link(youth, f"https://t.me/relier_test_bot?start={code}")
    reply = await telegram.next_reply(youth)
    assert "a expiré" in reply.text


async def test_a_failure_inside_the_dialogs_gets_an_apology_not_silence(parent, telegram, running_bot, monkeypatch,
                                                                       caplog):
    user, _menu = parent
    caplog.expected_errors.add("relier.telegram")  # the failure is provoked: it must be logged, with ids

    async def broken(event):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(running_bot.core.dialogs, "handle", broken)
    await telegram.send_text(user, "/menu")
    reply = await telegram.next_reply(user)
    assert "something went wrong on my side" in reply.text


async def test_help_and_language_over_http(parent, telegram):
    user, menu = parent
    await telegram.send_text(user, "/language")
    picker = await telegram.next_reply(user)
    menu_fr = await tap(telegram, user, picker, "Français")
    assert "français" in menu_fr.text and "Menu principal" in menu_fr.text
    await telegram.send_text(user, "/help")
    help_ = await telegram.next_reply(user)
    assert "3114" in help_.text and "119" in help_.text and "3018" in help_.text
