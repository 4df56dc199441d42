"""Telling the staff that a case opened, or that its level rose, in the transaction that did it.

- The card goes to the centre's staff chat (the sender opens the case's forum topic and posts it
  there, or posts it in the chat when there are no topics), or, without a staff chat, privately to
  each on-duty psychologist of the centre (to every staff member when none is on duty). Its
  outbox key is per case (per recipient when private), so a burst of messages from one person
  enqueues one card, hence one topic.
- A level that rose re-renders the card in place (its topic's name too) and posts a short notice
  that notifies, since an edit does not; privately, a new card is sent.
- The case's first alert is scheduled: urgent after 10 minutes, high after 4 hours, otherwise 24
  hours (the centre's own delays when set). dialogs.cases.timers sends it if nobody took the case.
- Whatever comes after (`add_to_case`: a message, a check-in, a request) is kept on the case, in
  order, and posted at once, quiet hours or not, into the case's topic (the card is refreshed
  there too), or privately to whoever holds the card: the staff member who took it, else the
  card's private recipients. A later trigger never replaces what the case was opened on
  (EscalationRepository.open_or_raise).
Only ids and instants go into the outbox: the texts are written at send time (dialogs.cases.render).
Logs carry ids only.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from dialogs.reminders.quiet import after_quiet_hours

log = logging.getLogger("relier.cases")

CARD = "case_card"
ALERT = "case_alert"
MESSAGE = "case_message"


def card_key(case_id: int, chat_id: int | None = None) -> str:
    """The key of a case's first card: one per case in the staff chat, one per person privately."""
    return f"case:{case_id}:card" if chat_id is None else f"case:{case_id}:card:{chat_id}"


def first_delay(level: str, timers: dict[str, int]) -> timedelta:
    return timedelta(minutes=timers.get(level, timers["none"]))


async def open_or_raise(uow, centre_id: int, person_id: int, child_id: int | None, level: str, reason: str,
                        source: str, snapshot: dict, checkin_id: int | None = None):
    """`uow.escalations.open_or_raise`, then the staff told if the case opened or its level rose
    (a trigger that joins an open case at the same level or lower tells nobody again)."""
    before = await uow.escalations.open_for(person_id)
    case = await uow.escalations.open_or_raise(centre_id, person_id, child_id, level, reason, source, snapshot,
                                               checkin_id)
    if before is None or before.level != case.level:
        await announce(uow, case.id)
    return case


async def add_to_case(uow, case_id: int, kind: str, text: str, level: str | None = None,
                      rule: str | None = None) -> None:
    """Keep this on the case (`uow.cases.add_message`) and post it to whoever follows the case."""
    case = await uow.cases.get(case_id)
    if case is None:
        log.warning("case %s: a message for a case that does not exist", case_id)
        return
    message_id = await uow.cases.add_message(case.id, kind, text, level, rule)
    if not case.is_open:
        log.info("case message kept case=%s message=%s (case closed: not posted)", case.id, message_id)
        return
    now = uow.clock.now()
    payload = {"type": MESSAGE, "case": case.id, "message": message_id}
    found = await holders(uow, case)
    for chat_id, person_id in found:
        private = chat_id > 0
        key = f"case:{case.id}:message:{message_id}" + (f":{chat_id}" if private else "")
        await uow.outbox.enqueue(chat_id, payload, now, key=key, kind="alert", urgent=True, person_id=person_id)
        if not private:  # the card in the topic shows it too
            await uow.outbox.enqueue(chat_id, {"type": CARD, "case": case.id, "refresh": True}, now,
                                     key=f"case:{case.id}:card:message:{message_id}", kind="alert", urgent=True)
    if not found:
        log.warning("case %s: centre %s has no staff chat and no staff to tell", case.id, case.centre_id)
    log.info("case message added case=%s message=%s kind=%s recipients=%d", case.id, message_id, kind[:16],
             len(found))


async def holders(uow, case) -> list[tuple[int, int | None]]:
    """Who follows the case now: the staff chat, else the staff member who took it, else the card's
    private recipients."""
    centre = await uow.centres.get(case.centre_id)
    if centre.staff_chat_id:
        return [(centre.staff_chat_id, None)]
    if case.taken_by is not None:
        taker = await uow.people.get(case.taken_by)
        if taker is not None and taker.unreachable_at is None:
            return [(taker.telegram_user_id, taker.id)]
    return await recipients(uow, case)


async def recipients(uow, case) -> list[tuple[int, int | None]]:
    """(chat id, person id): the centre's staff chat, else each reachable on-duty psychologist, else
    (nobody on duty) every reachable staff member of the centre: someone must know."""
    centre = await uow.centres.get(case.centre_id)
    if centre.staff_chat_id:
        return [(centre.staff_chat_id, None)]
    for roles, on_duty in ((("psychologist",), True), (("psychologist", "coordinator", "admin"), False)):
        found = [(staff.telegram_user_id, staff.id) for staff in await uow.cases.staff(case.centre_id, roles, on_duty)
                 if staff.unreachable_at is None]
        if found:
            return found
    return []


async def announce(uow, case_id: int) -> None:
    """Enqueue the case's card (or its update) for the staff, and schedule its first alert."""
    case = await uow.cases.get(case_id)
    if case is None or not case.is_open:
        return
    centre = await uow.centres.get(case.centre_id)
    now = uow.clock.now()
    stamp = int(now.timestamp())
    card = {"type": CARD, "case": case.id}
    found = await recipients(uow, case)
    for chat_id, person_id in found:
        private = chat_id > 0
        due = now
        if private and case.level != "urgent":  # a psychologist's phone at night: only for the urgent
            due = after_quiet_hours(now, centre.timezone, centre.quiet_from, centre.quiet_until)
        key = card_key(case.id, chat_id if private else None)
        first = await uow.outbox.enqueue(chat_id, card, due, key=key, kind="alert", urgent=True,
                                         person_id=person_id)
        if first is not None:
            continue
        # Announced before: the level rose. The card again (edited in place in the staff chat)...
        await uow.outbox.enqueue(chat_id, card, due, key=f"{key}:{case.level}:{stamp}", kind="alert",
                                 urgent=True, person_id=person_id)
        if not private:  # ...and a notice in its topic, since an edit notifies nobody
            await uow.outbox.enqueue(chat_id, {"type": ALERT, "case": case.id, "stage": 0}, due,
                                     key=f"case:{case.id}:raised:{case.level}:{stamp}", kind="alert", urgent=True)
    if not found:
        log.warning("case %s: centre %s has no staff chat and no staff to tell", case.id, centre.id)
    timers = await uow.cases.centre_timers(case.centre_id)
    await uow.cases.schedule_alert(case.id, 0, now + first_delay(case.level, timers))
    log.info("case announced case=%s level=%s recipients=%d", case.id, case.level, len(found))
