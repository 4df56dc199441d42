"""Events from group chats (the centre's staff chat), and case buttons pressed anywhere.

- A case button: dialogs.cases.actions (take, close with an outcome).
- A message in a case's topic (or, without topics, a reply to its card): from the staff member who
  took the case, it goes to the family, signed; starting with « // » it stays in the group; « note: … »
  from any staff member of the centre adds to the case's private note. Other staff's messages stay
  internal; a non-staff member's message changes nothing (logged by ids only).
- /link: an administrator or coordinator makes this group the centre's staff chat.
Nothing here logs a message's text.
"""

from __future__ import annotations

import logging

from dialogs.cases import actions, family
from dialogs.cases.words import PREFIX
from dialogs.events import Event, Kind, Reply, Response, esc
from dialogs.i18n import _, use_locale

log = logging.getLogger("relier.cases")

NOTE = "note:"
INTERNAL = "//"
NOTE_MAX = 2000
RELAYED_MEDIA = ("photo", "voice", "video", "video_note", "audio", "document", "animation", "sticker")
LINK_ROLES = ("admin", "coordinator")


def concerns(event: Event) -> bool:
    """Whether an event is for this module: anything from a group, or a case button anywhere."""
    if event.kind is Kind.MEMBERSHIP:
        return False
    return not event.private or (event.kind is Kind.BUTTON and event.data.startswith(PREFIX + "|"))


async def handle(dialogs, uow, event: Event) -> Response:
    if event.kind is Kind.BUTTON:
        return await actions.press(dialogs, uow, event)
    if event.private:
        return Response()
    with use_locale(dialogs.config.default_locale):
        if event.kind is Kind.COMMAND:
            return await link(uow, event) if event.command == "link" else Response()
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
        log.info("staff chat message ignored user=%s chat=%s case=%s", event.user_id, event.chat_id, case.id)
        return Response()
    text = event.text.strip()
    if event.kind is Kind.TEXT and text[: len(NOTE)].lower() == NOTE:
        note = text[len(NOTE):].strip()[:NOTE_MAX]
        if not note:
            return Response()
        await uow.cases.add_note(case.id, note)
        await uow.cases.audit(case.id, sender.id, "note")
        return Response([Reply(event.chat_id, _("🔒 Private note kept on case #{id}.").format(id=case.id),
                               thread_id=event.thread_id)])
    if text.startswith(INTERNAL) or not case.is_open or case.taken_by != sender.id:
        return Response()  # internal: between the staff
    person = await uow.people.get(case.person_id) if case.person_id is not None else None
    if person is None or person.unreachable_at is not None:
        return Response([Reply(event.chat_id, _("⚠️ The bot can no longer write to this family: your message was "
                                                "not passed on."), thread_id=event.thread_id)])
    locale = dialogs.config.default_locale
    if event.kind is Kind.TEXT:
        await family.relay_text(uow, person, sender, event.text, locale)
    elif event.media in RELAYED_MEDIA and event.message_id is not None:
        await family.relay_copy(uow, person, sender, case.id, event.chat_id, event.message_id, event.media,
                                event.text, locale)
    else:
        return Response([Reply(event.chat_id, _("⚠️ This kind of message cannot be passed on to the family."),
                               thread_id=event.thread_id)])
    await uow.cases.note_first_reply(case.id)
    await uow.cases.audit(case.id, sender.id, "relay_out", event.kind.value if event.kind is Kind.TEXT else "media")
    log.info("relay out case=%s staff=%s", case.id, sender.id)
    return Response()


async def link(uow, event: Event) -> Response:
    sender = await uow.people.by_telegram_id(event.user_id)
    if sender is None or not sender.is_staff or sender.staff_role not in LINK_ROLES:
        log.warning("link refused user=%s chat=%s", event.user_id, event.chat_id)
        return Response([Reply(event.chat_id, _("Only an administrator or a coordinator of the centre can link "
                                                "this group."), thread_id=event.thread_id)])
    centre = await uow.centres.get(sender.centre_id)
    await uow.centres.set_staff_chat(centre.id, event.chat_id)
    await uow.cases.audit(None, sender.id, "link")
    log.info("staff chat linked centre=%s chat=%s by=%s", centre.id, event.chat_id, sender.id)
    text = _("✅ This group is now the staff chat of <b>{centre}</b>. New cases will be posted here.\n"
             "For a topic per case, turn topics on and make the bot an administrator that can manage topics.") \
        .format(centre=esc(centre.name))
    return Response([Reply(event.chat_id, text, thread_id=event.thread_id)])
