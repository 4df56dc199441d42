"""The case card the staff work from, and the name of a case's forum topic.

Everything here is in the current locale: the caller chooses it (the centre's default locale in
the staff chat, the staff member's own in a private chat). Every outside value is escaped.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dialogs.cases.words import data, family_label, first_name, outcome_label, priority, staff_name
from dialogs.checkin.trend import WeekPoint, short_date, trend_words
from dialogs.events import Button, Reply, esc
from dialogs.flows.checkin_rules import attendance_label, sleep_label
from dialogs.flows.child_rules import school_label
from dialogs.i18n import _, format_when
from storage.records import CheckinRecord, PersonRecord

TOPIC_MAX = 128  # Telegram's limit on a forum topic's name, in UTF-16 code units
TEXT_MAX = 4096
SHOWN_WEEKS = 3


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def topic_name(case, who_name: str) -> str:
    """« #12 · 🔴 Urgent · Léo »: what the staff see in the list of topics (plain text, not HTML)."""
    head = f"#{case.id} · {priority(case.level)} · "
    name = " ".join(who_name.split()) or "?"
    while name and _utf16(head + name) > TOPIC_MAX:
        name = name[:-1]
    return (head + name)[:TOPIC_MAX]


async def who_name(uow, case) -> str:
    """The first name to put in a topic's name: the child's, else the person's (plain text)."""
    if case.child_id is not None:
        child = await uow.families.child(case.child_id)
        if child is not None:
            return child.first_name
    person = await uow.people.get(case.person_id) if case.person_id is not None else None
    return first_name(person.name if person else None) or family_label(person)


async def card(uow, case_id: int, chat_id: int, thread_id: int | None,
               edit_message_id: int | None = None) -> Reply | None:
    """The case card as a message (or an edit of one), with its buttons; None if there is no such case."""
    case = await uow.cases.get(case_id)
    if case is None:
        return None
    centre = await uow.centres.get(case.centre_id)
    person = await uow.people.get(case.person_id) if case.person_id is not None else None
    lines = [_("<b>Case #{id}</b> · {priority}").format(id=case.id, priority=priority(case.level))]
    lines += await _who(uow, case, person)
    lines += ["", *_why(case)]
    lines += await _checkins(uow, case, person)
    lines += ["", *await _status(uow, case, centre.timezone)]
    if case.is_open and chat_id < 0:  # in the staff group: how the conversation works there
        lines += ["", _how_to(thread_id)]
    text = "\n".join(lines)
    if len(text) > TEXT_MAX:
        text = text[: TEXT_MAX - 1] + "…"
    return Reply(chat_id, text, buttons(case), edit_message_id=edit_message_id, thread_id=thread_id)


def buttons(case) -> tuple[tuple[Button, ...], ...]:
    rows = []
    if case.is_open and case.taken_by is None:
        rows.append((Button(_("✋ Take this case"), data=data("take", case.id)),))
    if case.is_open:
        rows.append((Button(_("✅ Close the case"), data=data("close", case.id)),))
    return tuple(rows)


async def _who(uow, case, person: PersonRecord | None) -> list[str]:
    lines = [_("👤 Who: {who}").format(who=esc(family_label(person)))]
    children = []
    if case.child_id is not None:
        child = await uow.families.child(case.child_id)
        children = [child] if child is not None else []
    elif person is not None and person.role == "parent" and person.family_id is not None:
        children = await uow.families.children(person.family_id)
    for child in children:
        lines.append(_("🧒 {name}, {age} years old, {level}").format(
            name=f"<b>{esc(child.first_name)}</b>", age=child.age, level=esc(school_label(child.school_level))))
    return lines


def _why(case) -> list[str]:
    snapshot: dict[str, Any] = case.snapshot if isinstance(case.snapshot, dict) else {}
    rule = f"<code>{esc(case.reason)}</code>"
    if case.source == "request":
        why = _("Asked to talk to someone (urgent)") if case.level == "urgent" else \
            _("Asked to talk to someone (not urgent)")
    elif case.source == "text":
        why = _("An alarming message (rule {rule})").format(rule=rule)
    elif case.source == "staff":
        name = snapshot.get("opened_by_name")
        why = _("Opened by {name} of the team").format(name=esc(name)) if isinstance(name, str) and name else \
            _("Opened by the team")
    else:
        why = _("Check-in answers (rule {rule})").format(rule=rule)
    lines = [_("❓ Why: {why}").format(why=why)]
    message = snapshot.get("message")
    if isinstance(message, str) and message:
        lines.append(_("💬 They wrote: « {message} »").format(message=esc(_cut(message, 700))))
    added = [m for m in snapshot.get("messages", []) if isinstance(m, dict) and isinstance(m.get("message"), str)]
    for entry in added[-2:]:
        lines.append(_("💬 Added: « {message} »").format(message=esc(_cut(entry["message"], 300))))
    return lines


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _checkins(uow, case, person: PersonRecord | None) -> list[str]:
    if person is None:
        return []
    youth = person.role == "youth"
    child_id = None if youth else case.child_id
    if not youth and child_id is None:
        children = await uow.families.children(person.family_id) if person.family_id else []
        if len(children) != 1:
            return []
        child_id = children[0].id
    records = await uow.checkins.history(person.id, child_id, weeks=12)
    if not records:
        return ["", _("📝 No check-in yet.")]
    lines = ["", _("📝 Last check-ins:")]
    lines += [_("• week of {date}: {answers}").format(date=esc(short_date(_point(r, youth).week_start)),
                                                      answers=_answers(r, youth)) for r in records[:SHOWN_WEEKS]]
    points = [_point(r, youth) for r in reversed(records)]
    lines.append(_("Trend: {trend}.").format(trend=trend_words(points, "child_mood")))
    return lines


def _answers(record: CheckinRecord, youth: bool) -> str:
    a = record.answers
    parts = []
    if youth:
        if isinstance(a.get("mood"), int):
            parts.append(_("mood {n}/5").format(n=a["mood"]))
        if a.get("safe") in ("yes", "sometimes", "no"):
            parts.append(_("safe at school: {answer}").format(answer={
                "yes": _("yes"), "sometimes": _("sometimes"), "no": _("no")}[a["safe"]]))
    else:
        if isinstance(a.get("child_mood"), int):
            parts.append(_("child {n}/5").format(n=a["child_mood"]))
        if isinstance(a.get("parent_mood"), int):
            parts.append(_("parent {n}/5").format(n=a["parent_mood"]))
        if a.get("attendance") in ("every_day", "missed_some", "missed_most", "not_at_all", "holidays"):
            parts.append(_("school: {answer}").format(answer=attendance_label(a["attendance"]).lower()))
        if a.get("incident") == "yes":
            parts.append(_("new incident"))
    if a.get("sleep") in ("good", "so_so", "bad"):
        parts.append(_("sleep: {answer}").format(answer=sleep_label(a["sleep"]).lower()))
    if record.level in ("high", "urgent"):
        parts.append(priority(record.level))
    return ", ".join(parts) or _("no answer")


def _point(record: CheckinRecord, youth: bool) -> WeekPoint:
    try:
        year, week = record.week.split("-W")
        start = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        start = date(1970, 1, 1)
    mood = record.answers.get("mood" if youth else "child_mood")
    parent = None if youth else record.answers.get("parent_mood")
    return WeekPoint(start, child_mood=mood, parent_mood=parent)


async def _status(uow, case, timezone: str) -> list[str]:
    if not case.is_open:
        partner = await _partner(uow, case.id) if case.outcome == "referred" else None
        when = format_when(case.closed_at, timezone) if case.closed_at else ""
        lines = [_("🏁 Closed ({outcome}), {when}.").format(outcome=esc(outcome_label(case.outcome, partner)),
                                                          when=esc(when))]
        note = await uow.cases.note(case.id)
        if note:
            lines.append(_("🔒 Private note: {note}").format(note=esc(_cut(note, 600))))
        return lines
    if case.taken_by is None:
        return [_("⏳ Waiting for someone since {when}.").format(when=esc(format_when(case.opened_at, timezone)))]
    staff = await uow.people.get(case.taken_by)
    who = staff_name(staff) if staff is not None else _("a former member of the team")
    when = format_when(case.taken_at, timezone) if case.taken_at else ""
    lines = [_("✋ Taken by <b>{who}</b>, {when}.").format(who=esc(who), when=esc(when))]
    note = await uow.cases.note(case.id)
    if note:
        lines.append(_("🔒 Private note: {note}").format(note=esc(_cut(note, 600))))
    return lines


async def _partner(uow, case_id: int) -> str | None:
    trail = await uow.cases.audit_trail(case_id)
    partners = [detail for _at, _actor, action, detail in trail if action == "referral"]
    return partners[-1] if partners else None


def _how_to(thread_id: int | None) -> str:
    where = _("in this topic") if thread_id else _("in replies to this card")
    return _("ℹ️ Only the messages of the person who took the case go to the family, {where}. "
             "Start a message with // to keep it in the group. Write « note: … » to add a private note.") \
        .format(where=where)
