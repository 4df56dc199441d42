"""A young person joins only through a one-time invitation, and is told who reads what."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from storage.models import Person
from tests.conftest import join_as_youth, onboard_parent

LINK = re.compile(r"https://t\.me/relier_test_bot\?start=([A-Za-z0-9_-]+)")


async def parent_invites(chat) -> str:
    await chat.command("menu")
    await chat.press("Settings")
    await chat.press("Invite my child")
    assert "not to you" in chat.screen
    await chat.press("Léo")
    match = LINK.search(chat.all_text)
    assert match, chat.all_text
    return match.group(1)


async def test_parent_invites_child_who_joins_with_simple_words(core, centre, chat_for):
    parent = chat_for(201, "en")
    await onboard_parent(parent)
    code = await parent_invites(parent)

    youth = chat_for(202, "en")
    await youth.command("start", code)
    assert "not a person" in youth.screen
    await youth.press("OK, next")
    assert "<b>Not your parents.</b>" in youth.screen
    assert "in danger" in youth.screen
    await youth.press("Yes, let's go")
    assert "Your menu" in youth.screen
    assert youth.labels() == ["📝 Check-in", "📅 Workshops", "💬 Talk to someone", "⚙️ Settings"]
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(202)
        family_parent = await uow.people.by_telegram_id(201)
    assert person.role == "youth" and person.family_id == family_parent.family_id and person.child_id is not None


async def test_an_invite_works_once(core, centre, chat_for):
    parent = chat_for(203, "en")
    await onboard_parent(parent)
    code = await parent_invites(parent)
    first = chat_for(204, "en")
    await first.command("start", code)
    await first.press("OK, next")
    await first.press("Yes, let's go")
    second = chat_for(205, "en")
    await second.command("start", code)
    assert "already been used" in second.screen
    async with core.store.engine.connect() as conn:
        youths = (await conn.execute(select(func.count()).select_from(Person).where(Person.role == "youth"))).scalar()
    assert youths == 1


async def test_an_invite_expires_after_seven_days(core, centre, chat_for, clock):
    parent = chat_for(206, "en")
    await onboard_parent(parent)
    code = await parent_invites(parent)
    clock.advance(timedelta(days=7, seconds=1))
    youth = chat_for(207, "en")
    await youth.command("start", code)
    assert "expired" in youth.screen


async def test_an_invite_that_expires_while_reading_is_refused_kindly(core, centre, chat_for, clock):
    parent = chat_for(208, "en")
    await onboard_parent(parent)
    code = await parent_invites(parent)
    clock.advance(timedelta(days=6, hours=23, minutes=59))
    youth = chat_for(209, "en")
    await youth.command("start", code)
    await youth.press("OK, next")
    clock.advance(timedelta(minutes=2))
    await youth.press("Yes, let's go")
    assert "expired" in youth.screen
    async with core.store.unit_of_work() as uow:
        assert await uow.people.by_telegram_id(209) is None


async def test_garbage_and_unknown_payloads_are_answered_kindly(core, centre, chat_for):
    chat = chat_for(210, "en")
    await chat.command("start", "<script>alert(1)</script>")
    assert "does not work" in chat.screen
    await chat.command("start", "AAAAAAAAAAAAAAAA")
    assert "does not work" in chat.screen


async def test_a_registered_parent_opening_an_invite_keeps_their_account(core, centre, chat_for):
    parent = chat_for(211, "en")
    await onboard_parent(parent)
    code = await parent_invites(parent)
    await parent.command("start", code)
    assert "already registered" in parent.screen
    async with core.store.unit_of_work() as uow:
        assert (await uow.people.by_telegram_id(211)).role == "parent"
        await uow.invites.check(code)  # still usable by the child


async def test_a_forged_button_cannot_invite_another_familys_child(core, centre, chat_for):
    a = chat_for(212, "en")
    await onboard_parent(a, children=(("Léo", "12", "middle"),))
    b = chat_for(213, "en")
    await onboard_parent(b, children=(("Zoé", "10", "primary"),))
    async with core.store.unit_of_work() as uow:
        a_person = await uow.people.by_telegram_id(212)
        a_child = (await uow.families.children(a_person.family_id))[0]
    await b.command("menu")
    await b.press("Settings")
    await b.press("Invite my child")
    version = b.messages[-1].buttons[0][0].data.split("|")[0]
    await b.press_data(f"{version}|settings.invite|c{a_child.id}")
    assert not LINK.search(b.all_text)
    async with core.store.engine.connect() as conn:
        from storage.models import Invite

        assert (await conn.execute(select(func.count()).select_from(Invite))).scalar() == 0


async def test_staff_can_invite_from_the_command_line_and_the_youth_joins(core, centre, chat_for):
    youth = chat_for(214, "fr")
    await join_as_youth(core, youth)
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(214)
    assert person.role == "youth" and person.family_id is None


async def test_a_young_person_can_leave_and_their_parent_is_not_told(core, centre, chat_for):
    parent = chat_for(215, "en")
    await onboard_parent(parent)
    code = await parent_invites(parent)
    youth = chat_for(216, "en")
    await youth.command("start", code)
    await youth.press("OK, next")
    await youth.press("Yes, let's go")
    await youth.command("stop")
    assert "Your parents are not told" in youth.screen
    await youth.press("Yes, delete my data")
    assert "ask for a new link" in youth.screen
    assert {reply.chat_id for reply in youth.last.replies} == {216}  # nothing goes to the parent
    async with core.store.unit_of_work() as uow:
        assert await uow.people.by_telegram_id(216) is None
        assert (await uow.people.by_telegram_id(215)).family_id is not None
