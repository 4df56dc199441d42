"""French parent, English parent and an invited young person, through the real adapter."""

from __future__ import annotations

import re

LINK = re.compile(r"https://t\.me/relier_test_bot\?start=[A-Za-z0-9_-]+")


async def tap(telegram, user, message, text):
    await telegram.press(user, message, text=text)
    return await telegram.next_reply(user)


async def onboard(telegram, user, labels, child=("Léo", "12")):
    """labels: continue, agree, parent, school level, that's all (in the user's language)."""
    await telegram.send_text(user, "/start")
    msg = await telegram.next_reply(user)
    msg = await tap(telegram, user, msg, labels[0])
    msg = await tap(telegram, user, msg, labels[1])
    msg = await tap(telegram, user, msg, labels[2])
    await telegram.send_text(user, child[0])
    msg = await telegram.next_reply(user)
    msg = await tap(telegram, user, msg, child[1])
    msg = await tap(telegram, user, msg, labels[3])
    return await tap(telegram, user, msg, labels[4])


async def test_a_french_parent_onboards_in_french(running_bot, telegram):
    parent = telegram.user(first_name="Camille", language_code="fr")
    await telegram.send_text(parent, "/start")
    welcome = await telegram.next_reply(parent)
    assert "Bonjour" in welcome.text and "pas une personne" in welcome.text
    privacy = await tap(telegram, parent, welcome, "Continuer")
    assert privacy.message_id == welcome.message_id  # the same message, edited in place
    assert "/stop" in privacy.text
    role = await tap(telegram, parent, privacy, "J'accepte")
    name = await tap(telegram, parent, role, "Je suis parent")
    assert "prénom" in name.text
    await telegram.send_text(parent, "Léo")
    age = await telegram.next_reply(parent)
    assert "Quel âge a Léo ?" in age.text
    school = await tap(telegram, parent, age, "12")
    more = await tap(telegram, parent, school, "Collège")
    assert "Léo, 12 ans, Collège" in more.text
    menu = await tap(telegram, parent, more, "Non, c'est tout")
    assert menu.button_texts == ["📝 Point de la semaine", "📅 Groupes et ateliers", "💬 Parler à quelqu'un",
                                 "⚙️ Réglages"]
    await telegram.settle()
    assert all(call.ok for call in telegram.calls_to("answerCallbackQuery"))


async def test_an_english_parent_onboards_in_english_and_gets_commands(running_bot, telegram):
    parent = telegram.user(first_name="Sam", language_code="en-GB")
    menu = await onboard(
        telegram, parent, ["Continue", "I agree", "I am a parent", "Middle school (collège)", "No, that's all"]
    )
    assert "Main menu" in menu.text
    commands = telegram.calls_to("setMyCommands")
    assert {c.params.get("language_code") for c in commands} >= {"fr", "en"}


async def test_an_invited_young_person_joins(running_bot, telegram):
    parent = telegram.user(first_name="Nadia", language_code="fr")
    menu = await onboard(telegram, parent, ["Continuer", "J'accepte", "Je suis parent", "Collège", "Non, c'est tout"])
    settings = await tap(telegram, parent, menu, "⚙️ Réglages")
    invite = await tap(telegram, parent, settings, "✉️ Inviter mon enfant")
    await telegram.press(parent, invite, text="Léo")
    await telegram.settle()
    link = LINK.search(" ".join(m.text for m in telegram.chat_messages(parent)))
    assert link, telegram.describe(parent.id)

    youth = telegram.user(first_name="Léo", language_code="en")
    await telegram.open_deep_link(youth, link.group())
    hello = await telegram.next_reply(youth)
    assert "not a person" in hello.text
    secret = await tap(telegram, youth, hello, "OK, next")
    assert "Not your parents." in secret.text
    menu = await tap(telegram, youth, secret, "Yes, let's go")
    assert menu.button_texts == ["📝 Check-in", "📅 Workshops", "💬 Talk to someone", "⚙️ Settings"]

    again = telegram.user(first_name="Someone", language_code="en")
    await telegram.open_deep_link(again, link.group())
    refused = await telegram.next_reply(again)
    assert "already been used" in refused.text
