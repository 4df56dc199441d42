"""The learned second stage in the dialogs: it reads what people write freely, not a short typed answer."""

from __future__ import annotations

from tests.cases.conftest import PARENT
from tests.conftest import onboard_parent, reach_first_child

# Below high for the rules, raised by the second stage (tests/triage/test_families.py, RAISED_BY_THE_STAGE):
STAGE_ONLY = "i'm at the railway station, the next train comes at 5"  # to urgent (its urgent step agrees)
STAGE_HIGH = "i take my adhd meds so i can get through school"  # to high only
WORRYING = "i'm planning to do it on friday when everyone's out"  # the rules only watch it; the stage: urgent


async def open_case(core, telegram_id: int):
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(telegram_id)
        return None if person is None else await uow.cases.open_for(person.id)


async def test_a_message_only_the_second_stage_finds_urgent_gets_the_numbers_at_once(core, centre, chat_for):
    chat = chat_for(PARENT, "en")
    await onboard_parent(chat)
    await chat.command("menu")
    await chat.text(WORRYING)
    answer = chat.last.replies[0].text
    assert "sounds serious" in answer and "<b>3114</b>" in answer and "passed your message on" in answer
    case = await open_case(core, PARENT)
    assert (case.level, case.reason, case.snapshot["message"]) == ("urgent", "second_stage", WORRYING)


async def test_a_message_it_raises_to_high_reaches_the_team_and_the_person_is_told(core, centre, chat_for):
    chat = chat_for(PARENT, "en")
    await onboard_parent(chat)
    await chat.command("menu")
    await chat.text(STAGE_HIGH)
    assert "I have passed your message on to the centre's team" in chat.last.replies[0].text
    case = await open_case(core, PARENT)
    assert (case.level, case.reason, case.snapshot["message"]) == ("high", "second_stage", STAGE_HIGH)


async def test_a_typed_answer_is_read_by_the_rules_only(core, centre, chat_for):
    chat = chat_for(PARENT, "en")
    await reach_first_child(chat)
    await chat.text(STAGE_ONLY)  # asked for a first name: the step answers it, nothing is raised
    assert "first name" in chat.screen and "passed your message on" not in chat.screen
    assert await open_case(core, PARENT) is None
    await chat.text("Maé")
    await chat.text("twelve and a half")
    assert "as a number" in chat.screen and await open_case(core, PARENT) is None


async def test_the_same_words_written_freely_are_read_by_the_second_stage_too(core, centre, chat_for):
    chat = chat_for(PARENT, "en")
    await onboard_parent(chat)
    await chat.command("menu")
    await chat.text(STAGE_ONLY)
    case = await open_case(core, PARENT)
    assert (case.level, case.reason) == ("urgent", "second_stage")


def test_the_team_reads_in_words_that_the_learned_model_found_it_not_a_rule():
    from dialogs.cases.reasons import rule_words
    from dialogs.i18n import use_locale

    with use_locale("fr"):
        assert "modèle appris" in rule_words("second_stage", "text") and "pas d'une règle" in rule_words("second_stage")
    with use_locale("en"):
        assert "learned model" in rule_words("second_stage", "text")
