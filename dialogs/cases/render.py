"""Case rows of the outbox, written at send time: the card, the alerts, the family's messages.

`render_case_row` reads the case as it is now and says what to send; the sender (bot.delivery.
case_sender) does the Telegram side: the case's forum topic, the card posted first when the chat
has none for the case, the replies to the card when there are no topics. Payload types:

- case_card  {case, refresh?}: the card; in the staff chat, an edit of the case's card when it has one
  (`refresh`: brought up to date after a message; not edited when it already says the same).
- case_alert {case, stage, roles}: stage 0, the level rose (a notice in the topic); stage 1, 2...,
  nobody took it (in the topic, mentioning who should; privately, with the card). Dropped once
  the case is taken or closed (stage 0: closed).
- case_message {case, message}: one thing kept on the case after it opened (dialogs.cases.announce.
  add_to_case), with its local time: in the topic, or privately to whoever holds the card.
- relay_in {case, text}: a family's text (HTML, written by dialogs.cases.relay).
- copy_in {case, from_chat, message_id, caption?, media?}: a family's photo or voice note, copied.
- copy {from_chat, message_id, caption?, media?}: a staff member's photo or voice note, to a family.
In the staff chat the centre's language (the default locale) is used; privately, the reader's.
Texts are not cut here: the sender splits a long one on text boundaries (dialogs.cases.fit), and
the card always fits in one message (dialogs.cases.card).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from dialogs.cases.card import card, topic_name, who_name
from dialogs.cases.timeline import entry_text, short_when, timeline
from dialogs.cases.words import data, family_label, first_name, priority
from dialogs.events import Button, Reply, esc
from dialogs.i18n import _, format_when, resolve_locale, use_locale

log = logging.getLogger("relier.cases")

CASE_TYPES = frozenset({"case_card", "case_alert", "case_message", "relay_in", "copy_in", "copy"})
CAPTIONLESS = ("sticker", "video_note")  # Telegram takes no caption on these
TEXT_MAX = 4096
MESSAGE_SHOWN = 4000  # characters of a case message posted (all that a case keeps of one)


@dataclass(frozen=True)
class CaseMessage:
    """What one case row sends. `kind`: "card" (the card, or an edit of it), "text" or "copy"."""

    kind: str
    chat_id: int
    case: Any = None  # a CaseRecord as it was when rendered; None for a copy to a family
    reply: Reply | None = field(default=None, repr=False)  # "card" and "text": never logged
    card: Reply | None = field(default=None, repr=False)  # the case's card, for a group that needs it first
    topic: str = field(default="", repr=False)  # the name of the case's forum topic
    from_chat: int | None = None  # "copy"
    message_id: int | None = None
    caption: str | None = field(default=None, repr=False)

    @property
    def staff_chat(self) -> bool:
        """A group, for a case: where the case's topic (or its card) is."""
        return self.chat_id < 0 and self.case is not None


async def render_case_row(uow, row, default_locale: str, forum: bool = False) -> CaseMessage | None:
    """What to send for this row now, or None to drop it. `forum`: the row's chat has topics
    (only the card's wording depends on it)."""
    payload: dict[str, Any] = row.payload
    kind = payload.get("type")
    try:
        if kind == "copy":
            return _copy(row, payload, None)
        case = await uow.cases.get(int(payload["case"]))
        if case is None:
            return None
        locale = await _locale(uow, row.chat_id, default_locale)
        with use_locale(locale):
            return await _render(uow, row, payload, case, forum)
    except (KeyError, TypeError, ValueError):
        log.warning("outbox row %s has a malformed %s payload: dropped", row.id, kind)
        return None


async def placement(uow, case, chat_id: int, forum: bool) -> tuple[Reply | None, str]:
    """The case's card for a group (its topic is set when sending) and its topic's name, in the
    current locale: what a group needs before the case's first message there."""
    the_card = await card(uow, case.id, chat_id, 1 if forum else None)  # card() only asks: a topic or not?
    return the_card, topic_name(case, await who_name(uow, case))


async def card_and_topic(uow, case_id: int, chat_id: int, forum: bool,
                         default_locale: str) -> tuple[Reply | None, str]:
    """`placement` for the sender, when it finds it needs them (a topic lost, topics refused)."""
    case = await uow.cases.get(case_id)
    if case is None:
        return None, ""
    with use_locale(default_locale):
        return await placement(uow, case, chat_id, forum)


async def _render(uow, row, payload: dict[str, Any], case, forum: bool) -> CaseMessage | None:
    kind = payload.get("type")
    group = row.chat_id < 0
    the_card, name = None, ""
    placed = case.card_chat_id == row.chat_id and case.card_message_id is not None
    if group and (kind == "case_card" or not placed):  # otherwise only if the topic turns out lost
        the_card, name = await placement(uow, case, row.chat_id, forum)
    if kind == "case_card":
        if not case.is_open and not (group and placed):
            return None  # closed before it got out: nothing left to do
        if not group:
            the_card = await card(uow, case.id, row.chat_id, None)
        return CaseMessage("card", row.chat_id, case, the_card, the_card, name)
    if kind == "case_alert":
        text = await _alert(uow, row, payload, case)
        if text is None:
            return None
        buttons: tuple = ()
        if case.taken_by is None:
            buttons = ((Button(_("✋ Take this case"), data=data("take", case.id)),),)
        if not group:
            private = await card(uow, case.id, row.chat_id, None)
            text, buttons = f"{text}\n\n{private.text}", private.buttons
        return CaseMessage("text", row.chat_id, case, Reply(row.chat_id, text, buttons), the_card, name)
    if kind == "case_message":
        reply = await _case_message(uow, row, payload, case)
        return None if reply is None else CaseMessage("text", row.chat_id, case, reply, the_card, name)
    if kind == "relay_in":
        return CaseMessage("text", row.chat_id, case, Reply(row.chat_id, str(payload["text"])), the_card, name)
    if kind == "copy_in":
        return _copy(row, payload, case, the_card, name)
    log.warning("outbox row %s has an unknown case payload type: dropped", row.id)
    return None


def _copy(row, payload: dict[str, Any], case, the_card: Reply | None = None, name: str = "") -> CaseMessage:
    caption = payload.get("caption")
    if payload.get("media") in CAPTIONLESS or not isinstance(caption, str) or not caption:
        caption = None
    return CaseMessage("copy", row.chat_id, case, None, the_card, name, from_chat=int(payload["from_chat"]),
                       message_id=int(payload["message_id"]), caption=caption[:1024] if caption else None)


async def _case_message(uow, row, payload: dict[str, Any], case) -> Reply | None:
    """« 📌 Case #12 · Marie (parent), 24 Nov, 10:05 » then what came, whole; privately, a Take button
    while nobody took the case."""
    wanted = int(payload["message"])
    entry = next((e for e in await timeline(uow, case) if e.message_id == wanted), None)
    if entry is None:
        log.warning("outbox row %s: case %s has no message %s: dropped", row.id, case.id, wanted)
        return None
    centre = await uow.centres.get(case.centre_id)
    person = await uow.people.get(case.person_id) if case.person_id is not None else None
    head = _("📌 <b>Case #{id}</b> · {who}, {when}").format(
        id=case.id, who=esc(family_label(person)), when=esc(short_when(entry.at, centre.timezone)))
    text = f"{head}\n{entry_text(entry, person, MESSAGE_SHOWN)}"
    buttons: tuple = ()
    if row.chat_id > 0 and case.is_open and case.taken_by is None:
        buttons = ((Button(_("✋ Take this case"), data=data("take", case.id)),),)
    return Reply(row.chat_id, text, buttons)


async def _locale(uow, chat_id: int, default_locale: str) -> str:
    if chat_id < 0:
        return default_locale  # the staff chat reads the centre's language
    person = await uow.people.by_telegram_id(chat_id)
    return resolve_locale(person.locale if person else None, None, default_locale)


def mention(person) -> str:
    """A mention that notifies the person (HTML): <a href="tg://user?id=ID">Name</a>."""
    name = first_name(person.name) or _("colleague")
    return f'<a href="tg://user?id={person.telegram_user_id}">{esc(name)}</a>'


async def _alert(uow, row, payload: dict[str, Any], case) -> str | None:
    stage = int(payload.get("stage", 1))
    if not case.is_open or (stage > 0 and case.taken_by is not None):
        return None  # closed, or taken since: the alert has no reason any more
    centre = await uow.centres.get(case.centre_id)
    level = priority(case.level)
    if stage == 0:  # the level rose
        text = _("⬆️ <b>Case #{id} is now {priority}.</b> Its card above is up to date.").format(
            id=case.id, priority=level)
        if case.taken_by is not None:
            taker = await uow.people.get(case.taken_by)
            return text + (f"\n{mention(taker)}" if taker is not None else "")
        if case.level != "urgent":
            return text
        who = [p for p in await uow.cases.staff(case.centre_id) if p.unreachable_at is None]
        return text + (("\n" + ", ".join(mention(p) for p in who)) if who else "")
    since = esc(format_when(case.opened_at, centre.timezone))
    if row.chat_id > 0:  # the card follows, with the time it has been waiting
        return _("⏰ <b>Case #{id} is still waiting for someone.</b> Can you take it?").format(id=case.id)
    roles = tuple(r for r in payload.get("roles", ("psychologist",)) if isinstance(r, str))
    who = [p for p in await uow.cases.staff(case.centre_id, roles) if p.unreachable_at is None]
    text = _("⏰ <b>Case #{id} ({priority}) is waiting for someone</b> since {since}.").format(
        id=case.id, priority=level, since=since)
    if not who:
        return text + "\n" + _("Nobody is on duty: can someone of the team take it?")
    return text + "\n" + _("{people}: can one of you take it?").format(people=", ".join(mention(p) for p in who))
