"""What the family is told about their case, and where their conversation goes (relay, menu).

Messages to a family go through the outbox: the update that causes them is a staff member's,
in another chat. Each is written in the family's language (« tu » for a young person).
"""

from __future__ import annotations

import logging
from typing import Any

from dialogs import texts
from dialogs.booking.messages import OUTSIDE
from dialogs.cases.signing import signed_parts
from dialogs.cases.words import say, signature, staff_name
from dialogs.events import Button, Reply, esc
from dialogs.flow import encode
from dialogs.i18n import _, pgettext, resolve_locale, use_locale
from dialogs.reminders.payload import reply_payload
from dialogs.reminders.quiet import after_quiet_hours
from storage.errors import NotFound
from storage.records import PersonRecord

log = logging.getLogger("relier.cases")

RELAY = ("relay", "open")
# Where a family is "doing nothing in particular": a staff message may move them to the conversation.
IDLE_FLOWS = (None, "menu", "talk", "relay", "info")


def locale_of(person: PersonRecord, default_locale: str) -> str:
    return resolve_locale(person.locale, None, default_locale)


def relay_buttons(person: PersonRecord) -> tuple[tuple[Button, ...], ...]:
    """The buttons of a message about the conversation: they work from any old message."""
    end = say(person, _("🏁 End the conversation"), pgettext("youth", "🏁 End the conversation"))
    return ((Button(end, data=encode(OUTSIDE, *RELAY, "end")),),
            (Button(_("☎️ Emergency numbers"), data=encode(OUTSIDE, *RELAY, "sos")),))


def answer_button(person: PersonRecord, staff: PersonRecord) -> tuple[tuple[Button, ...], ...]:
    label = say(person, _("💬 Answer {name}"), pgettext("youth", "💬 Answer {name}"))
    return ((Button(label.format(name=staff_name(staff).split(",")[0]), data=encode(OUTSIDE, *RELAY, "open")),),)


def menu_buttons() -> tuple[tuple[Button, ...], ...]:
    return ((Button(_("💬 Talk to someone"), data=encode(OUTSIDE, "menu", "main", "talk")),),
            (Button(_("☎️ Emergency numbers"), data=encode(OUTSIDE, "talk", "start", "sos")),),
            (Button(_("« Menu"), data=encode(OUTSIDE, "menu", "main", "")),))


async def send(uow, person: PersonRecord, payload: dict[str, Any], urgent: bool = True, kind: str = "case",
               key: str | None = None) -> int:
    """Leave a message for a family member in the outbox: now, or after the quiet hours when not urgent."""
    now = uow.clock.now()
    due = now
    if not urgent:
        try:
            centre = await uow.centres.get(person.centre_id)
            due = after_quiet_hours(now, centre.timezone, centre.quiet_from, centre.quiet_until)
        except NotFound:
            pass
    found = await uow.outbox.enqueue(person.telegram_user_id, payload, due, key=key, kind=kind, urgent=urgent,
                                     person_id=person.id)
    return 0 if found is None else 1


def text_payload(person: PersonRecord, text: str, buttons=()) -> dict[str, Any]:
    return reply_payload(Reply(person.telegram_user_id, text, buttons))


async def move(uow, person: PersonRecord, place: tuple[str, str] | None, only_from: tuple | None = None) -> bool:
    """Put the family member's conversation at `place` (None: their menu); False if they were busy
    elsewhere (`only_from`: the flows they may be moved from). Raises ConversationChanged on a race."""
    _person, conversation = await uow.conversations.load_with_person(person.telegram_user_id)
    if only_from is not None and conversation.flow not in only_from:
        return False
    flow, step = place if place is not None else (None, None)
    if (conversation.flow, conversation.step) == (flow, step):
        return True
    conversation.flow, conversation.step = flow, step
    await uow.conversations.save(conversation)
    return True


async def in_relay(uow, person: PersonRecord) -> bool:
    _person, conversation = await uow.conversations.load_with_person(person.telegram_user_id)
    return conversation.flow == RELAY[0]


async def tell_taken(uow, person: PersonRecord, staff: PersonRecord, default_locale: str) -> int:
    """« Inès, psychologist, will write to you here »; the family's next message goes to her."""
    await move(uow, person, RELAY)
    with use_locale(locale_of(person, default_locale)):
        who = f"<b>{esc(staff_name(staff))}</b>"
        text = say(
            person,
            _("💬 {who} from the centre has taken your request and will write to you here.\n"
              "From now on, what you write in this chat goes to them. Send /menu to use the bot as usual."),
            pgettext("youth", "💬 {who} from the centre has taken your request and will write to you here.\n"
                              "From now on, what you write in this chat goes to them. Send /menu to use the bot "
                              "as usual."),
        ).format(who=who)
        return await send(uow, person, text_payload(person, text, relay_buttons(person)))


async def relay_text(uow, person: PersonRecord, staff: PersonRecord, text: str, default_locale: str) -> int:
    """A staff member's message to the family, signed with their first name and role, in numbered parts when
    too long for one Telegram message (dialogs.cases.signing); the number of parts."""
    with use_locale(locale_of(person, default_locale)):
        parts = signed_parts(text, staff)
        buttons = () if await move(uow, person, RELAY, only_from=IDLE_FLOWS) else answer_button(person, staff)
        for number, part in enumerate(parts, 1):
            await send(uow, person, text_payload(person, part, buttons if number == len(parts) else ()),
                       kind="relay")
    return len(parts)


async def relay_copy(uow, person: PersonRecord, staff: PersonRecord, case_id: int, chat_id: int, message_id: int,
                     media: str, caption: str, default_locale: str, signed: str | None = None) -> int:
    """A staff member's photo, voice note or document, copied to the family with the signature as caption
    (`signed`: the caption already signed and checked by the caller)."""
    with use_locale(locale_of(person, default_locale)):
        await move(uow, person, RELAY, only_from=IDLE_FLOWS)
        if signed is None:
            signed = f"{esc(caption)}\n\n{signature(staff)}" if caption else signature(staff)
        payload = {"type": "copy", "case": case_id, "from_chat": chat_id, "message_id": message_id,
                   "caption": signed, "media": media}
        return await send(uow, person, payload, kind="relay")


async def tell_closed(uow, person: PersonRecord, default_locale: str) -> int:
    """Kindly: the conversation is closed, and how to reach the centre again."""
    if await in_relay(uow, person):
        await move(uow, person, None)
    with use_locale(locale_of(person, default_locale)):
        text = say(
            person,
            _("The centre's team has closed this conversation. Thank you for your trust.\n"
              "If you need us again, open the menu and choose « Talk to someone »: your message will reach the "
              "team. And if it cannot wait:"),
            pgettext("youth", "The centre's team has closed this conversation. Thanks for trusting us.\n"
                              "If you need us again, open the menu and choose « Talk to someone »: your message "
                              "will reach the team. And if it can't wait:"),
        )
        text += "\n\n" + texts.emergency_contacts(person.role == "youth")
        return await send(uow, person, text_payload(person, text, menu_buttons()), urgent=False)
