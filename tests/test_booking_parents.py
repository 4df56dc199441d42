"""Parents and young people booking group sessions: list, book in two taps, wait, cancel, promotion."""

from __future__ import annotations

import re

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from dialogs import i18n
from dialogs.booking import messages
from dialogs.booking.calendar import ics_for
from dialogs.events import Event, Kind
from dialogs.flow import decode
from storage.models import Booking
from storage.records import Recipient
from tests.support.outbox import take_queued
from tests.conftest import join_as_youth, onboard_parent

PARIS = ZoneInfo("Europe/Paris")
UTC = timezone.utc


async def add_session(core, centre, title="Parents' circle", at=datetime(2026, 12, 3, 18, 30, tzinfo=PARIS),
                      capacity=3, audience="parents", minutes=90, place="Room 2", description=None):
    async with core.store.unit_of_work() as uow:
        record = await uow.sessions.add(centre.id, title, at, minutes, capacity, place=place, audience=audience,
                                        description=description)
        await uow.commit()
    return record


async def bookings(core):
    async with core.store.engine.connect() as conn:
        rows = (await conn.execute(select(Booking.id, Booking.session_id, Booking.person_id, Booking.status)
                                   .order_by(Booking.id))).all()
    return [tuple(r) for r in rows]


async def parent(chat_for, user_id, language="en"):
    chat = chat_for(user_id, language)
    await onboard_parent(chat)
    return chat


async def open_sessions(chat):
    await chat.command("menu")
    await chat.press("📅")


def version(chat) -> str:
    """The conversation version on the buttons of the latest screen (what a forger would copy)."""
    return chat.messages[chat._latest_with_buttons()].buttons[0][0].data.split("|")[0]


def attachment_of(response):
    (reply,) = [r for r in response.replies if r.attachment is not None]
    return reply, Calendar.from_ical(reply.attachment.content)


def event_of(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


async def test_the_list_is_paged_by_five_soonest_first_in_local_time(core, centre, chat_for):
    for day in (5, 1, 7, 3, 2, 6, 4):  # created out of order
        await add_session(core, centre, f"Session {day}", datetime(2026, 12, day, 18, 30, tzinfo=PARIS))
    chat = await parent(chat_for, 601, "en")
    await open_sessions(chat)
    shown = chat.screen
    places = [shown.index(f"Session {day}") for day in range(1, 6)]
    assert places == sorted(places)
    assert "Session 6" not in shown and "Tuesday 1 December, 6:30 PM" in shown and "3 places left" in shown
    assert chat.labels()[0] == "Tue 1 Dec, 6:30 PM · Session 1"
    assert "›" in chat.labels() and "‹" not in chat.labels()
    await chat.press("›")
    assert "Session 6" in chat.screen and "Session 7" in chat.screen and "Session 5" not in chat.screen
    assert "Page 2 of 2" in chat.screen and "›" not in chat.labels()
    await chat.press("‹")
    assert "Session 1" in chat.screen

    french = await parent(chat_for, 602, "fr")
    await open_sessions(french)
    assert "mardi 1 décembre, 18:30" in french.screen
    assert french.labels()[0].startswith("mar. 1 déc. 18:30")
    assert all(len(label) <= 64 for label in french.labels())


async def test_an_empty_list_says_so_kindly(core, centre, chat_for):
    chat = await parent(chat_for, 603, "en")
    await open_sessions(chat)
    assert "No session is planned for now" in chat.screen
    assert "📌 My bookings" in chat.labels()


async def test_booking_takes_two_taps_and_sends_the_calendar_file(core, centre, chat_for):
    session = await add_session(core, centre, description="Bring a friend if you like.")
    chat = await parent(chat_for, 604, "en")
    await open_sessions(chat)
    await chat.press("Parents' circle")  # tap 1: choose
    assert "Thursday 3 December, 6:30 PM" in chat.screen and "Room 2" in chat.screen
    response = await chat.press("✅ Book a seat")  # tap 2: confirm
    assert "Your seat is booked for <b>Parents' circle</b>" in chat.screen
    file_reply, calendar = attachment_of(response)
    assert response.replies[0] is file_reply and file_reply.chat_id == 604
    assert file_reply.attachment.filename.endswith(".ics") and file_reply.attachment.kind == "document"
    event = event_of(calendar)
    assert event.decoded("dtstart").astimezone(UTC) == datetime(2026, 12, 3, 17, 30, tzinfo=UTC)
    assert event.decoded("dtend").astimezone(UTC) == datetime(2026, 12, 3, 19, 0, tzinfo=UTC)
    assert str(event["summary"]) == "Parents' circle" and str(event["location"]) == "Room 2"
    assert "Bring a friend" in str(event["description"]) and "My bookings" in str(event["description"])
    assert str(calendar["method"]) == "PUBLISH" and calendar.get("prodid")
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert calendar.get_missing_tzids() == set()
    ((booking_id, session_id, _person, status),) = await bookings(core)
    assert (session_id, status) == (session.id, "booked")
    assert str(event["uid"]) == f"relier-booking-{booking_id}@centre-relier-test"
    assert ics_for(booking_id, session, centre) == ics_for(booking_id, session, centre)


async def test_booking_notes_the_telegram_first_name_for_the_roster(core, centre, chat_for):
    session = await add_session(core, centre)
    chat = await parent(chat_for, 605, "en")
    await open_sessions(chat)
    await chat.press("Parents' circle")
    data = next(b.data for row in chat.messages[-1].buttons for b in row if b.text == "✅ Book a seat")
    await core.dialogs.handle(Event(605, 605, Kind.BUTTON, chat.clock.now(), language_code="en",
                                    display_name="Amina", data=data))
    async with core.store.unit_of_work() as uow:
        (line,) = await uow.bookings.roster(session.id)
    assert line.name == "Amina" and line.status == "booked"


@pytest.mark.parametrize("day, utc_hour", [((2026, 10, 25), 17), ((2027, 3, 28), 16)])
async def test_times_hold_across_daylight_saving_changes(core, centre, chat_for, clock, day, utc_hour):
    clock.set(datetime(2026, 10, 1, 9, 0, tzinfo=UTC))
    await add_session(core, centre, "Autumn or spring", datetime(*day, 18, 30, tzinfo=PARIS))
    chat = await parent(chat_for, 606, "fr")
    await open_sessions(chat)
    assert "dimanche" in chat.screen and "18:30" in chat.screen
    await chat.press("Autumn or spring")
    assert "18:30" in chat.screen
    response = await chat.press("✅")
    _, calendar = attachment_of(response)
    assert event_of(calendar).decoded("dtstart").astimezone(UTC) == datetime(*day, utc_hour, 30, tzinfo=UTC)


async def test_a_full_session_offers_the_waiting_list_with_the_position(core, centre, chat_for):
    await add_session(core, centre, capacity=1)
    first = await parent(chat_for, 607, "en")
    await open_sessions(first)
    await first.press("Parents' circle")
    await first.press("Book a seat")
    for user_id, position in ((608, 1), (609, 2)):
        chat = await parent(chat_for, user_id, "en")
        await open_sessions(chat)
        assert "full, waiting list open" in chat.screen
        await chat.press("Parents' circle")
        await chat.press(f"Join the waiting list (you would be number {position})")
        assert f"You are number {position} on the waiting list" in chat.screen
        assert "you get it automatically and we tell you here" in chat.screen
        assert not [r for r in chat.last.replies if r.attachment]  # no calendar file for a place in line
    assert [s for *_, s in await bookings(core)] == ["booked", "waiting", "waiting"]
    await chat.press("My bookings")
    assert "Waiting list: number 2" in chat.screen and "Parents' circle" in chat.screen


async def test_cancelling_gives_the_seat_to_the_first_waiting_in_their_own_language(core, centre, chat_for):
    await add_session(core, centre, capacity=1)
    french = await parent(chat_for, 610, "fr")
    await open_sessions(french)
    await french.press("Parents' circle")
    await french.press("✅")
    english = await parent(chat_for, 611, "en")
    await open_sessions(english)
    await english.press("Parents' circle")
    await english.press("Join the waiting list")

    await french.command("menu")
    await french.press("📅")
    await french.press("📌")
    assert "jeudi 3 décembre, 18:30" in french.screen
    await french.press("Parents' circle")
    assert "jeudi 3 décembre" in french.screen and "Parents' circle" in french.screen
    response = await french.press(french.labels()[0])  # yes, cancel
    (own,) = response.replies
    assert own.chat_id == 610 and "Votre place est annulée" in own.text
    queued = await take_queued(core)  # the news waits in the outbox, for the dispatcher
    assert list(queued) == [611]
    (told,) = queued[611]
    assert told.chat_id == 611 and "Good news" in told.text and "Thursday 3 December, 6:30 PM" in told.text
    assert "jeudi" not in told.text
    note = str(event_of(Calendar.from_ical(told.attachment.content))["description"])
    assert "Menu › Group sessions › My bookings" in note
    pressed = decode(told.buttons[0][0].data)
    assert (pressed.flow, pressed.step) == ("ses", "mine")
    assert [s for *_, s in await bookings(core)] == ["cancelled", "booked"]
    await english.press_data(told.buttons[0][0].data)  # the button on the news works from outside
    assert "✅ Seat booked" in english.screen


async def test_nobody_books_twice_nor_holds_a_seat_and_waits(core, centre, chat_for):
    session = await add_session(core, centre, capacity=1)
    chat = await parent(chat_for, 612, "en")
    await open_sessions(chat)
    await chat.press("Parents' circle")
    await chat.press("Book a seat")
    await chat.press_data(f"{version(chat)}|ses.list|s:{session.id}")  # back on the session
    assert "✖️ Cancel my booking" in chat.labels()
    assert "You have a seat for this session" in chat.screen and "Book a seat" not in " ".join(chat.labels())
    await chat.press_data(f"{version(chat)}|ses.detail|book:{session.id}")  # an old button, pressed again
    assert "Already done: nothing more to do." in chat.screen
    other = await parent(chat_for, 613, "en")
    await open_sessions(other)
    await other.press("Parents' circle")
    await other.press("Join the waiting list")
    await other.press_data(f"{version(other)}|ses.detail|book:{session.id}")
    assert "Already done: nothing more to do." in other.screen
    assert "You are number 1 on the waiting list" in other.screen
    assert [s for *_, s in await bookings(core)] == ["booked", "waiting"]


async def test_forged_buttons_are_refused_and_change_nothing(core, centre, chat_for):
    await add_session(core, centre, capacity=2)
    workshop = await add_session(core, centre, "Comic workshop", audience="youth")
    owner = await parent(chat_for, 614, "en")
    await open_sessions(owner)
    await owner.press("Parents' circle")
    await owner.press("Book a seat")
    ((booking_id, *_),) = before = await bookings(core)

    forger = await parent(chat_for, 615, "en")
    await open_sessions(forger)
    await forger.press_data(f"{version(forger)}|ses.mine|b:{booking_id}")
    assert "no longer active" in forger.screen and "Parents' circle" not in forger.screen
    await forger.press_data(f"{version(forger)}|ses.cancel|cancel:{booking_id}")
    assert "cannot be changed from here: nothing was changed" in forger.screen
    await forger.press_data(f"{version(forger)}|ses.detail|book:{workshop.id}")
    assert "cannot be booked from here" in forger.screen and "Comic workshop" not in forger.screen
    await forger.press_data(f"{version(forger)}|ses.list|s:{workshop.id}")
    assert "no longer open" in forger.screen and "Comic workshop" not in forger.screen
    await forger.press_data(f"{version(forger)}|ses.detail|book:99999")
    assert "cannot be booked from here" in forger.screen
    assert await bookings(core) == before


TU = re.compile(r"\b(tu|ton|ta|tes|toi|touche|ouvre)\b", re.IGNORECASE)
VOUS = re.compile(r"\b(vous|votre|vos|touchez|ouvrez)\b", re.IGNORECASE)


async def test_a_young_person_sees_workshops_only_and_is_addressed_with_tu(core, centre, chat_for):
    await add_session(core, centre, "Parents' circle")
    await add_session(core, centre, "Comic workshop", audience="youth", capacity=1)
    young = chat_for(616, "fr")
    await join_as_youth(core, young)
    await young.press("📅")
    assert "Les prochains ateliers" in young.screen and "Comic workshop" in young.screen
    assert "Parents' circle" not in young.screen
    assert TU.search(young.screen) and not VOUS.search(young.screen)
    await young.press("Comic workshop")
    assert "✅ Réserver ma place" in young.labels()
    response = await young.press("✅")
    assert young.screen.startswith("✅ Ta place est réservée")
    file_reply, calendar = attachment_of(response)
    assert "ton agenda" in file_reply.text
    assert "ouvre le bot : Menu › Ateliers › Mes réservations" in str(event_of(calendar)["description"])
    assert not VOUS.search(young.all_text.split("Comic workshop", 1)[1])
    grown_up = await parent(chat_for, 617, "fr")
    await open_sessions(grown_up)
    assert "Comic workshop" not in grown_up.screen and "Touchez une séance" in grown_up.screen
    await grown_up.press("Parents' circle")
    response = await grown_up.press("✅")
    assert grown_up.screen.startswith("✅ Votre place est réservée")
    file_reply, _calendar = attachment_of(response)
    assert "votre agenda" in file_reply.text
    assert not TU.search(grown_up.all_text.split("Parents' circle", 1)[1])


async def test_cancelling_after_the_start_is_refused_kindly(core, centre, chat_for, clock):
    await add_session(core, centre, at=datetime(2026, 11, 24, 18, 30, tzinfo=PARIS))
    chat = await parent(chat_for, 618, "en")
    await open_sessions(chat)
    await chat.press("Parents' circle")
    await chat.press("Book a seat")
    await chat.press("My bookings")
    await chat.press("Parents' circle")
    assert "Cancel your seat for <b>Parents' circle</b>" in chat.screen
    clock.advance(hours=9)  # 18:00 UTC, 19:00 in Paris: it has started
    await chat.press("Yes, cancel")
    assert "already started, so it can no longer be cancelled" in chat.screen and "don't worry" in chat.screen
    assert [s for *_, s in await bookings(core)] == ["booked"]


async def test_a_cancelled_session_is_no_longer_listed_and_its_people_are_told(core, centre, chat_for):
    await add_session(core, centre, "Kept")
    dropped = await add_session(core, centre, "Dropped", datetime(2026, 12, 1, 18, 30, tzinfo=PARIS))
    chat = await parent(chat_for, 619, "en")
    await open_sessions(chat)
    await chat.press("Dropped")
    await chat.press("Book a seat")
    async with core.store.unit_of_work() as uow:
        session, told = await uow.bookings.cancel_session(dropped.id)
        await uow.commit()
    with i18n.use_locale("en"):
        (news,) = [messages.session_cancelled(r, session, centre) for r in told]
    assert news.chat_id == 619 and "<b>Dropped</b>" in news.text and "nothing you need to do" in news.text
    await chat.press_data(news.buttons[0][0].data)  # "See other dates"
    assert "Kept" in chat.screen and "Dropped" not in chat.screen
    await chat.press_data(f"{version(chat)}|ses.list|s:{dropped.id}")
    assert "no longer open" in chat.screen and not any("Book" in label for label in chat.labels())
    await chat.press("My bookings")
    assert "You have no booking right now" in chat.screen


async def test_a_changed_session_sends_the_new_file_to_seats_only(core, centre):
    session = await add_session(core, centre, capacity=1)
    seat = Recipient(1, 701, "en", 41, "booked")
    waiting = Recipient(2, 702, "fr", 42, "waiting")
    later = replace(session, starts_at=session.starts_at + timedelta(days=7))
    with i18n.use_locale("en"):
        for_seat = messages.session_changed(seat, later, centre)
    with i18n.use_locale("fr"):
        for_waiting = messages.session_changed(waiting, later, centre)
    assert "Thursday 10 December, 6:30 PM" in for_seat.text and for_seat.attachment is not None
    start = event_of(Calendar.from_ical(for_seat.attachment.content)).decoded("dtstart")
    assert start.astimezone(UTC) == datetime(2026, 12, 10, 17, 30, tzinfo=UTC)
    assert "jeudi 10 décembre, 18:30" in for_waiting.text and for_waiting.attachment is None
    assert for_waiting.chat_id == 702
