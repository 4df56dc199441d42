"""A centre where a parent and their child (a young person) have used everything the bot stores: check-ins
with free text, a request to the team taken by a psychologist, messages both ways through the bot, seats
with someone waiting behind, a message held by the quiet hours. Then they erase themselves.

Names, texts and Telegram ids are distinctive, so that finding one anywhere in the database means it was
not erased (tests/privacy/scan.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from bot.bootstrap import build_core
from tests.cases.conftest import GROUP, INES, Group, add_staff, name, pending
from tests.conftest import onboard_parent

PARENT, YOUTH, OTHER = 7_700_000_901, 7_700_000_902, 7_700_000_903
PARENT_NAME, YOUTH_NAME, CHILD = "Marjolaine", "Tiphaine", "Zéphyrin"
LINK = re.compile(r"https://t\.me/relier_test_bot\?start=([A-Za-z0-9_-]+)")
EVENING = datetime(2026, 11, 24, 21, 30, tzinfo=timezone.utc)  # 22:30 in Paris: quiet hours


@pytest.fixture
async def core(db_url, clock):
    core = await build_core(db_url, bot_username="relier_test_bot", default_locale="en", clock=clock)
    yield core
    await core.close()


@pytest.fixture
def group(core, clock) -> Group:
    return Group(core, clock)


@pytest.fixture
async def centre(core):
    async with core.store.unit_of_work() as uow:
        record = await uow.centres.add("Centre Relier Test", "Europe/Paris", staff_chat_id=GROUP)
        await uow.commit()
    return record


@dataclass
class Person:
    chat: object
    user_id: int
    names: tuple[str, ...]
    texts: list[str] = field(default_factory=list)  # everything they wrote that must go
    kept: list[str] = field(default_factory=list)  # what they wrote on a case: the safety record
    case_id: int | None = None


async def case_of(core, user_id: int):
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(user_id)
        return await uow.cases.open_for(person.id)


async def seat_with_someone_waiting(core, centre, user_id: int, audience: str, other: int | None) -> int:
    """A one-seat session that `user_id` holds, with `other` (a parent) on the waiting list; its id."""
    async with core.store.unit_of_work() as uow:
        session = await uow.sessions.add(centre.id, f"Séance {audience}", core.store.clock.now() + timedelta(days=3),
                                         90, 1, audience=audience)
        person = await uow.people.by_telegram_id(user_id)
        assert (await uow.bookings.book(session.id, person)).outcome == "booked"
        if other is not None:
            waiting = await uow.people.by_telegram_id(other)
            assert (await uow.bookings.book(session.id, waiting)).outcome == "waiting"
        await uow.commit()
    return session.id


async def check_in_with_message(chat, text: str, youth: bool = False) -> None:
    await chat.command("menu")
    await chat.press("Check-in")
    if youth:
        await chat.press("Let's go")
        taps = ("🙂", "Yes", "Well", "Not now")
    else:
        await chat.press(f"Check-in for {CHILD}")
        taps = ("🙂", "Every day", "No", "Well", "🙂")
    for label in taps:
        await chat.press(label)
    await chat.text(text)


async def talk(chat, text: str) -> None:
    await chat.command("menu")
    await chat.press("Talk to someone")
    await chat.press("Talk to a psychologist")
    await chat.press("No, it can wait a few days")
    await chat.text(text)
    await chat.press("Send my request")


async def with_a_case_taken(core, centre, group, chat, user_id: int, first_words: str, later: str) -> int:
    """A request to the team, taken by Inès, who writes back; the family answers through the bot."""
    await talk(chat, first_words)
    case = await case_of(core, user_id)
    async with core.store.unit_of_work() as uow:
        await uow.cases.set_card(case.id, GROUP, 500 + case.id, 70 + case.id)
        await uow.commit()
    await group.press(INES, f"case|take|{case.id}", message_id=500 + case.id)
    await group.say(INES, f"Bonjour, je suis là. (pour {chat.user_id})", thread_id=70 + case.id,
                    reply_to=500 + case.id)
    await chat.text(later)  # in the conversation with Inès: relayed to the topic
    return case.id


@pytest.fixture
async def family(core, centre, group, chat_for):
    """The parent and the young person, each with everything; staff Inès; another parent waiting for a seat."""
    await add_staff(core, centre.id, INES, "Inès Martin")
    other = chat_for(OTHER, "en")
    await onboard_parent(other, children=(("Basile", "9", "primary"),))

    parent = chat_for(PARENT, "en")
    await onboard_parent(parent, children=((CHILD, "13", "middle"),))
    await name(core, PARENT, PARENT_NAME)
    p = Person(parent, PARENT, (PARENT_NAME, CHILD))
    p.texts.append("Grenadine sous le préau, il pleure le matin")
    await check_in_with_message(parent, p.texts[-1])
    p.kept += ["Cartable déchiré encore une fois", "Merci, rappelez-moi vers midi"]
    p.case_id = await with_a_case_taken(core, centre, group, parent, PARENT, *p.kept)

    await parent.command("menu")
    await parent.press("Settings")
    await parent.press("Invite my child")
    await parent.press(CHILD)
    code = LINK.search(parent.all_text).group(1)
    youth = chat_for(YOUTH, "en")
    await youth.command("start", code)
    await youth.press("OK, next")
    await youth.press("Yes, let's go")
    await name(core, YOUTH, YOUTH_NAME)
    y = Person(youth, YOUTH, (YOUTH_NAME,))
    y.texts.append("Personne ne me parle à la cantine depuis la rentrée")
    await check_in_with_message(youth, y.texts[-1], youth=True)
    y.kept += ["Ils ont parlé de moi sur Snapchat", "Oui je peux parler demain"]
    y.case_id = await with_a_case_taken(core, centre, group, youth, YOUTH, *y.kept)

    await seat_with_someone_waiting(core, centre, PARENT, "parents", OTHER)
    await seat_with_someone_waiting(core, centre, YOUTH, "youth", None)
    await pending(core)  # sent: they stay in the outbox as sent rows, with their texts
    return {"parent": p, "youth": y, "other": other}


async def erase(chat) -> None:
    await chat.command("privacy")
    await chat.press("Delete my data")
    assert "Delete your data?" in chat.screen
    await chat.press("Yes, delete my data")
    assert "Done: your data has been deleted" in chat.screen
