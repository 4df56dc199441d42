"""Getting a case to the staff on time: the card enqueued once, the alerts at 10 and 30 minutes
(urgent), 4 hours (high), 24 hours (otherwise), rendered at send time and dropped once taken.
When the timers fall due, on SQLite and PostgreSQL: tests/storage/test_case_timers.py."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from dialogs.cases.announce import announce, open_or_raise
from dialogs.cases.render import render_case_row
from dialogs.cases.timers import check_cases
from storage.models import Centre, OutboxMessage, Person
from storage.repos.outbox import to_record

GROUP = -1001234567890


async def rows(core):
    async with core.store.engine.connect() as conn:
        found = (await conn.execute(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    return [(r.chat_id, r.key, json.loads(r.payload), r.due_at) for r in found]


async def setup(core, centre, staff_chat: int | None = GROUP, timers: dict | None = None):
    """A young person, a psychologist on duty, one off duty, a coordinator; the centre's staff chat."""
    async with core.store.unit_of_work() as uow:
        await uow.centres.set_staff_chat(centre.id, staff_chat)
        youth = await uow.people.add_youth(501, centre.id, None, None, "en", uow.clock.now())
        psy = await uow.people.add_staff(601, centre.id, "Inès Martin", "psychologist")
        await uow.people.add_staff(602, centre.id, "Off Duty", "psychologist")
        await uow.people.add_staff(603, centre.id, "Paul", "coordinator")
        await uow.commit()
    async with core.store.engine.begin() as conn:
        await conn.execute(update(Person).where(Person.telegram_user_id == 602).values(on_duty=False))
        if timers is not None:
            await conn.execute(update(Centre).where(Centre.id == centre.id).values(case_timers=json.dumps(timers)))
    return youth, psy


async def open_case(core, centre, person, level: str = "urgent"):
    async with core.store.unit_of_work() as uow:
        case = await open_or_raise(uow, centre.id, person.id, None, level, "rule", "text", {"message": "help"})
        await uow.commit()
    return case


async def test_a_case_is_announced_once_to_the_staff_chat_and_its_first_alert_scheduled(core, centre, clock):
    youth, _psy = await setup(core, centre)
    first = await open_case(core, centre, youth)
    again = await open_case(core, centre, youth)  # a burst: joins, tells nobody again
    assert again.id == first.id
    assert [(chat, key, payload) for chat, key, payload, _due in await rows(core)] == [
        (GROUP, f"case:{first.id}:card", {"type": "case_card", "case": first.id})]
    async with core.store.unit_of_work() as uow:
        await announce(uow, first.id)  # even called again, the card's key holds: no second topic
        case = await uow.cases.get(first.id)
    assert case.alert_stage == 0 and case.next_alert_at == clock.now() + timedelta(minutes=10)


async def test_a_level_that_rises_renders_the_card_again_and_says_so(core, centre, clock):
    youth, _psy = await setup(core, centre)
    case = await open_case(core, centre, youth, "high")
    async with core.store.unit_of_work() as uow:
        assert (await uow.cases.get(case.id)).next_alert_at == clock.now() + timedelta(hours=4)
    clock.advance(minutes=3)
    await open_case(core, centre, youth, "urgent")
    found = await rows(core)
    assert [payload["type"] for _chat, _key, payload, _due in found] == ["case_card", "case_card", "case_alert"]
    assert found[2][2]["stage"] == 0
    async with core.store.unit_of_work() as uow:
        assert (await uow.cases.get(case.id)).next_alert_at == clock.now() + timedelta(minutes=10)


async def test_without_a_staff_chat_each_psychologist_on_duty_gets_the_card_but_not_at_night(core, centre, clock):
    youth, psy = await setup(core, centre, staff_chat=None)
    clock.set(clock.now().replace(hour=22))  # 23:00 in Paris
    await open_case(core, centre, youth, "high")
    (chat, key, _payload, due), = await rows(core)
    assert chat == 601 and key.endswith(":601") and due.hour == 7  # 08:00 in Paris: after the quiet hours
    async with core.store.unit_of_work() as uow:
        other = await uow.people.add_youth(502, centre.id, None, None, "en", uow.clock.now())
        await uow.commit()
    await open_case(core, centre, other, "urgent")
    assert (await rows(core))[-1][3] == clock.now()  # urgent: now, whatever the hour


async def test_an_alert_in_the_topic_mentions_who_is_on_duty(core, centre, clock):
    youth, _psy = await setup(core, centre)
    await open_case(core, centre, youth)
    clock.advance(minutes=30)
    await check_cases(core.store)  # late: stage 1 now, stage 2 at the next check
    await check_cases(core.store)
    async with core.store.engine.connect() as conn:
        found = (await conn.execute(select(OutboxMessage).where(OutboxMessage.chat_id == GROUP,
                                                                OutboxMessage.key.like("%:alert:%"))
                                    .order_by(OutboxMessage.id))).all()
    async with core.store.unit_of_work() as uow:
        first, second = [await render_case_row(uow, to_record(row), "en") for row in found]
    assert '<a href="tg://user?id=601">Inès</a>' in first.reply.text and "603" not in first.reply.text
    assert "tg://user?id=603" in second.reply.text and "602" not in second.reply.text  # off duty: left alone
    assert first.card is not None and "Case #1" in first.card.text and first.topic.startswith("#1 · 🔴")


async def test_with_nobody_on_duty_and_no_staff_chat_every_staff_member_is_told(core, centre, clock):
    youth, _psy = await setup(core, centre, staff_chat=None)
    async with core.store.engine.begin() as conn:
        await conn.execute(update(Person).where(Person.role == "staff").values(on_duty=False))
    await open_case(core, centre, youth)
    assert sorted(chat for chat, *_ in await rows(core)) == [601, 602, 603]
