"""Contact lost: unreachable people are marked, the staff of an open case are alerted once,
and a person who unblocks the bot or sends /start is reachable again."""

from __future__ import annotations

from datetime import timedelta

from dialogs.events import Event, Kind
from dialogs.reminders.unreachable import contact_lost
from tests.support.outbox import take_queued

PARENT, YOUTH, PSY, PSY_EN, COORD = 501, 502, 601, 602, 603


async def family(core, staff_chat: int | None = None, case_for: tuple[int, ...] = (PARENT,)) -> dict[int, int]:
    """A centre, a parent and a young person, two psychologists and a coordinator; open cases."""
    async with core.store.unit_of_work() as uow:
        centre = await uow.centres.add("Centre Relier Test", "Europe/Paris", staff_chat_id=staff_chat)
        now = uow.clock.now()
        family_id = await uow.families.create(centre.id)
        people = {PARENT: await uow.people.add_parent(PARENT, centre.id, family_id, "fr", now),
                  YOUTH: await uow.people.add_youth(YOUTH, centre.id, family_id, None, "fr", now)}
        await uow.people.add_staff(PSY, centre.id, "Inès Durand", "psychologist")
        english = await uow.people.add_staff(PSY_EN, centre.id, "Oliver Smith", "psychologist")
        await uow.people.set_locale(english.id, "en")
        await uow.people.add_staff(COORD, centre.id, "Paul Lefèvre", "coordinator")
        cases = {}
        for user in case_for:
            case = await uow.escalations.open_or_raise(centre.id, people[user].id, None, "high", "request",
                                                       "request", {})
            cases[user] = case.id
        await uow.commit()
    return cases


async def lost(core, chat_id: int) -> int:
    async with core.store.unit_of_work() as uow:
        count = await contact_lost(uow, chat_id, "fr")
        await uow.commit()
    return count


async def person(core, user_id: int):
    async with core.store.unit_of_work() as uow:
        return await uow.people.by_telegram_id(user_id)


async def test_the_psychologists_are_told_in_their_language_when_there_is_no_staff_chat(core):
    cases = await family(core)
    assert await lost(core, PARENT) == 2
    assert (await person(core, PARENT)).unreachable_at == core.store.clock.now()
    queued = await take_queued(core)
    assert set(queued) == {PSY, PSY_EN}  # not the coordinator
    (english,) = queued[PSY_EN]
    assert english.text == (f"Contact lost: the bot can no longer write to the parent of case #{cases[PARENT]} "
                            "(they blocked the bot or their account is gone).")
    assert f"#{cases[PARENT]}" in queued[PSY][0].text
    for replies in queued.values():
        assert "Inès" not in replies[0].text and str(PARENT) not in replies[0].text


async def test_the_staff_chat_is_told_when_there_is_one_and_the_alert_is_urgent(core):
    cases = await family(core, staff_chat=-100555, case_for=(YOUTH,))
    assert await lost(core, YOUTH) == 1
    async with core.store.unit_of_work() as uow:
        (alert,) = await uow.outbox.claim(10, 60, "test")
    assert (alert.chat_id, alert.kind, alert.urgent) == (-100555, "alert", True)
    assert f"jeune de la situation #{cases[YOUTH]}" in alert.payload["text"]  # the staff chat speaks French


async def test_one_block_gives_one_alert_and_a_second_block_a_second(core, clock):
    await family(core)
    assert await lost(core, PARENT) == 2
    clock.advance(seconds=5)
    assert await lost(core, PARENT) == 0  # the next failed send for the same block
    async with core.store.unit_of_work() as uow:
        assert await uow.people.mark_reachable(PARENT)
        await uow.commit()
    clock.advance(minutes=5)
    assert await lost(core, PARENT) == 2  # blocked again later: told again


async def test_nobody_is_alerted_without_an_open_case(core):
    await family(core, case_for=())
    assert await lost(core, PARENT) == 0
    assert (await person(core, PARENT)).unreachable_at is not None
    assert await lost(core, 999) == 0  # a stranger: nothing to mark
    assert await lost(core, -100555) == 0  # a group
    assert await take_queued(core) == {}


async def test_blocking_and_unblocking_the_bot_mark_the_person_without_a_reply(core, clock):
    await family(core)
    told = []
    core.doorbell.listen(lambda: told.append(True))

    def membership(status: str) -> Event:
        return Event(PARENT, PARENT, Kind.MEMBERSHIP, clock.now(), text=status)

    assert (await core.dialogs.handle(membership("kicked"))).replies == []
    assert (await person(core, PARENT)).unreachable_at is not None
    assert told == [True]  # the staff's alerts wait in the outbox: the dispatcher is woken
    assert set(await take_queued(core)) == {PSY, PSY_EN}
    clock.advance(timedelta(hours=1))
    assert (await core.dialogs.handle(membership("member"))).replies == []
    assert (await person(core, PARENT)).unreachable_at is None


async def test_start_makes_an_unreachable_person_reachable_again(core, chat_for):
    await family(core, case_for=())
    await lost(core, PARENT)
    chat = chat_for(PARENT)
    await chat.command("start")
    assert "Bon retour" in chat.all_text or "Welcome back" in chat.all_text
    assert (await person(core, PARENT)).unreachable_at is None
