"""Planning the weekly prompts, their nudges and the session reminders, and writing them at send time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.bootstrap import build_core
from dialogs.flow import decode
from dialogs.reminders.plan import plan
from dialogs.reminders.render import render
from storage.models import OutboxMessage
from tests.conftest import join_as_youth, onboard_parent

PARIS = ZoneInfo("Europe/Paris")
OFFSETS = (timedelta(hours=24), timedelta(hours=2))
TITLE = "Bullying support group: harcèlement"
PLACE = "Salle du psychologue"
SECRETS = ("Léo", "Bullying", "bullying", "harcèlement", "Harcèlement", "psycholog", "Psycholog", "Salle")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(timezone.utc)


async def rows(core, kind: str | None = None):
    """The outbox as the dispatcher would read it (OutboxRow), oldest first."""
    async with core.store.engine.connect() as conn:
        query = select(OutboxMessage.id).order_by(OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        ids = (await conn.execute(query)).scalars().all()
    async with core.store.unit_of_work() as uow:
        return [await uow.outbox.get(i) for i in ids]


async def rendered(core, row, default_locale: str = "fr"):
    async with core.store.unit_of_work() as uow:
        return await render(uow, row, default_locale)


async def person(core, telegram_user_id: int):
    async with core.store.unit_of_work() as uow:
        return await uow.people.by_telegram_id(telegram_user_id)


async def change_person(core, telegram_user_id: int, how) -> None:
    async with core.store.unit_of_work() as uow:
        found = await uow.people.by_telegram_id(telegram_user_id)
        await how(uow, found)
        await uow.commit()


async def parent(core, chat_for, clock, user_id: int, language: str = "en", at: datetime | None = None):
    if at is not None:
        clock.set(at)
    chat = chat_for(user_id, language)
    await onboard_parent(chat, children=(("Léo", "12", "middle"),))
    return chat


async def complete_checkin(chat) -> None:
    await chat.command("menu")
    await chat.press("Check-in")
    await chat.press("Check-in for Léo")
    for label in ("🙂", "Every day", "No", "Well", "🙂", "Skip"):
        await chat.press(label)


# -- the weekly prompt ----------------------------------------------------------------------


async def test_a_sunday_prompt_is_planned_once_at_18_00_paris_across_both_clock_changes(core, centre, chat_for, clock):
    chat = await parent(core, chat_for, clock, 801, at=utc(2026, 10, 14, 9))
    me = await person(core, 801)
    assert (me.checkin_weekday, me.checkin_hour) == (6, 18)
    instants = [utc(2026, 10, 18, 16), utc(2026, 10, 25, 17), utc(2027, 3, 21, 17), utc(2027, 3, 28, 16)]
    for instant in instants:
        clock.set(instant - timedelta(minutes=1))
        assert await plan(core.store, OFFSETS) == 0  # 17:59 local: not yet
        clock.set(instant)
        assert await plan(core.store, OFFSETS) == 2  # the prompt and its nudge
        clock.advance(minutes=30)
        assert await plan(core.store, OFFSETS) == 0  # planning again adds nothing
    prompts = await rows(core, "prompt")
    assert [r.due_at for r in prompts] == instants
    assert all(r.due_at.astimezone(PARIS).strftime("%a %H:%M") == "Sun 18:00" for r in prompts)
    assert [r.key for r in prompts] == [f"prompt:{me.id}:{d}" for d in
                                        ("2026-10-18", "2026-10-25", "2027-03-21", "2027-03-28")]
    assert all(r.chat_id == 801 and r.person_id == me.id and not r.urgent for r in prompts)
    nudges = await rows(core, "nudge")
    assert [r.due_at for r in nudges] == [i + timedelta(hours=24) for i in instants]
    assert chat.messages  # onboarding happened through the dialogs


async def test_another_process_planning_the_same_instant_adds_nothing(core, centre, chat_for, clock, db_url):
    await parent(core, chat_for, clock, 809, at=utc(2026, 11, 24, 9))
    clock.set(paris(2026, 11, 29, 18, 5))
    other = await build_core(db_url, clock=clock, migrate=False)
    try:
        assert await plan(core.store, OFFSETS) == 2
        assert await plan(other.store, OFFSETS) == 0  # its own memory is empty: the keys refuse it
    finally:
        await other.close()
    assert len(await rows(core)) == 2


async def test_a_prompt_missed_while_the_bot_was_down_comes_on_restart_an_old_one_does_not(
        core, centre, chat_for, clock):
    await parent(core, chat_for, clock, 802, at=utc(2026, 11, 24, 9))
    clock.set(paris(2026, 11, 29, 20, 30))  # 2 h 30 late: still planned, due at once
    assert await plan(core.store, OFFSETS) == 2
    (prompt,) = await rows(core, "prompt")
    assert prompt.due_at == paris(2026, 11, 29, 20, 30)
    clock.set(paris(2026, 12, 7, 6, 30))  # the next Sunday's, 12 h 30 late: too old
    assert await plan(core.store, OFFSETS) == 0


async def test_a_prompt_missed_until_the_quiet_hours_waits_for_the_morning(core, centre, chat_for, clock):
    await parent(core, chat_for, clock, 803, at=utc(2026, 11, 24, 9))
    clock.set(paris(2026, 11, 29, 22, 0))
    assert await plan(core.store, OFFSETS) == 2
    (prompt,) = await rows(core, "prompt")
    assert prompt.due_at == paris(2026, 11, 30, 8, 0)


async def test_nothing_while_paused_or_unreachable_or_before_consent(core, centre, chat_for, clock):
    await parent(core, chat_for, clock, 804, at=utc(2026, 11, 24, 9))
    clock.set(paris(2026, 11, 29, 18, 0))

    async def pause(uow, me):
        await uow.people.pause_checkins(me.id, True)

    async def resume(uow, me):
        await uow.people.pause_checkins(me.id, False)

    async def unreachable(uow, me):
        await uow.people.mark_unreachable(me.telegram_user_id)

    async def reachable(uow, me):
        await uow.people.mark_reachable(me.telegram_user_id)

    await change_person(core, 804, pause)
    assert await plan(core.store, OFFSETS) == 0
    await change_person(core, 804, resume)
    await change_person(core, 804, unreachable)
    assert await plan(core.store, OFFSETS) == 0
    await change_person(core, 804, reachable)
    assert await plan(core.store, OFFSETS) == 2
    # Planned, then paused (or blocked) before it went: it is dropped at send time.
    prompt, nudge = await rows(core)
    await change_person(core, 804, pause)
    assert await rendered(core, prompt) is None and await rendered(core, nudge) is None
    await change_person(core, 804, resume)
    await change_person(core, 804, unreachable)
    assert await rendered(core, prompt) is None
    # Somebody who joined after this week's instant is first asked next week.
    await parent(core, chat_for, clock, 805, at=paris(2026, 11, 29, 18, 30))
    assert await plan(core.store, OFFSETS) == 0


async def test_the_nudge_comes_24_hours_later_unless_a_check_in_was_completed(core, centre, chat_for, clock):
    chat = await parent(core, chat_for, clock, 806, at=utc(2026, 11, 24, 9))
    clock.set(paris(2026, 11, 29, 18, 0))
    assert await plan(core.store, OFFSETS) == 2
    prompt, nudge = await rows(core)
    assert (prompt.kind, nudge.kind) == ("prompt", "nudge")
    assert nudge.due_at == paris(2026, 11, 30, 18, 0)
    message = await rendered(core, prompt)
    assert message.chat_id == 806 and message.text.startswith("Relier: your weekly moment is ready.")
    (button,) = [b for row in message.buttons for b in row]
    pressed = decode(button.data)
    assert (pressed.version, pressed.flow, pressed.step, pressed.action) == (0, "menu", "main", "checkin")
    # The button opens the check-in from outside any conversation.
    chat.messages.append(message)
    await chat.press_data(button.data)
    assert any("Check-in for Léo" in label for label in chat.labels())
    clock.set(nudge.due_at)
    assert (await rendered(core, nudge)).text.startswith("Relier: your weekly moment is still waiting")
    await complete_checkin(chat)
    assert await rendered(core, nudge) is None
    assert await rendered(core, prompt) is None  # done: a prompt held back by the night would go too


async def test_quiet_hours_move_a_21_00_prompt_to_08_00_and_nothing_planned_is_urgent(core, centre, chat_for, clock):
    await parent(core, chat_for, clock, 807, at=utc(2026, 11, 24, 9))

    async def at_nine(uow, me):
        await uow.people.set_checkin_time(me.id, 6, 21)

    await change_person(core, 807, at_nine)
    clock.set(paris(2026, 11, 29, 21, 0))
    assert await plan(core.store, OFFSETS) == 2
    prompt, nudge = await rows(core)
    assert prompt.due_at == paris(2026, 11, 30, 8, 0)  # Monday morning
    assert nudge.due_at == paris(2026, 12, 1, 8, 0)  # Monday 21:00 + quiet hours
    assert prompt.payload["at"] == paris(2026, 11, 29, 21, 0).isoformat()
    assert not prompt.urgent and not nudge.urgent  # urgent messages are someone else's (alerts)


async def test_a_young_person_gets_prompts_in_their_own_words(core, centre, chat_for, clock):
    clock.set(utc(2026, 11, 24, 9))
    chat = chat_for(808, "fr")
    await join_as_youth(core, chat)
    clock.set(paris(2026, 11, 29, 18, 0))
    assert await plan(core.store, OFFSETS) == 2
    prompt, _nudge = await rows(core)
    message = await rendered(core, prompt)
    assert message.text.startswith("Relier : ton moment") and not any(s in message.text for s in SECRETS)
    assert [b.text for row in message.buttons for b in row] == ["📝 Point de la semaine"]


# -- session reminders ----------------------------------------------------------------------


async def add_session(core, centre, starts: datetime, title: str = TITLE, place: str | None = PLACE):
    async with core.store.unit_of_work() as uow:
        session = await uow.sessions.add(centre.id, title, starts, 90, 10, place=place)
        await uow.commit()
    return session


async def book(core, session_id: int, telegram_user_id: int):
    async with core.store.unit_of_work() as uow:
        me = await uow.people.by_telegram_id(telegram_user_id)
        result = await uow.bookings.book(session_id, me)
        await uow.commit()
    assert result.outcome == "booked"
    return result.booking


STARTS = paris(2026, 12, 3, 18, 30)  # a Thursday


async def test_reminders_24_hours_and_2_hours_before(core, centre, chat_for, clock):
    await parent(core, chat_for, clock, 811, at=utc(2026, 11, 24, 9))
    session = await add_session(core, centre, STARTS)
    booking = await book(core, session.id, 811)
    clock.set(STARTS - timedelta(hours=24, minutes=1))
    assert await plan(core.store, OFFSETS) == 0
    clock.set(STARTS - timedelta(hours=24))
    assert await plan(core.store, OFFSETS) == 1
    assert await plan(core.store, OFFSETS) == 0
    clock.set(STARTS - timedelta(hours=2))
    assert await plan(core.store, OFFSETS) == 1
    day_before, two_hours = await rows(core, "reminder")
    stamp = int(STARTS.timestamp())
    assert day_before.key == f"reminder:{booking.id}:86400:{stamp}" and two_hours.key == f"reminder:{booking.id}:7200:{stamp}"
    assert day_before.due_at == STARTS - timedelta(hours=24) and two_hours.due_at == STARTS - timedelta(hours=2)
    assert day_before.not_after == STARTS and two_hours.not_after == STARTS
    assert day_before.payload == {"type": "reminder", "booking": booking.id, "starts": STARTS.isoformat(),
                                  "before": 86400}
    clock.set(STARTS - timedelta(hours=24))
    message = await rendered(core, day_before)
    assert message.text.startswith("Relier: a reminder for tomorrow, 6:30 PM.")
    assert "My bookings" in message.buttons[0][0].text and decode(message.buttons[0][0].data).version == 0
    clock.set(STARTS - timedelta(hours=2))
    assert (await rendered(core, two_hours)).text.startswith("Relier: a reminder for today, 6:30 PM.")
    clock.set(STARTS)
    assert await rendered(core, two_hours) is None  # started: dropped (and past not_after)


async def test_no_reminder_for_a_cancelled_booking_or_session(core, centre, chat_for, clock):
    await parent(core, chat_for, clock, 812, at=utc(2026, 11, 24, 9))
    session = await add_session(core, centre, STARTS)
    booking = await book(core, session.id, 812)
    clock.set(STARTS - timedelta(hours=24))
    assert await plan(core.store, OFFSETS) == 1
    (planned,) = await rows(core, "reminder")
    async with core.store.unit_of_work() as uow:
        assert (await uow.bookings.cancel(booking.id, booking.person_id)).outcome == "cancelled"
        await uow.commit()
    assert await rendered(core, planned) is None
    clock.set(STARTS - timedelta(hours=2))
    assert await plan(core.store, OFFSETS) == 0
    # A whole session cancelled by the centre.
    other = await add_session(core, centre, STARTS + timedelta(days=1))
    await book(core, other.id, 812)
    clock.set(STARTS + timedelta(hours=1))
    assert await plan(core.store, OFFSETS) == 1
    kept = (await rows(core, "reminder"))[-1]
    async with core.store.unit_of_work() as uow:
        await uow.bookings.cancel_session(other.id)
        await uow.commit()
    assert await rendered(core, kept) is None
    clock.set(STARTS + timedelta(hours=22))
    assert await plan(core.store, OFFSETS) == 0


async def test_a_moved_session_gets_new_reminders_and_the_old_ones_are_dropped(core, centre, chat_for, clock):
    await parent(core, chat_for, clock, 813, at=utc(2026, 11, 24, 9))
    session = await add_session(core, centre, STARTS)
    await book(core, session.id, 813)
    clock.set(STARTS - timedelta(hours=24))
    assert await plan(core.store, OFFSETS) == 1
    (old,) = await rows(core, "reminder")
    later = STARTS + timedelta(days=2)
    async with core.store.unit_of_work() as uow:
        await uow.sessions.change(session.id, starts_at=later)
        await uow.commit()
    assert await rendered(core, old) is None
    clock.set(later - timedelta(hours=24))
    assert await plan(core.store, OFFSETS) == 1
    new = (await rows(core, "reminder"))[-1]
    assert new.key != old.key and new.payload["starts"] == later.isoformat()
    assert (await rendered(core, new)).text.startswith("Relier: a reminder for tomorrow")


async def test_a_reminder_missed_while_down_is_still_planned_before_the_start_not_after(core, centre, chat_for, clock):
    await parent(core, chat_for, clock, 814, at=utc(2026, 11, 24, 9))
    session = await add_session(core, centre, STARTS)
    booking = await book(core, session.id, 814)
    clock.set(STARTS - timedelta(hours=5))  # the bot was down when the 24 h reminder fell due
    assert await plan(core.store, OFFSETS) == 1
    (late,) = await rows(core, "reminder")
    assert late.key.startswith(f"reminder:{booking.id}:86400:") and late.due_at == STARTS - timedelta(hours=5)
    assert (await rendered(core, late)).text.startswith("Relier: a reminder for today, 6:30 PM.")
    # Down again past the start: nothing more.
    other = await add_session(core, centre, STARTS + timedelta(days=1))
    await book(core, other.id, 814)
    clock.set(STARTS + timedelta(days=1, minutes=1))
    assert await plan(core.store, OFFSETS) == 0
    # Down through both reminders: only the latest one goes, not two in a row.
    third = await add_session(core, centre, STARTS + timedelta(days=3))
    clock.set(STARTS + timedelta(days=1, hours=1))
    await book(core, third.id, 814)
    clock.set(STARTS + timedelta(days=3) - timedelta(hours=1))
    assert await plan(core.store, OFFSETS) == 1
    assert (await rows(core, "reminder"))[-1].payload["before"] == 7200


async def test_a_booking_made_3_hours_before_gets_only_the_2_hour_reminder(core, centre, chat_for, clock):
    await parent(core, chat_for, clock, 815, at=utc(2026, 11, 24, 9))
    session = await add_session(core, centre, STARTS)
    clock.set(STARTS - timedelta(hours=3))
    booking = await book(core, session.id, 815)
    assert await plan(core.store, OFFSETS) == 0
    clock.set(STARTS - timedelta(hours=2))
    assert await plan(core.store, OFFSETS) == 1
    clock.set(STARTS - timedelta(minutes=30))
    assert await plan(core.store, OFFSETS) == 0
    assert [r.key.split(":")[:3] for r in await rows(core, "reminder")] == [["reminder", str(booking.id), "7200"]]


async def test_a_reminder_in_the_quiet_hours_waits_for_the_morning_unless_that_is_after_the_start(
        core, centre, chat_for, clock):
    await parent(core, chat_for, clock, 816, at=utc(2026, 11, 24, 9))
    early = paris(2026, 12, 3, 9, 0)  # the 2 h reminder would be at 07:00
    session = await add_session(core, centre, early)
    await book(core, session.id, 816)
    clock.set(early - timedelta(hours=2))
    assert await plan(core.store, OFFSETS) == 1
    assert (await rows(core, "reminder"))[-1].due_at == paris(2026, 12, 3, 8, 0)
    dawn = paris(2026, 12, 5, 7, 30)  # a 05:30 reminder would only go at 08:00, after the start
    other = await add_session(core, centre, dawn)
    await book(core, other.id, 816)
    clock.set(dawn - timedelta(hours=2))
    assert await plan(core.store, OFFSETS) == 0


async def test_no_reminder_for_somebody_unreachable(core, centre, chat_for, clock):
    await parent(core, chat_for, clock, 817, at=utc(2026, 11, 24, 9))
    session = await add_session(core, centre, STARTS)
    await book(core, session.id, 817)

    async def unreachable(uow, me):
        await uow.people.mark_unreachable(me.telegram_user_id)

    await change_person(core, 817, unreachable)
    clock.set(STARTS - timedelta(hours=24))
    assert await plan(core.store, OFFSETS) == 0


# -- discreet by default ----------------------------------------------------------------------


async def all_messages(core, clock, centre, user_id: int, default_locale: str = "fr"):
    """The prompt, the nudge and the 24 h reminder of one person, as they would be sent."""
    session = await add_session(core, centre, STARTS)
    await book(core, session.id, user_id)
    clock.set(paris(2026, 11, 29, 18, 0))
    await plan(core.store, OFFSETS)
    clock.set(STARTS - timedelta(hours=24))
    await plan(core.store, OFFSETS)
    return [await rendered(core, row, default_locale) for row in await rows(core)]


async def set_explicit(core, user_id: int, explicit: bool) -> None:
    async def how(uow, me):
        await uow.people.set_explicit_notifications(me.id, explicit)

    await change_person(core, user_id, how)


async def test_discreet_texts_never_name_the_child_the_subject_or_the_session(core, centre, chat_for, clock):
    await parent(core, chat_for, clock, 821, "en", at=utc(2026, 11, 24, 9))
    messages = await all_messages(core, clock, centre, 821)
    assert len(messages) == 3 and all(m is not None for m in messages)
    for message in messages:
        assert message.text.startswith("Relier: ")
        assert not any(secret in message.text for secret in SECRETS), message.text
    assert "6:30 PM" in messages[2].text and "tomorrow" in messages[2].text
    # Detailed, by the person's choice: the child, the session's title and place.
    await set_explicit(core, 821, True)
    prompt, nudge, reminder = [await rendered(core, row) for row in await rows(core)]
    assert "<b>Léo</b>" in prompt.text.split("\n")[0] and "Léo" in nudge.text
    assert "Bullying support group: harcèlement" in reminder.text and PLACE in reminder.text
    assert "Thursday 3 December, 6:30 PM" in reminder.text


async def test_discreet_texts_in_french_and_for_a_young_person(core, centre, chat_for, clock):
    await parent(core, chat_for, clock, 822, "fr", at=utc(2026, 11, 24, 9))
    messages = await all_messages(core, clock, centre, 822, default_locale="en")  # the person's own language wins
    for message in messages:
        assert not any(secret in message.text for secret in SECRETS), message.text
    assert "18:30" in messages[2].text and "PM" not in messages[2].text
    assert messages[0].buttons[0][0].text == "📝 Point de la semaine"
    assert messages[2].buttons[0][0].text == "📌 Mes réservations"
    await set_explicit(core, 822, True)
    reminder = await rendered(core, (await rows(core, "reminder"))[0])
    assert "harcèlement" in reminder.text and "jeudi 3 décembre, 18:30" in reminder.text


async def test_a_young_persons_reminder_is_discreet_too(core, centre, chat_for, clock):
    clock.set(utc(2026, 11, 24, 9))
    await join_as_youth(core, chat_for(823, "en"))
    async with core.store.unit_of_work() as uow:
        session = await uow.sessions.add(centre.id, TITLE, STARTS, 90, 10, place=PLACE, audience="youth")
        await uow.commit()
    await book(core, session.id, 823)
    clock.set(STARTS - timedelta(hours=2))
    assert await plan(core.store, OFFSETS) == 1
    message = await rendered(core, (await rows(core, "reminder"))[0])
    assert message.text.startswith("Relier: a reminder for today, 6:30 PM.")
    assert not any(secret in message.text for secret in SECRETS)


# -- the setting ------------------------------------------------------------------------------


async def test_the_notifications_setting_toggles_through_the_dialogs(core, centre, chat_for, clock):
    chat = await parent(core, chat_for, clock, 831, "en")
    await chat.command("menu")
    await chat.press("Settings")
    assert "🔔 Notifications: discreet" in chat.labels()
    await chat.press("Notifications")
    assert "Discreet" in chat.screen and "lock screen" in chat.screen
    assert "✓ 🔕 Discreet" in chat.labels()
    await chat.press("Detailed")
    assert (await person(core, 831)).explicit_notifications is True
    assert "✓ 🔔 Detailed" in chat.labels() and "Saved: detailed notifications." in chat.all_text
    await chat.press("Discreet")
    assert (await person(core, 831)).explicit_notifications is False
    await chat.press("« Settings")
    assert "🔔 Notifications: discreet" in chat.labels()
    # A young person has the same setting.
    youth = chat_for(832, "en")
    await join_as_youth(core, youth)
    await youth.command("menu")
    await youth.press("Settings")
    await youth.press("Notifications")
    await youth.press("Detailed")
    assert (await person(core, 832)).explicit_notifications is True
