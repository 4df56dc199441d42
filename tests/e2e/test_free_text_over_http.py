"""What a family types where the bot asked for a tap reaches the team, over real HTTP, in French and English.

A parent at the menu writes a sentence: the bot says it has not passed it on yet and offers, in one tap, to
send it; the card in the staff topic then carries it. A parent whose request waits writes again: the
message is posted in the topic. A young person whose case is taken writes from the menu: it goes to the
psychologist in the topic, and the young person is told to whom.
"""

from __future__ import annotations

import pytest

from bot.delivery import Limits
from bot.runtime import DeliveryOptions
from tests.e2e.test_onboarding_over_http import onboard, tap
from tests.support.cases import case_topic, staff_chat, topic_messages, until, young_person

LABELS = {"fr": ["Continuer", "J'accepte", "Je suis parent", "Collège", "Non, c'est tout"],
          "en": ["Continue", "I agree", "I am a parent", "Middle school (collège)", "No, that's all"]}
SAID = {"fr": ("Je voudrais parler à quelqu'un de Léo, il refuse d'aller à l'école & il pleure",
               "📨 L'envoyer à l'équipe du centre", "Votre demande est enregistrée",
               "Il n'a pas dormi cette nuit", "Ajouté à votre demande"),
        "en": ("I would like to talk to someone about Leo, he refuses to go to school & he cries",
               "📨 Send it to the centre's team", "Your request is recorded",
               "He did not sleep last night", "Added to your request")}


@pytest.fixture
def delivery_options() -> DeliveryOptions:
    fast = Limits(overall_per_second=1000, private_per_second=100, group_per_minute=60_000)
    return DeliveryOptions(limits=fast, scheduler=False)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_text_at_the_menu_reaches_the_team_in_one_tap_and_later_text_joins_it(running_bot, telegram, lang):
    text, send, recorded, later, added = SAID[lang]
    team = await staff_chat(running_bot, telegram)
    parent = telegram.user(first_name="Alex", language_code=lang)
    await onboard(telegram, parent, LABELS[lang])

    await telegram.send_text(parent, text)
    offer = await telegram.next_reply(parent)
    assert text in offer.text  # said back, not dropped
    done = await tap(telegram, parent, offer, send)
    assert recorded in done.text
    thread, card = await case_topic(telegram, team.group)
    assert text in card.text  # the card carries what they wrote

    await telegram.send_text(parent, "/menu")
    await telegram.next_reply(parent)
    await telegram.send_text(parent, later)
    told = await telegram.next_reply(parent)
    assert added in told.text
    await until(lambda: [m for m in topic_messages(telegram, team.group, thread)
                         if later in m.text and m.message_id != card.message_id], what="the later message")


async def test_a_young_person_with_a_taken_case_reaches_the_psychologist_from_the_menu(running_bot, telegram):
    team = await staff_chat(running_bot, telegram)
    youth = await young_person(running_bot, telegram)
    await telegram.send_text(youth, "I want to disappear forever")
    await telegram.next_reply(youth)
    thread, card = await case_topic(telegram, team.group)
    await telegram.press(team.ines, card, data="case|take|1")
    await telegram.next_reply(youth, predicate=lambda m: "will write to you here" in m.text)

    await telegram.send_text(youth, "/menu")
    await telegram.next_reply(youth)
    await telegram.send_text(youth, "can we talk after school tomorrow?")
    told = await telegram.next_reply(youth)
    assert "Sent to" in told.text and "Inès" in told.text
    await until(lambda: [m for m in topic_messages(telegram, team.group, thread) if "can we talk after school tomorrow?" in m.text],
                what="the young person's message in the topic")
