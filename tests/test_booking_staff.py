"""Staff run group sessions from the bot: create a weekly series, see the roster and its CSV,
change capacity, time and place, cancel, mark attendance; nobody else can touch their sessions."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

from dialogs.booking import messages
from dialogs.i18n import use_locale
from storage.records import Recipient
from tests.support.outbox import take_queued
from tests.conftest import onboard_parent

UTC = timezone.utc
STAFF_ID = 900


async def staff_chat(core, centre_id, chat_for, user_id=STAFF_ID):
    async with core.store.unit_of_work() as uow:
        await uow.people.add_staff(user_id, centre_id, "Inès", "psychologist")
        await uow.commit()
    chat = chat_for(user_id, "en")
    await chat.command("menu")
    await chat.press("Group sessions")
    return chat


async def family(core, chat_for, user_id, language, name, child="Léo"):
    """An onboarded parent with a name (as Telegram gives it) and one child."""
    chat = chat_for(user_id, language)
    await onboard_parent(chat, children=((child, "12", "middle"),))
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(user_id)
        await uow.people.note_name(person.id, name)
        await uow.commit()
    return chat


async def person(core, user_id):
    async with core.store.unit_of_work() as uow:
        return await uow.people.by_telegram_id(user_id)


async def add_session(core, centre_id, title="Evening group", starts_at=None, capacity=2, audience="parents",
                      minutes=90, place="Room 2"):
    async with core.store.unit_of_work() as uow:
        session = await uow.sessions.add(centre_id, title, starts_at or datetime(2026, 12, 3, 17, 30, tzinfo=UTC),
                                         minutes, capacity, place, audience=audience)
        await uow.commit()
    return session


async def book(core, session_id, *user_ids):
    outcomes = []
    async with core.store.unit_of_work() as uow:
        for user_id in user_ids:
            outcomes.append((await uow.bookings.book(session_id, await uow.people.by_telegram_id(user_id))).outcome)
        await uow.commit()
    return outcomes


async def fetch(core, session_id):
    async with core.store.unit_of_work() as uow:
        return await uow.sessions.get(session_id), await uow.bookings.roster(session_id)


async def others(core, chat) -> dict[int, list]:
    """The messages the bot left in the outbox for other people, by chat; none in the staff's own chat."""
    assert all(reply.chat_id == chat.user_id for reply in chat.last.replies)
    return await take_queued(core)


def own_screen(chat) -> str:
    return [r.text for r in chat.last.replies if r.chat_id == chat.user_id][-1]


def data_for(chat, action: str) -> str:
    """The data of the button with this action on the latest screen."""
    for row in chat.messages[chat._latest_with_buttons()].buttons:
        for button in row:
            if button.data.endswith(f"|{action}"):
                return button.data
    raise AssertionError(f"no button {action!r}: {chat.labels()}")


def version(chat) -> str:
    return chat.messages[chat._latest_with_buttons()].buttons[0][0].data.split("|")[0]


async def open_session(chat, title="Evening group"):
    await chat.press(title)
    assert "booked out of" in chat.screen


async def test_staff_create_a_weekly_series_listed_in_local_time(core, centre, chat_for):
    chat = await staff_chat(core, centre.id, chat_for)
    await chat.press("New session")
    await chat.press("Parents' group")
    await chat.press("Parents")
    await chat.text("Evening group")
    await chat.text("yesterday at noon")
    assert "could not read" in chat.screen and "Evening group" not in chat.screen
    await chat.text("01/12/2026 18:30")
    await chat.press("1 h 30")
    await chat.text("2")
    await chat.text("Room 2, 5 rue des Lilas")
    await chat.text("3")
    await chat.press("Skip")
    assert "Check before publishing" in chat.screen
    assert "Tue 1 Dec, 18:30" in chat.screen and "Tue 15 Dec, 18:30" in chat.screen
    await chat.press("Publish")
    assert "Published: 3 sessions." in chat.screen
    labels = [label for label in chat.labels() if "Evening group" in label]
    assert labels == ["👪 Tue 1 Dec, 18:30 · Evening group (0/2)", "👪 Tue 8 Dec, 18:30 · Evening group (0/2)",
                      "👪 Tue 15 Dec, 18:30 · Evening group (0/2)"]
    async with core.store.unit_of_work() as uow:
        created = await uow.sessions.upcoming(centre.id, "parents", 10)
    assert [s.starts_at for s in created] == [datetime(2026, 12, d, 17, 30, tzinfo=UTC) for d in (1, 8, 15)]
    assert {(s.capacity, s.minutes, s.place, s.kind) for s in created} == {(2, 90, "Room 2, 5 rue des Lilas", "group")}
    assert len({s.series for s in created}) == 1 and created[0].series
    async with core.store.unit_of_work() as uow:
        _, conversation = await uow.conversations.load_with_person(STAFF_ID)
    assert "snew" not in conversation.data


async def test_the_roster_names_people_and_the_csv_parses(core, centre, chat_for):
    await family(core, chat_for, 601, "en", "Amina", "Léo")
    await family(core, chat_for, 602, "fr", "Bruno <b>", "Zoé")
    await family(core, chat_for, 603, "en", "Chloé", "Maël")
    session = await add_session(core, centre.id)
    assert await book(core, session.id, 601, 602, 603) == ["booked", "booked", "waiting"]
    chat = await staff_chat(core, centre.id, chat_for)
    assert "👪 Thu 3 Dec, 18:30 · Evening group (2/2)" in chat.labels()
    await open_session(chat)
    assert "2 booked out of 2 · 1 waiting" in chat.screen
    await chat.press("Roster")
    roster, document, screen = chat.last.replies
    text = roster.text
    assert "1. Amina (Léo)" in text and "2. Bruno &lt;b&gt; (Zoé)" in text and "<b> (" not in text
    assert text.index("Waiting") < text.index("Chloé (Maël)")
    assert document.attachment.filename == f"roster-{session.id}.csv"
    rows = list(csv.reader(io.StringIO((await document.attachment.data()).decode("utf-8-sig"))))
    flat = [" ".join(row) for row in rows]
    assert any("Amina" in line for line in flat) and any("Chloé" in line for line in flat)
    assert len(rows) >= 4  # a header and the three people
    assert "booked out of" in screen.text and screen.buttons


async def test_capacity_cannot_go_below_the_seats_and_raising_it_promotes(core, centre, chat_for):
    await family(core, chat_for, 611, "en", "Amina")
    await family(core, chat_for, 612, "en", "Bruno")
    await family(core, chat_for, 613, "fr", "Chloé")
    session = await add_session(core, centre.id)
    await book(core, session.id, 611, 612, 613)
    chat = await staff_chat(core, centre.id, chat_for)
    await open_session(chat)
    await chat.press("Change capacity")
    await chat.text("1")
    assert "2 people have a seat: the capacity cannot go below 2." in chat.screen
    assert (await fetch(core, session.id))[0].capacity == 2
    await chat.press("3")
    assert "Capacity: 3 seats. 1 person waiting got a seat and was told." in own_screen(chat)
    sent = await others(core, chat)
    assert list(sent) == [613]
    changed, roster = await fetch(core, session.id)
    assert (changed.capacity, changed.booked) == (3, 3) and {line.status for line in roster} == {"booked"}
    chloe = await person(core, 613)
    booking = next(line.booking_id for line in roster if line.person_id == chloe.id)
    with use_locale("fr"):
        expected = messages.promoted(Recipient(chloe.id, 613, "fr", booking, "booked"), changed, centre, False)
    assert sent[613][0].text == expected.text  # in her language, to her chat


async def test_a_new_time_is_told_to_everyone_booked_or_waiting(core, centre, chat_for):
    await family(core, chat_for, 621, "en", "Amina")
    await family(core, chat_for, 622, "fr", "Bruno")
    session = await add_session(core, centre.id, capacity=1)
    assert await book(core, session.id, 621, 622) == ["booked", "waiting"]
    chat = await staff_chat(core, centre.id, chat_for)
    await open_session(chat)
    await chat.press("Change time")
    await chat.text("23/11/2026 19:00")
    assert "already passed" in chat.screen
    await chat.text("28/03/2027 02:30")  # the night the clocks go forward in Paris
    assert "does not exist" in chat.screen
    assert (await fetch(core, session.id))[0].starts_at == datetime(2026, 12, 3, 17, 30, tzinfo=UTC)
    await chat.text("03/12/2026 19:00")
    assert "Moved to Thursday 3 December, 7:00 PM (1 h 30). 2 people were told." in own_screen(chat)
    sent = await others(core, chat)
    assert set(sent) == {621, 622}
    assert "7:00 PM" in sent[621][0].text and "19:00" in sent[622][0].text
    assert (await fetch(core, session.id))[0].starts_at == datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
    await chat.press("Change place")
    await chat.text("Online: https://meet.example.org/relier")
    assert "New place" in own_screen(chat) and set(await others(core, chat)) == {621, 622}
    assert (await fetch(core, session.id))[0].place == "Online: https://meet.example.org/relier"


async def test_cancelling_tells_everyone_and_the_session_is_gone(core, centre, chat_for):
    parent = await family(core, chat_for, 631, "en", "Amina")
    await family(core, chat_for, 632, "fr", "Bruno")
    session = await add_session(core, centre.id, capacity=1)
    await book(core, session.id, 631, 632)
    chat = await staff_chat(core, centre.id, chat_for)
    await open_session(chat)
    await chat.press("Cancel session")
    assert "1 person booked and 1 waiting will be told." in chat.screen
    await chat.press("No, keep it")
    assert (await fetch(core, session.id))[0].cancelled_at is None
    await chat.press("Cancel session")
    await chat.press("Yes, cancel it")
    assert "Cancelled: Evening group" in own_screen(chat) and "2 people were told." in own_screen(chat)
    assert set(await others(core, chat)) == {631, 632}
    assert not any("Evening group" in label for label in chat.labels())
    async with core.store.unit_of_work() as uow:
        assert await uow.sessions.upcoming(centre.id, "parents", 10) == []
    await parent.command("menu")
    await parent.press("Group sessions")
    assert "Evening group" not in parent.screen and not any("Evening group" in b for b in parent.labels())


async def test_attendance_is_recorded_and_never_blocks_a_booking(core, centre, chat_for, clock):
    await family(core, chat_for, 641, "en", "Amina")
    await family(core, chat_for, 642, "en", "Bruno")
    session = await add_session(core, centre.id, starts_at=clock.now() + timedelta(hours=1), capacity=5)
    later = await add_session(core, centre.id, title="Next group", starts_at=clock.now() + timedelta(days=7))
    await book(core, session.id, 641, 642)
    clock.advance(hours=3)
    chat = await staff_chat(core, centre.id, chat_for)
    await chat.press("Past sessions")
    assert "never penalises" in chat.screen and "Next group" not in " ".join(chat.labels())
    await chat.press_data(f"{version(chat)}|satt.past|s{later.id}", message=chat._latest_with_buttons())
    assert "has not started yet" in chat.screen
    await chat.press("Evening group")
    _, roster = await fetch(core, session.id)
    amina, bruno = (line.booking_id for line in roster)
    await chat.press_data(data_for(chat, f"p{amina}"), message=chat._latest_with_buttons())
    await chat.press_data(data_for(chat, f"a{bruno}"), message=chat._latest_with_buttons())
    assert "1 present · ❌ 1 absent" in chat.screen and "never penalises" in chat.screen
    _, roster = await fetch(core, session.id)
    assert [line.attendance for line in roster] == ["present", "absent"]
    await chat.press_data(data_for(chat, f"n{bruno}"), message=chat._latest_with_buttons())  # a tap cycles
    _, roster = await fetch(core, session.id)
    assert [line.attendance for line in roster] == ["present", "excused"]
    await chat.press_data(data_for(chat, f"a{bruno}"), message=chat._latest_with_buttons())
    assert await book(core, later.id, 642) == ["booked"]


async def test_staff_of_another_centre_cannot_touch_this_centres_sessions(core, centre, chat_for, clock):
    await family(core, chat_for, 651, "en", "Amina")
    session = await add_session(core, centre.id, capacity=1)
    past = await add_session(core, centre.id, title="Past group", starts_at=clock.now() + timedelta(minutes=30))
    await book(core, past.id, 651)
    clock.advance(hours=1)
    async with core.store.unit_of_work() as uow:
        other = await uow.centres.add("Autre centre", "Europe/Paris")
        await uow.commit()
    own = await add_session(core, other.id, title="Their group", starts_at=clock.now() - timedelta(minutes=10))
    chat = await staff_chat(core, other.id, chat_for, user_id=950)
    assert not any("Evening group" in label for label in chat.labels())
    await chat.press_data(f"{version(chat)}|sst.list|s{session.id}", message=chat._latest_with_buttons())
    assert "not one of your centre's" in chat.screen and "Room 2" not in chat.screen
    await chat.press("Past sessions")
    await chat.press_data(f"{version(chat)}|satt.past|s{past.id}", message=chat._latest_with_buttons())
    assert "not one of your centre's" in chat.screen and "Amina" not in chat.screen
    await chat.press("Their group")  # their own past session, then a forged mark for the other centre's booking
    _, roster = await fetch(core, past.id)
    await chat.press_data(f"{version(chat)}|satt.mark|a{roster[0].booking_id}", message=chat._latest_with_buttons())
    assert "has no seat in this session" in chat.screen
    changed, roster = await fetch(core, past.id)
    assert roster[0].attendance is None
    untouched, _ = await fetch(core, session.id)
    assert untouched == session and own.centre_id == other.id


async def test_a_parent_cannot_reach_the_staff_screens(core, centre, chat_for):
    parent = await family(core, chat_for, 661, "en", "Amina")
    session = await add_session(core, centre.id)
    await parent.command("menu")
    for forged in (f"{version(parent)}|sst.list|s{session.id}", f"{version(parent)}|snew.kind|group",
                   f"{version(parent)}|sedit.cap|c1", f"{version(parent)}|sst.cancel|yes"):
        await parent.press_data(forged, message=parent._latest_with_buttons())
        assert parent.last.callback_text == "This button is not available to you."
        assert "Main menu" in parent.screen
    assert (await fetch(core, session.id))[0] == session


async def test_a_weekly_series_through_the_spring_clock_change_is_refused(core, centre, chat_for):
    chat = await staff_chat(core, centre.id, chat_for)
    await chat.press("New session")
    await chat.press("Holiday workshop")
    assert "✓ 🧒 Young people" in chat.labels()  # a workshop is for young people unless told otherwise
    await chat.press("Young people")
    await chat.press("Use « Holiday workshop »")
    await chat.text("28/03/2027 02:30")
    assert "does not exist" in chat.screen
    await chat.text("21/03/2027 02:30")
    await chat.press("3 h")
    await chat.press("12")
    await chat.text("Salle polyvalente")
    await chat.press("Every week for 4 weeks")  # the second date falls in the gap
    assert "clocks go forward" in chat.screen
    await chat.press("Once")
    await chat.press("Skip")
    await chat.press("Publish")
    async with core.store.unit_of_work() as uow:
        (created,) = await uow.sessions.upcoming(centre.id, "youth", 10)
    assert (created.title, created.kind, created.starts_at) == (
        "Holiday workshop", "workshop", datetime(2027, 3, 21, 1, 30, tzinfo=UTC))
