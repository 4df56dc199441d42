"""Contact lost: a person blocked the bot (or their account is gone) while their case is open.

Telegram refusing a message for good (403, chat not found) or a "kicked" membership update marks
the person unreachable: no more prompts or reminders are planned for them. If they have an open
escalation, the centre's staff must know at once, since the bot can no longer reach them: one
short alert, urgent (sent even in the quiet hours), to the staff chat, or privately to each
psychologist of the centre when there is none. It names only the case number, never the person.

The alert's key holds the instant the person was marked unreachable, so the several failures
that follow one block give one alert, and a second block after a return gives a second one.
"""

from __future__ import annotations

import logging

from dialogs.events import Reply
from dialogs.i18n import _, use_locale
from dialogs.reminders.payload import reply_payload
from storage.records import PersonRecord

log = logging.getLogger(__name__)


def alert_text(role: str, case_id: int) -> str:
    """In the current locale (the staff member's)."""
    if role == "youth":
        return _("Contact lost: the bot can no longer write to the young person of case #{case} "
                 "(they blocked the bot or their account is gone).").format(case=case_id)
    return _("Contact lost: the bot can no longer write to the parent of case #{case} "
             "(they blocked the bot or their account is gone).").format(case=case_id)


async def contact_lost(uow, chat_id: int, default_locale: str) -> int:
    """Mark the person of this private chat unreachable; alert the staff if their case is open.
    The number of alerts enqueued (0 when nobody needs telling, or they were told already)."""
    if chat_id <= 0:
        return 0  # a group: there is no person to mark
    person = await uow.people.mark_unreachable(chat_id)
    if person is None or person.is_staff:
        return 0
    case = await uow.escalations.open_for(person.id)
    if case is None:
        return 0
    centre = await uow.centres.get(case.centre_id)
    recipients: list[tuple[int, str]] = []
    if centre.staff_chat_id:
        recipients.append((centre.staff_chat_id, default_locale))
    else:
        recipients += [(staff.telegram_user_id, staff.locale or default_locale)
                       for staff in await uow.people.staff_of(centre.id) if _can_be_told(staff)]
    if not recipients:
        log.warning("contact lost for case %s, but centre %s has no staff chat nor psychologist", case.id, centre.id)
        return 0
    since = int((person.unreachable_at or uow.clock.now()).timestamp())
    now = uow.clock.now()
    enqueued = 0
    for recipient, locale in recipients:
        with use_locale(locale):
            text = alert_text(person.role, case.id)
        found = await uow.outbox.enqueue(
            recipient, reply_payload(Reply(recipient, text)), now, key=f"lost:{case.id}:{since}:{recipient}",
            kind="alert", urgent=True,
        )
        enqueued += found is not None
    if enqueued:
        log.info("contact lost: case %s, %d alert(s) for the staff of centre %s", case.id, enqueued, centre.id)
    return enqueued


def _can_be_told(staff: PersonRecord) -> bool:
    return staff.staff_role == "psychologist" and staff.unreachable_at is None
