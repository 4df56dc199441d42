"""Once a person erased their data, nothing more reaches their chat: not the messages held overnight by the
quiet hours, not a row a dispatcher had already claimed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.delivery import Dispatcher
from dialogs.flows.privacy_data import erase_person
from storage.models import OutboxMessage
from tests.cases.conftest import GROUP, INES, add_staff, close
from tests.conftest import join_as_youth
from tests.delivery.conftest import FAST, FakeSender, enqueue
from tests.privacy.conftest import YOUTH, erase, talk

EVENING = datetime(2026, 11, 24, 21, 30, tzinfo=timezone.utc)  # 22:30 in Paris: the quiet hours


async def youth_with_a_taken_case(core, centre, group, chat_for):
    youth = chat_for(YOUTH, "en")
    await join_as_youth(core, youth)
    await talk(youth, "On se moque de moi dans le bus")
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(YOUTH)
        case = await uow.cases.open_for(person.id)
        await uow.cases.set_card(case.id, GROUP, 600, 90)
        await uow.commit()
    await add_staff(core, centre.id, INES, "Inès Martin")
    await group.press(INES, f"case|take|{case.id}", message_id=600)
    return youth, case.id


async def drain(core, clock) -> FakeSender:
    sender = FakeSender()
    dispatcher = Dispatcher(core.store, sender, FAST, clock, worker_id="w1")
    while await dispatcher.drain_once():
        pass
    return sender


async def test_messages_held_by_the_quiet_hours_are_never_sent_after_an_erasure(core, centre, group, chat_for,
                                                                                 clock):
    youth, case_id = await youth_with_a_taken_case(core, centre, group, chat_for)
    await drain(core, clock)  # what the day sent is sent
    clock.set(EVENING)
    await group.say(INES, "Je t'écris demain matin", thread_id=90)
    await close(group, INES, case_id, "resolved")  # « the team closed this conversation »: held until 08:00
    async with core.store.engine.connect() as conn:
        held = (await conn.execute(select(OutboxMessage.due_at).where(
            OutboxMessage.chat_id == YOUTH, OutboxMessage.state == "pending"))).scalars().all()
    assert held and max(held) == datetime(2026, 11, 25, 7, 0, tzinfo=timezone.utc)  # 08:00 in Paris
    clock.advance(minutes=20)
    await erase(youth)
    clock.set(EVENING + timedelta(hours=11))  # 08:30 the next morning
    sender = await drain(core, clock)
    assert YOUTH not in sender.chats()
    clock.advance(days=8)  # and later: follow-ups, prompts, reminders
    sender = await drain(core, clock)
    assert YOUTH not in sender.chats()


async def test_a_row_claimed_before_the_erasure_is_read_again_and_not_sent(core, centre, group, chat_for, clock):
    youth, _case_id = await youth_with_a_taken_case(core, centre, group, chat_for)
    await drain(core, clock)
    first, second = await enqueue(core.store, YOUTH, count=2)
    erased = []

    async def prepare(row):
        if not erased:  # the person erases their data while the dispatcher holds both rows
            async with core.store.unit_of_work() as uow:
                person = await uow.people.by_telegram_id(YOUTH)
                erased.append(await erase_person(uow, person, "en"))
                await uow.commit()
        return row

    sender = FakeSender()
    dispatcher = Dispatcher(core.store, sender, FAST, clock, worker_id="w1", prepare=prepare)
    await dispatcher.drain_once()
    assert erased and [call.row_id for call in sender.calls if call.chat_id == YOUTH] == [first]
    assert second not in [call.row_id for call in sender.calls]
    assert dispatcher.stats["gone"] == 1
