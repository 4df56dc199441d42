"""Staff act, and act safely, over real HTTP, in French and in English.

The in-process bot against the fake Bot API (which refuses a text over 4,096 characters, a caption
over 1,024 and malformed HTML, as Telegram does). Without a staff chat the psychologist gets the card
in her private chat and works from there: in her language. The staff group reads the centre's
language (French). Time is the test's FakeClock.
"""

from __future__ import annotations

import pytest

from bot.delivery import Limits
from bot.runtime import DeliveryOptions
from tests.e2e.test_onboarding_over_http import onboard, tap
from tests.support.cases import PSY, case_topic, current, staff_chat, topic_messages, until

WORDS = {
    "en": dict(
        onboard=["Continue", "I agree", "I am a parent", "Middle school (collège)", "No, that's all"],
        talk="💬 Talk to someone", psy="🧑‍⚕️ Talk to a psychologist of the centre", urgent="Yes, it's urgent",
        send_request="✅ Send my request", take="✋ Take this case", write="✍️ Write to the family",
        send="✅ Send", close="✅ Close the case", resolved="✅ Resolved", no_answer="🔇 No answer from the family",
        yes_close="✅ Yes, close the case", ask="Send this message to Alex (parent), case #1?",
        sent="✅ Sent to Alex (parent).", signed="— Inès, psychologist", taken="will write to you here",
        warn="No message was ever sent to the family through the bot", confirm="Close case #1 (🔴 Urgent)",
        too_soon="too soon for « no answer »", never="nobody has written to the family through the bot yet",
        parts="in 2 messages", note="Private note: called on Monday", closed="Closed (resolved)",
        stop_yes="Yes, delete my data", stop_told="the team will be told that you left",
    ),
    "fr": dict(
        onboard=["Continuer", "J'accepte", "Je suis parent", "Collège", "Non, c'est tout"],
        talk="💬 Parler à quelqu'un", psy="🧑‍⚕️ Parler à un psychologue du centre", urgent="Oui, c'est urgent",
        send_request="✅ Envoyer ma demande", take="✋ Prendre en charge", write="✍️ Écrire à la famille",
        send="✅ Envoyer", close="✅ Clôturer la situation", resolved="✅ Résolue",
        no_answer="🔇 Sans réponse de la famille", yes_close="✅ Oui, clôturer la situation",
        ask="Envoyer ce message à Alex (parent), situation #1 ?", sent="✅ Envoyé à Alex (parent).",
        signed="— Inès, psychologue", taken="vous écrira ici",
        warn="Aucun message n'a jamais été envoyé à la famille par le bot", confirm="Clôturer la situation #1 (🔴 ",
        too_soon="Trop tôt pour « sans réponse »", never="personne n'a encore écrit à la famille",
        parts="en 2 messages", note="Note privée : called on Monday", closed="Clôturée (résolue)",
        stop_yes="Oui, supprimer mes données", stop_told="l'équipe sera prévenue de votre départ",
    ),
}
LANGS = pytest.mark.parametrize("lang", ["fr", "en"])


@pytest.fixture
def delivery_options() -> DeliveryOptions:
    fast = Limits(overall_per_second=1000, private_per_second=100, group_per_minute=60_000)
    return DeliveryOptions(limits=fast, scheduler=False)


async def urgent_request(telegram, lang: str, message: str = "My son is scared to go to school"):
    """A parent (Alex) asks to talk, urgently, with a message."""
    words = WORDS[lang]
    parent = telegram.user(first_name="Alex", language_code=lang)
    menu = await onboard(telegram, parent, words["onboard"])
    talk = await tap(telegram, parent, menu, words["talk"])
    urgent = await tap(telegram, parent, talk, words["psy"])
    await tap(telegram, parent, urgent, words["urgent"])
    await telegram.send_text(parent, message)
    confirm = await telegram.next_reply(parent)
    await tap(telegram, parent, confirm, words["send_request"])
    return parent


async def private_team(running_bot, telegram, lang: str):
    """No staff chat: Inès gets the cards privately, in her own language."""
    team = await staff_chat(running_bot, telegram, link=False)
    async with running_bot.core.store.unit_of_work() as uow:
        ines = await uow.people.by_telegram_id(PSY)
        await uow.people.set_locale(ines.id, lang)
        await uow.commit()
    return team


async def taken_privately(running_bot, telegram, lang: str):
    team = await private_team(running_bot, telegram, lang)
    parent = await urgent_request(telegram, lang)
    card = (await until(lambda: telegram.chat_messages(team.ines), what="the card in Inès's chat"))[0]
    await telegram.press(team.ines, card, text=WORDS[lang]["take"])
    await telegram.next_reply(parent, predicate=lambda m: WORDS[lang]["taken"] in m.text)
    await telegram.settle()
    return team, parent, card


@LANGS
async def test_a_reply_from_the_private_chat_reaches_the_family(running_bot, telegram, lang):
    words = WORDS[lang]
    team, parent, card = await taken_privately(running_bot, telegram, lang)
    assert words["write"] in [text for row in current(telegram, card).buttons for text, _data in row]

    await telegram.send_text(team.ines, "Hello Alex, I am here. Can I call you at 10?", reply_to=card)
    ask = await telegram.next_reply(team.ines, predicate=lambda m: words["ask"] in m.text)
    sent = await tap(telegram, team.ines, ask, words["send"])
    assert words["sent"] in sent.text
    got = await telegram.next_reply(parent, predicate=lambda m: "I am here" in m.text)
    assert got.text == f"Hello Alex, I am here. Can I call you at 10?\n\n{words['signed']}"

    await telegram.send_text(parent, "Yes, at 10 is fine")  # the answer comes back to her
    back = await telegram.next_reply(team.ines, predicate=lambda m: "at 10 is fine" in m.text)
    assert back.text.startswith("👤 Alex (parent)")

    await telegram.press(team.ines, current(telegram, card), text=words["write"])  # the button works too
    await telegram.next_reply(team.ines, predicate=lambda m: "Alex (parent)" in m.text and "#1" in m.text)
    await telegram.send_text(team.ines, "See you at 10.")
    got = await telegram.next_reply(parent, predicate=lambda m: "See you at 10." in m.text)
    assert got.text.endswith(words["signed"])


@LANGS
async def test_closing_an_urgent_case_without_any_message_warns(running_bot, telegram, lang):
    words = WORDS[lang]
    team, _parent, card = await taken_privately(running_bot, telegram, lang)
    outcomes = await tap(telegram, team.ines, current(telegram, card), words["close"])
    confirm = await tap(telegram, team.ines, outcomes, words["resolved"])
    assert words["confirm"] in confirm.text and words["warn"] in confirm.text
    async with running_bot.core.store.unit_of_work() as uow:
        assert (await uow.cases.get(1)).is_open  # not before it is confirmed
    closed = await tap(telegram, team.ines, confirm, words["yes_close"])
    assert words["closed"] in closed.text


@LANGS
async def test_a_message_too_long_once_signed_is_split(running_bot, telegram, lang):
    words = WORDS[lang]
    team, parent, card = await taken_privately(running_bot, telegram, lang)
    long = ("Tom & Léa <école> " + "word " * 60 + "\n\n") * 40
    long = long[:4090]  # what Telegram lets her send: the signature makes it too long for one message
    await telegram.press(team.ines, current(telegram, card), text=words["write"])
    await telegram.next_reply(team.ines)
    mark = telegram.mark()
    await telegram.send_text(team.ines, long)
    told = await telegram.next_reply(team.ines, predicate=lambda m: words["parts"] in m.text)
    assert "Alex (parent)" in told.text
    await until(lambda: len(telegram.replies(parent, since=mark)) == 2, what="two parts at the family's")
    first, second = telegram.replies(parent, since=mark)
    assert first.text.endswith("(1/2)") and second.text.endswith(f"(2/2) {words['signed']}")
    assert "Tom & Léa <école>" in first.text  # escaped on the way, read back as written
    assert (first.text + second.text).count("word") == long.count("word")


@LANGS
async def test_no_answer_is_refused_until_48_hours_after_the_last_message(running_bot, telegram, clock, lang):
    words = WORDS[lang]
    team, parent, card = await taken_privately(running_bot, telegram, lang)
    outcomes = await tap(telegram, team.ines, current(telegram, card), words["close"])
    refused = await tap(telegram, team.ines, outcomes, words["no_answer"])
    assert words["never"] in refused.text  # nobody wrote yet
    await telegram.press(team.ines, refused, data="case|back|1")
    await telegram.settle()

    await telegram.press(team.ines, current(telegram, card), text=words["write"])
    await telegram.next_reply(team.ines)
    await telegram.send_text(team.ines, "Are you there?")
    await telegram.next_reply(parent, predicate=lambda m: "Are you there?" in m.text)
    await telegram.send_text(team.ines, "/case 1")
    again = await telegram.next_reply(team.ines, predicate=lambda m: "#1" in m.text and m.buttons)
    clock.advance(hours=47)
    outcomes = await tap(telegram, team.ines, again, words["close"])
    refused = await tap(telegram, team.ines, outcomes, words["no_answer"])
    assert words["too_soon"] in refused.text
    clock.advance(hours=1)
    confirm = await tap(telegram, team.ines, refused, words["no_answer"])
    closed = await tap(telegram, team.ines, confirm, words["yes_close"])
    async with running_bot.core.store.unit_of_work() as uow:
        assert (await uow.cases.get(1)).outcome == "no_answer"
    assert "#1" in closed.text


@LANGS
async def test_a_note_survives_closing(running_bot, telegram, lang):
    words = WORDS[lang]
    team, _parent, card = await taken_privately(running_bot, telegram, lang)
    await telegram.press(team.ines, current(telegram, card), text=words["write"])
    await telegram.next_reply(team.ines)
    await telegram.send_text(team.ines, "Note : called on Monday")  # « Note » and the French space
    await telegram.next_reply(team.ines, predicate=lambda m: "🔒" in m.text)
    outcomes = await tap(telegram, team.ines, current(telegram, card), words["close"])
    confirm = await tap(telegram, team.ines, outcomes, words["resolved"])
    closed = await tap(telegram, team.ines, confirm, words["yes_close"])
    assert words["closed"] in closed.text and words["note"] in closed.text


@LANGS
async def test_a_family_that_leaves_with_an_open_case_is_told_to_the_topic(running_bot, telegram, lang):
    words = WORDS[lang]
    team = await staff_chat(running_bot, telegram)
    parent = await urgent_request(telegram, lang)
    thread, card = await case_topic(telegram, team.group)
    await telegram.press(team.ines, card, data="case|take|1")
    await telegram.next_reply(parent, predicate=lambda m: words["taken"] in m.text)
    await telegram.send_text(parent, "/stop")
    confirm = await telegram.next_reply(parent, predicate=lambda m: words["stop_told"] in m.text)
    await tap(telegram, parent, confirm, words["stop_yes"])
    told = await until(lambda: [m for m in topic_messages(telegram, team.group, thread) if "🚪" in m.text],
                       what="the topic told that the family left")
    text = told[0].text  # the staff group reads the centre's language: French
    assert "un parent a quitté le bot" in text and "situation #1" in text and "Alex" not in text
    assert "Supprimés à sa demande" in text and "Conservé, comme trace de sécurité" in text
    assert "Le bot ne peut plus lui écrire" in text
    await until(lambda: "une personne qui a quitté le bot" in current(telegram, card).text,
                what="the card, updated: the person left")
