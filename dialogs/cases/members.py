"""Who is in the staff chat: everyone there reads every case card, so the centre is told about members
who are not its registered staff — in the staff chat itself and privately to the centre's administrators.

The Telegram adapter finds them (bot.telegram.staff_watch: on linking, and when someone joins); this module only
knows the centre and its staff, and words the notice. Telegram lets a bot list a group's administrators
and count its members, not list every member: on linking, members the bot cannot name are counted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from dialogs import logids
from dialogs.events import Reply, esc
from dialogs.i18n import _, ngettext, resolve_locale, use_locale
from dialogs.reminders.payload import reply_payload

log = logging.getLogger("relier.cases")


@dataclass(frozen=True)
class Member:
    """Someone in a group, as Telegram shows them."""

    user_id: int
    name: str
    is_bot: bool = False


@dataclass(frozen=True)
class StaffChat:
    centre_id: int
    centre_name: str
    staff_ids: frozenset[int]  # the Telegram ids of the centre's registered staff


async def staff_chat(uow, chat_id: int) -> StaffChat | None:
    """The centre whose staff chat this group is, with its staff; None if it is no centre's."""
    centre = next((c for c in await uow.centres.all() if c.staff_chat_id == chat_id), None)
    if centre is None:
        return None
    staff = await uow.people.staff_of(centre.id)
    return StaffChat(centre.id, centre.name, frozenset(p.telegram_user_id for p in staff))


def _notice(centre_name: str, outsiders: list[Member], unnamed: int, private: bool) -> str:
    centre = esc(centre_name)
    if private:
        lines = [_("⚠️ The staff chat of <b>{centre}</b> has members who are not registered as staff of the "
                   "centre:").format(centre=centre)]
    else:
        lines = [_("⚠️ Not everyone in this group is registered as staff of <b>{centre}</b>:").format(centre=centre)]
    for member in outsiders:
        name = esc(member.name) or _("someone without a name")
        lines.append(f"• {name} " + (_("(a bot)") if member.is_bot else _("(not registered staff)")))
    if unnamed:
        lines.append("• " + ngettext("{n} member the bot cannot name (Telegram lists only the administrators)",
                                     "{n} members the bot cannot name (Telegram lists only the administrators)",
                                     unnamed).format(n=unnamed))
    lines.append("")
    lines.append(_("Everyone in this group can read every case card: the families' names and what they wrote. "
                   "If someone is not part of the team, remove them from the group. If they are, an administrator "
                   "of the centre registers them as staff."))
    return "\n".join(lines)


async def tell_outsiders(uow, chat_id: int, place: StaffChat, outsiders: list[Member], unnamed: int,
                         default_locale: str) -> int:
    """Queue the notice for the staff chat and each administrator of the centre; the number of messages."""
    if not outsiders and unnamed <= 0:
        return 0
    now = uow.clock.now()
    with use_locale(default_locale):
        text = _notice(place.centre_name, outsiders, unnamed, private=False)
    await uow.outbox.enqueue(chat_id, reply_payload(Reply(chat_id, text)), now, kind="notice", urgent=True)
    queued = 1
    for person in await uow.people.staff_of(place.centre_id):
        if person.staff_role != "admin" or person.unreachable_at is not None:
            continue
        with use_locale(resolve_locale(person.locale, None, default_locale)):
            text = _notice(place.centre_name, outsiders, unnamed, private=True)
        reply = Reply(person.telegram_user_id, text)
        await uow.outbox.enqueue(person.telegram_user_id, reply_payload(reply), now, kind="notice", urgent=True,
                                 person_id=person.id)
        queued += 1
    log.warning("staff chat has members who are not staff centre=%s chat=%s named=%d unnamed=%d",
                place.centre_id, logids.chat(chat_id), len(outsiders), unnamed)
    return queued
