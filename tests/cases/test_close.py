"""Closing a case with an outcome: the card, the family told kindly, back to their menu, the audit."""

from __future__ import annotations

from datetime import timedelta

from tests.cases.conftest import (
    CARD, GROUP, INES, PARENT, PAUL, add_staff, case, close, datas, family_with_case, pending, trail,
)


async def taken(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    ines = await add_staff(core, centre.id, INES, "Inès")
    await group.press(INES, f"case|take|{case_id}")
    await pending(core)
    return family, case_id, ines


async def test_closing_asks_the_outcome_then_tells_the_family_kindly(core, centre, chat_for, group):
    family, case_id, ines = await taken(core, centre, chat_for, group)

    await group.press(INES, f"case|close|{case_id}")
    (edit,) = group.last.replies
    assert edit.edit_message_id == CARD and "how did it end?" in edit.text
    assert datas(edit) == [f"case|out|{case_id}|resolved", f"case|out|{case_id}|referred",
                           f"case|out|{case_id}|no_answer", f"case|back|{case_id}"]
    assert all(len(d.encode()) <= 64 for d in datas(edit))
    await group.press(INES, f"case|out|{case_id}|referred")
    assert datas(group.last.replies[0]) == [f"case|ref|{case_id}|nurse", f"case|ref|{case_id}|cmp",
                                            f"case|ref|{case_id}|ase", f"case|ref|{case_id}|other",
                                            f"case|close|{case_id}"]
    assert (await case(core, case_id)).is_open  # nothing is closed before the outcome is chosen

    await group.press(INES, f"case|ref|{case_id}|cmp")
    (confirm,) = group.last.replies  # a high case: are you sure? And nobody ever wrote to the family
    assert f"Close case #{case_id} (🟠 High priority) as « referred to the CMP »?" in confirm.text
    assert "No message was ever sent to the family through the bot" in confirm.text
    assert datas(confirm) == [f"case|ok|{case_id}|referred.cmp", f"case|close|{case_id}"]
    assert (await case(core, case_id)).is_open
    await group.press(INES, f"case|ok|{case_id}|referred.cmp")
    (card,) = group.last.replies
    assert "Closed (referred to the CMP)" in card.text and card.buttons == ()
    assert "note: …" in card.text
    assert group.last.callback_text == f"Case #{case_id} closed."
    closed = await case(core, case_id)
    assert (closed.status, closed.outcome, closed.closed_at) == ("closed", "referred", group.clock.now())

    (told,) = await pending(core)
    assert told.chat_id == PARENT
    text = told.payload["text"]
    assert "closed this conversation. Thank you for your trust" in text and "Talk to someone" in text
    assert "<b>3114</b>" in text and "<b>119</b>" in text
    assert [b["text"] for row in told.payload["buttons"] for b in row] == [
        "💬 Talk to someone", "☎️ Emergency numbers", "« Menu"]

    await family.text("thanks again")  # no longer relayed: the family chooses what to do with it
    assert "I haven't passed on what you wrote yet" in family.screen
    assert await pending(core) == []
    await family.command("menu")
    await family.press("Talk to someone")  # the talk flow is there again, saying where the request stands
    assert "Talk to a psychologist of the centre" in " ".join(family.labels())
    assert "Your last request was closed on" in family.screen

    assert [(a, d) for _actor, a, d in await trail(core, case_id)] == [
        ("take", None), ("close", "referred"), ("referral", "cmp")]


async def test_a_private_note_after_closing_is_kept_on_the_card(core, centre, chat_for, group):
    _family, case_id, ines = await taken(core, centre, chat_for, group)
    await close(group, INES, case_id, "resolved")
    await pending(core)
    await group.say(INES, "Note: mother relieved, school meeting on Friday")
    async with core.store.unit_of_work() as uow:
        assert await uow.cases.note(case_id) == "mother relieved, school meeting on Friday"
    await group.say(INES, "thanks everyone")  # closed: nothing goes to the family any more
    assert await pending(core) == []
    await group.press(INES, f"case|back|{case_id}")
    assert "Private note: mother relieved" in group.last.replies[0].text
    assert [a for _actor, a, _d in await trail(core, case_id)] == ["take", "close", "note"]


async def test_any_staff_member_of_the_centre_may_close_but_only_once(core, centre, chat_for, group):
    _family, case_id, _ines = await taken(core, centre, chat_for, group)
    await add_staff(core, centre.id, PAUL, "Paul", "coordinator")
    await group.say(INES, "Hello, are you still there?")
    group.clock.advance(timedelta(hours=48))
    await close(group, PAUL, case_id, "no_answer")
    assert "no answer from the family" in group.last.replies[0].text
    await pending(core)
    await group.press(INES, f"case|out|{case_id}|resolved")
    assert group.last.callback_text == "This case is closed."
    assert (await case(core, case_id)).outcome == "no_answer"
    assert await pending(core) == []
    await group.press(INES, f"case|close|{case_id}")
    assert group.last.callback_text == "This case is closed."


async def test_closing_an_untaken_case_tells_the_family_too(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    await add_staff(core, centre.id, INES, "Inès")
    await close(group, INES, case_id, "resolved")
    (told,) = await pending(core)
    assert told.chat_id == PARENT and "closed this conversation" in told.payload["text"]
    assert told.chat_id != GROUP
