"""The case card and what follows it, over real HTTP, with the staff chat in French and in English.

Every alarming message reaches the case, in order, on the card and in the topic; a card that
would be too long still arrives whole enough, with its Take button; a card Telegram refuses as
HTML arrives as plain text with its buttons, and the refusal is logged with the case id.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.bootstrap import build_bot, build_core
from bot.delivery import Limits
from bot.runtime import DeliveryOptions
from tests.e2e.conftest import RunningBot
from dialogs.cases.fit import size
from tests.e2e.test_onboarding_over_http import onboard
from tests.support.cases import case_topic, current, staff_chat, takes, topic_messages, until

LABELS = {"fr": ["Continuer", "J'accepte", "Je suis parent", "Collège", "Non, c'est tout"],
          "en": ["Continue", "I agree", "I am a parent", "Middle school (collège)", "No, that's all"]}
ALARMS = {"fr": ("mon fils a envie de mourir, aidez moi", "il dit qu'il veut disparaître pour toujours"),
          "en": ("my son says he wants to die", "He says he wants to disappear forever & nobody would miss him")}
WORDS = {"fr": {"suicide": "idées de suicide ou de mort", "since": "Depuis l'ouverture", "parent": "(parent)"},
         "en": {"suicide": "thoughts of suicide or of dying", "since": "Since it opened", "parent": "(parent)"}}


@pytest.fixture(params=["fr", "en"])
def lang(request) -> str:
    return request.param


@pytest.fixture
async def running_bot(telegram, db_url, clock, lang, framework):
    """The in-process bot as in tests/e2e/conftest.py, its centre (and so its staff chat) in `lang`,
    the group pacing lifted so a topic's messages do not take a minute of real time."""
    core = await build_core(db_url, clock=clock, default_locale=lang)
    async with core.store.unit_of_work() as uow:
        await uow.centres.add("Centre Relier Test", "Europe/Paris")
        await uow.commit()
    fast = Limits(overall_per_second=1000, private_per_second=100, group_per_minute=60_000)
    bot = await build_bot(core, token=telegram.token, api_url=telegram.base_url, framework=framework,
                          options=DeliveryOptions(limits=fast, scheduler=False), worker_id="e2e-card")
    stop = asyncio.Event()
    task = asyncio.create_task(bot.runtime.run_polling(stop))
    try:
        yield RunningBot(bot)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)
        await bot.close()
    telegram.assert_no_rejections()


async def a_parent(telegram, lang: str, name: str = "Alex"):
    parent = telegram.user(first_name=name, language_code=lang)
    await onboard(telegram, parent, LABELS[lang])
    return parent


async def test_two_alarming_messages_in_a_row_are_both_on_the_card_and_in_the_topic(running_bot, telegram, lang):
    team = await staff_chat(running_bot, telegram)
    parent = await a_parent(telegram, lang)
    first, second = ALARMS[lang]
    await telegram.send_text(parent, first)
    await telegram.send_text(parent, second)
    thread, card = await case_topic(telegram, team.group)

    def posted():
        return [m for m in topic_messages(telegram, team.group, thread)
                if second in m.text and m.message_id != card.message_id]
    (post,) = await until(posted, what="the second message in the topic")
    await telegram.settle()
    in_topic = topic_messages(telegram, team.group, thread)
    ids = [m.message_id for m in in_topic]
    assert ids[0] == card.message_id and post.message_id in ids[1:], (ids, post.message_id)  # the card first
    now = current(telegram, card).text
    assert first in now and second in now and now.index(first) < now.index(second)  # both, in order
    assert WORDS[lang]["suicide"] in now and "suicide</code>" not in current(telegram, card).html
    assert WORDS[lang]["since"] in now and takes(current(telegram, card))
    assert "#1" in post.text and WORDS[lang]["parent"] in post.text and "Alex" in post.text
    assert len(team.group.topics) == 1
    async with running_bot.core.store.unit_of_work() as uow:
        kept = await uow.cases.messages(1)
    assert [(m.kind, m.text, m.level) for m in kept] == [("text", second, "urgent")]


async def test_a_parent_of_twenty_children_with_ampersands_gets_an_urgent_card_with_its_take_button(
        running_bot, telegram, lang):
    team = await staff_chat(running_bot, telegram)
    parent = await a_parent(telegram, lang)
    async with running_bot.core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(parent.id)
        for n in range(19):
            await uow.families.add_child(person.family_id, f"Tom & Léa <{n}> & Zoé & Noé & Max & Li", 9, "primary")
        await uow.commit()
    first, second = ALARMS[lang]
    long_first = f"{first}. " + "Tom & Léa <ont> peur & 🙂 " * 150  # long, full of what HTML must escape
    long_second = f"{second}. " + "& <b>pas du HTML</b> 👨‍👩‍👧 " * 120
    await telegram.send_text(parent, long_first[:4000])
    await telegram.send_text(parent, long_second[:4000])
    thread, card = await case_topic(telegram, team.group)
    assert takes(card) and "Tom & Léa <0>" in card.text and size(card.text) <= 4096
    await until(lambda: len([m for m in topic_messages(telegram, team.group, thread) if "pas du HTML" in m.text]) >= 2,
                what="the long second message, in parts")
    await telegram.settle()
    parts = [m for m in topic_messages(telegram, team.group, thread) if m.message_id != card.message_id
             and "pas du HTML" in m.text]
    assert all(size(m.text) <= 4096 and not m.buttons for m in parts)
    assert "<b>pas du HTML</b>" in parts[0].text  # the family's words, shown as they wrote them
    final = current(telegram, card)
    assert takes(final) and size(final.text) <= 4096 and "pas du HTML" in final.text
    assert len(team.group.topics) == 1


async def test_a_card_refused_as_html_is_sent_as_plain_text_with_its_buttons(running_bot, telegram, lang, caplog):
    team = await staff_chat(running_bot, telegram)
    parent = await a_parent(telegram, lang)
    telegram.fail_next("sendMessage", 400, "Bad Request: can't parse entities: unsupported start tag",
                       chat_id=team.group.id)
    with caplog.at_level(logging.WARNING, logger="relier.delivery"):
        await telegram.send_text(parent, ALARMS[lang][0])
        thread, card = await case_topic(telegram, team.group)
        await telegram.settle()
    assert takes(card) and card.entities == [] and "#1" in card.text and "<b>" not in card.text
    assert ALARMS[lang][0] in card.text
    refused = [r for r in caplog.records if r.levelno >= logging.WARNING and "case=1" in r.getMessage()
               and "plain text" in r.getMessage()]
    assert refused and ALARMS[lang][0] not in refused[0].getMessage()
