"""Risk words but no sure rule: one direct question, the numbers one tap away, the team told either way."""

from __future__ import annotations

from tests.cases.test_free_text import later_messages, open_case
from tests.conftest import join_as_youth, onboard_parent

PARENT, YOUTH = 3101, 3102


async def test_a_parent_is_asked_one_direct_question_and_no_closes_nothing(core, centre, chat_for):
    chat = chat_for(PARENT, "fr")
    await onboard_parent(chat)
    await chat.command("menu")
    await chat.text("je crois qu'il va faire une connerie")
    assert "des idées de se faire du mal ou de ne plus être en vie" in chat.screen
    assert "votre message est avec l'équipe du centre" in chat.screen
    assert chat.labels() == ["Oui", "Non", "☎️ Numéros d'urgence"]
    case = await open_case(core, PARENT)
    assert (case.level, case.snapshot["message"]) == ("watch", "je crois qu'il va faire une connerie")

    await chat.press("Numéros d'urgence")
    assert "<b>3114</b>" in chat.screen and "ne plus être en vie" in chat.screen  # the question stays

    await chat.press("Non")
    assert "Merci d'avoir répondu" in chat.screen and "Menu principal" in chat.screen
    case = await open_case(core, PARENT)
    assert case is not None and case.level == "watch"  # a « no » closes nothing
    assert [kind for kind, _text in await later_messages(core, case.id)] == ["answer"]


async def test_a_young_person_who_answers_yes_gets_the_numbers_and_an_urgent_case(core, centre, chat_for):
    youth = chat_for(YOUTH, "en")
    await join_as_youth(core, youth)
    await youth.text("i'm planning to do it on friday")
    assert "Are you having thoughts of hurting yourself or of not being alive any more?" in youth.screen
    await youth.press("Yes")
    first = youth.last.replies[0].text
    assert "you matter" in first and "<b>3114</b>" in first and "Fil Santé Jeunes" in first
    case = await open_case(core, YOUTH)
    assert case.level == "urgent"
    assert await later_messages(core, case.id) == [
        ("answer", "Are you having thoughts of hurting yourself or of not being alive any more? Yes")]


async def test_the_question_comes_after_a_check_in_message_and_the_team_gets_it(core, centre, chat_for):
    chat = chat_for(PARENT, "en")
    await onboard_parent(chat)
    await chat.command("menu")
    await chat.press("Check-in")
    await chat.press("Check-in for Léo")
    for label in ("🙂", "Every day", "No", "Well", "🙂"):
        await chat.press(label)
    await chat.text("he said he took the whole box")
    texts = [r.text for r in chat.last.replies]
    assert any("Thank" in t for t in texts[:-1])  # the check-in is done, and thanked
    assert "Is your child having thoughts" in texts[-1]
    case = await open_case(core, PARENT)
    assert case.level == "watch" and case.snapshot["message"] == "he said he took the whole box"


async def test_hopeless_words_at_the_menu_reach_the_team_and_the_person_is_told(core, centre, chat_for):
    chat = chat_for(PARENT, "en")
    await onboard_parent(chat)
    await chat.command("menu")
    await chat.text("I can't do this anymore")
    assert "I have passed your message on to the centre's team" in chat.last.replies[0].text
    assert "Main menu" in chat.screen
    case = await open_case(core, PARENT)
    assert (case.level, case.snapshot["message"]) == ("high", "I can't do this anymore")
