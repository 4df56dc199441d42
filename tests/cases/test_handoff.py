"""Taking a case in the staff group, and talking with the family through the bot."""

from __future__ import annotations

from dialogs.events import Kind
from tests.cases.conftest import (
    CARD, GROUP, INES, PARENT, PAUL, STRANGER, TOPIC, add_staff, case, datas, family_with_case, labels, pending,
    trail,
)


async def test_taking_a_case_edits_the_card_and_tells_the_family(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    ines = await add_staff(core, centre.id, INES, "Inès Martin")

    await group.press(INES, f"case|take|{case_id}")
    (edit,) = group.last.replies
    assert edit.chat_id == GROUP and edit.edit_message_id == CARD
    assert "Taken by <b>Inès, psychologist</b>" in edit.text and "Marie (parent)" in edit.text
    assert "✋ Take this case" not in labels(edit) and datas(edit) == [f"case|close|{case_id}"]
    assert group.last.callback_text == f"You took case #{case_id}."
    taken = await case(core, case_id)
    assert taken.taken_by == ines.id and taken.taken_at == group.clock.now()

    (told,) = await pending(core)
    assert told.chat_id == PARENT and told.urgent
    assert "<b>Inès, psychologist</b> from the centre has taken your request" in told.payload["text"]
    assert "will write to you here" in told.payload["text"]
    assert [b["text"] for row in told.payload["buttons"] for b in row] == ["🏁 End the conversation",
                                                                         "☎️ Emergency numbers"]
    assert await trail(core, case_id) == [(ines.id, "take", None)]


async def test_messages_flow_both_ways_signed_and_audited(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    ines = await add_staff(core, centre.id, INES, "Inès Martin")
    await group.press(INES, f"case|take|{case_id}")
    await pending(core)

    await family.text("Hello, Léo did not want to go to school today")
    assert family.last.replies == []  # passed on: the bot says nothing over it
    (relayed,) = await pending(core)
    assert (relayed.chat_id, relayed.thread_id, relayed.urgent) == (GROUP, TOPIC, True)
    assert relayed.payload == {"type": "relay_in", "case": case_id,
                               "text": "👤 Marie (parent): Hello, Léo did not want to go to school today"}

    await group.say(INES, "Hello Marie, thank you <for> writing. What happened?")
    assert group.last.replies == []
    (answer,) = await pending(core)
    assert answer.chat_id == PARENT and answer.urgent and answer.payload["type"] == "reply"
    assert answer.payload["text"] == ("Hello Marie, thank you &lt;for&gt; writing. What happened?\n\n"
                                      "— <i>Inès, psychologist</i>")
    assert (await case(core, case_id)).first_reply_at == group.clock.now()

    await group.media(INES, "photo", message_id=4242)
    (photo,) = await pending(core)
    assert photo.chat_id == PARENT
    assert photo.payload == {"type": "copy", "case": case_id, "from_chat": GROUP, "message_id": 4242,
                             "caption": "— <i>Inès, psychologist</i>", "media": "photo"}

    await family._send(Kind.MEDIA, media="voice", message_id=55)
    (voice,) = await pending(core)
    assert (voice.chat_id, voice.thread_id) == (GROUP, TOPIC)
    assert voice.payload["type"] == "copy_in" and voice.payload["from_chat"] == PARENT
    assert voice.payload["message_id"] == 55 and voice.payload["media"] == "voice"
    assert voice.payload["case"] == case_id and voice.payload["caption"] == "👤 Marie (parent)"

    actions = [(actor, action) for actor, action, _detail in await trail(core, case_id)]
    family_id = (await case(core, case_id)).person_id
    assert actions == [(ines.id, "take"), (family_id, "relay_in"), (ines.id, "relay_out"), (ines.id, "relay_out"),
                       (family_id, "relay_in")]


async def test_internal_notes_and_other_staff_stay_in_the_group(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    await add_staff(core, centre.id, INES, "Inès")
    await add_staff(core, centre.id, PAUL, "Paul", "coordinator")
    await group.press(INES, f"case|take|{case_id}")
    await pending(core)

    await group.say(INES, "// I'll call the school tomorrow")
    await group.say(PAUL, "Ok, keep me posted")
    await group.media(PAUL, "photo")
    await group.say(STRANGER, "hello?")
    assert await pending(core) == []
    assert [a for _actor, a, _d in await trail(core, case_id)] == ["take"]
    assert (await case(core, case_id)).first_reply_at is None

    await group.say(PAUL, "note: the family is known to the school nurse")
    assert "Private note kept on case" in group.last.replies[0].text
    assert group.last.replies[0].thread_id == TOPIC
    async with core.store.unit_of_work() as uow:
        assert await uow.cases.note(case_id) == "the family is known to the school nurse"
    assert await pending(core) == []


async def test_a_non_staff_member_pressing_take_changes_nothing(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    await group.press(STRANGER, f"case|take|{case_id}")
    assert group.last.replies == [] and group.last.callback_text == "This button is for the centre's team only."
    await group.press(PARENT, f"case|take|{case_id}")  # the family member themself, in the group
    assert group.last.replies == [] and group.last.callback_text
    assert (await case(core, case_id)).taken_by is None
    assert await pending(core) == [] and await trail(core, case_id) == []


async def test_staff_of_another_centre_and_forged_buttons_are_refused(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    async with core.store.unit_of_work() as uow:
        other = await uow.centres.add("Another centre", "Europe/Paris")
        await uow.commit()
    await add_staff(core, other.id, PAUL, "Paul", "admin")
    await add_staff(core, centre.id, INES, "Inès")
    await group.press(PAUL, f"case|take|{case_id}")
    assert group.last.replies == [] and group.last.callback_alert
    for forged in ("case|take|abc", "case|take", f"case|take|{case_id}|x|y", f"case|steal|{case_id}",
                   "case|take|999", "x" * 80, f"case|out|{case_id}|burned", f"case|ref|{case_id}|police"):
        await group.press(INES, forged)
        assert group.last.replies == [] and group.last.callback_text, forged
    assert (await case(core, case_id)).taken_by is None and (await case(core, case_id)).is_open
    assert await pending(core) == []


async def test_a_case_button_from_another_group_is_refused(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    await add_staff(core, centre.id, INES, "Inès")
    group.chat_id = -100999
    await group.press(INES, f"case|take|{case_id}")
    assert group.last.replies == [] and (await case(core, case_id)).taken_by is None


async def test_a_second_take_says_who_has_it(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    await add_staff(core, centre.id, INES, "Inès")
    await add_staff(core, centre.id, PAUL, "Paul")
    await group.press(INES, f"case|take|{case_id}")
    await group.press(PAUL, f"case|take|{case_id}")
    assert group.last.callback_text == "Someone else took this case a moment ago."
    assert "Taken by <b>Inès, psychologist</b>" in group.last.replies[0].text
    await group.press(INES, f"case|take|{case_id}")
    assert group.last.callback_text == "This case is already yours."


async def test_without_topics_replies_to_the_card_are_the_conversation(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    async with core.store.unit_of_work() as uow:
        await uow.cases.set_card(case_id, GROUP, CARD, None)
        await uow.commit()
    await add_staff(core, centre.id, INES, "Inès")
    await group.press(INES, f"case|take|{case_id}")
    await pending(core)
    await group.say(INES, "Not a reply: stays here", thread_id=None)
    assert await pending(core) == []
    await group.say(INES, "Hello Marie", thread_id=None, reply_to=CARD)
    (answer,) = await pending(core)
    assert answer.chat_id == PARENT and answer.payload["text"].startswith("Hello Marie")
    await family.text("Hello!")
    (relayed,) = await pending(core)
    assert (relayed.chat_id, relayed.thread_id, relayed.payload["type"]) == (GROUP, None, "relay_in")


async def test_the_family_menu_leads_back_to_the_conversation(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    await family.command("menu")
    assert "💬 Back to the conversation" not in family.labels()
    await add_staff(core, centre.id, INES, "Inès")
    await group.press(INES, f"case|take|{case_id}")
    await pending(core)
    await family.command("help")
    await family.command("menu")
    assert family.labels()[0] == "💬 Back to the conversation"
    await family.text("text at the menu")  # the case is taken: it goes to Inès
    assert "Sent to Inès, psychologist" in family.screen
    assert [r.payload["type"] for r in await pending(core)] == ["relay_in"]
    await family.press("Back to the conversation")
    assert "Your conversation with Inès, psychologist is open" in family.screen
    await family.press("Emergency numbers")
    assert "<b>3114</b>" in family.screen
    await family.text("Still there?")
    assert [r.payload["type"] for r in await pending(core)] == ["relay_in"]
    await family.press("End the conversation")
    await family.press("Yes, end it")
    assert "The conversation is ended" in family.screen
    (ended,) = await pending(core)
    assert ended.chat_id == GROUP and "ended the conversation" in ended.payload["text"]
    assert (await case(core, case_id)).is_open  # the staff close it
    await family.text("after the end")  # still open and taken: Inès reads it
    assert "Sent to Inès, psychologist" in family.screen
    assert [r.payload["type"] for r in await pending(core)] == ["relay_in"]
    await family.command("menu")
    await family.press("Talk to someone")
    assert "Inès, psychologist</b> has taken it" in family.screen


async def test_a_young_persons_alarming_message_then_a_conversation_with_the_psychologist(
        core, centre, chat_for, group):
    from tests.conftest import join_as_youth

    youth = chat_for(905, "en")
    await join_as_youth(core, youth)
    await youth.text("I want to die")
    assert "<b>3114</b>" in youth.all_text
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(905)
        opened = await uow.cases.open_for(person.id)
        await uow.cases.set_card(opened.id, GROUP, CARD, TOPIC)
        await uow.commit()
    assert opened.level == "urgent" and opened.source == "text"
    await pending(core)
    await add_staff(core, centre.id, INES, "Inès")
    await group.press(INES, f"case|take|{opened.id}")
    (told,) = await pending(core)
    assert told.chat_id == 905 and "<b>Inès, psychologist</b>" in told.payload["text"]
    await youth.text("I'm scared to go to school tomorrow")
    (relayed,) = await pending(core)
    assert relayed.payload["text"] == "👤 a young person: I'm scared to go to school tomorrow"
    await group.say(INES, "I'm here. Are you safe right now?")
    (answer,) = await pending(core)
    assert answer.chat_id == 905 and answer.payload["text"].endswith("— <i>Inès, psychologist</i>")
