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
    await youth.text("i think i might do something stupid")
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
    await chat.text("he said he might do something stupid")
    texts = [r.text for r in chat.last.replies]
    assert any("Thank" in t for t in texts[:-1])  # the check-in is done, and thanked
    assert "Is your child having thoughts" in texts[-1]
    case = await open_case(core, PARENT)
    assert case.level == "watch" and case.snapshot["message"] == "he said he might do something stupid"


async def test_hopeless_words_at_the_menu_reach_the_team_and_the_person_is_told(core, centre, chat_for):
    chat = chat_for(PARENT, "en")
    await onboard_parent(chat)
    await chat.command("menu")
    await chat.text("I feel so hopeless")  # ("I can't do this anymore" is urgent since the urgent step is at 0.9)
    assert "I have passed your message on to the centre's team" in chat.last.replies[0].text
    assert "Main menu" in chat.screen
    case = await open_case(core, PARENT)
    assert (case.level, case.snapshot["message"]) == ("high", "I feel so hopeless")


# -- an answer typed instead of tapped -------------------------------------------------------------------------

YOUTH_QUESTION_FR = "Est-ce que tu as des idées de te faire du mal ou de ne plus être en vie ?"
YOUTH_QUESTION_EN = "Are you having thoughts of hurting yourself or of not being alive any more?"


async def asked_youth(core, chat_for, language: str, first: str):
    youth = chat_for(YOUTH, language)
    await join_as_youth(core, youth)
    await youth.text(first)
    assert (YOUTH_QUESTION_FR if language == "fr" else YOUTH_QUESTION_EN) in youth.screen
    return youth


async def asked_parent(chat_for, language: str, first: str):
    chat = chat_for(PARENT, language)
    await onboard_parent(chat)
    await chat.command("menu")
    await chat.text(first)
    assert ("votre enfant a des idées" if language == "fr" else "Is your child having thoughts") in chat.screen
    return chat


def numbers_sent(chat) -> int:
    return sum("<b>3114</b>" in r.text for r in chat.last.replies)


async def test_a_typed_sometimes_is_a_yes_the_case_is_urgent_and_the_numbers_come_at_once(core, centre, chat_for):
    youth = await asked_youth(core, chat_for, "fr", "je crois que je vais faire une connerie")
    await youth.text("parfois. surtout le soir")  # on its own nothing alarming; after the question, a yes
    assert numbers_sent(youth) == 1 and "tu comptes" in youth.last.replies[0].text
    case = await open_case(core, YOUTH)
    assert case.level == "urgent"
    assert await later_messages(core, case.id) == [("answer", f"{YOUTH_QUESTION_FR} parfois. surtout le soir")]
    await youth.text("merci")  # the question is answered: the next text is not read as an answer again
    assert numbers_sent(youth) == 0 and "Ajouté à ta demande" in youth.screen


async def test_a_parent_who_types_no_is_thanked_and_the_case_stays_with_the_team(core, centre, chat_for):
    chat = await asked_parent(chat_for, "en", "I think he might do something stupid")
    await chat.text("No, it was a box of sweets he wanted to hide from his sister")
    assert "Thank you for answering" in chat.screen and "Main menu" in chat.screen
    assert numbers_sent(chat) == 0
    case = await open_case(core, PARENT)
    assert case.level == "watch"  # a typed "no" closes nothing either
    assert [kind for kind, _text in await later_messages(core, case.id)] == ["answer"]


async def test_an_answer_urgent_by_itself_gets_the_numbers_once_and_reaches_the_case_once(core, centre, chat_for):
    youth = await asked_youth(core, chat_for, "en", "i think i might do something stupid")
    await youth.text("yes and tonight i have the pills ready")
    assert numbers_sent(youth) == 1
    case = await open_case(core, YOUTH)
    assert case.level == "urgent"
    assert await later_messages(core, case.id) == [
        ("answer", f"{YOUTH_QUESTION_EN} yes and tonight i have the pills ready")]


async def test_a_no_followed_by_a_disclosure_is_urgent_by_the_rules(core, centre, chat_for):
    youth = await asked_youth(core, chat_for, "en", "i think i might do something stupid")
    await youth.text("no but my stepbrother comes into my room at night and touches me")
    assert numbers_sent(youth) == 1
    assert (await open_case(core, YOUTH)).level == "urgent"


async def test_a_no_with_worrying_words_raises_the_case_and_says_it_was_passed_on(core, centre, chat_for):
    youth = await asked_youth(core, chat_for, "fr", "je crois que je vais faire une connerie")
    await youth.text("non. mais je me fais vomir après chaque repas")
    assert numbers_sent(youth) == 0 and "transmis ton message" in youth.all_text
    case = await open_case(core, YOUTH)
    assert case.level == "high"
    assert await later_messages(core, case.id) == [
        ("answer", f"{YOUTH_QUESTION_FR} non. mais je me fais vomir après chaque repas")]


async def test_an_answer_that_is_neither_is_kept_and_the_question_asked_again(core, centre, chat_for):
    youth = await asked_youth(core, chat_for, "en", "i think i might do something stupid")
    await youth.text("who reads this?")
    assert "could not tell if it means yes or no" in youth.screen and YOUTH_QUESTION_EN in youth.screen
    assert youth.labels() == ["Yes", "No", "☎️ Emergency numbers"]
    case = await open_case(core, YOUTH)
    assert (case.level, await later_messages(core, case.id)) == ("watch", [("answer", f"{YOUTH_QUESTION_EN} who "
                                                                                      "reads this?")])
    await youth.text("yeah for months")
    assert numbers_sent(youth) == 1 and (await open_case(core, YOUTH)).level == "urgent"


async def test_after_the_question_is_left_for_the_menu_a_yes_is_not_read_as_its_answer(core, centre, chat_for):
    chat = await asked_parent(chat_for, "fr", "je crois qu'il va faire une connerie")
    await chat.command("menu")  # another screen: the question is no longer the one on screen
    await chat.text("oui")
    assert numbers_sent(chat) == 0
    case = await open_case(core, PARENT)
    assert case.level == "watch" and (await later_messages(core, case.id))[-1] == ("text", "oui")
