"""Over HTTP, in French and English: a parent and a young person each read /privacy, download their data
(a summary and a JSON document) and erase it; afterwards nothing about them is left but what the notice said."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from storage.models import Child, Person
from tests.e2e.test_onboarding_over_http import LINK, onboard, tap

WORDS = {
    "fr": dict(onboard=["Continuer", "J'accepte", "Je suis parent", "Collège", "Non, c'est tout"],
               settings="⚙️ Réglages", invite="✉️ Inviter mon enfant", next="OK, la suite", go="Oui, c'est parti",
               how_long="Combien de temps", download="📥 Télécharger mes données", delete="🗑 Supprimer mes données",
               sure="Supprimer vos données ?", sure_youth="Supprimer tes données ?", yes="Oui, supprimer mes données",
               done="vos données ont été supprimées", done_youth="tes données ont été supprimées",
               summary="Voici ce que Relier garde sur vous et vos enfants", summary_youth="Voici ce que Relier garde sur toi"),
    "en": dict(onboard=["Continue", "I agree", "I am a parent", "Middle school (collège)", "No, that's all"],
               settings="⚙️ Settings", invite="✉️ Invite my child", next="OK, next", go="Yes, let's go",
               how_long="How long", download="📥 Download my data", delete="🗑 Delete my data",
               sure="Delete your data?", sure_youth="Delete your data?", yes="Yes, delete my data",
               done="your data has been deleted", done_youth="your data has been deleted",
               summary="Here is what Relier keeps about you and your children",
               summary_youth="Here is what Relier keeps about you."),
}


async def download(telegram, user, words, summary: str) -> dict:
    await telegram.send_text(user, "/privacy")
    notice = await telegram.next_reply(user)
    assert words["how_long"] in notice.text and notice.button_texts[:2] == [words["download"], words["delete"]]
    since = telegram.mark()
    await telegram.press(user, notice, text=words["download"])
    await telegram.settle()
    sent = telegram.replies(user, since)
    assert summary in sent[0].text
    (document,) = [m for m in sent if m.kind == "document"]
    return json.loads(document.file_bytes)


async def erase(telegram, user, words, sure: str, done: str) -> None:
    await telegram.send_text(user, "/privacy")
    notice = await telegram.next_reply(user)
    confirm = await tap(telegram, user, notice, words["delete"])
    assert sure in confirm.text
    finished = await tap(telegram, user, confirm, words["yes"])
    assert done in finished.text


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_a_parent_and_a_young_person_download_and_erase_their_data(running_bot, telegram, lang):
    words = WORDS[lang]
    parent = telegram.user(first_name="Apolline", language_code=lang)
    menu = await onboard(telegram, parent, words["onboard"], child=("Théodule", "13"))
    settings = await tap(telegram, parent, menu, words["settings"])
    invite = await tap(telegram, parent, settings, words["invite"])
    await telegram.press(parent, invite, text="Théodule")
    await telegram.settle()
    link = LINK.search(" ".join(m.text for m in telegram.chat_messages(parent))).group()
    youth = telegram.user(first_name="Théodule", language_code=lang)
    await telegram.open_deep_link(youth, link)
    hello = await telegram.next_reply(youth)
    secret = await tap(telegram, youth, hello, words["next"])
    await tap(telegram, youth, secret, words["go"])

    mine = await download(telegram, parent, words, words["summary"])
    assert mine["you"]["role"] == "parent" and mine["you"]["telegram_user_id"] == parent.id
    assert [child["first_name"] for child in mine["children"]] == ["Théodule"]
    assert mine["invitations"][0]["parental_consent_at"] is not None
    theirs = await download(telegram, youth, words, words["summary_youth"])
    assert theirs["you"]["role"] == "youth" and "children" not in theirs

    await erase(telegram, youth, words, words["sure_youth"], words["done_youth"])
    await erase(telegram, parent, words, words["sure"], words["done"])
    async with running_bot.core.store.engine.connect() as conn:
        assert (await conn.execute(select(Person.id))).all() == []
        assert (await conn.execute(select(Child.id))).all() == []
