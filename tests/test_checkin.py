"""The weekly check-in: one tap per question, Back, abandon and resume, triage, history, schedule."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from storage.models import Checkin, Escalation
from tests.conftest import join_as_youth, onboard_parent

EN_PARENT = dict(children=(("Léo", "12", "middle"),))


async def rows(core, model):
    async with core.store.engine.connect() as conn:
        return (await conn.execute(select(model).order_by(model.id))).all()


async def start(chat, name="Léo"):
    await chat.command("menu")
    await chat.press("Check-in")
    await chat.press(f"Check-in for {name}")


async def answer_all(chat, mood="🙂", school="Every day", incident="No", sleep="Well", me="🙂", message=None):
    await chat.press(mood)
    await chat.press(school)
    await chat.press(incident)
    await chat.press(sleep)
    await chat.press(me)
    if message is None:
        await chat.press("Skip")
    else:
        await chat.text(message)


async def test_a_parent_answers_with_one_tap_each_and_can_go_back(core, centre, chat_for):
    chat = chat_for(501, "en")
    await onboard_parent(chat, **EN_PARENT)
    await start(chat)
    assert "How did Léo seem this week?" in chat.screen
    assert chat.labels()[:5] == ["😢", "😟", "😐", "🙂", "😄"]
    await chat.press("😟")
    assert "Did Léo go to school this week?" in chat.screen
    await chat.press("Back")
    assert "How did Léo seem this week?" in chat.screen
    await answer_all(chat, mood="😐", message="He slept better since the holidays.")
    assert "Thank you" in chat.screen
    (checkin,) = await rows(core, Checkin)
    assert json.loads(checkin.answers) == {"child_mood": 3, "attendance": "every_day", "incident": "no",
                                           "sleep": "good", "parent_mood": 4}
    assert checkin.message == "He slept better since the holidays." and checkin.completed_at is not None


async def test_abandoning_keeps_the_answers_and_the_next_one_starts_fresh(core, centre, chat_for):
    chat = chat_for(502, "fr")
    await onboard_parent(chat)
    await chat.command("menu")
    await chat.press("Point de la semaine")
    await chat.press("Point pour Léo")
    await chat.press("😢")
    await chat.press("Pas du tout")
    await chat.command("menu")  # the parent leaves halfway
    (partial,) = await rows(core, Checkin)
    assert json.loads(partial.answers) == {"child_mood": 1, "attendance": "not_at_all"}
    assert partial.completed_at is None
    await chat.press("Point de la semaine")
    await chat.press("Point pour Léo")
    assert "Comment avez-vous trouvé Léo cette semaine ?" in chat.screen
    first, second = await rows(core, Checkin)
    assert json.loads(second.answers) == {} and json.loads(first.answers)["child_mood"] == 1


async def test_a_check_in_redone_the_same_week_is_the_one_that_counts(core, centre, chat_for):
    chat = chat_for(503, "en")
    await onboard_parent(chat, **EN_PARENT)
    await start(chat)
    await answer_all(chat, mood="😐")
    await start(chat)
    await answer_all(chat, mood="😄")
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(503)
        child = (await uow.families.children(person.family_id))[0]
        history = await uow.checkins.history(person.id, child.id)
    assert [h.answers["child_mood"] for h in history] == [5]


async def test_a_child_at_the_bottom_two_weeks_running_reaches_the_psychologists(core, centre, chat_for, clock):
    chat = chat_for(504, "en")
    await onboard_parent(chat, **EN_PARENT)
    await start(chat)
    await answer_all(chat, mood="😢")
    assert await rows(core, Escalation) == []
    clock.advance(timedelta(days=7))
    await start(chat)
    await answer_all(chat, mood="😢", me="😟")
    assert "someone from the centre will get back to you" in chat.screen
    assert any("Talk to someone" in label for label in chat.labels())
    (case,) = await rows(core, Escalation)
    assert case.level == "high" and case.source == "checkin" and case.status == "open"
    snapshot = json.loads(case.snapshot)
    assert snapshot["answers"]["child_mood"] == 1 and snapshot["earlier"][0]["child_mood"] == 1


async def test_an_alarming_message_in_the_check_in_is_kept_answered_and_escalated(core, centre, chat_for):
    chat = chat_for(505, "fr")
    await onboard_parent(chat)
    await chat.command("menu")
    await chat.press("Point de la semaine")
    await chat.press("Point pour Léo")
    for label in ("😟", "Absent(e) certains jours", "Oui", "Mal", "😟"):
        await chat.press(label)
    await chat.text("il a dit qu'il voulait mourir hier soir")
    first = chat.last.replies[0].text
    assert "<b>3114</b>" in first and "<b>119</b>" in first
    (checkin,) = await rows(core, Checkin)
    assert checkin.level == "urgent" and checkin.message.startswith("il a dit")
    (case,) = await rows(core, Escalation)  # one open case per person, at the highest level
    assert case.level == "urgent"


async def test_several_children_each_have_their_own_check_in(core, centre, chat_for):
    chat = chat_for(506, "en")
    await onboard_parent(chat, children=(("Léo", "12", "middle"), ("Emma", "8", "primary")))
    await start(chat, "Emma")
    assert "How did Emma seem this week?" in chat.screen


async def test_a_forged_child_is_refused(core, centre, chat_for):
    other = chat_for(507, "en")
    await onboard_parent(other, children=(("Zoé", "10", "primary"),))
    chat = chat_for(508, "en")
    await onboard_parent(chat, **EN_PARENT)
    async with core.store.unit_of_work() as uow:
        zoe = (await uow.families.children((await uow.people.by_telegram_id(507)).family_id))[0]
    await chat.command("menu")
    await chat.press("Check-in")
    version = chat.messages[-1].buttons[0][0].data.split("|")[0]
    await chat.press_data(f"{version}|chk.hub|c{zoe.id}")
    assert "Zoé" not in chat.screen and await rows(core, Checkin) == []


async def test_the_parent_chooses_when_to_be_asked_or_pauses(core, centre, chat_for):
    chat = chat_for(509, "en")
    await onboard_parent(chat, **EN_PARENT)
    await chat.command("menu")
    await chat.press("Settings")
    assert "Check-in: Sunday at 18:00" in " ".join(chat.labels())
    await chat.press("Check-in:")
    await chat.press("Wednesday")
    await chat.press("19:00")
    assert "Saved: Wednesday at 19:00." in chat.screen
    await chat.press("Check-in:")
    await chat.press("Pause the check-ins")
    assert "paused" in chat.screen
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(509)
    assert (person.checkin_weekday, person.checkin_hour, person.checkins_paused) == (2, 19, True)


async def test_history_is_a_chart_with_its_trend_in_words(core, centre, chat_for, clock):
    chat = chat_for(510, "fr")
    await onboard_parent(chat)
    for face in ("😟", "😐", "🙂"):
        await chat.command("menu")
        await chat.press("Point de la semaine")
        await chat.press("Point pour Léo")
        for label in (face, "Tous les jours", "Non", "Bien", "🙂", "Passer"):
            await chat.press(label)
        clock.advance(timedelta(days=7))
    await chat.command("menu")
    await chat.press("Point de la semaine")
    await chat.press("Historique de Léo")
    photo, hub = chat.last.replies  # the chart, then the check-in screen below it
    assert photo.attachment is not None and photo.attachment.kind == "photo"
    assert "Point de la semaine" in hub.text
    assert (await photo.attachment.data()).startswith(b"\x89PNG\r\n\x1a\n")
    assert "Léo" in photo.text


async def test_a_young_persons_check_in_goes_to_the_psychologists_only(core, centre, chat_for):
    youth = chat_for(511, "fr")
    await join_as_youth(core, youth)
    await youth.press("Point de la semaine")
    assert "Jamais tes parents" in youth.screen
    await youth.press("C'est parti")
    for label in ("😟", "Non", "Mal", "Oui, j'aimerais bien", "Passer"):
        await youth.press(label)
    assert "te recontacter" in youth.screen
    assert {reply.chat_id for reply in youth.last.replies} == {511}
    (case,) = await rows(core, Escalation)
    assert case.level == "high"
