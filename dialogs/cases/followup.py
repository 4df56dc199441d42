"""A week after a case is closed, the family is asked how things are; and the centre's opening hours.

The follow-up's answer goes to the staff member who had the case (privately) and to the case's
topic; « worse » opens the case again. Outside the opening hours (default Monday to Friday,
09:00-18:00, local) a family asking for help is told honestly when the team will read it.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from dialogs import texts
from dialogs.booking.messages import OUTSIDE
from dialogs.cases import family
from dialogs.cases.words import family_label, say
from dialogs.events import Button, Reply, esc
from dialogs.flow import encode
from dialogs.i18n import _, current_locale, pgettext, resolve_locale, use_locale
from dialogs.reminders.payload import reply_payload
from storage.records import CentreRecord, PersonRecord

log = logging.getLogger("relier.cases")

FOLLOWUP_ANSWERS = ("better", "same", "worse")


def followup_question(person: PersonRecord | None) -> str:
    """Discreet on a lock screen: it names neither the centre's work nor a psychologist."""
    return say(person, _("Relier: how are things since we talked?"),
               pgettext("youth", "Relier: how are things since we talked?"))


def followup_buttons(person: PersonRecord, case_id: int) -> tuple[tuple[Button, ...], ...]:
    labels = {"better": say(person, _("🙂 Better"), pgettext("youth", "🙂 Better")),
              "same": say(person, _("😐 The same"), pgettext("youth", "😐 The same")),
              "worse": say(person, _("😟 Worse"), pgettext("youth", "😟 Worse"))}
    return tuple((Button(labels[a], data=encode(OUTSIDE, "relay", "followup", f"{case_id}:{a}")),)
                 for a in FOLLOWUP_ANSWERS)


async def send_followups(uow, default_locale: str = "fr") -> int:
    """Ask the families of cases closed a week ago how things are; the number of messages enqueued.
    Called every minute by the timer job, which commits."""
    count = 0
    for case in await uow.cases.due_followups():
        await uow.cases.followup_done(case.id)
        person = await uow.people.get(case.person_id) if case.person_id is not None else None
        if person is None or person.is_staff or person.unreachable_at is not None or person.consented_at is None:
            continue
        if await uow.cases.open_for(person.id) is not None:
            continue  # already in touch with the team again
        with use_locale(family.locale_of(person, default_locale)):
            payload = family.text_payload(person, followup_question(person), followup_buttons(person, case.id))
        closed = int(case.closed_at.timestamp()) if case.closed_at else 0
        added = await family.send(uow, person, payload, urgent=False, kind="followup",
                                  key=f"followup:{case.id}:{closed}")
        if added:
            await uow.cases.audit(case.id, None, "followup")
            count += 1
    if count:
        log.info("follow-ups enqueued: %d", count)
    return count


async def answer_followup(ctx, case_id: int, answer: str) -> str:
    """Pass the answer on to the staff; « worse » opens the case again. The notice for the family."""
    uow, person = ctx.uow, ctx.person
    case = await uow.cases.get(case_id)
    if case is None or case.person_id != person.id:
        log.info("follow-up answer ignored person=%s case=%s", person.id, case_id)
        return _("Thank you.")
    trail = await uow.cases.audit_trail(case.id)
    if any(action == "followup_answer" for _at, _actor, action, _detail in trail):
        return say(person, _("Thank you, your answer was already passed on."),
                   pgettext("youth", "Thanks, your answer was already passed on."))
    await uow.cases.audit(case.id, person.id, "followup_answer", answer)
    reopened = None
    if answer == "worse" and not case.is_open:
        reopened = await uow.cases.reopen(case.id, "high", actor_id=person.id)
    await _tell_staff(ctx, case, answer, reopened is not None)
    if reopened is not None:
        from dialogs.cases.actions import refresh_card

        await refresh_card(uow, reopened)
    if answer == "better":
        return say(person, _("Thank you! Good to read. The team is still there if you need it."),
                   pgettext("youth", "Thanks! Good to hear. The team is still there if you need it."))
    if answer == "same":
        return say(person, _("Thank you for telling us. If you want to talk, choose « Talk to someone » in the menu."),
                   pgettext("youth", "Thanks for telling us. If you want to talk, choose « Talk to someone » in the "
                                     "menu."))
    return say(person, _("Thank you for telling us. The team has been told and will get back to you."),
               pgettext("youth", "Thanks for telling us. The team knows and will get back to you.")) \
        + "\n\n" + texts.emergency_contacts(person.role == "youth")


async def _tell_staff(ctx, case, answer: str, reopened: bool) -> None:
    uow = ctx.uow
    recipients: list[tuple[int, int | None, str]] = []
    staff = await uow.people.get(case.taken_by) if case.taken_by is not None else None
    if staff is not None and staff.unreachable_at is None:
        recipients.append((staff.telegram_user_id, None, resolve_locale(staff.locale, None, ctx.config.default_locale)))
    if case.card_chat_id is not None and case.card_chat_id < 0:
        recipients.append((case.card_chat_id, case.topic_id, ctx.config.default_locale))
    for chat_id, thread_id, locale in recipients:
        with use_locale(locale):
            words = {"better": _("better"), "same": _("the same"), "worse": _("worse")}[answer]
            text = _("🔁 Follow-up of case #{id}, {who}: « {answer} ».").format(
                id=case.id, who=esc(family_label(ctx.person)), answer=words)
            if reopened:
                text += "\n" + _("The case is open again.")
        await uow.outbox.enqueue(chat_id, reply_payload(Reply(chat_id, text)), ctx.now, kind="followup",
                                 urgent=answer == "worse", thread_id=thread_id)


def outside_opening_hours(centre: CentreRecord, now: datetime, youth: bool = False) -> str | None:
    """None during the centre's opening hours; else when the team will read a message, honestly, with the
    emergency contacts (in the current locale)."""
    zone = ZoneInfo(centre.timezone)
    local = now.astimezone(zone)
    days = {int(d) for d in (centre.open_days or "").split(",") if d.strip().isdigit() and int(d) < 7}
    start, end = centre.open_from, centre.open_until
    if not days or not 0 <= start < end <= 24 * 60:
        return None  # no opening hours configured: say nothing rather than something wrong
    minute = local.hour * 60 + local.minute
    if local.weekday() in days and start <= minute < end:
        return None
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if day.weekday() in days and (offset > 0 or minute < start):
            break
    at = format_time(time(start // 60, start % 60), "H:mm", locale=current_locale())
    if offset == 0:
        when = _("today from {time}").format(time=at)
    elif offset == 1:
        when = _("tomorrow from {time}").format(time=at)
    else:
        when = _("on {day} from {time}").format(day=format_date(day, "EEEE", locale=current_locale()), time=at)
    if youth:
        sentence = pgettext("youth", "The centre is closed right now: the team will read your message {when}. "
                                     "If it can't wait:").format(when=when)
    else:
        sentence = _("The centre is closed at the moment: the team will read your message {when}. "
                     "If it cannot wait:").format(when=when)
    return f"{sentence}\n\n{texts.emergency_contacts(youth)}"
