"""A family member's data as a whole: downloaded (« 📥 Download my data ») and erased (/stop, « 🗑 Delete my
data », the centre's retention), the same way from everywhere.

Erasing: the staff of an open case are told first (dialogs.cases.left), seats are given up by the booking
rules and the people promoted are told, then storage.repos.privacy removes the rest and keeps the cases,
unlinked, as the centre's safety record.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from dialogs.booking import messages, notify
from dialogs.cases import left
from dialogs.context import Ctx
from dialogs.events import Attachment, Reply, esc
from dialogs.flows.child_rules import school_label
from dialogs.i18n import _, format_when, ngettext, pgettext
from dialogs.reminders.payload import reply_payload
from dialogs.reminders.quiet import after_quiet_hours
from storage.records import PersonRecord
from storage.repos.privacy import Erased

log = logging.getLogger("relier.privacy")

FILENAME = "relier-my-data.json"


async def erase_person(uow, person: PersonRecord, default_locale: str) -> Erased | None:
    """Everything about `person` goes, but the safety record of their cases; the caller commits."""
    await left.tell_staff(uow, person, default_locale)
    now = uow.clock.now()
    for freed in await uow.privacy.release_bookings(person.id):
        session = freed.session
        if session is None or not freed.promoted:
            continue
        centre = await uow.centres.get(session.centre_id)
        due = after_quiet_hours(now, centre.timezone, centre.quiet_from, centre.quiet_until)
        told = notify.tell(freed.promoted, lambda r: messages.promoted(r, session, centre), default_locale)
        for recipient, reply in zip(freed.promoted, told):
            await uow.outbox.enqueue(reply.chat_id, reply_payload(reply), due, kind="notice",
                                     person_id=recipient.person_id)
    erased = await uow.privacy.erase(person.id)
    if erased is not None:
        log.info("person erased id=%s cases_kept=%d outbox_removed=%d family_removed=%s", person.id,
                 len(erased.cases_kept), erased.outbox_removed, erased.family_removed)
    return erased


async def has_requests(ctx: Ctx) -> bool:
    """Whether erasing them leaves a safety record (a case, open or closed)."""
    return (await ctx.uow.cases.open_for(ctx.person.id) is not None
            or await ctx.uow.cases.last_closed(ctx.person.id) is not None)


def _count(items) -> int:
    return len(items) if isinstance(items, list) else 0


async def download(ctx: Ctx) -> tuple[Reply, ...]:
    """A readable summary, then the JSON file with everything: sent in this chat, now."""
    data = await ctx.uow.privacy.export(ctx.person.id)
    if data is None:
        return ()
    centre = await ctx.centre()
    zone = centre.timezone if centre else "Europe/Paris"
    youth = ctx.role == "youth"
    you = data["you"]
    registered = format_when(datetime.fromisoformat(you["registered_at"]), zone, "d MMMM y") \
        if you.get("registered_at") else "?"
    lines = [
        pgettext("youth", "📥 <b>Your data</b>\nHere is what Relier keeps about you. The file below has all of "
                          "it, to keep or to open with any text editor.") if youth else
        _("📥 <b>Your data</b>\nHere is what Relier keeps about you and your children. The file below has all of it, "
          "to keep or to open with any text editor."),
        (pgettext("youth", "• You joined on {date}.") if youth else _("• You registered on {date}.")).format(
            date=esc(registered)),
    ]
    children = data.get("children") or []
    if children:
        kids = ", ".join(f"{esc(c['first_name'])} ({c['age']}, {esc(school_label(c['school_level']))})"
                         for c in children)
        lines.append(_("• Your children: {children}").format(children=kids))
    n = _count(data.get("checkins"))
    lines.append(ngettext("• {n} check-in", "• {n} check-ins", n).format(n=n))
    n = _count(data.get("bookings"))
    lines.append(ngettext("• {n} booking", "• {n} bookings", n).format(n=n))
    n = _count(data.get("requests_to_the_team"))
    lines.append(ngettext("• {n} request to the team", "• {n} requests to the team", n).format(n=n))
    if youth:
        lines.append(pgettext("youth", "Not in the file: the team's working notes. Ask the centre if you want to "
                                       "know more.\nOn a shared phone, you can delete these messages once the file "
                                       "is saved."))
    else:
        lines.append(_("Not in the file: a young person's own answers (they are theirs only) and the team's working "
                       "notes; ask the centre for those.\nOn a shared phone, you can delete these messages once the "
                       "file is saved."))
    content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    chat = ctx.event.chat_id
    caption = pgettext("youth", "Your data (JSON file)") if youth else _("Your data (JSON file)")
    log.info("data downloaded person=%s bytes=%d", ctx.person.id, len(content))
    return (Reply(chat, "\n".join(lines)),
            Reply(chat, caption, attachment=Attachment(FILENAME, content=content, kind="document")))
