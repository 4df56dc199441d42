"""What a case keeps after it opened, and what its card says: nothing replaced, nothing lost, no rule ids."""

from __future__ import annotations

import itertools
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dialogs.cases.announce import add_to_case, open_or_raise
from dialogs.cases.card import card
from dialogs.cases.fit import size
from dialogs.i18n import use_locale
from storage.models import Escalation
from tests.cases.conftest import GROUP, TOPIC, datas, pending
from tests.fakebot.telegram_html import parse_html

PEOPLE = itertools.count(20_000)  # a new parent for each example
RULE_ID = re.compile(r"\b[a-z]+_[a-z_]+\b")  # incident_low_mood, no_will_to_live...


async def a_parent(core, centre, telegram_id: int = 951, children: tuple[str, ...] = ("Léo",)):
    async with core.store.unit_of_work() as uow:
        family = await uow.families.create(centre.id)
        kids = [await uow.families.add_child(family, name, 12, "middle") for name in children]
        person = await uow.people.add_parent(telegram_id, centre.id, family, "en", uow.clock.now())
        await uow.people.note_name(person.id, "Marie")
        await uow.commit()
    return person, kids


async def checkin(uow, person, child, week: str, answers: dict, message: str | None = None, level: str = "high",
                  rule: str | None = "incident_low_mood"):
    started = await uow.checkins.start(person.id, child.id, "parent", week)
    return await uow.checkins.complete(started, answers, message, level, rule)


async def snapshot_of(core, case_id: int) -> dict:
    async with core.store.engine.connect() as conn:
        return json.loads(await conn.scalar(select(Escalation.snapshot).where(Escalation.id == case_id)))


async def the_card(core, case_id: int, chat_id: int = GROUP) -> str:
    async with core.store.unit_of_work() as uow:
        with use_locale("en"):
            return (await card(uow, case_id, chat_id, TOPIC if chat_id < 0 else None)).text


async def test_messages_are_kept_in_order_with_their_time(core, centre, clock):
    person, _kids = await a_parent(core, centre)
    async with core.store.unit_of_work() as uow:
        case = await open_or_raise(uow, centre.id, person.id, None, "high", "request", "request", {"message": "hi"})
        first = await uow.cases.add_message(case.id, "text", "he is not eating", "watch", "distress")
        clock.advance(minutes=3)
        second = await uow.cases.add_message(case.id, "request", "x" * 5000)
        await uow.commit()
    async with core.store.unit_of_work() as uow:
        kept = await uow.cases.messages(case.id)
        other = await uow.cases.messages(case.id + 1)
    assert [m.id for m in kept] == [first, second] and other == []
    assert (kept[0].kind, kept[0].text, kept[0].level, kept[0].rule) == ("text", "he is not eating", "watch", "distress")
    assert kept[1].at - kept[0].at == clock.now() - kept[0].at and len(kept[1].text) == 4000
    assert kept[1].level is None and kept[1].rule is None


async def test_a_later_trigger_raises_the_level_but_never_replaces_what_the_case_opened_on(core, centre, clock):
    person, (leo,) = await a_parent(core, centre)
    async with core.store.unit_of_work() as uow:
        opened = await checkin(uow, person, leo, "2026-W48", {"child_mood": 2, "incident": "yes"}, "he cries at night")
        case = await open_or_raise(uow, centre.id, person.id, leo.id, "high", "incident_low_mood", "checkin",
                                   {"answers": opened.answers, "week": "2026-W48"}, opened.id)
        await uow.commit()
    clock.advance(minutes=20)
    async with core.store.unit_of_work() as uow:
        raised = await open_or_raise(uow, centre.id, person.id, None, "urgent", "suicide", "text",
                                     {"message": "he says he wants to die"})
        await add_to_case(uow, case.id, "text", "he says he wants to die", "urgent", "suicide")
        await uow.commit()
        now = await uow.cases.get(case.id)
    assert raised.id == case.id and now.level == "urgent"
    assert (now.reason, now.source, now.child_id, now.checkin_id) == ("incident_low_mood", "checkin", leo.id, opened.id)
    snapshot = await snapshot_of(core, case.id)
    assert snapshot["answers"] == {"child_mood": 2, "incident": "yes"} and snapshot["week"] == "2026-W48"
    (trigger,) = snapshot["triggers"]
    assert trigger["level"] == "urgent" and trigger["reason"] == "suicide" and trigger["raised"] is True
    text = await the_card(core, case.id)
    assert "Why: Check-in answers: an incident this week, and the child's mood at 1 or 2 out of 5" in text
    assert "« he cries at night »" in text and "child 2/5" in text and "new incident" in text
    assert text.count("he says he wants to die") == 1  # the trigger and its message: one line
    assert "Since it opened:" in text and "thoughts of suicide or of dying" in text and "🔺 raised to 🔴 Urgent" in text
    assert not RULE_ID.findall(parse_html(text).text)


async def test_redoing_a_check_in_the_same_week_keeps_the_answers_the_case_opened_on(core, centre):
    person, (leo,) = await a_parent(core, centre)
    async with core.store.unit_of_work() as uow:
        opened = await checkin(uow, person, leo, "2026-W48", {"child_mood": 1, "attendance": "not_at_all"}, "help")
        case = await open_or_raise(uow, centre.id, person.id, leo.id, "high", "absent_running", "checkin",
                                   {"answers": opened.answers, "week": "2026-W48"}, opened.id)
        again = await uow.checkins.complete(opened.id, {"child_mood": 4}, None, "none", None)  # a stale draft
        redo = await checkin(uow, person, leo, "2026-W48", {"child_mood": 5}, None, "none", None)
        await uow.commit()
    async with core.store.unit_of_work() as uow:
        kept = await uow.checkins.get(opened.id)
        (latest,) = await uow.checkins.history(person.id, leo.id)
    assert kept.answers == {"child_mood": 1, "attendance": "not_at_all"} and kept.message == "help"
    assert again.id != opened.id and latest.id == redo.id  # the redo counts for the week...
    text = await the_card(core, case.id)
    assert "The check-in it was opened on (week of Nov 23): child 1/5, school: not at all" in text  # ...not here
    assert "« help »" in text and "not at school at all, two weeks running" in text


async def test_the_card_is_about_the_check_in_in_question_and_a_young_person_wants_to_talk(core, centre):
    person, kids = await a_parent(core, centre, children=("Léo", "Inès"))
    async with core.store.unit_of_work() as uow:
        await checkin(uow, person, kids[1], "2026-W48", {"child_mood": 5, "parent_mood": 5}, None, "none", None)
        about_leo = await checkin(uow, person, kids[0], "2026-W48", {"child_mood": 1, "parent_mood": 2})
        case = await open_or_raise(uow, centre.id, person.id, kids[0].id, "high", "child_mood_low_running", "checkin",
                                   {"answers": about_leo.answers, "week": "2026-W48"}, about_leo.id)
        youth = await uow.people.add_youth(952, centre.id, None, None, "en", uow.clock.now())
        started = await uow.checkins.start(youth.id, None, "youth", "2026-W48")
        record = await uow.checkins.complete(started, {"mood": 3, "safe": "sometimes", "talk": "yes"}, None, "none",
                                             None)
        young = await open_or_raise(uow, centre.id, youth.id, None, "watch", "wants_to_talk", "checkin",
                                    {"answers": record.answers, "week": record.week, "wants_to_talk": True}, record.id)
        await uow.commit()
    text = await the_card(core, case.id)
    assert "<b>Léo</b>" in text and "Inès" not in text and "child 1/5, parent 2/5" in text and "5/5" not in text
    assert "the child at their lowest (1/5), two weeks running" in text
    text = await the_card(core, young.id, 952)
    assert "Why: Check-in answers: wants to talk to someone" in text
    assert "mood 3/5, safe at school: sometimes, wants to talk" in text


async def test_an_unknown_rule_is_said_in_general_words(core, centre):
    person, _kids = await a_parent(core, centre)
    async with core.store.unit_of_work() as uow:
        case = await open_or_raise(uow, centre.id, person.id, None, "urgent", "new_rule_2027", "text", {"message": "x"})
        await add_to_case(uow, case.id, "checkin", "", "high", "another_new_rule")
        await uow.commit()
    text = await the_card(core, case.id)
    assert "An alarming message: a worrying message" in text and "worrying check-in answers" in text
    assert "new_rule" not in text and "another_new_rule" not in text


async def test_add_to_case_posts_to_the_topic_or_to_whoever_holds_the_card(core, centre):
    person, _kids = await a_parent(core, centre)
    async with core.store.unit_of_work() as uow:
        inès = await uow.people.add_staff(7001, centre.id, "Inès", "psychologist")
        case = await open_or_raise(uow, centre.id, person.id, None, "high", "request", "request", {})
        await uow.commit()
    await pending(core)
    async with core.store.unit_of_work() as uow:
        await add_to_case(uow, case.id, "text", "are you there?")
        await uow.commit()
    (private,) = await pending(core)  # no staff chat: the card's recipients, not held by quiet hours
    assert private.chat_id == 7001 and private.urgent and private.payload["type"] == "case_message"
    assert set(private.payload) == {"type", "case", "message"}  # ids only: the text is written at send time
    async with core.store.unit_of_work() as uow:
        await uow.cases.take(case.id, inès)
        await uow.centres.set_staff_chat(centre.id, GROUP)
        await add_to_case(uow, case.id, "text", "hello?")
        await uow.commit()
    post, refresh = await pending(core)
    assert (post.chat_id, post.payload["type"], refresh.payload) == (GROUP, "case_message",
                                                                    {"type": "case_card", "case": case.id,
                                                                     "refresh": True})


NAMES = st.text(alphabet=st.sampled_from(list("Tom&<>\"' éÉ🙂👨‍👩‍👧")), min_size=1, max_size=40).filter(str.strip)
TEXTS = st.text(alphabet=st.sampled_from(list("ab &<>é🙂\n")), min_size=1, max_size=4000).filter(str.strip)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(NAMES, min_size=1, max_size=20), texts=st.lists(TEXTS, min_size=1, max_size=12))
async def test_any_card_is_valid_telegram_html_within_the_limit_with_its_buttons_once(core, centre, names, texts):
    async with core.store.unit_of_work() as uow:
        family = await uow.families.create(centre.id)
        for name in names:
            await uow.families.add_child(family, name.strip(), 9, "primary")
        person = await uow.people.add_parent(next(PEOPLE), centre.id, family, "fr", uow.clock.now())
        case = await open_or_raise(uow, centre.id, person.id, None, "urgent", "suicide", "text",
                                               {"message": texts[0]})
        for text in texts[1:]:
            await add_to_case(uow, case.id, "text", text, "urgent", "suicide")
        await uow.commit()
        for locale in ("fr", "en"):
            with use_locale(locale):
                reply = await card(uow, case.id, GROUP, TOPIC)
            parsed = parse_html(reply.text)
            assert size(parsed.text) <= 4096
            assert datas(reply) == [f"case|take|{case.id}", f"case|close|{case.id}"]


def test_every_family_of_the_triage_rules_has_words_on_the_card():
    """A rule family added to the rules files is named on the card in words, never as « a worrying message »."""
    from dialogs.cases.reasons import rule_words
    from dialogs.i18n import use_locale
    from dialogs.triage.rules import rules_for

    for lang in ("fr", "en"):
        with use_locale(lang):
            generic = rule_words("no-such-rule", "text")
            for family in rules_for(lang).names:
                if family != "unsure":
                    assert rule_words(f"{family}.1", "text") != generic, (lang, family)
