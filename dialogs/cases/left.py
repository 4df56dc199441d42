"""A family member leaves the bot (/stop, « delete my data ») while their case is open: the staff are told.

What /stop deletes (storage.repos.people.forget, and the engine's conversation): the person's
account (name, language, settings), their check-ins and session bookings, their conversation with
the bot, their unused invitations, and (dialogs.flows.forget) the messages the bot had not sent them
yet; for a family's last parent, the family and its children's records and check-ins too.
What stays, as a safety record: the case itself (why it opened, what they wrote on it, its private
note, its audit log), and what the staff chat already shows. The case stays open until someone of
the team closes it; the bot can no longer write to the person. The staff are told this, in words,
where the case lives: its topic, else whoever took it, else whoever got its card.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from dialogs.cases.actions import refresh_card
from dialogs.cases.announce import recipients
from dialogs.cases.words import family_label
from dialogs.events import Reply, esc
from dialogs.i18n import _, resolve_locale, use_locale
from dialogs.reminders.payload import reply_payload
from storage.records import PersonRecord

log = logging.getLogger("relier.cases")


def what_was_kept(person: PersonRecord, case_id: int) -> str:
    """The staff's message (HTML, current locale)."""
    who = esc(family_label(replace(person, name=None)))  # their name is erased with them: « a parent »
    head = _("🚪 <b>{who} left the bot</b> (/stop: « delete my data ») while case #{id} was open.").format(
        who=who, id=case_id)
    if person.role == "parent":
        deleted = _("Deleted at their request: their account, their check-ins and bookings, their conversation "
                    "with the bot and the messages it had not sent them yet; if they were the family's only "
                    "parent here, their children's records and check-ins too.")
    else:
        deleted = _("Deleted at their request: their account, their check-ins and bookings, their conversation "
                    "with the bot and the messages it had not sent them yet.")
    kept = _("Kept, as a safety record: this case (why it opened, what they wrote on it, its private note, "
             "its log) and what this chat already shows. It stays open until someone of the team closes it.")
    gone = _("The bot can no longer write to them: nothing written here will reach them. To reach them now, "
             "use the contacts the centre has outside the bot.")
    return f"{head}\n\n{deleted}\n\n{kept}\n\n{gone}"


async def tell_staff(uow, person: PersonRecord, default_locale: str) -> int:
    """Before the person is erased: tell the staff of their open case, if any. How many were told."""
    case = await uow.cases.open_for(person.id)
    if case is None:
        return 0
    await uow.cases.audit(case.id, person.id, "left")
    places: list[tuple[int, int | None, str, int | None]] = []  # chat, topic, locale, person id
    if case.card_chat_id is not None and case.card_chat_id < 0:
        places.append((case.card_chat_id, case.topic_id, default_locale, None))
    else:
        taker = await uow.people.get(case.taken_by) if case.taken_by is not None else None
        people = [taker] if taker is not None else [await uow.people.get(person_id)
                                                    for _chat, person_id in await recipients(uow, case) if person_id]
        for staff in people:
            if staff is not None and staff.unreachable_at is None:
                places.append((staff.telegram_user_id, None, resolve_locale(staff.locale, None, default_locale),
                               staff.id))
    now = uow.clock.now()
    for chat_id, thread_id, locale, staff_id in places:
        with use_locale(locale):
            reply = Reply(chat_id, what_was_kept(person, case.id), thread_id=thread_id)
        await uow.outbox.enqueue(chat_id, reply_payload(reply), now, kind="case", urgent=True, thread_id=thread_id,
                                 person_id=staff_id, key=f"case:{case.id}:left:{chat_id}")
    await refresh_card(uow, case)
    log.info("person left case=%s told=%d", case.id, len(places))
    return len(places)
