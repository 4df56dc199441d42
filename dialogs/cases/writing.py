"""A staff member writes to the family of a case they took: from the case's topic, or from a private chat.

Everything a staff member sends goes out signed (« — Inès, psychologist »). Telegram refuses a text
over 4,096 characters and a caption over 1,024 (counted once the HTML is read): a long text is cut
into parts on paragraph, line, sentence or word boundaries, each escaped on its own so that no cut
falls inside a tag or an entity; a caption too long once signed is refused, with a clear message to
the staff member, rather than failing silently in the outbox. A message that starts with « note: »
(« note : », « Note : ») becomes the case's private note, and one that starts with « // » stays with
the staff: neither reaches the family, wherever it is written.
Logs carry ids only.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from dialogs import texts
from dialogs.booking.messages import OUTSIDE
from dialogs.cases import family
from dialogs.cases.signing import CAPTION_MAX, TEXT_MAX, signed_caption, split_plain, utf16
from dialogs.cases.words import about, family_label, staff_name
from dialogs.events import Button, Reply, esc
from dialogs.flow import STAY, Choice, Next, Screen, encode
from dialogs.i18n import _, use_locale
from dialogs.reminders.payload import reply_payload
from storage.records import PersonRecord

log = logging.getLogger("relier.cases")

NOTE = re.compile(r"^\s*note\s*:", re.IGNORECASE)  # « note: », « note : » (French space, even non-breaking), « Note : »
INTERNAL = "//"
NOTE_MAX = 2000
RELAYED_MEDIA = ("photo", "voice", "video", "video_note", "audio", "document", "animation", "sticker")
CAPTIONLESS = ("sticker", "video_note")
WRITE = ("cases", "write")  # the private step where what a staff member types goes to the family


def note_text(text: str) -> str | None:
    """The note in « note: … », or None when the message is not a note."""
    found = NOTE.match(text)
    return text[found.end():].strip()[:NOTE_MAX] if found else None


@dataclass(frozen=True)
class Sent:
    """What happened to a staff member's message: `ok`, and what to tell them (current locale)."""

    ok: bool
    notice: str
    parts: int = 0  # how many messages the family gets


async def may_write(uow, staff: PersonRecord | None, case_id: int):
    """(case, person) when this staff member may write to the family of this case; else (None, why)."""
    case = await uow.cases.get(case_id) if case_id else None
    if case is None or staff is None or not staff.is_staff or case.centre_id != staff.centre_id:
        return None, _("There is no case #{id} in your centre.").format(id=case_id)
    if not case.is_open:
        return None, _("Case #{id} is closed: nothing was sent.").format(id=case.id)
    if case.taken_by != staff.id:
        if case.taken_by is None:
            return None, _("Take case #{id} first (the button on its card): then you can write to {whom}.").format(
                id=case.id, whom=about(await _person(uow, case)))
        taker = await uow.people.get(case.taken_by)
        return None, _("Only {who}, who took case #{id}, writes to {whom}: nothing was sent.").format(
            who=esc(staff_name(taker)) if taker else "?", id=case.id, whom=about(await _person(uow, case)))
    person = await _person(uow, case)
    if person is None or person.unreachable_at is not None:
        return None, _("⚠️ The bot can no longer write to {whom} of case #{id}: nothing was sent.").format(
            whom=about(person), id=case.id)
    return case, person


async def _person(uow, case) -> PersonRecord | None:
    return await uow.people.get(case.person_id) if case.person_id is not None else None


async def send_text(uow, default_locale: str, case, person: PersonRecord, staff: PersonRecord, text: str,
                    private: bool) -> Sent:
    """A staff member's text to the family, signed, in parts if long; the topic is told when written privately."""
    count = await family.relay_text(uow, person, staff, text, default_locale)
    await _done(uow, case, staff, "text" if count == 1 else "text_parts")
    if private:
        await _tell_topic(uow, default_locale, case, staff, text)
    who = esc(family_label(person))
    if count == 1:
        return Sent(True, _("✅ Sent to {who}.").format(who=who), 1)
    return Sent(True, _("✅ Sent to {who}, in {n} messages: it was too long for one.").format(who=who, n=count),
                count)


async def send_media(uow, default_locale: str, case, person: PersonRecord, staff: PersonRecord, chat_id: int,
                     message_id: int | None, media: str, caption: str, private: bool) -> Sent:
    """A staff member's photo, voice note or file, copied to the family with a signed caption."""
    if media not in RELAYED_MEDIA or message_id is None:
        return Sent(False, _("⚠️ This kind of message cannot be passed on to {whom}.").format(whom=about(person)))
    with use_locale(family.locale_of(person, default_locale)):
        signed = None if media in CAPTIONLESS else signed_caption(caption, staff)
    if signed is None and media not in CAPTIONLESS:
        return Sent(False, _("⚠️ Not sent: this caption is too long once signed ({n} characters, Telegram takes "
                             "{max} at most). Send it again with a shorter caption, and write the rest as a "
                             "message.").format(n=utf16(caption.strip()), max=CAPTION_MAX))
    await family.relay_copy(uow, person, staff, case.id, chat_id, message_id, media, caption, default_locale,
                            signed=signed)
    await _done(uow, case, staff, "media")
    if private:
        await _tell_topic(uow, default_locale, case, staff, None)
    return Sent(True, _("✅ Sent to {who}.").format(who=esc(family_label(person))), 1)


async def keep_note(uow, case, staff: PersonRecord, note: str) -> Sent:
    if not note:
        return Sent(False, _("Write the note after « note: »."))
    await uow.cases.add_note(case.id, note)
    await uow.cases.audit(case.id, staff.id, "note")
    return Sent(True, _("🔒 Private note kept on case #{id}.").format(id=case.id))


async def _done(uow, case, staff: PersonRecord, detail: str) -> None:
    await uow.cases.note_first_reply(case.id)
    await uow.cases.audit(case.id, staff.id, "relay_out", detail)
    log.info("relay out case=%s staff=%s", case.id, staff.id)


async def _tell_topic(uow, default_locale: str, case, staff: PersonRecord, text: str | None) -> None:
    """Written from a private chat: the case's topic keeps the conversation whole for the team."""
    if case.card_chat_id is None or case.card_chat_id >= 0:
        return
    with use_locale(default_locale):
        head = _("✍️ {who}, from a private chat, to {whom}:").format(who=esc(staff_name(staff)),
                                                                    whom=about(await _person(uow, case)))
        if text is None:
            body = f"{head} " + _("a photo, a voice note or a file.")
        else:
            room = TEXT_MAX - utf16(head) - 10
            shown = text.strip() if utf16(text.strip()) <= room else split_plain(text, room - 2)[0] + " …"
            body = f"{head}\n{esc(shown)}"
    reply = Reply(case.card_chat_id, body, thread_id=case.topic_id)
    await uow.outbox.enqueue(case.card_chat_id, reply_payload(reply), uow.clock.now(), kind="case", urgent=True,
                             thread_id=case.topic_id)


def write_rows(case, person: PersonRecord | None) -> tuple[tuple[Button, ...], ...]:
    """On a case's card in a private chat, once taken: « ✍️ Write to the family » (a flow button: the
    engine re-checks who presses it)."""
    if not case.is_open or case.taken_by is None or person is None:
        return ()
    label = _("✍️ Write to the young person") if person.role == "youth" else _("✍️ Write to the family")
    return ((Button(label, data=encode(OUTSIDE, *WRITE, str(case.id))),),)


# -- in a staff member's private chat: the « cases.write » and « cases.reply » steps ---------------------


def _writing_case(ctx) -> int:
    value = ctx.data.get("write_case")
    return value if isinstance(value, int) else 0


async def render_write(ctx):
    back = (Choice(_("« Back to the cases"), "done"),)
    case, person = await may_write(ctx.uow, ctx.person, _writing_case(ctx))
    if case is None:
        return Screen(person, (back,))
    text = _("✍️ <b>Writing to {who}</b>, case #{id}.\nType your message here: it goes to {whom}, signed "
             "« {signature} ». Photos, voice notes and files too.\nStart with « note: » for a private note, or "
             "with // for something that stays with you.").format(
        who=esc(family_label(person)), id=case.id, whom=about(person), signature=esc(staff_name(ctx.person)))
    return Screen(text, ((Choice(_("✅ Done writing"), "done"),),))


async def press_write(ctx, action: str):
    if action.isdigit():  # « ✍️ Write to the family » on a card: checked again, whatever the button says
        case, why = await may_write(ctx.uow, ctx.person, int(action))
        if case is None:
            return Next("list", notice=why)
        ctx.data["write_case"] = case.id
        return Next("write", fresh=True)  # a new message: the card stays as it is
    ctx.data.pop("write_case", None)
    return Next("list")


async def _pass(ctx, case_id: int, pending: dict):
    """Send what the staff member wrote (text or media) to the family of the case: the notice to show."""
    case, person = await may_write(ctx.uow, ctx.person, case_id)
    if case is None:
        return None, person
    locale = ctx.config.default_locale
    if "text" in pending:
        text = str(pending["text"])
        note = note_text(text)
        if note is not None:
            return case, (await keep_note(ctx.uow, case, ctx.person, note)).notice
        if text.strip().startswith(INTERNAL):
            return case, _("// Kept with you: nothing was sent.")
        sent = await send_text(ctx.uow, locale, case, person, ctx.person, text, private=True)
    else:
        sent = await send_media(ctx.uow, locale, case, person, ctx.person, ctx.event.chat_id,
                                pending.get("message_id"), str(pending.get("media", "")),
                                str(pending.get("caption", "")), private=True)
    return case, sent.notice


async def type_write(ctx, text: str):
    if not text.strip():
        return Next(STAY)
    case, notice = await _pass(ctx, _writing_case(ctx), {"text": text})
    if case is None:
        ctx.data.pop("write_case", None)
        return Next("list", notice=notice)
    return Next(STAY, notice=notice + "\n" + _("Go on writing, or press « Done writing »."))


async def media_write(ctx):
    case, notice = await _pass(ctx, _writing_case(ctx), _media(ctx))
    if case is None:
        ctx.data.pop("write_case", None)
        return Next("list", notice=notice)
    return Next(STAY, notice=notice)


def _media(ctx) -> dict:
    return {"media": ctx.event.media, "message_id": ctx.event.message_id, "caption": ctx.event.text}


async def my_cases(ctx) -> list:
    """The open cases this staff member took, most urgent first."""
    return [c for c in await ctx.uow.cases.open_cases(ctx.person.centre_id, limit=200) if c.taken_by == ctx.person.id]


async def unheard(ctx, text: str) -> tuple[str | None, str]:
    """A staff member's text where the screen takes none, in their private chat (a reply to a card or to a
    family's message, or just typed): one tap says to which of their cases it goes. Without a case of
    their own nothing is sent, and they are told. (A place to show, or None; a notice.)"""
    if not text.strip():
        return None, texts.use_buttons()
    if not await my_cases(ctx):
        return None, no_case_notice()
    ctx.data["reply_pending"] = {"text": text.strip()[:TEXT_MAX]}
    return "cases.reply", ""


def no_case_notice() -> str:
    return _("Nothing was sent: to write to a family, take its case first (the button on its card, or /cases), "
             "then write here.")


async def type_reply(ctx, text: str):
    """More text on the « to whom? » screen: it replaces what was waiting."""
    if not text.strip():
        return Next("list")
    return await _hold(ctx, {"text": text.strip()[:TEXT_MAX]})


async def media_reply(ctx):
    return await _hold(ctx, _media(ctx))


async def _hold(ctx, pending: dict):
    if not await my_cases(ctx):
        ctx.data.pop("reply_pending", None)
        return Next("list", notice=no_case_notice())
    ctx.data["reply_pending"] = pending
    return Next("reply")


async def render_reply(ctx):
    cases = await my_cases(ctx)
    cancel = (Choice(_("✖️ Don't send"), "no"),)
    if not isinstance(ctx.data.get("reply_pending"), dict) or not cases:
        return Screen(_("Nothing is waiting to be sent."), ((Choice(_("« Back to the cases"), "no"),),))
    people = [await _person(ctx.uow, c) for c in cases]
    if len(cases) == 1:
        text = _("Send this message to {who}, case #{id}? It will be signed « {signature} ».").format(
            who=esc(family_label(people[0])), id=cases[0].id, signature=esc(staff_name(ctx.person)))
        return Screen(text, ((Choice(_("✅ Send"), str(cases[0].id)),), cancel))
    rows = tuple((Choice(f"#{c.id} · {family_label(p)}"[:60], str(c.id)),) for c, p in zip(cases, people))
    return Screen(_("To whom should this message go? It will be signed « {signature} ».").format(
        signature=esc(staff_name(ctx.person))), (*rows, cancel))


async def press_reply(ctx, action: str):
    pending = ctx.data.pop("reply_pending", None)
    if not action.isdigit() or not isinstance(pending, dict):
        return Next("list", notice=_("Not sent.") if action == "no" else "")
    case, notice = await _pass(ctx, int(action), pending)
    if case is None:
        return Next("list", notice=notice)
    ctx.data["write_case"] = case.id
    return Next("write", notice=notice)
