"""Planning: put the weekly check-in prompts, their nudges and the session reminders in the outbox.

Run it often (every minute, from any number of processes): every row has a key, so planning the
same thing twice leaves one row. A row holds only ids and instants; `render` writes the message
at send time, in the person's language then, and drops it if it no longer applies (check-in
paused, booking cancelled, session moved).

- Prompt: at the person's weekly local day and hour (schedule.last_prompt_at), planned once that
  instant has passed and for `horizon` after it (a prompt that fell due while the bot was down is
  sent on restart; an older one is not), never for an instant before their consent.
- Nudge: 24 h after the prompt, planned with it; `render` drops it if a check-in was completed.
- Session reminder: `offset` before the start, for each offset, planned once that instant has
  passed and the session has not started. Only the latest such offset is planned (after a
  downtime, the 24 h and the 2 h reminders are not sent one after the other), and none whose
  instant came before the seat was taken (booked 3 h before: the 2 h reminder only). A session
  moved to another time has new keys; `render` drops the old ones.
- Quiet hours: every one of these is non-urgent, so one falling in the centre's quiet hours
  waits for their end (a 21:00 prompt arrives at 08:00 the next morning), and so does one planned
  late, after a downtime, during the quiet hours. A reminder that would then arrive after the
  start is not planned.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Callable, Container, Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dialogs.reminders.quiet import after_quiet_hours
from dialogs.reminders.schedule import last_prompt_at
from storage.records import CentreRecord, PersonRecord
from storage.repos.people import PromptTarget, SeatHolder

log = logging.getLogger(__name__)

NUDGE_AFTER = timedelta(hours=24)
BATCH = 50  # people (or seats) planned per unit of work: each batch holds the loop and SQLite's writer ~5-10 ms

# Keys this process has already seen in the outbox, with the instant after which no run plans
# them again: a later run skips them without a write. Only an optimisation (another process, or
# a restart, just tries the idempotent INSERT once more); a key once in the outbox never needs
# enqueueing again, so the memory cannot make a message go missing.
_known: weakref.WeakKeyDictionary[Any, dict[str, datetime]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Planned:
    chat_id: int
    payload: dict[str, Any]
    due_at: datetime
    key: str
    kind: str
    not_after: datetime | None
    person_id: int
    until: datetime  # after this, no run would plan it again


def _valid(centre: CentreRecord) -> bool:
    try:
        ZoneInfo(centre.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        log.error("centre %s has an unknown time zone: nothing planned for it", centre.id)
        return False
    return True


def _quiet(instant: datetime, centre: CentreRecord) -> datetime:
    return after_quiet_hours(instant, centre.timezone, centre.quiet_from, centre.quiet_until)


def prompts(people: Iterable[PersonRecord | PromptTarget], centres: dict[int, CentreRecord], now: datetime,
            horizon: timedelta, known: Container[str] = ()) -> list[Planned]:
    """The prompts and nudges that are due for these people (already filtered by the query), but for
    those whose keys are all in `known`."""
    planned = []
    instant = lru_cache(maxsize=None)(last_prompt_at)  # 7 days x 14 hours x a few zones, not 10,000
    for person in people:
        centre = centres.get(person.centre_id)
        if centre is None or person.consented_at is None or person.checkins_paused or person.unreachable_at:
            continue
        at = instant(person.checkin_weekday, person.checkin_hour, centre.timezone, now)
        if now - at >= horizon or at < person.consented_at:
            continue
        day = at.astimezone(ZoneInfo(centre.timezone)).date().isoformat()
        if f"prompt:{person.id}:{day}" in known and f"nudge:{person.id}:{day}" in known:
            continue  # planned by an earlier run of this process
        for kind, due in (("prompt", _quiet(max(at, now), centre)),
                          ("nudge", _quiet(max(at + NUDGE_AFTER, now), centre))):
            planned.append(Planned(
                person.telegram_user_id, {"type": kind, "person": person.id, "at": at.isoformat()}, due,
                f"{kind}:{person.id}:{day}", kind, due + horizon, person.id, at + horizon,
            ))
    return planned


def reminders(seats: Iterable[SeatHolder], centres: dict[int, CentreRecord], offsets: tuple[timedelta, ...],
              now: datetime) -> list[Planned]:
    """For each seat, the latest reminder whose instant has passed, if the session has not started."""
    planned = []
    for seat in seats:
        centre = centres.get(seat.centre_id)
        if centre is None or seat.starts_at <= now:
            continue
        passed = [o for o in offsets if seat.starts_at - o <= now]
        if not passed:
            continue
        offset = min(passed)
        nominal = seat.starts_at - offset
        if nominal < seat.booked_since:
            continue  # booked after that reminder's time: the session's own confirmation said it all
        due = _quiet(max(nominal, now), centre)  # late after a downtime, still not at night
        if due >= seat.starts_at:
            continue  # its quiet hours end after the start: an earlier reminder had to do
        seconds = int(offset.total_seconds())
        planned.append(Planned(
            seat.telegram_user_id,
            {"type": "reminder", "booking": seat.booking_id, "starts": seat.starts_at.isoformat(), "before": seconds},
            due, f"reminder:{seat.booking_id}:{seconds}:{int(seat.starts_at.timestamp())}", "reminder",
            seat.starts_at, seat.person_id, seat.starts_at,
        ))
    return planned


def due_slots(centres: dict[int, CentreRecord], now: datetime, horizon: timedelta) -> list[tuple[list[int], list[int]]]:
    """For each time zone, its centres and the weekly slots (weekday * 24 + hour) whose last instant
    came less than `horizon` ago: only people in those slots can have a prompt to plan now."""
    zones: dict[str, list[int]] = {}
    for centre in centres.values():
        zones.setdefault(centre.timezone, []).append(centre.id)
    found = []
    for zone, ids in zones.items():
        slots = [day * 24 + hour for day in range(7) for hour in range(24)
                 if now - last_prompt_at(day, hour, zone, now) < horizon]
        found.append((sorted(ids), slots))
    return found


async def plan(store, reminders_before: tuple[timedelta, ...], horizon: timedelta = timedelta(hours=12),
               batch: int = BATCH, notify: Callable[[], None] | None = None) -> int:
    """Enqueue what is due now; the number of rows added (0 when everything was already planned).

    Cooperative: `batch` people (then `batch` seats) at a time, each batch read, planned and written
    in its own short unit of work, the event loop given back between batches, so that sending and
    answering go on while 10,000 families are planned (bench/bench_planner.py). Every batch plans
    for the same instant, read once at the start, and the pages follow the ids, so each person and
    each seat is looked at exactly once in a run. `notify` is called after each batch that added
    rows (the dispatcher can start on the first prompts while the planner goes on)."""
    if horizon <= timedelta(0):
        raise ValueError("the horizon must be positive")
    if batch < 1:
        raise ValueError("a batch holds at least one person")
    now = store.clock.now()
    async with store.unit_of_work() as uow:
        centres = {c.id: c for c in await uow.centres.all() if _valid(c)}
    known = _known.setdefault(store, {})
    for key in [key for key, until in known.items() if until <= now]:
        del known[key]
    slots = due_slots(centres, now, horizon)
    added = tried = people = seats = 0

    async def write(uow, items: list[Planned]) -> int:
        fresh = [item for item in items if item.key not in known]
        if not fresh:
            return 0
        return await uow.outbox.enqueue_many(
            dict(chat_id=item.chat_id, payload=item.payload, due_at=item.due_at, key=item.key, kind=item.kind,
                 not_after=item.not_after, person_id=item.person_id) for item in fresh)

    after = 0
    while True:
        async with store.unit_of_work() as uow:
            page = await uow.people.prompt_page(after, batch, slots)
            items = prompts(page, centres, now, horizon, known)
            found = await write(uow, items)
            await uow.commit()
        known.update((item.key, item.until) for item in items)
        people, tried, added = people + len(page), tried + len(items), added + found
        if found and notify is not None:
            notify()
        if len(page) < batch:
            break
        after = page[-1].id
        await asyncio.sleep(0)  # the loop's turn: updates and sends between two batches

    if reminders_before:
        after = 0
        while True:
            await asyncio.sleep(0)
            async with store.unit_of_work() as uow:
                page = await uow.people.seat_page(now, now + max(reminders_before) + horizon, after, batch)
                items = reminders(page, centres, reminders_before, now)
                found = await write(uow, items)
                await uow.commit()
            known.update((item.key, item.until) for item in items)
            seats, tried, added = seats + len(page), tried + len(items), added + found
            if found and notify is not None:
                notify()
            if len(page) < batch:
                break
            after = page[-1].booking_id
    if added:
        log.info("planned %d outbox rows (%d due, %d people, %d seats)", added, tried, people, seats)
    return added
