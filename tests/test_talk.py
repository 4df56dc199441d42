"""« Talk to someone »: a request for a psychologist is recorded honestly, once per person, never told to parents."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from dialogs.flows.talk import HARASSMENT_SITE
from storage.models import Escalation
from tests.cases.test_free_text import later_messages
from tests.conftest import onboard_parent
from tests.support.outbox import take_queued

LINK = re.compile(r"https://t\.me/relier_test_bot\?start=([A-Za-z0-9_-]+)")


async def cases(core):
    async with core.store.engine.connect() as conn:
        return (await conn.execute(select(Escalation).order_by(Escalation.id))).all()


async def centre_with_phone(core):
    async with core.store.unit_of_work() as uow:
        record = await uow.centres.add("Centre Relier Test", "Europe/Paris", phone="04 72 00 00 00")
        await uow.commit()
    return record


async def open_talk(chat):
    await chat.command("menu")
    await chat.press("Talk to someone")


async def ask(chat, urgent: bool, message: str | None = None, message_index: int | None = None):
    await chat.press("Talk to a psychologist", message=message_index)
    assert "Is it urgent?" in chat.screen
    await chat.press("Yes, it's urgent" if urgent else "No, it can wait a few days")
    assert "Write a few words if you want, or skip" in chat.screen
    if message is None:
        await chat.press("Skip")
    else:
        await chat.text(message)


async def test_a_parent_asks_for_a_psychologist_urgently_with_a_message(core, chat_for):
    await centre_with_phone(core)
    chat = chat_for(901, "en")
    await onboard_parent(chat)
    await open_talk(chat)
    assert chat.labels() == ["🧑‍⚕️ Talk to a psychologist of the centre", "☎️ Emergency numbers",
                             "📚 Useful resources", "« Menu"]
    await ask(chat, urgent=True, message="Léo refuses to go to school since Monday")
    assert "Urgent: yes" in chat.screen and "Léo refuses to go to school since Monday" in chat.screen
    await chat.press("Send my request")
    done = chat.screen
    assert "Your request is recorded" in done and "opening hours" in done
    assert "minute" not in done.lower() and "alerted" not in done.lower()  # no promise the bot cannot keep
    assert "The centre's number: <b>04 72 00 00 00</b>" in done
    assert "☎️ Emergency numbers" in chat.labels()
    (case,) = await cases(core)
    assert (case.level, case.source, case.reason, case.status) == ("urgent", "request", "request", "open")
    snapshot = json.loads(case.snapshot)
    assert snapshot == {"message": "Léo refuses to go to school since Monday", "urgent": True, "role": "parent"}
    await chat.press("Emergency numbers")
    assert "<b>3114</b>" in chat.screen


async def test_asking_again_joins_the_open_request_and_never_lowers_it(core, centre, chat_for):
    chat = chat_for(902, "en")
    await onboard_parent(chat)
    await open_talk(chat)
    first_screen = chat._latest_with_buttons()
    await open_talk(chat)  # a second menu, below the first
    await ask(chat, urgent=True)
    await chat.press("Send my request")
    # The first « Talk to someone » message still works: asking again, not urgent this time.
    await ask(chat, urgent=False, message="We can come on Wednesday", message_index=first_screen)
    await chat.press("Send my request")
    (case,) = await cases(core)
    assert case.level == "urgent" and case.status == "open"
    assert await later_messages(core, case.id) == [("request", "We can come on Wednesday")]  # kept, not replaced


async def test_the_status_screen_shows_the_open_request_and_takes_a_message(core, centre, chat_for):
    chat = chat_for(903, "en")
    await onboard_parent(chat)
    await open_talk(chat)
    await ask(chat, urgent=False)
    await chat.press("Send my request")
    (case,) = await cases(core)
    assert case.level == "high"
    await open_talk(chat)
    assert "Your request is with the centre's team" in chat.screen
    assert "waiting for someone of the team" in chat.screen
    assert "Talk to a psychologist of the centre" not in " ".join(chat.labels())
    assert "☎️ Emergency numbers" in chat.labels()
    await chat.press("Add a message")
    await chat.text("He slept better last night")
    assert "Added to your request" in chat.screen and "Your request is with the centre's team" in chat.screen
    (case,) = await cases(core)
    assert await later_messages(core, case.id) == [("text", "He slept better last night")]
    assert case.level == "high"


async def test_a_young_persons_request_never_reaches_their_parent(core, centre, chat_for):
    parent = chat_for(904, "en")
    await onboard_parent(parent)
    await parent.command("menu")
    await parent.press("Settings")
    await parent.press("Invite my child")
    await parent.press("Léo")
    code = LINK.search(parent.all_text).group(1)
    youth = chat_for(905, "en")
    await youth.command("start", code)
    await youth.press("OK, next")
    await youth.press("Yes, let's go")
    await take_queued(core)
    seen_by_parent = len(parent.messages)

    await open_talk(youth)
    assert "your parents won't be told" in youth.screen
    await ask(youth, urgent=False)
    assert "your parents won't be told" in youth.screen
    await youth.press("Send my request")
    assert "Your request is recorded" in youth.screen and "your parents won't be told" in youth.screen
    assert "minute" not in youth.screen.lower()
    (case,) = await cases(core)
    assert (case.level, case.source) == ("high", "request")
    assert json.loads(case.snapshot)["role"] == "youth"
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(905)
    assert case.person_id == person.id and case.child_id == person.child_id
    assert len(parent.messages) == seen_by_parent
    assert 904 not in await take_queued(core)


async def test_emergency_numbers_and_resources_are_one_tap_away(core, chat_for):
    await centre_with_phone(core)
    chat = chat_for(906, "en")
    await onboard_parent(chat)
    await open_talk(chat)
    await chat.press("Emergency numbers")
    for number in ("3114", "119", "3018", "112", "114"):
        assert f"<b>{number}</b>" in chat.screen
    assert "The centre's number: <b>04 72 00 00 00</b>" in chat.screen
    await chat.press("Back")
    await chat.press("Useful resources")
    assert "<b>3018</b>" in chat.screen and "9:00 to 23:00" in chat.screen and "0 800 235 236" in chat.screen
    urls = [b.url for row in chat.messages[-1].buttons for b in row if b.url]
    assert urls == [HARASSMENT_SITE]
    await chat.press("Back")
    assert "Talk to a psychologist of the centre" in " ".join(chat.labels())
    assert await cases(core) == []  # looking is not asking


async def test_a_young_person_sees_their_own_numbers(core, centre, chat_for):
    from tests.conftest import join_as_youth

    youth = chat_for(907, "fr")
    await join_as_youth(core, youth)
    await youth.command("menu")
    await youth.press("💬")
    await youth.press("☎️")
    assert "<b>3114</b>" in youth.screen and "Fil Santé Jeunes" in youth.screen


async def test_an_alarming_message_is_kept_urgent_and_answered_at_once(core, centre, chat_for):
    chat = chat_for(908, "en")
    await onboard_parent(chat)
    await open_talk(chat)
    await ask(chat, urgent=False, message="my son says he wants to die")
    first = chat.last.replies[0].text
    assert "<b>3114</b>" in first and "<b>119</b>" in first  # the emergency numbers first
    assert "Your request is recorded" in chat.screen  # and the request sent, without a confirm step
    assert "call the emergency numbers now" in chat.screen
    (case,) = await cases(core)
    assert case.level == "urgent" and case.status == "open"
    assert "my son says he wants to die" in case.snapshot
    snapshot = json.loads(case.snapshot)
    assert snapshot["urgent"] is True and snapshot["message"] == "my son says he wants to die"
