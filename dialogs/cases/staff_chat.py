"""Events from group chats (the centre's staff chat), and case buttons pressed anywhere.

- A case button: dialogs.cases.actions (take, close with an outcome).
- A message in a case's topic (or, without topics, a reply to its card): from the staff member who
  took the case, it goes to the family, signed; starting with « // » it stays in the group; « note: … »
  from any staff member of the centre adds to the case's private note. Other staff's messages stay
  internal; a non-staff member's message changes nothing (logged by ids only).
- /link: an administrator of the centre makes this group its staff chat, once confirmed (dialogs.cases.link).
Nothing here logs a message's text.
"""

from __future__ import annotations

import logging

from dialogs import logids
from dialogs.cases import actions, link, writing
from dialogs.cases.words import PREFIX
from dialogs.events import Event, Kind, Reply, Response
from dialogs.i18n import use_locale

log = logging.getLogger("relier.cases")


def concerns(event: Event) -> bool:
    """Whether an event is for this module: anything from a group, or a case button anywhere."""
    if event.kind is Kind.MEMBERSHIP:
        return False
    return not event.private or (event.kind is Kind.BUTTON and event.data.startswith(PREFIX + "|"))


async def handle(dialogs, uow, event: Event) -> Response:
    if event.kind is Kind.BUTTON:
        if not event.private and link.is_link_button(event.data):
            with use_locale(dialogs.config.default_locale):
                return await link.press(uow, event)
        return await actions.press(dialogs, uow, event)
    if event.private:
        return Response()
    with use_locale(dialogs.config.default_locale):
        if event.kind is Kind.COMMAND:
            return await link.ask(uow, event) if event.command == "link" else Response()
        if event.kind in (Kind.TEXT, Kind.MEDIA):
            return await message(dialogs, uow, event)
    return Response()


async def find_case(uow, event: Event):
    """The case a group message belongs to: by its topic, or by the card it replies to."""
    if event.thread_id is not None:
        found = await uow.cases.by_topic(event.chat_id, event.thread_id)
        if found is not None:
            return found
    for message_id in (event.reply_to, event.thread_id):  # without topics, a reply thread starts at the card
        if message_id is not None:
            found = await uow.cases.by_card(event.chat_id, message_id)
            if found is not None:
                return found
    return None


async def message(dialogs, uow, event: Event) -> Response:
    case = await find_case(uow, event)
    if case is None:
        return Response()
    sender = await uow.people.by_telegram_id(event.user_id)
    if sender is None or not sender.is_staff or sender.centre_id != case.centre_id:
        log.info("staff chat message ignored user=%s chat=%s case=%s", logids.user(event.user_id),
                 logids.chat(event.chat_id), case.id)
        return Response()
    text = event.text.strip()
    note = writing.note_text(text) if event.kind is Kind.TEXT else None
    if note is not None:
        if not note:
            return Response()
        kept = await writing.keep_note(uow, case, sender, note)
        return Response([Reply(event.chat_id, kept.notice, thread_id=event.thread_id)])
    if text.startswith(writing.INTERNAL) or not case.is_open or case.taken_by != sender.id:
        return Response()  # internal: between the staff
    found, person = await writing.may_write(uow, sender, case.id)
    if found is None:
        return Response([Reply(event.chat_id, person, thread_id=event.thread_id)])  # why not, in words
    locale = dialogs.config.default_locale
    if event.kind is Kind.TEXT:
        sent = await writing.send_text(uow, locale, found, person, sender, event.text, private=False)
        if sent.parts == 1:
            return Response()  # an ordinary message: the topic shows it already
    else:
        sent = await writing.send_media(uow, locale, found, person, sender, event.chat_id, event.message_id,
                                        event.media, event.text, private=False)
        if sent.ok:
            return Response()
    return Response([Reply(event.chat_id, sent.notice, thread_id=event.thread_id)])

