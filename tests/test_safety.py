"""Free text is assessed before anything else; danger gets the emergency numbers at once."""

from __future__ import annotations

import json

from bot.cli import main
from tests.conftest import join_as_youth, onboard_parent, reach_first_child


async def test_an_alarming_message_at_the_menu_gets_the_emergency_numbers_first(core, centre, chat_for):
    chat = chat_for(401, "fr")
    await onboard_parent(chat)
    await chat.text("il dit qu'il veut mourir, je sais plus quoi faire")
    first, *rest = chat.last.replies
    assert "semble grave" in first.text
    for number in ("3114", "119", "3018", "112", "114"):
        assert f"<b>{number}</b>" in first.text
    assert "ne le verra peut-être pas tout de suite" in first.text  # no promise the bot cannot keep
    assert rest and "Menu principal" in rest[-1].text  # then the menu, without a reproach


async def test_a_young_person_is_answered_with_tu_and_youth_numbers(core, centre, chat_for):
    youth = chat_for(402, "en")
    await join_as_youth(core, youth)
    await youth.text("i wanna kms tonight")
    first = youth.last.replies[0]
    assert "you matter" in first.text and "Fil Santé Jeunes" in first.text


async def test_everyday_expressions_do_not_alarm(core, centre, chat_for):
    chat = chat_for(403, "fr")
    await onboard_parent(chat)
    await chat.text("mdr ce prof me tue avec ses devoirs")
    assert len(chat.last.replies) == 1 and "3114" not in chat.screen


async def test_alarming_text_mid_onboarding_is_answered_and_the_question_kept(core, centre, chat_for):
    chat = chat_for(404, "en")
    await reach_first_child(chat)
    await chat.text("my son says he wants to die")
    assert "3114" in chat.last.replies[0].text
    assert "first name" in chat.screen  # the question is asked again, kindly


def test_relier_triage_prints_json(capsys):
    assert main(["triage", "--lang", "fr", "jveux mourir"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["level"] == "urgent" and out["rule"]
    assert main(["triage", "--lang", "en", "dying to see you"]) == 0
    assert json.loads(capsys.readouterr().out)["level"] == "none"
