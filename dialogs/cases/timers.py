"""Cases nobody took: the staff are alerted again, louder, on time. Run every minute (bot.runtime).

- Urgent, not taken 10 minutes after it was announced (stage 0 -> 1): an alert in the case's topic
  mentioning every on-duty psychologist, and each of them messaged privately with the card.
  At 30 minutes (stage 1 -> 2): the same, with the centre's coordinators and admins too. Then no
  more automatic alerts: by then everyone who can take it has been told twice.
- High: again 4 hours after, then every 4 hours; watch and normal: every 24 hours. These go to the
  topic only (privately when the centre has no staff chat) and wait for the end of the quiet hours.
- Each case is alerted in its own short unit of work, the event loop given back between two: 100
  cases due at once never hold it more than a few milliseconds at a time (bench/bench_planner.py).
- Each alert row's key holds the case, the stage and the instant it was due, so two processes
  checking at once enqueue it once; the texts are written at send time (dialogs.cases.render),
  which drops an alert whose case was taken or closed in the meantime.
The delays are the centre's (`case_timers`), the defaults otherwise. Logs carry ids only.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from dialogs.cases.announce import ALERT, first_delay
from dialogs.cases.followup import send_followups
from dialogs.reminders.quiet import after_quiet_hours

log = logging.getLogger("relier.cases")

PSYCHOLOGISTS = ("psychologist",)
EVERYONE = ("psychologist", "coordinator", "admin")
LAST_URGENT_STAGE = 2


async def check_cases(store, default_locale: str = "fr") -> int:
    """Enqueue the alerts that fell due (and the week-after follow-ups); the number of cases alerted."""
    async with store.unit_of_work() as uow:
        due = [case.id for case in await uow.cases.due_alerts()]
    alerted = 0
    for case_id in due:  # one transaction each: a failure leaves the others alerted
        await asyncio.sleep(0)  # and the event loop's turn between two (a few ms each)
        async with store.unit_of_work() as uow:
            alerted += await alert(uow, case_id)
            await uow.commit()
    await asyncio.sleep(0)
    async with store.unit_of_work() as uow:
        await send_followups(uow, default_locale)
        await uow.commit()
    if alerted:
        log.info("case alerts: %d case(s)", alerted)
    return alerted


def plan(level: str, stage: int, due, timers: dict[str, int]):
    """For the alert of `stage` (1, 2...) due at `due`: the roles to tell, whether privately even
    with a staff chat, and when the next alert is (None: no more)."""
    if level == "urgent":
        roles = PSYCHOLOGISTS if stage < LAST_URGENT_STAGE else EVERYONE
        later = timedelta(minutes=max(timers["urgent_coordinators"] - timers["urgent"], 1))
        return roles, True, (due + later if stage < LAST_URGENT_STAGE else None)
    return PSYCHOLOGISTS, False, due + first_delay(level, timers)


async def people_to_tell(uow, centre_id: int, roles: tuple[str, ...]):
    """The reachable on-duty staff of these roles; nobody on duty: every reachable staff member."""
    found = [p for p in await uow.cases.staff(centre_id, roles) if p.unreachable_at is None]
    if not found:
        found = [p for p in await uow.cases.staff(centre_id, EVERYONE, on_duty_only=False) if p.unreachable_at is None]
    return found


async def alert(uow, case_id: int) -> int:
    """Enqueue one case's due alert and schedule the next; 1 if it was alerted."""
    case = await uow.cases.get(case_id, lock=True)  # another instance alerting it at once waits, then skips
    now = uow.clock.now()
    if case is None or not case.is_open or case.taken_by is not None or case.next_alert_at is None \
            or case.next_alert_at > now:
        return 0  # taken, closed or rescheduled since it was listed
    stage = case.alert_stage + 1
    timers = await uow.cases.centre_timers(case.centre_id)
    roles, privately, next_at = plan(case.level, stage, case.next_alert_at, timers)
    centre = await uow.centres.get(case.centre_id)
    urgent = case.level == "urgent"
    due = now if urgent else after_quiet_hours(now, centre.timezone, centre.quiet_from, centre.quiet_until)
    payload = {"type": ALERT, "case": case.id, "stage": stage, "roles": list(roles)}
    key = f"case:{case.id}:alert:{stage}:{int(case.next_alert_at.timestamp())}"
    chats = []
    if centre.staff_chat_id:
        chats.append((centre.staff_chat_id, None))
    if privately or not centre.staff_chat_id:
        chats += [(p.telegram_user_id, p.id) for p in await people_to_tell(uow, case.centre_id, roles)]
    for chat_id, person_id in chats:
        await uow.outbox.enqueue(chat_id, payload, due, key=f"{key}:{chat_id}", kind="alert", urgent=urgent,
                                 person_id=person_id)
    await uow.cases.schedule_alert(case.id, stage, next_at)
    await uow.cases.audit(case.id, None, "alert", f"stage {stage}")
    log.info("case alert case=%s stage=%s level=%s chats=%d", case.id, stage, case.level, len(chats))
    return 1
