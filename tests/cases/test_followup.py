"""A week after closing, the family is asked how things are; and the centre's opening hours, told honestly."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from dialogs.cases.followup import outside_opening_hours, send_followups
from dialogs.i18n import use_locale
from tests.cases.conftest import GROUP, INES, PARENT, TOPIC, case, close, family_with_case, pending, trail
from tests.cases.test_close import taken


async def followups(core) -> int:
    async with core.store.unit_of_work() as uow:
        count = await send_followups(uow, "en")
        await uow.commit()
    return count


async def test_a_week_after_closing_a_worse_answer_reopens_the_case(core, centre, chat_for, group, clock):
    family, case_id, ines = await taken(core, centre, chat_for, group)
    await close(group, INES, case_id, "resolved")
    await pending(core)
    clock.advance(timedelta(days=6, hours=23))
    assert await followups(core) == 0
    clock.advance(timedelta(hours=1))
    assert await followups(core) == 1
    assert await followups(core) == 0  # once

    (asked,) = await pending(core)
    assert asked.chat_id == PARENT and not asked.urgent and asked.kind == "followup"
    assert asked.payload["text"] == "Relier: how are things since we talked?"
    buttons = [b for row in asked.payload["buttons"] for b in row]
    assert [b["text"] for b in buttons] == ["🙂 Better", "😐 The same", "😟 Worse"]

    await family.press_data(buttons[2]["data"])
    assert "The team has been told and will get back to you" in family.screen and "<b>3114</b>" in family.screen
    reopened = await case(core, case_id)
    assert reopened.is_open and reopened.level == "high" and reopened.taken_by == ines.id
    told = await pending(core)
    assert {"type": "case_card", "case": case_id} == told.pop().payload  # the card in the group: open again
    assert {(r.chat_id, r.thread_id) for r in told} == {(INES, None), (GROUP, TOPIC)}
    assert all("Follow-up of case" in r.payload["text"] and "« worse »" in r.payload["text"]
               and "open again" in r.payload["text"] and r.urgent for r in told)
    assert [(a, d) for _actor, a, d in await trail(core, case_id)][-3:] == [
        ("followup", None), ("followup_answer", "worse"), ("reopen", "high")]

    await family.press_data(buttons[0]["data"])  # a second answer from the same message
    assert "already passed on" in family.screen
    assert await pending(core) == []
    await family.command("menu")
    assert family.labels()[0] == "💬 Back to the conversation"  # Inès has it again


async def test_a_better_answer_goes_to_the_staff_member_only(core, centre, chat_for, group, clock):
    family, case_id, _ines = await taken(core, centre, chat_for, group)
    await close(group, INES, case_id, "resolved")
    await pending(core)
    clock.advance(timedelta(days=7))
    await followups(core)
    (asked,) = await pending(core)
    await family.press_data(asked.payload["buttons"][0][0]["data"])
    assert "Good to read" in family.screen
    assert not (await case(core, case_id)).is_open
    rows = await pending(core)
    assert all("« better »" in r.payload["text"] and not r.urgent for r in rows)


async def test_a_follow_up_answer_of_someone_else_is_ignored(core, centre, chat_for, group, clock):
    _family, case_id, _ines = await taken(core, centre, chat_for, group)
    await close(group, INES, case_id, "resolved")
    other = chat_for(902, "en")
    await family_with_case(core, other, "Sophie")
    await other.press_data(f"0|relay.followup|{case_id}:worse")
    assert not (await case(core, case_id)).is_open
    assert [a for _actor, a, _d in await trail(core, case_id)] == ["take", "close"]


def paris(*args) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/Paris")).astimezone(timezone.utc)


async def test_outside_opening_hours_the_family_is_told_when_the_team_reads(centre):
    with use_locale("en"):
        assert outside_opening_hours(centre, paris(2026, 11, 24, 10, 0)) is None  # Tuesday morning
        saturday = outside_opening_hours(centre, paris(2026, 11, 28, 10, 0))
        assert "the team will read your message on Monday from 9:00" in saturday and "<b>3114</b>" in saturday
        assert "on Monday from 9:00" in outside_opening_hours(centre, paris(2026, 11, 27, 18, 0))  # Friday 18:00
        assert "today from 9:00" in outside_opening_hours(centre, paris(2026, 11, 24, 7, 30))
        assert "tomorrow from 9:00" in outside_opening_hours(centre, paris(2026, 11, 24, 20, 0))
        assert "If it can't wait" in outside_opening_hours(centre, paris(2026, 11, 29, 10, 0), youth=True)
    with use_locale("fr"):
        assert "lundi" in outside_opening_hours(centre, paris(2026, 11, 28, 10, 0))


async def test_a_request_on_saturday_says_monday(core, centre, chat_for, clock):
    from tests.cases.conftest import ask_for_talk
    from tests.conftest import onboard_parent

    clock.set(paris(2026, 11, 28, 15, 0))
    family = chat_for(PARENT, "en")
    await onboard_parent(family)
    await ask_for_talk(family)
    assert "Your request is recorded" in family.screen
    assert "the team will read your message on Monday from 9:00" in family.screen


async def test_a_closed_case_of_a_person_who_left_gets_no_follow_up(core, centre, chat_for, group, clock):
    family, case_id, _ines = await taken(core, centre, chat_for, group)
    await close(group, INES, case_id, "resolved")
    await pending(core)
    async with core.store.unit_of_work() as uow:
        await uow.people.mark_unreachable(PARENT)
        await uow.commit()
    clock.advance(timedelta(days=8))
    assert await followups(core) == 0
    assert await pending(core) == []
    assert (await case(core, case_id)).followup_at is None
