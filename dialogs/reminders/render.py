"""Planned messages written at send time, in the person's language then, or dropped if obsolete.

DISCREET BY DEFAULT. A phone's lock screen, its notification list and the chat list show a
message's text to whoever holds the phone. Unless the person chose detailed notifications
(`explicit_notifications`), the WHOLE text names nothing: no bullying, no child, no psychologist,
no case, no session title or place; only « Relier », that something is waiting, and a time. The
details are one tap away, behind the button. The first line is what a notification shows, so
the detailed texts also put what matters first.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.lists import format_list

from dialogs.booking import messages
from dialogs.events import Button, Reply, esc
from dialogs.flow import encode
from dialogs.i18n import _, current_locale, format_when, pgettext, resolve_locale, use_locale
from storage.records import CentreRecord, PersonRecord, SessionRecord

log = logging.getLogger(__name__)

CHECKIN_TYPES = ("prompt", "nudge")


async def render(uow, row, default_locale: str) -> Reply | None:
    """The message for an outbox row of type prompt, nudge or reminder; None to drop it."""
    payload: dict[str, Any] = row.payload
    kind = payload.get("type")
    try:
        if kind in CHECKIN_TYPES:
            return await _checkin(uow, kind, payload, default_locale)
        if kind == "reminder":
            return await _reminder(uow, payload, default_locale)
    except (KeyError, TypeError, ValueError):
        log.warning("outbox row %s has a malformed %s payload: dropped", row.id, kind)
        return None
    log.warning("outbox row %s has an unknown payload type: dropped", row.id)
    return None


def checkin_button() -> tuple[tuple[Button, ...], ...]:
    """Opens the check-in from any old message (version 0, an `anytime` step)."""
    return ((Button(_("📝 Check-in"), data=encode(messages.OUTSIDE, "menu", "main", "checkin")),),)


async def _checkin(uow, kind: str, payload: dict[str, Any], default_locale: str) -> Reply | None:
    person = await uow.people.get(int(payload["person"]))
    if person is None or person.role not in ("parent", "youth") or person.checkins_paused:
        return None
    if person.unreachable_at is not None or person.consented_at is None:
        return None
    at = datetime.fromisoformat(payload["at"])
    if await uow.checkins.completed_since(person.id, at):
        return None  # done since the prompt's instant (a prompt held by quiet hours, or its nudge)
    names: list[str] = []
    if person.explicit_notifications and person.role == "parent" and person.family_id is not None:
        names = [child.first_name for child in await uow.families.children(person.family_id)]
    with use_locale(resolve_locale(person.locale, None, default_locale)):
        if person.role == "youth":
            text = _youth_checkin_text(kind, person.explicit_notifications)
        else:
            text = _parent_checkin_text(kind, person.explicit_notifications, names)
        return Reply(person.telegram_user_id, text, checkin_button())


def _names(names: list[str]) -> str:
    return format_list([f"<b>{esc(name)}</b>" for name in names], locale=current_locale())


def _parent_checkin_text(kind: str, explicit: bool, names: list[str]) -> str:
    if not explicit:
        if kind == "prompt":
            return _("Relier: your weekly moment is ready.\nIt takes about two minutes, whenever suits you.")
        return _("Relier: your weekly moment is still waiting for you.\nNo rush: whenever suits you.")
    if kind == "prompt":
        if names:
            return _("Time for this week's check-in about {names}.\n"
                     "A few taps tell the centre's team how the week went.").format(names=_names(names))
        return _("Time for this week's check-in.\nA few taps tell the centre's team how the week went.")
    if names:
        return _("A reminder: this week's check-in about {names} is still open.\n"
                 "A few taps are enough.").format(names=_names(names))
    return _("A reminder: this week's check-in is still open.\nA few taps are enough.")


def _youth_checkin_text(kind: str, explicit: bool) -> str:
    if not explicit:
        if kind == "prompt":
            return pgettext("youth", "Relier: your weekly moment is ready.\nIt takes two minutes, whenever you want.")
        return pgettext("youth", "Relier: your weekly moment is still waiting for you.\nNo rush, whenever you want.")
    if kind == "prompt":
        return pgettext("youth", "Time for your weekly check-in: how was your week, at school and with the others?\n"
                                 "A few taps, and the centre's team can follow how you are doing.")
    return pgettext("youth", "A reminder: your weekly check-in is still open.\nA few taps are enough.")


async def _reminder(uow, payload: dict[str, Any], default_locale: str) -> Reply | None:
    booking = await uow.bookings.get(int(payload["booking"]))
    if booking is None or booking.status != "booked":
        return None
    session = await uow.sessions.get(booking.session_id)
    if session is None or session.cancelled_at is not None:
        return None
    if session.starts_at != datetime.fromisoformat(payload["starts"]):
        return None  # moved: the new time has reminders of its own
    now = uow.clock.now()
    if session.started(now):
        return None
    person = await uow.people.get(booking.person_id)
    if person is None or person.unreachable_at is not None:
        return None
    centre = await uow.centres.get(session.centre_id)
    with use_locale(resolve_locale(person.locale, None, default_locale)):
        if person.explicit_notifications:
            text = _detailed_reminder(person, session, centre)
        else:
            text = _discreet_reminder(person, session, centre, now)
        return Reply(person.telegram_user_id, text, messages.my_bookings_button())


def _time(instant: datetime, tz: str) -> str:
    return format_when(instant, tz, "HH:mm" if current_locale() == "fr" else "h:mm a")


def _discreet_reminder(person: PersonRecord, session: SessionRecord, centre: CentreRecord, now: datetime) -> str:
    """Only a day and a time: "Relier: a reminder for tomorrow, 18:30"."""
    zone = ZoneInfo(centre.timezone)
    day = session.starts_at.astimezone(zone).date()
    today = now.astimezone(zone).date()
    time_ = esc(_time(session.starts_at, centre.timezone))
    youth = person.role == "youth"
    if day == today:
        text = (pgettext("youth", "Relier: a reminder for today, {time}.") if youth
                else _("Relier: a reminder for today, {time}.")).format(time=time_)
    elif day == today + timedelta(days=1):
        text = (pgettext("youth", "Relier: a reminder for tomorrow, {time}.") if youth
                else _("Relier: a reminder for tomorrow, {time}.")).format(time=time_)
    else:
        date = esc(format_when(session.starts_at, centre.timezone))
        text = (pgettext("youth", "Relier: a reminder for {date}.") if youth
                else _("Relier: a reminder for {date}.")).format(date=date)
    more = (pgettext("youth", "To see what it is, open « 📌 My bookings ».") if youth
            else _("To see what it is, open « 📌 My bookings »."))
    return f"{text}\n{more}"


def _detailed_reminder(person: PersonRecord, session: SessionRecord, centre: CentreRecord) -> str:
    title = f"<b>{esc(session.title)}</b>"
    if person.role == "youth":
        head = pgettext("youth", "Reminder: {title}").format(title=title)
        tail = pgettext("youth", "If you can't come any more, cancel it in « 📌 My bookings » so someone else can come.")
    else:
        head = _("Reminder: {title}").format(title=title)
        tail = _("If you can no longer come, please cancel in « 📌 My bookings » so someone else can have the seat.")
    return f"{head}\n\n{messages.details(session, centre)}\n\n{tail}"
