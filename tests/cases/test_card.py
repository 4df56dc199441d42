"""The case card and the topic's name: who, why, the last check-ins and their trend, the status, the buttons."""

from __future__ import annotations

from dialogs.cases.card import card, topic_name, who_name
from dialogs.i18n import use_locale
from tests.cases.conftest import GROUP, INES, PARENT, TOPIC, add_staff, datas, name
from tests.conftest import join_as_youth, onboard_parent

WEEKS = (("2026-W45", 4, "every_day"), ("2026-W46", 3, "missed_some"), ("2026-W47", 2, "missed_most"),
         ("2026-W48", 1, "not_at_all"))


async def test_an_urgent_card_shows_the_message_the_checkins_and_the_trend(core, centre, chat_for):
    family = chat_for(PARENT, "en")
    await onboard_parent(family)
    await name(core, PARENT, "Marie <Dupont>")
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(PARENT)
        (child,) = await uow.families.children(person.family_id)
        for week, mood, attendance in WEEKS:
            checkin = await uow.checkins.start(person.id, child.id, "parent", week)
            await uow.checkins.complete(checkin, {"child_mood": mood, "parent_mood": 3, "attendance": attendance},
                                        None, "high" if mood == 1 else "none", None)
        await uow.commit()
    await family.text("my son says he wants to die")
    async with core.store.unit_of_work() as uow:
        case = await uow.cases.open_for(person.id)
        with use_locale("en"):
            reply = await card(uow, case.id, GROUP, TOPIC)
            title = topic_name(case, await who_name(uow, case))
    assert title == f"#{case.id} · 🔴 Urgent · Marie"  # a parent's case without a child: their first name
    assert (reply.chat_id, reply.thread_id, reply.edit_message_id) == (GROUP, TOPIC, None)
    text = reply.text
    assert f"<b>Case #{case.id}</b> · 🔴 Urgent" in text
    assert "Marie (parent)" in text and "<Dupont>" not in text  # first name only, escaped anyway
    assert "<b>Léo</b>, 12 years old, Middle school (collège)" in text
    assert "Why: An alarming message: thoughts of suicide or of dying" in text and "suicide</code>" not in text
    assert "« my son says he wants to die »" in text
    assert "• week of Nov 23: child 1/5, parent 3/5, school: not at all, 🟠 High priority" in text
    assert "week of Nov 16" in text and "week of Nov 2:" not in text  # the last three weeks
    assert "Trend: rather falling" in text
    assert "Waiting for someone since" in text and "Start a message with // " in text
    assert datas(reply) == [f"case|take|{case.id}", f"case|close|{case.id}"]


async def test_a_young_persons_card_and_a_long_topic_name(core, centre, chat_for, group):
    youth = chat_for(905, "en")
    await join_as_youth(core, youth)
    await youth.command("menu")
    await youth.press("Talk to someone")
    await youth.press("Talk to a psychologist")
    await youth.press("No, it can wait a few days")
    await youth.text("I'd like to talk about the bus")
    await youth.press("Send my request")
    await add_staff(core, centre.id, INES, "Inès")
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(905)
        case = await uow.cases.open_for(person.id)
        await uow.cases.take(case.id, await uow.people.by_telegram_id(INES))
        await uow.commit()
        case = await uow.cases.get(case.id)
        with use_locale("en"):
            reply = await card(uow, case.id, INES, None, edit_message_id=3)
            long = topic_name(case, "A" * 300)
    assert "a young person" in reply.text and "Asked to talk to someone (not urgent)" in reply.text
    assert "« I'd like to talk about the bus »" in reply.text and "No check-in yet" in reply.text
    assert "Taken by <b>Inès, psychologist</b>" in reply.text and "//" not in reply.text  # a private chat
    assert datas(reply) == [f"case|close|{case.id}"] and reply.edit_message_id == 3
    assert long.startswith(f"#{case.id} · 🟠 High priority · AAA")
    assert len(long.encode("utf-16-le")) // 2 <= 128


async def test_no_card_for_an_unknown_case(core, centre):
    async with core.store.unit_of_work() as uow:
        assert await card(uow, 404, GROUP, None) is None

