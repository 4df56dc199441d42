"""/link in a group: an administrator of a centre makes it the centre's staff chat, after a confirmation.

Everyone in the staff chat reads every case card, so linking is an administrator's decision, said in
plain words before it is done. The buttons (« link|yes|<centre id> », « link|no|<centre id> ») are
checked again when pressed: the presser must be an administrator of that very centre, in a group. Once
linked, the Telegram adapter looks at who is in the group (dialogs.cases.members says what it finds).
"""

from __future__ import annotations

import logging

from dialogs import logids
from dialogs.events import Button, Event, Reply, Response, esc
from dialogs.i18n import _

log = logging.getLogger("relier.cases")

PREFIX = "link"
LINK_ROLES = ("admin",)


def is_link_button(data: str) -> bool:
    return data.startswith(PREFIX + "|")


async def _admin(uow, event: Event):
    """The sender if they are an administrator of a centre; else None."""
    sender = await uow.people.by_telegram_id(event.user_id)
    if sender is None or not sender.is_staff or sender.staff_role not in LINK_ROLES:
        return None
    return sender


async def _owner(uow, chat_id: int):
    """The centre whose staff chat this group is, if any."""
    return next((c for c in await uow.centres.all() if c.staff_chat_id == chat_id), None)


async def ask(uow, event: Event) -> Response:
    """/link: say what linking means, and ask the administrator to confirm."""
    sender = await _admin(uow, event)
    if sender is None or event.private:
        log.warning("link refused user=%s chat=%s", logids.user(event.user_id), logids.chat(event.chat_id))
        return Response([Reply(event.chat_id, _("Only an administrator of the centre can link this group."),
                               thread_id=event.thread_id)])
    centre = await uow.centres.get(sender.centre_id)
    owner = await _owner(uow, event.chat_id)
    if owner is not None:
        text = (_("This group is already the staff chat of <b>{centre}</b>.").format(centre=esc(owner.name))
                if owner.id == centre.id else _("This group is already the staff chat of another centre."))
        return Response([Reply(event.chat_id, text, thread_id=event.thread_id)])
    lines = [
        _("Make this group the staff chat of <b>{centre}</b>?").format(centre=esc(centre.name)),
        "",
        _("Everyone in this group will read every case card: the families' names and what they wrote. "
          "Only the centre's registered staff should be members. The bot will tell you about members it "
          "does not know as staff."),
    ]
    if centre.staff_chat_id is not None:
        lines.append(_("The centre's current staff chat will no longer receive new cases."))
    buttons = ((Button(_("✅ Yes, link this group"), f"{PREFIX}|yes|{centre.id}"),
                Button(_("✖️ Cancel"), f"{PREFIX}|no|{centre.id}")),)
    return Response([Reply(event.chat_id, "\n".join(lines), buttons, thread_id=event.thread_id)])


async def press(uow, event: Event) -> Response:
    """« Yes, link this group » or « Cancel », checked again: an administrator of that centre, in a group."""
    parts = event.data.split("|")
    sender = await _admin(uow, event)
    valid = len(parts) == 3 and parts[1] in ("yes", "no") and parts[2].isdigit()
    if event.private or not valid or sender is None or sender.centre_id != int(parts[2]):
        log.warning("link button refused user=%s chat=%s", logids.user(event.user_id), logids.chat(event.chat_id))
        return Response(callback_text=_("Only an administrator of the centre can link this group."),
                        callback_alert=True)
    if parts[1] == "no":
        return Response([Reply(event.chat_id, _("Nothing was changed: this group is not linked."),
                               edit_message_id=event.message_id)], callback_text="")
    owner = await _owner(uow, event.chat_id)
    if owner is not None and owner.id != sender.centre_id:
        return Response(callback_text=_("This group is already the staff chat of another centre."),
                        callback_alert=True)
    centre = await uow.centres.get(sender.centre_id)
    await uow.centres.set_staff_chat(centre.id, event.chat_id)
    await uow.cases.audit(None, sender.id, "link")
    log.info("staff chat linked centre=%s chat=%s by=%s", centre.id, logids.chat(event.chat_id), sender.id)
    text = _("✅ This group is now the staff chat of <b>{centre}</b>. New cases will be posted here.\n"
             "For a topic per case, turn topics on and make the bot an administrator that can manage topics.") \
        .format(centre=esc(centre.name))
    return Response([Reply(event.chat_id, text, edit_message_id=event.message_id)], callback_text="")
