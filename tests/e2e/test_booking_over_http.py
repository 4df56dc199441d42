"""Group sessions over real HTTP: a psychologist publishes a 2-seat session in the bot, three
parents book, the third waits, the first cancels, the third gets the seat and is told."""

from __future__ import annotations

from datetime import datetime, timezone

import icalendar

from tests.e2e.test_onboarding_over_http import onboard, tap

EN = ["Continue", "I agree", "I am a parent", "Middle school (collège)", "No, that's all"]
FR = ["Continuer", "J'accepte", "Je suis parent", "Collège", "Non, c'est tout"]
STAFF_ID = 7001


async def publish_two_seat_session(telegram, staff) -> None:
    await telegram.send_text(staff, "/menu")
    menu = await telegram.next_reply(staff)
    assert "Staff menu" in menu.text
    msg = await tap(telegram, staff, menu, "📅 Group sessions")
    msg = await tap(telegram, staff, msg, "➕ New session")
    msg = await tap(telegram, staff, msg, "Parents' group")
    msg = await tap(telegram, staff, msg, "✓ 👪 Parents")  # suggested for a parents' group
    await telegram.send_text(staff, "Evening for parents")
    await telegram.next_reply(staff)
    await telegram.send_text(staff, "2026-12-03 18:30")  # local time of the centre (Paris)
    msg = await telegram.next_reply(staff)
    msg = await tap(telegram, staff, msg, "1 h 30")
    await telegram.send_text(staff, "2")
    await telegram.next_reply(staff)
    await telegram.send_text(staff, "Family room, 3 rue des Lilas")
    msg = await telegram.next_reply(staff)
    msg = await tap(telegram, staff, msg, "Once")
    msg = await tap(telegram, staff, msg, "Skip")
    assert "Evening for parents" in msg.text and "Family room" in msg.text
    done = await tap(telegram, staff, msg, "✅ Publish")
    assert "Evening for parents" in done.text


async def open_session(telegram, parent, menu, label: str):
    listing = await tap(telegram, parent, menu, label)
    assert "Evening for parents" in listing.text
    button = next(text for row in listing.buttons for text, _data in row if "Evening for parents" in text)
    return await tap(telegram, parent, listing, button)


async def test_two_seats_three_parents_a_cancellation_and_a_promotion(running_bot, telegram):
    async with running_bot.core.store.unit_of_work() as uow:
        centre = (await uow.centres.all())[0]
        await uow.people.add_staff(STAFF_ID, centre.id, "Inès", "psychologist")
        await uow.commit()
    staff = telegram.user(STAFF_ID, first_name="Inès", language_code="en")
    await publish_two_seat_session(telegram, staff)

    first = telegram.user(first_name="Amina", language_code="en")
    second = telegram.user(first_name="Bruno", language_code="en")
    third = telegram.user(first_name="Chloé", language_code="fr")
    menus = {first.id: await onboard(telegram, first, EN), second.id: await onboard(telegram, second, EN),
             third.id: await onboard(telegram, third, FR)}

    for parent in (first, second):
        detail = await open_session(telegram, parent, menus[parent.id], "📅 Group sessions")
        assert "2 places left" in detail.text or "1 place left" in detail.text
        await telegram.press(parent, detail, text="✅ Book a seat")
        ics = await telegram.wait_for_message(parent, predicate=lambda m: m.kind == "document", timeout=10)
        assert ics.file.filename == "session.ics"
        confirmed = await telegram.next_reply(parent, predicate=lambda m: m.kind == "text")
        assert "booked" in confirmed.text
        event = next(iter(icalendar.Calendar.from_ical(ics.file_bytes).walk("VEVENT")))
        start = event.decoded("dtstart")
        assert start.astimezone(timezone.utc) == datetime(2026, 12, 3, 17, 30, tzinfo=timezone.utc)
        assert "Family room" in str(event["location"])

    detail = await open_session(telegram, third, menus[third.id], "📅 Groupes et ateliers")
    wait_label = next(text for row in detail.buttons for text, _data in row if "⏳" in text)
    waiting = await tap(telegram, third, detail, wait_label)
    assert "Vous êtes numéro 1 sur la liste d'attente" in waiting.text

    # The first parent cancels from « My bookings »: the seat goes to the third, told at once.
    await telegram.send_text(first, "/menu")
    menu = await telegram.next_reply(first)
    listing = await tap(telegram, first, menu, "📅 Group sessions")
    mine = await tap(telegram, first, listing, "📌 My bookings")
    booking = next(text for row in mine.buttons for text, _data in row if "Evening for parents" in text)
    confirm = await tap(telegram, first, mine, booking)
    mark = telegram.mark()
    await telegram.press(first, confirm, text="Yes, cancel")
    told = await telegram.wait_for_message(third, after=mark, timeout=10)
    assert told.from_bot and "Evening for parents" in told.text
    assert "Bonne nouvelle" in told.text and "jeudi 3 décembre, 18:30" in told.text  # in her language
    assert told.kind == "document"  # the promotion carries the calendar file
    event = next(iter(icalendar.Calendar.from_ical(told.file_bytes).walk("VEVENT")))
    assert event.decoded("dtstart").astimezone(timezone.utc) == datetime(2026, 12, 3, 17, 30, tzinfo=timezone.utc)

    async with running_bot.core.store.unit_of_work() as uow:
        (session,) = await uow.sessions.upcoming(centre.id, "parents")
        roster = await uow.bookings.roster(session.id)
    assert session.booked == 2
    assert [(line.name, line.status) for line in roster] == [
        ("Bruno", "booked"), ("Chloé", "booked"), ("Amina", "cancelled")]
