"""Case buttons (« case|take|12 », « case|close|12 », « case|out|12|resolved », « case|ref|12|cmp »,
« case|ok|12|referred.cmp » to confirm closing an urgent or high case): in the staff chat, or in a
staff member's private chat. Closing follows the rules of dialogs.cases.closing, checked again at
every press. Never trusted: the presser must be staff of
the case's centre, and the button must come from the staff chat or a private chat; anything else
changes nothing and is logged by ids only.
"""

from __future__ import annotations

import logging

from dialogs import logids
from dialogs.cases import closing, family
from dialogs.cases.card import card
from dialogs.cases.words import PARTNERS, is_youth, parse, staff_name
from dialogs.cases.writing import write_rows
from dialogs.cases.words import data as button_data
from dialogs.events import Button, Reply, Response, esc
from dialogs.i18n import _, resolve_locale, use_locale
from dialogs.reminders.payload import reply_payload
from storage.repos.cases import OUTCOMES

log = logging.getLogger("relier.cases")


def refused(text: str) -> Response:
    return Response(callback_text=text, callback_alert=True)


async def press(dialogs, uow, event) -> Response:
    parsed = parse(event.data)
    staff = await uow.people.by_telegram_id(event.user_id)
    locale = dialogs.config.default_locale
    if event.private and staff is not None:
        locale = resolve_locale(staff.locale, event.language_code, locale)
    with use_locale(locale):
        if parsed is None:
            log.info("case button malformed user=%s chat=%s", logids.user(event.user_id), logids.chat(event.chat_id))
            return refused(_("This button no longer works."))
        action, case_id, detail = parsed
        case = await uow.cases.get(case_id)
        if case is None or staff is None or not staff.is_staff or staff.centre_id != case.centre_id:
            log.warning("case button refused user=%s chat=%s case=%s", logids.user(event.user_id),
                        logids.chat(event.chat_id), case_id)
            return refused(_("This button is for the centre's team only."))
        if not event.private:
            centre = await uow.centres.get(case.centre_id)
            if event.chat_id not in (case.card_chat_id, centre.staff_chat_id):
                log.warning("case button from another group user=%s chat=%s case=%s", logids.user(event.user_id),
                            logids.chat(event.chat_id), case_id)
                return refused(_("This button is for the centre's team only."))
        handler = {"take": _take, "close": _ask_outcome, "out": _outcome, "ref": _referred, "ok": _confirmed,
                   "back": _back}.get(action)
        if handler is None:
            log.info("case button unknown action user=%s case=%s", logids.user(event.user_id), case_id)
            return refused(_("This button no longer works."))
        return await handler(dialogs, uow, event, staff, case, detail)


async def _edit(uow, event, case_id: int, extra: str = "", rows=None) -> Reply | None:
    reply = await card(uow, case_id, event.chat_id, event.thread_id, edit_message_id=event.message_id)
    if reply is None:
        return None
    if event.private:  # whoever took it writes to the family from here too
        case = await uow.cases.get(case_id)
        person = await _person(uow, case)
        reply = Reply(reply.chat_id, reply.text, write_rows(case, person) + reply.buttons,
                      edit_message_id=reply.edit_message_id, thread_id=reply.thread_id)
    if extra or rows is not None:
        reply = Reply(reply.chat_id, f"{reply.text}\n\n{extra}".strip(), reply.buttons if rows is None else rows,
                      edit_message_id=reply.edit_message_id, thread_id=reply.thread_id)
    return reply


def _with(reply: Reply | None, callback: str) -> Response:
    return Response([reply] if reply is not None else [], callback_text=callback)


async def _tell_group(uow, event, case, text: str) -> None:
    """An action done from a private chat is also told in the case's topic, and its card there updated
    (a « case_card » row: dialogs.cases.render edits the card in place)."""
    if case.card_chat_id is None or case.card_chat_id == event.chat_id or case.card_chat_id > 0:
        return
    await refresh_card(uow, case)
    reply = Reply(case.card_chat_id, text, thread_id=case.topic_id)
    await uow.outbox.enqueue(case.card_chat_id, reply_payload(reply), uow.clock.now(), kind="case", urgent=True,
                             thread_id=case.topic_id)


async def refresh_card(uow, case) -> None:
    """Have the case's card in the staff chat re-rendered (taken, closed, reopened elsewhere)."""
    if case.card_chat_id is not None and case.card_chat_id < 0:
        await uow.outbox.enqueue(case.card_chat_id, {"type": "case_card", "case": case.id}, uow.clock.now(),
                                 kind="case", urgent=True, thread_id=case.topic_id)


async def _take(dialogs, uow, event, staff, case, detail: str) -> Response:
    result = await uow.cases.take(case.id, staff)
    if result == "taken":
        log.info("case taken case=%s staff=%s", case.id, staff.id)
        person = await uow.people.get(case.person_id) if case.person_id is not None else None
        if person is not None and person.unreachable_at is None:
            await family.tell_taken(uow, person, staff, dialogs.config.default_locale)
        await _tell_group(uow, event, case, _("✋ {who} took case #{id}.").format(who=esc(staff_name(staff)),
                                                                                  id=case.id))
        return _with(await _edit(uow, event, case.id), _("You took case #{id}.").format(id=case.id))
    notices = {
        "already_yours": _("This case is already yours."),
        "taken_by_other": _("Someone else took this case a moment ago."),
        "closed": _("This case is closed."),
    }
    return _with(await _edit(uow, event, case.id), notices.get(result, _("This button no longer works.")))


async def _person(uow, case):
    return await uow.people.get(case.person_id) if case is not None and case.person_id is not None else None


async def _ask_outcome(dialogs, uow, event, staff, case, detail: str, why: str = "") -> Response:
    if not case.is_open:
        return _with(await _edit(uow, event, case.id), _("This case is closed."))
    person = await _person(uow, case)
    no_answer = _("🔇 No answer from the young person") if is_youth(person) else _("🔇 No answer from the family")
    rows = (
        (Button(_("✅ Resolved"), data=button_data("out", case.id, "resolved")),),
        (Button(_("↪️ Referred to a partner"), data=button_data("out", case.id, "referred")),),
        (Button(no_answer, data=button_data("out", case.id, "no_answer")),),
        (Button(_("« Back"), data=button_data("back", case.id)),),
    )
    extra = "<b>" + _("Close the case: how did it end?") + "</b>" + (f"\n\n{why}" if why else "")
    reply = await _edit(uow, event, case.id, extra, rows)
    return _with(reply, _("Not yet: see the card.") if why else "")


async def _outcome(dialogs, uow, event, staff, case, detail: str) -> Response:
    if detail == "referred":
        if not case.is_open:
            return _with(await _edit(uow, event, case.id), _("This case is closed."))
        labels = {"nurse": _("🏫 The school nurse"), "cmp": _("🏥 The CMP"), "ase": _("🛡️ Child protection"),
                  "other": _("↪️ Another partner")}
        rows = tuple((Button(labels[p], data=button_data("ref", case.id, p)),) for p in PARTNERS)
        rows += ((Button(_("« Back"), data=button_data("close", case.id)),),)
        return _with(await _edit(uow, event, case.id, "<b>" + _("Referred to whom?") + "</b>", rows), "")
    if detail not in OUTCOMES:
        return refused(_("This button no longer works."))
    return await _confirm_or_close(dialogs, uow, event, staff, case, detail, None)


async def _referred(dialogs, uow, event, staff, case, detail: str) -> Response:
    if detail not in PARTNERS:
        return refused(_("This button no longer works."))
    return await _confirm_or_close(dialogs, uow, event, staff, case, "referred", detail)


async def _confirm_or_close(dialogs, uow, event, staff, case, outcome: str, partner: str | None,
                            confirmed: bool = False) -> Response:
    """The rules of dialogs.cases.closing, checked again at every press: « no answer » not too early,
    an urgent or high case closed only once confirmed."""
    if not case.is_open:
        return _with(await _edit(uow, event, case.id), _("This case is closed."))
    person = await _person(uow, case)
    if outcome == "no_answer":
        centre = await uow.centres.get(case.centre_id)
        why = await closing.no_answer_refusal(uow, case, person, centre.timezone)
        if why is not None:
            log.info("case close refused case=%s staff=%s: no_answer too early", case.id, staff.id)
            return await _ask_outcome(dialogs, uow, event, staff, case, "", why)
    if case.level in closing.CONFIRMED and not confirmed:
        text = await closing.confirmation(uow, case, person, outcome, partner)
        detail = outcome if partner is None else f"{outcome}.{partner}"
        rows = ((Button(_("✅ Yes, close the case"), data=button_data("ok", case.id, detail)),),
                (Button(_("« Back"), data=button_data("close", case.id)),))
        return _with(await _edit(uow, event, case.id, text, rows), "")
    return await _close(dialogs, uow, event, staff, case, outcome, partner)


async def _confirmed(dialogs, uow, event, staff, case, detail: str) -> Response:
    outcome, _sep, partner = detail.partition(".")
    if outcome not in OUTCOMES or (outcome == "referred") != (partner in PARTNERS):
        return refused(_("This button no longer works."))
    return await _confirm_or_close(dialogs, uow, event, staff, case, outcome, partner or None, confirmed=True)


async def _close(dialogs, uow, event, staff, case, outcome: str, partner: str | None) -> Response:
    note = await uow.cases.note(case.id)  # the private note stays on the closed case
    result = await uow.cases.close(case.id, staff, outcome, note=note)
    if result != "closed":
        return _with(await _edit(uow, event, case.id), _("This case is closed."))
    if partner is not None:
        await uow.cases.audit(case.id, staff.id, "referral", partner)
    log.info("case closed case=%s staff=%s outcome=%s", case.id, staff.id, outcome)
    person = await _person(uow, case)
    if person is not None and person.unreachable_at is None:
        await family.tell_closed(uow, person, dialogs.config.default_locale)
    await _tell_group(uow, event, case, _("🏁 {who} closed case #{id}.").format(who=esc(staff_name(staff)),
                                                                               id=case.id))
    hint = _("To keep a private note on this case, write « note: … » in its topic or in reply to this card.") \
        if not event.private else ""
    return _with(await _edit(uow, event, case.id, hint), _("Case #{id} closed.").format(id=case.id))


async def _back(dialogs, uow, event, staff, case, detail: str) -> Response:
    return _with(await _edit(uow, event, case.id), "")
