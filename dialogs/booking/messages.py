"""Messages about a booking to somebody other than the person pressing: a seat that freed up,
a session cancelled or moved by the centre.

Build them under the recipient's language with `notify.tell`, e.g.
`notify.tell(freed.promoted, lambda r: messages.promoted(r, session, centre))`.
Parents are addressed with « vous », young people with « tu » (`youth`, from the session's
audience unless given).

Their buttons open the sessions flow from outside any conversation: version 0 never matches a
saved conversation (the first save makes it 1), and the steps they open work from any message.
"""

from __future__ import annotations

from datetime import datetime

from dialogs.booking import describe
from dialogs.booking.calendar import FILENAME, ics_for
from dialogs.events import Attachment, Button, Reply, esc
from dialogs.flow import encode
from dialogs.i18n import _, format_when, pgettext
from storage.records import CentreRecord, Recipient, SessionRecord

OUTSIDE = 0  # the version on buttons of messages sent outside the person's conversation


def is_youth(session: SessionRecord, youth: bool | None) -> bool:
    return session.audience == "youth" if youth is None else youth


def details(session: SessionRecord, centre: CentreRecord) -> str:
    """"🗓 Thursday 3 December, 18:30 (1 h 30)" and "📍 place", one per line."""
    lines = ["🗓 " + esc(describe.when(session, centre.timezone))]
    if session.place:
        lines.append("📍 " + esc(session.place))
    return "\n".join(lines)


def button(label: str, step: str) -> tuple[tuple[Button, ...], ...]:
    return ((Button(label, data=encode(OUTSIDE, "ses", step, "open")),),)


def my_bookings_button() -> tuple[tuple[Button, ...], ...]:
    return button(_("📌 My bookings"), "mine")


def calendar_file(recipient: Recipient, session: SessionRecord, centre: CentreRecord,
                  stamp: datetime | None = None) -> Attachment:
    return Attachment(FILENAME, content=ics_for(recipient.booking_id, session, centre, stamp), kind="document")


def promoted(recipient: Recipient, session: SessionRecord, centre: CentreRecord, youth: bool | None = None) -> Reply:
    """A seat freed up and went to this person, first on the waiting list: the news and the .ics."""
    young = is_youth(session, youth)
    title = f"<b>{esc(session.title)}</b>"
    if young:
        head = pgettext("youth", "Good news: a place has freed up for {title}, and it's yours!").format(title=title)
        tail = pgettext(
            "youth",
            "Your place is booked, there's nothing else to do. Open the file to add it to your calendar.\n"
            "If you can't come any more, cancel it in « 📌 My bookings » so someone else can come.",
        )
    else:
        head = _("Good news: a seat has freed up for {title}, and it is yours.").format(title=title)
        tail = _(
            "Your seat is booked, there is nothing else to do. Open the file to add it to your calendar.\n"
            "If you can no longer come, please cancel in « 📌 My bookings » so someone else can have the seat."
        )
    text = f"{head}\n\n{details(session, centre)}\n\n{tail}"
    return Reply(recipient.telegram_user_id, text, my_bookings_button(),
                 attachment=calendar_file(recipient, session, centre))


def session_cancelled(recipient: Recipient, session: SessionRecord, centre: CentreRecord,
                      youth: bool | None = None) -> Reply:
    """The centre cancelled a session this person had a seat in, or waited for."""
    young = is_youth(session, youth)
    values = {"title": f"<b>{esc(session.title)}</b>", "date": esc(format_when(session.starts_at, centre.timezone))}
    if young:
        text = pgettext(
            "youth",
            "Sorry, the centre had to cancel {title} on {date}.\n"
            "Your booking is cancelled, there's nothing you need to do.\n"
            "Other dates are in « 📅 Workshops », or with the button below.",
        ).format(**values)
    else:
        text = _(
            "We are sorry: the centre had to cancel {title} on {date}.\n"
            "Your booking is cancelled, there is nothing you need to do.\n"
            "Other dates are in « 📅 Group sessions », or with the button below."
        ).format(**values)
    return Reply(recipient.telegram_user_id, text, button(_("📅 See other dates"), "list"))


def session_changed(recipient: Recipient, session: SessionRecord, centre: CentreRecord, youth: bool | None = None,
                    changed_at: datetime | None = None) -> Reply:
    """A session moved or changed place: the new details; for a seat, the updated .ics
    (`changed_at`, the time of the change, marks it as the newer file)."""
    young = is_youth(session, youth)
    title = f"<b>{esc(session.title)}</b>"
    booked = recipient.status == "booked"
    if young:
        head = pgettext("youth", "Change for {title}. Here are the new details:").format(title=title)
        if booked:
            tail = pgettext("youth", "Your place is kept. Open the file to update your calendar.\n"
                                     "If you can't come any more, cancel it in « 📌 My bookings ».")
        else:
            tail = pgettext("youth", "You are still on the waiting list: if a place frees up, it's yours and "
                                     "we'll tell you here.")
    else:
        head = _("A change for {title}. Here are the new details:").format(title=title)
        if booked:
            tail = _("Your seat is kept. Open the file to update your calendar.\n"
                     "If you can no longer come, please cancel in « 📌 My bookings ».")
        else:
            tail = _("You are still on the waiting list: if a seat frees up, it is yours and we will tell you here.")
    text = f"{head}\n\n{details(session, centre)}\n\n{tail}"
    attachment = calendar_file(recipient, session, centre, changed_at) if booked else None
    return Reply(recipient.telegram_user_id, text, my_bookings_button(), attachment=attachment)
