"""The outbox delivered by the real aiogram runtime over HTTP, with the fake's flood limits on:
flood waits honoured, server errors retried, blocked people marked and their staff told.

The bot's clock is the test's FakeClock: a flood wait or a backoff is over when the test moves
the clock, not before, however long the test takes. Pacing itself runs in real time."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from dialogs.events import Reply
from dialogs.reminders.payload import reply_payload

STAFF = 7101


async def enqueue(app, chat_id: int, text: str, **options) -> int:
    store = app.core.store
    async with store.unit_of_work() as uow:
        id = await uow.outbox.enqueue(chat_id, reply_payload(Reply(chat_id, text)), store.clock.now(), **options)
        await uow.commit()
    app.runtime.dispatcher.notify()
    return id


async def rows(app, *ids: int):
    async with app.core.store.unit_of_work() as uow:
        return [await uow.outbox.get(id) for id in ids]


async def states(app, *ids: int) -> list[str]:
    return [row.state for row in await rows(app, *ids)]


async def person(app, user_id: int):
    async with app.core.store.unit_of_work() as uow:
        return await uow.people.by_telegram_id(user_id)


async def eventually(check, timeout: float = 10.0):
    """Poll an async check until it is true."""
    for _ in range(int(timeout / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"still false after {timeout}s: {check.__qualname__}")


def sends_to(telegram, chat_id: int) -> list:
    return [c for c in telegram.calls if c.method.startswith("send") and c.chat_id == chat_id]


async def add_parent(app, telegram, name: str, language: str = "fr", case: bool = False):
    """A registered parent the fake knows, optionally with an open case; (SimUser, person, case id)."""
    user = telegram.user(first_name=name, language_code=language)
    async with app.core.store.unit_of_work() as uow:
        centre = (await uow.centres.all())[0]
        family = await uow.families.create(centre.id)
        record = await uow.people.add_parent(user.id, centre.id, family, language, uow.clock.now())
        case_id = None
        if case:
            case_id = (await uow.escalations.open_or_raise(
                centre.id, record.id, None, "high", "request", "request", {})).id
        await uow.commit()
    return user, record, case_id


async def add_psychologist(app, telegram):
    user = telegram.user(STAFF, first_name="Inès", language_code="en")
    async with app.core.store.unit_of_work() as uow:
        centre = (await uow.centres.all())[0]
        staff = await uow.people.add_staff(STAFF, centre.id, "Inès", "psychologist")
        await uow.people.set_locale(staff.id, "en")
        await uow.commit()
    return user


async def test_a_flood_wait_holds_that_chat_until_it_is_over(running_bot, telegram, clock):
    telegram.enforce_limits()
    held, other = telegram.user(first_name="Amina"), telegram.user(first_name="Bruno")
    telegram.fail_next("sendMessage", 429, retry_after=5, chat_id=held.id)
    first, second = await enqueue(running_bot, held.id, "Un"), await enqueue(running_bot, held.id, "Deux")
    elsewhere = await enqueue(running_bot, other.id, "Ailleurs")

    await telegram.wait_for_message(other, after=0)  # the other chat is not held

    async def refused_once() -> bool:  # the held chat's first try, whichever worker started first
        return [c.status for c in sends_to(telegram, held.id)] == [429]
    await eventually(refused_once)
    await asyncio.sleep(2.5)  # two polls of the dispatcher, and more than a chat's spacing
    assert [c.status for c in sends_to(telegram, held.id)] == [429]  # nothing before the wait is over
    waiting = await rows(running_bot, first, second)
    assert [(r.state, r.due_at, r.attempts) for r in waiting] == [("pending", clock.now() + timedelta(seconds=5), 0)] * 2

    clock.advance(seconds=5)
    running_bot.runtime.dispatcher.notify()
    await eventually(lambda: _all_sent(running_bot, first, second, elsewhere))
    assert [m.text for m in telegram.chat_messages(held)] == ["Un", "Deux"]  # in order, once each
    assert [r.attempts for r in await rows(running_bot, first, second)] == [1, 1]
    accepted = [c.at for c in sends_to(telegram, held.id) if c.ok]
    assert accepted[1] - accepted[0] >= 1.0  # a private chat's pace


async def _all_sent(app, *ids: int) -> bool:
    return set(await states(app, *ids)) == {"sent"}


async def test_a_server_error_is_retried_after_a_backoff_and_delivered_once(running_bot, telegram, clock):
    telegram.enforce_limits()
    user = telegram.user(first_name="Chloé")
    telegram.fail_next("sendMessage", 502, chat_id=user.id)
    id = await enqueue(running_bot, user.id, "Une place s'est libérée")
    await eventually(lambda: _retrying(running_bot, id))
    assert telegram.chat_messages(user) == []
    clock.advance(seconds=5)  # the first backoff is at most 5 s
    running_bot.runtime.dispatcher.notify()
    await telegram.wait_for_message(user, after=0)
    await eventually(lambda: _all_sent(running_bot, id))
    (row,) = await rows(running_bot, id)
    assert (row.attempts, row.duplicates) == (2, 0)
    assert [c.status for c in sends_to(telegram, user.id)] == [502, 200]
    assert len(telegram.chat_messages(user)) == 1


async def _retrying(app, id: int) -> bool:
    (row,) = await rows(app, id)
    return row.state == "pending" and row.last_error == "5xx_bad_gateway"


async def test_a_burst_to_many_chats_keeps_within_telegram_limits(running_bot, telegram):
    telegram.enforce_limits()
    users = [telegram.user(first_name=f"P{n}") for n in range(40)]
    ids = [await enqueue(running_bot, u.id, f"Message {n}") for n, u in enumerate(users)]
    ids += [await enqueue(running_bot, users[0].id, f"Encore {n}") for n in range(3)]
    await eventually(lambda: _all_sent(running_bot, *ids), timeout=20)
    assert len(telegram.send_log) == 43  # each once
    assert [m.text for m in telegram.chat_messages(users[0])] == ["Message 0", "Encore 0", "Encore 1", "Encore 2"]
    telegram.assert_no_rejections()  # no 429: the pacing kept every window


async def test_a_blocked_parent_is_unreachable_their_staff_told_and_their_reminders_stop(
        running_bot, telegram, clock):
    telegram.enforce_limits()
    staff = await add_psychologist(running_bot, telegram)
    user, parent, case_id = await add_parent(running_bot, telegram, "Dominique", case=True)
    async with running_bot.core.store.unit_of_work() as uow:
        centre = (await uow.centres.all())[0]
        session = await uow.sessions.add(centre.id, "Soirée des parents", clock.now() + timedelta(hours=26), 90, 10)
        assert (await uow.bookings.book(session.id, parent)).outcome == "booked"
        await uow.commit()
    assert await running_bot.runtime.plan() == 0  # the 24 h reminder is not due yet

    user.blocked = True  # blocked, and the bot has not been told yet: its next send learns it
    running_bot.expected_rejections.add(403)
    notices = [await enqueue(running_bot, user.id, "Premier"), await enqueue(running_bot, user.id, "Second")]
    alert = await telegram.wait_for_message(staff, after=0, timeout=10)
    assert alert.text == (f"Contact lost: the bot can no longer write to the parent of case #{case_id} "
                          "(they blocked the bot or their account is gone).")
    assert "Dominique" not in alert.text
    assert (await person(running_bot, user.id)).unreachable_at == clock.now()
    await eventually(lambda: _failed_unreachable(running_bot, *notices))
    assert [c.status for c in sends_to(telegram, user.id)] == [403]  # the second was not even tried

    clock.advance(hours=3)  # the 24 h reminder's time has passed: none for an unreachable parent
    assert await running_bot.runtime.plan() == 0
    await asyncio.sleep(1.2)
    assert [c.status for c in sends_to(telegram, user.id)] == [403]

    telegram.unblock(user)  # Telegram tells the bot: reachable again, and reminded again
    await eventually(lambda: _reachable(running_bot, user.id))
    assert await running_bot.runtime.plan() == 1
    reminder = await telegram.wait_for_message(user, after=0, timeout=10, fail_on_rejection=False)
    assert reminder.from_bot and reminder.text
    assert [c.status for c in sends_to(telegram, user.id)] == [403, 200]

    async with running_bot.core.store.unit_of_work() as uow:  # an unblock the bot missed...
        await uow.people.mark_unreachable(user.id)
        await uow.commit()
    await asyncio.sleep(1.1)  # a person reads the reminder first (and the fake counts a chat's sends per second)
    await telegram.send_text(user, "/start")  # ...is made up for by the person writing again
    welcome = await telegram.next_reply(user, fail_on_rejection=False)
    assert "Bon retour" in welcome.text
    assert await _reachable(running_bot, user.id)
    async with running_bot.core.store.unit_of_work() as uow:
        counts = (await uow.outbox.status()).counts
    assert (counts["sent"], counts["failed"], counts["pending"], counts["sending"]) == (2, 2, 0, 0)


async def _failed_unreachable(app, *ids: int) -> bool:
    return [(r.state, r.last_error) for r in await rows(app, *ids)] == [("failed", "unreachable")] * len(ids)


async def _reachable(app, user_id: int) -> bool:
    return (await person(app, user_id)).unreachable_at is None


async def test_blocking_the_bot_alerts_the_staff_of_an_open_case_at_once(running_bot, telegram):
    telegram.enforce_limits()
    staff = await add_psychologist(running_bot, telegram)
    user, _parent, case_id = await add_parent(running_bot, telegram, "Lou", case=True)
    calm, _other, _none = await add_parent(running_bot, telegram, "Sacha")
    telegram.block(user)  # the my_chat_member update ("kicked") is the first the bot hears of it
    telegram.block(calm)  # no open case: marked, nobody alerted
    alert = await telegram.wait_for_message(staff, after=0, timeout=10)
    assert f"parent of case #{case_id}" in alert.text
    await telegram.settle()
    assert not await _reachable(running_bot, user.id) and not await _reachable(running_bot, calm.id)
    assert len(telegram.chat_messages(staff)) == 1
    assert sends_to(telegram, user.id) == [] and sends_to(telegram, calm.id) == []  # no reply to a block


async def test_an_answer_caught_in_a_short_flood_wait_is_sent_once_it_is_over(running_bot, telegram):
    user = telegram.user(first_name="Noor")
    telegram.fail_next("sendMessage", 429, retry_after=1, chat_id=user.id)
    mark = telegram.mark()
    await telegram.send_text(user, "/start")
    welcome = await telegram.next_reply(user, since=mark, timeout=5)
    assert "Bonjour" in welcome.text
    statuses = [c.status for c in sends_to(telegram, user.id)]
    assert statuses == [429, 200]
    first, second = [c.at for c in sends_to(telegram, user.id)]
    assert second - first >= 1.0
