"""Closing safely: urgent and high cases confirmed, « no answer » only after a fair delay, /stop told to the staff."""

from __future__ import annotations

from datetime import timedelta

from tests.cases.conftest import GROUP, INES, PARENT, add_staff, case, datas, family_with_case, pending, trail
from tests.conftest import join_as_youth


async def test_closing_an_urgent_case_nobody_wrote_to_warns_and_asks_to_confirm(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family, urgent=True)
    await add_staff(core, centre.id, INES, "Inès")
    await group.press(INES, f"case|take|{case_id}")
    await group.press(INES, f"case|out|{case_id}|resolved")
    (confirm,) = group.last.replies
    assert f"Close case #{case_id} (🔴 Urgent) as « resolved »?" in confirm.text
    assert "⚠️ No message was ever sent to the family through the bot" in confirm.text
    assert datas(confirm) == [f"case|ok|{case_id}|resolved", f"case|close|{case_id}"]
    assert (await case(core, case_id)).is_open
    await group.press(INES, f"case|close|{case_id}")  # « Back »: the outcomes again, nothing closed
    assert "how did it end?" in group.last.replies[0].text and (await case(core, case_id)).is_open

    await group.say(INES, "Are you safe right now?")  # once written, the warning goes
    await group.press(INES, f"case|out|{case_id}|resolved")
    assert "Close case" in group.last.replies[0].text and "No message was ever" not in group.last.replies[0].text
    await group.press(INES, f"case|ok|{case_id}|resolved")
    assert (await case(core, case_id)).outcome == "resolved"


async def test_no_answer_waits_48_hours_after_the_last_message(core, centre, chat_for, group, clock):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    await add_staff(core, centre.id, INES, "Inès")
    await group.press(INES, f"case|take|{case_id}")
    await group.press(INES, f"case|out|{case_id}|no_answer")  # nobody wrote yet: kindly refused
    text = group.last.replies[0].text
    assert "nobody has written to the family through the bot yet" in text and "48 hours" in text
    assert "how did it end?" in text and (await case(core, case_id)).is_open
    await group.press(INES, f"case|ok|{case_id}|no_answer")  # a forged confirmation changes nothing
    assert (await case(core, case_id)).is_open

    await group.say(INES, "Hello, are you there?")
    clock.advance(timedelta(hours=30))
    await group.say(INES, "I will try again tomorrow.")  # the delay counts from the last message
    clock.advance(timedelta(hours=47))
    await group.press(INES, f"case|out|{case_id}|no_answer")
    assert "too soon for « no answer »" in group.last.replies[0].text
    clock.advance(timedelta(hours=1))
    await group.press(INES, f"case|out|{case_id}|no_answer")
    assert f"case|ok|{case_id}|no_answer" in datas(group.last.replies[0])
    await group.press(INES, f"case|ok|{case_id}|no_answer")
    assert (await case(core, case_id)).outcome == "no_answer"
    assert "Closed (no answer from the family)" in group.last.replies[0].text


async def test_a_young_persons_case_speaks_of_the_young_person(core, centre, chat_for, group):
    youth = chat_for(880, "en")
    await join_as_youth(core, youth)
    await youth.text("I want to die")
    async with core.store.unit_of_work() as uow:
        found = await uow.cases.open_for((await uow.people.by_telegram_id(880)).id)
        await uow.cases.set_card(found.id, GROUP, 600, 90)
        await uow.commit()
    await add_staff(core, centre.id, INES, "Inès")
    await group.press(INES, f"case|take|{found.id}", message_id=600)
    await group.press(INES, f"case|close|{found.id}", message_id=600)
    assert "🔇 No answer from the young person" in [b.text for row in group.last.replies[0].buttons for b in row]
    await group.press(INES, f"case|out|{found.id}|no_answer", message_id=600)
    assert "nobody has written to the young person" in group.last.replies[0].text
    await group.press(INES, f"case|out|{found.id}|resolved", message_id=600)
    assert "No message was ever sent to the young person" in group.last.replies[0].text


async def test_a_family_that_leaves_with_an_open_case_is_told_to_the_topic(core, centre, chat_for, group):
    family = chat_for(PARENT, "en")
    case_id = await family_with_case(core, family)
    ines = await add_staff(core, centre.id, INES, "Inès")
    await group.press(INES, f"case|take|{case_id}")
    await group.say(INES, "I will call you tomorrow")
    await family.command("stop")
    assert "the team will be told that you left" in family.screen
    await pending(core)
    await group.say(INES, "A second message, not delivered yet")  # still in the outbox when they leave
    await family.press("Yes, delete my data")
    assert "Only the record of your requests to the team stays with the centre" in family.screen
    rows = await pending(core)
    told = [r for r in rows if r.chat_id == GROUP and "left the bot" in r.payload.get("text", "")]
    assert len(told) == 1 and told[0].thread_id is not None
    text = told[0].payload["text"]
    assert "a parent left the bot" in text and f"case #{case_id}" in text
    assert "Marie" not in text  # their name is erased with them, the outbox included
    assert "Deleted at their request: their account, their check-ins and bookings" in text
    assert "Kept, as a safety record: this case" in text and "can no longer write to them" in text
    assert {"type": "case_card", "case": case_id} in [r.payload for r in rows]  # the card says who left
    assert not [r for r in rows if r.chat_id == PARENT]  # the undelivered message was dropped
    kept = await case(core, case_id)
    assert kept.is_open and kept.person_id is None and kept.taken_by == ines.id
    assert ("left", None) in [(a, d) for _who, a, d in await trail(core, case_id)]
    await group.say(INES, "Are you there?")
    assert "can no longer write to the family" in group.last.replies[0].text
