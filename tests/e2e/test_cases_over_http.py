"""Escalation and handoff over real HTTP: from an alarming message to a psychologist, on time.

The in-process bot (its outbox dispatcher running) against the fake Bot API with a forum
supergroup as the centre's staff chat. Time is the test's FakeClock: « 10 minutes later » is
`clock.advance(minutes=10)` and the minute job's `check_cases`, not a wait. The group pacing of
the dispatcher (20 messages a minute) is tested elsewhere: here it is lifted, so a topic's
dozen messages do not take half a minute of real time.
"""

from __future__ import annotations

import time

import pytest

from bot.delivery import Limits
from bot.runtime import DeliveryOptions
from tests.support.cases import (
    COORD, PSY, case_topic, current, delete_topic_by_hand, is_card, parent_asks_to_talk, staff_chat, takes,
    topic_messages, until, young_person,
)

ALARM = "I want to disappear forever, nobody would miss me"


@pytest.fixture
def delivery_options() -> DeliveryOptions:
    fast = Limits(overall_per_second=1000, private_per_second=100, group_per_minute=60_000)
    return DeliveryOptions(limits=fast, scheduler=False)  # the minute job is run by hand, after the clock moved


async def test_a_young_person_in_danger_reaches_a_psychologist(running_bot, telegram, clock):
    team = await staff_chat(running_bot, telegram)
    youth = await young_person(running_bot, telegram)

    began = time.monotonic()
    await telegram.send_text(youth, ALARM)
    answer = await telegram.next_reply(youth)
    assert "3114" in answer.text and "112" in answer.text  # the emergency numbers at once
    thread, card = await case_topic(telegram, team.group)
    assert time.monotonic() - began < 3.0
    assert team.group.topics[thread].name == "#1 · 🔴 Urgent · Jo"
    assert "#1" in card.text and "Jo (jeune)" in card.text and ALARM in card.text and takes(card)
    assert topic_messages(telegram, team.group, thread)[0].message_id == card.message_id  # the card first

    # Nobody takes it: ten minutes later, the second alert, in the topic and privately.
    await telegram.settle()
    assert await running_bot.runtime.check_cases() == 0  # not yet
    clock.advance(minutes=10)
    mark = telegram.mark()
    assert await running_bot.runtime.check_cases() == 1
    alert = await until(lambda: [m for m in topic_messages(telegram, team.group, thread) if "⏰" in m.text],
                        what="the alert in the topic")
    assert f'<a href="tg://user?id={PSY}">Inès</a>' in alert[0].html and takes(alert[0])
    assert f"tg://user?id={COORD}" not in alert[0].html  # the coordinators come at 30 minutes
    private = await telegram.wait_for_message(team.ines, after=mark)
    assert "Case #1" in private.text and "Can you take it?" in private.text and ALARM in private.text
    assert takes(private)
    await telegram.settle()
    assert telegram.chat_messages(team.paul) == []
    assert await running_bot.runtime.check_cases() == 0  # told once

    # Someone of the group who is not staff cannot take it; the psychologist can.
    query = await telegram.press(team.intruder, card, data="case|take|1")
    await telegram.settle()
    refused = telegram.world.callback_queries[query["id"]]
    assert refused.answered and refused.show_alert and takes(current(telegram, card))
    await telegram.press(team.ines, card, data="case|take|1")
    told = await telegram.next_reply(youth, predicate=lambda m: "will write to you here" in m.text)
    assert "Inès, psychologist" in told.text
    await telegram.settle()
    taken = current(telegram, card)
    assert "Inès, psychologue" in taken.text and not takes(taken) and "dans ce sujet" in taken.text

    # Messages both ways, in order.
    said = ["thank you", "it started in September", "they wait for me after school"]
    for text in said:
        await telegram.send_text(youth, text)
    relayed = lambda: [m.text for m in topic_messages(telegram, team.group, thread) if m.text.startswith("👤")]
    await until(lambda: len(relayed()) == 3, what="three messages in the topic")
    assert relayed() == [f"👤 Jo (jeune): {text}" for text in said]
    await telegram.send_text(team.ines, "Hello Jo, I am here. Are you safe right now?", chat=team.group,
                             message_thread_id=thread)
    reply = await telegram.next_reply(youth, predicate=lambda m: "Hello Jo" in m.text)
    assert "— Inès, psychologist" in reply.text

    # Closed with an outcome: the family is told.
    await telegram.press(team.ines, card, data="case|close|1")
    await telegram.settle()
    await telegram.press(team.ines, current(telegram, card), data="case|out|1|resolved")
    await telegram.settle()
    confirm = current(telegram, card)  # an urgent case: confirmed; Inès wrote to Jo, so no warning
    assert "Clôturer la situation #1 (🔴 Urgent)" in confirm.text and "Aucun message" not in confirm.text
    await telegram.press(team.ines, confirm, data="case|ok|1|resolved")
    closed = await telegram.next_reply(youth, predicate=lambda m: "closed this conversation" in m.text)
    assert "3114" in closed.text
    await telegram.settle()
    assert "résolue" in current(telegram, card).text
    async with running_bot.core.store.unit_of_work() as uow:
        actions = [action for _at, _who, action, _d in await uow.cases.audit_trail(1)]
    assert actions[:4] == ["topic", "card", "alert", "take"] and actions[-1] == "close"


async def test_a_parents_request_follows_the_same_path_and_a_lost_topic_is_opened_again(running_bot, telegram):
    team = await staff_chat(running_bot, telegram)
    parent = await parent_asks_to_talk(telegram)
    thread, card = await case_topic(telegram, team.group)
    assert team.group.topics[thread].name.startswith("#1 · 🟠 ") and team.group.topics[thread].name.endswith("Alex")
    assert "My son is scared to go to school" in card.text and "Léo" in card.text  # the request, the child

    await telegram.press(team.ines, card, data="case|take|1")
    await telegram.next_reply(parent, predicate=lambda m: "will write to you here" in m.text)
    await telegram.send_text(parent, "He did not sleep last night")
    await telegram.send_photo(parent, caption="the message he got")
    relayed = lambda: [m for m in topic_messages(telegram, team.group, thread) if m.text.startswith("👤")]
    await until(lambda: len(relayed()) == 2, what="the text and the photo in the topic")
    text, photo = relayed()
    assert text.text == "👤 Alex (parent): He did not sleep last night"
    assert photo.kind == "photo" and photo.text == "👤 Alex (parent): the message he got"  # a copy, captioned
    await telegram.send_voice(team.ines, chat=team.group, message_thread_id=thread)
    voice = await telegram.next_reply(parent, predicate=lambda m: m.kind == "voice")
    assert "— Inès, psychologist" in voice.text

    # Someone deletes the case's topic by hand: the family's next message opens a fresh one, card first.
    running_bot.expected_rejections.add(400)  # the bot learns it from a 400 « message thread not found »
    delete_topic_by_hand(telegram, team.group, thread)
    await telegram.send_text(parent, "Are you still there?")
    fresh, again = await until(lambda: next(((t, m) for t in team.group.topics if t != thread
                                             for m in topic_messages(telegram, team.group, t) if is_card(m)), None),
                               what="a fresh topic with the card")
    await until(lambda: len(topic_messages(telegram, team.group, fresh)) == 2, what="the message after the card")
    card_again, message = topic_messages(telegram, team.group, fresh)
    assert card_again.message_id == again.message_id and "Inès, psychologue" in card_again.text
    assert message.text == "👤 Alex (parent): Are you still there?"
    assert [c.description for c in telegram.rejected] == ["Bad Request: message thread not found"]

    # A topic closed by hand (Telegram refuses with TOPIC_CLOSED): the same.
    telegram.fail_next("sendMessage", 400, "Bad Request: TOPIC_CLOSED", chat_id=team.group.id)
    await telegram.send_text(parent, "Hello?")
    third = await until(lambda: next((t for t in team.group.topics if t not in (thread, fresh)
                                      and len(topic_messages(telegram, team.group, t)) == 2), None),
                        what="a third topic, with the card and the message")
    assert topic_messages(telegram, team.group, third)[1].text == "👤 Alex (parent): Hello?"
    async with running_bot.core.store.unit_of_work() as uow:
        case = await uow.cases.get(1)
    assert case.topic_id == third and case.card_message_id == topic_messages(telegram, team.group, third)[0].message_id

    # The psychologist answers in the new topic: it reaches the family.
    await telegram.send_text(team.ines, "Yes, I am here.", chat=team.group, message_thread_id=third)
    assert "— Inès" in (await telegram.next_reply(parent, predicate=lambda m: "I am here" in m.text)).text


@pytest.mark.no_parity  # how many of the burst's messages each card edit shows depends on when it is drawn
async def test_a_burst_of_alarming_messages_opens_one_case_and_one_topic(running_bot, telegram):
    team = await staff_chat(running_bot, telegram)
    youth = await young_person(running_bot, telegram)
    for _ in range(6):
        await telegram.send_text(youth, ALARM)
    await case_topic(telegram, team.group)
    await telegram.settle()
    assert len(team.group.topics) == 1
    assert len([m for m in telegram.chat_messages(team.group) if is_card(m)]) == 1
    assert len([m for m in telegram.chat_messages(youth) if "3114" in m.text]) == 6  # each answered at once
    async with running_bot.core.store.unit_of_work() as uow:
        assert len(await uow.cases.open_cases(1)) == 1


async def test_at_30_minutes_the_coordinators_are_told_too_then_the_alerts_stop(running_bot, telegram, clock):
    team = await staff_chat(running_bot, telegram)
    youth = await young_person(running_bot, telegram)
    await telegram.send_text(youth, ALARM)
    thread, _card = await case_topic(telegram, team.group)
    clock.advance(minutes=10)
    assert await running_bot.runtime.check_cases() == 1
    await telegram.settle()
    clock.advance(minutes=19)
    assert await running_bot.runtime.check_cases() == 0
    clock.advance(minutes=1)
    mark = telegram.mark()
    assert await running_bot.runtime.check_cases() == 1
    to_paul = await telegram.wait_for_message(team.paul, after=mark)
    assert "Case #1" in to_paul.text and takes(to_paul)
    await telegram.wait_for_message(team.ines, after=mark)  # the psychologists again
    await telegram.settle()
    alerts = [m for m in topic_messages(telegram, team.group, thread) if "⏰" in m.text]
    assert len(alerts) == 2 and f"tg://user?id={COORD}" in alerts[1].html and f"tg://user?id={PSY}" in alerts[1].html
    clock.advance(hours=5)
    assert await running_bot.runtime.check_cases() == 0


async def test_a_rising_level_updates_the_card_and_says_so(running_bot, telegram):
    team = await staff_chat(running_bot, telegram)
    parent = await parent_asks_to_talk(telegram)
    thread, card = await case_topic(telegram, team.group)
    await telegram.settle()
    await telegram.send_text(parent, "My son says he wants to die")
    await telegram.next_reply(parent, predicate=lambda m: "3114" in m.text)
    notice = await until(lambda: [m for m in topic_messages(telegram, team.group, thread) if "⬆️" in m.text],
                         what="the notice of the rise")
    assert f"tg://user?id={PSY}" in notice[0].html and takes(notice[0])
    await telegram.settle()
    assert "🔴" in current(telegram, card).text and "wants to die" in current(telegram, card).text
    assert team.group.topics[thread].name.startswith("#1 · 🔴 ")
    assert len(team.group.topics) == 1 and len([m for m in telegram.chat_messages(team.group) if is_card(m)]) == 1


async def test_without_topics_the_conversation_follows_in_replies_to_the_card(running_bot, telegram):
    team = await staff_chat(running_bot, telegram, forum=False)
    parent = await parent_asks_to_talk(telegram)
    card = await until(lambda: next((m for m in telegram.chat_messages(team.group) if is_card(m)), None),
                       what="the card in the chat")
    assert card.message_id == telegram.chat_messages(team.group)[0].message_id
    await telegram.press(team.ines, card, data="case|take|1")
    await telegram.next_reply(parent, predicate=lambda m: "will write to you here" in m.text)
    await telegram.send_text(parent, "Thank you")
    relayed = await until(lambda: [m for m in telegram.chat_messages(team.group) if m.text.startswith("👤")],
                          what="the message in the group")
    assert relayed[0].extra["reply_to_message"]["message_id"] == card.message_id


async def test_a_bot_that_may_not_manage_topics_posts_the_card_in_the_chat(running_bot, telegram):
    team = await staff_chat(running_bot, telegram)
    telegram.fail_next("createForumTopic", 400, "Bad Request: not enough rights to create a topic")
    youth = await young_person(running_bot, telegram)
    await telegram.send_text(youth, ALARM)
    card = await until(lambda: next((m for m in telegram.chat_messages(team.group) if is_card(m)), None),
                       what="the card in the chat")
    assert card.message_thread_id is None and team.group.topics == {}
    assert "#1" in card.text and takes(card)


async def test_without_a_staff_chat_each_psychologist_on_duty_gets_the_card(running_bot, telegram):
    team = await staff_chat(running_bot, telegram, link=False)
    youth = await young_person(running_bot, telegram)
    await telegram.send_text(youth, ALARM)
    card = (await until(lambda: telegram.chat_messages(team.ines), what="the card in Inès's chat"))[0]
    assert "Case #1" in card.text and ALARM in card.text and takes(card)
    await telegram.settle()
    assert telegram.chat_messages(team.paul) == [] and telegram.chat_messages(team.group) == []


async def test_a_staff_group_the_bot_was_removed_from_falls_back_to_private_cards(running_bot, telegram):
    team = await staff_chat(running_bot, telegram)
    telegram.fail_next("createForumTopic", 403, "Forbidden: bot was kicked from the supergroup chat")
    youth = await young_person(running_bot, telegram)
    await telegram.send_text(youth, ALARM)
    card = (await until(lambda: telegram.chat_messages(team.ines), what="the card in Inès's chat"))[0]
    assert "Case #1" in card.text and ALARM in card.text and takes(card)
    await telegram.settle()
    async with running_bot.core.store.unit_of_work() as uow:
        failed = await uow.outbox.failed()
    assert [(row.chat_id, row.last_error) for row in failed] == [(team.group.id, "400_staff_group_gone_sent")]
