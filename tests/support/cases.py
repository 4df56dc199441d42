"""People and places for the case tests over HTTP: the staff group, a young person, a parent."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

from tests.e2e.test_onboarding_over_http import onboard, tap

PSY, COORD, INTRUDER = 7201, 7202, 7203
EN = ["Continue", "I agree", "I am a parent", "Middle school (collège)", "No, that's all"]


async def until(check, timeout: float = 5.0, what: str = ""):
    """Poll a check until it gives something true; that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout}s: {what or check}")
        await asyncio.sleep(0.02)


async def staff_chat(running_bot, telegram, forum: bool = True, link: bool = True):
    """The centre's staff group: Inès (psychologist), Paul (coordinator), Max (a member, not staff)."""
    group = telegram.group(title="Équipe Relier", forum=forum)
    people = SimpleNamespace(group=group)
    for user_id, name, attr in ((PSY, "Inès", "ines"), (COORD, "Paul", "paul"), (INTRUDER, "Max", "intruder")):
        user = telegram.user(user_id, first_name=name, language_code="en")
        telegram.add_member(group, user, "administrator" if attr == "paul" else "member")
        setattr(people, attr, user)
    async with running_bot.core.store.unit_of_work() as uow:
        centre = (await uow.centres.all())[0]
        if link:
            await uow.centres.set_staff_chat(centre.id, group.id)
        for user_id, name, role in ((PSY, "Inès Martin", "psychologist"), (COORD, "Paul Durand", "coordinator")):
            staff = await uow.people.add_staff(user_id, centre.id, name, role)
            await uow.people.set_locale(staff.id, "en")
        await uow.commit()
    return people


async def young_person(running_bot, telegram, name: str = "Jo"):
    async with running_bot.core.store.unit_of_work() as uow:
        centre = (await uow.centres.all())[0]
        code, _ = await uow.invites.create(centre.id, parental_consent_by="staff")
        await uow.commit()
    youth = telegram.user(first_name=name, language_code="en")
    await telegram.open_deep_link(youth, f"https://t.me/relier_test_bot?start={code}")
    hello = await telegram.next_reply(youth)
    secret = await tap(telegram, youth, hello, "OK, next")
    await tap(telegram, youth, secret, "Yes, let's go")
    return youth


def topic_messages(telegram, group, thread: int) -> list:
    return [m for m in telegram.chat_messages(group) if m.message_thread_id == thread]


def is_card(message, case_id: int = 1) -> bool:
    """The staff chat reads the centre's language (French here): a card is known by its buttons."""
    return any(data == f"case|close|{case_id}" for row in message.buttons for _text, data in row)


def takes(message) -> bool:
    return any(data and data.startswith("case|take|") for row in message.buttons for _text, data in row)


def current(telegram, message):  # a message as it is now, edits applied
    return telegram.world.message(message.chat_id, message.message_id)


async def case_topic(telegram, group, case_id: int = 1, timeout: float = 3.0):
    """A case's topic in the group and its card, once the card is there."""
    def card():
        for thread in group.topics:
            found = [m for m in topic_messages(telegram, group, thread) if is_card(m, case_id)]
            if found:
                return thread, found[0]
        return None
    return await until(card, timeout, f"a topic with the card of case {case_id}")


async def parent_asks_to_talk(telegram, name: str = "Alex", message: str = "My son is scared to go to school"):
    """An English parent onboards, then asks to talk to a psychologist (not urgent, with a message)."""
    parent = telegram.user(first_name=name, language_code="en")
    menu = await onboard(telegram, parent, EN)
    talk = await tap(telegram, parent, menu, "💬 Talk to someone")
    urgent = await tap(telegram, parent, talk, "🧑‍⚕️ Talk to a psychologist of the centre")
    await tap(telegram, parent, urgent, "No, it can wait a few days")
    await telegram.send_text(parent, message)
    confirm = await telegram.next_reply(parent)
    done = await tap(telegram, parent, confirm, "✅ Send my request")
    assert "Your request is recorded" in done.text
    return parent


def delete_topic_by_hand(telegram, group, thread: int) -> None:
    """What a staff member does in the Telegram app (deleteForumTopic is the bot's own method)."""
    del group.topics[thread]
    for message in telegram.world.history:
        if message.chat_id == group.id and message.message_thread_id == thread:
            message.deleted = True
