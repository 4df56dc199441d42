"""The case card the staff work from, and the name of a case's forum topic.

The card says who, why in words (never a rule's id), what they wrote and the answers of the
check-in the case was opened on, then everything that came after it, in order, with its local
time (`timeline`: the case's messages and later triggers), the last weeks and the status.

Everything here is in the current locale: the caller chooses it (the centre's default locale in
the staff chat, the staff member's own in a private chat). Every outside value is escaped.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dialogs.cases.fit import plain_text, shorten_html, size
from dialogs.cases.reasons import rule_words
from dialogs.cases.timeline import Entry, answers_text, cut, entry_text, short_when, timeline
from dialogs.cases.words import data, family_label, first_name, outcome_label, priority, staff_name
from dialogs.checkin.trend import WeekPoint, short_date, trend_words
from dialogs.events import Button, Reply, esc
from dialogs.flows.child_rules import school_label
from dialogs.i18n import _, format_when, ngettext
from storage.records import CheckinRecord, PersonRecord

TOPIC_MAX = 128  # Telegram's limit on a forum topic's name, in UTF-16 code units
TEXT_MAX = 4096
SHOWN_WEEKS = 3
CHILDREN_SHOWN = 12  # a parent's children listed on a card about none of them in particular


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
    """The case card as a message (or an edit of one), with its buttons; None if there is no such case.

    It always fits in one Telegram message: the oldest later messages give way first (their count is
    said), then the weeks before, then the end is cut on a line (dialogs.cases.fit).
    """
    case = await uow.cases.get(case_id)
    if case is None:
        return None
    centre = await uow.centres.get(case.centre_id)
    person = await uow.people.get(case.person_id) if case.person_id is not None else None
    head = [_("<b>Case #{id}</b> · {priority}").format(id=case.id, priority=priority(case.level))]
    head += await _who(uow, case, person)
    head += ["", *await _why(uow, case, person, centre.timezone)]
    entries = await timeline(uow, case)
    later = [_entry_line(e, centre.timezone, person) for e in entries]
    weeks = await _checkins(uow, case, person)
    tail = ["", *await _status(uow, case, centre.timezone, person)]
    if case.is_open and chat_id < 0:  # in the staff group: how the conversation works there
        tail += ["", _how_to(thread_id)]
    text = _assemble(head, later, weeks, tail)
    return Reply(chat_id, text, buttons(case), edit_message_id=edit_message_id, thread_id=thread_id)


def _assemble(head: list[str], later: list[str], weeks: list[str], tail: list[str]) -> str:
    """The card's lines within Telegram's limit: the oldest later messages go first, then the weeks."""
    def join(shown: list[str], hidden: int, with_weeks: bool) -> str:
        block: list[str] = []
        if shown or hidden:
            block = ["", _("🕑 Since it opened:")]
            if hidden:
                block.append(ngettext("({n} earlier message not shown here)", "({n} earlier messages not shown here)",
                                      hidden).format(n=hidden))
            block += shown
        return "\n".join(head + block + (weeks if with_weeks else []) + tail)

    for with_weeks in (True, False):
        for hidden in range(len(later) + 1):
            text = join(later[hidden:], hidden, with_weeks)
            if size(plain_text(text)) <= TEXT_MAX:
                return text
    return shorten_html(join([], len(later), False), TEXT_MAX)


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
    for child in children[:CHILDREN_SHOWN]:
        lines.append(_("🧒 {name}, {age} years old, {level}").format(
            name=f"<b>{esc(child.first_name)}</b>", age=child.age, level=esc(school_label(child.school_level))))
    if len(children) > CHILDREN_SHOWN:
        more = len(children) - CHILDREN_SHOWN
        lines.append(ngettext("🧒 and {n} more child", "🧒 and {n} more children", more).format(n=more))
    return lines


async def _why(uow, case, person: PersonRecord | None, timezone: str) -> list[str]:
    """What the case was opened on: the reason in words, what they wrote, the check-in's answers."""
    snapshot: dict[str, Any] = case.snapshot if isinstance(case.snapshot, dict) else {}
    words = esc(rule_words(case.reason, case.source))
    if case.source == "request":
        urgent = snapshot.get("urgent") if isinstance(snapshot.get("urgent"), bool) else case.level == "urgent"
        why = _("Asked to talk to someone (urgent)") if urgent else _("Asked to talk to someone (not urgent)")
    elif case.source == "text":
        why = _("An alarming message: {rule}").format(rule=words)
    elif case.source == "staff":
        name = snapshot.get("opened_by_name")
        why = _("Opened by {name} of the team").format(name=esc(name)) if isinstance(name, str) and name else \
            _("Opened by the team")
    else:
        why = _("Check-in answers: {rule}").format(rule=words)
    lines = [_("❓ Why: {why}").format(why=why)]
    record = await uow.checkins.get(case.checkin_id) if case.checkin_id is not None else None
    message = snapshot.get("message")
    if not (isinstance(message, str) and message.strip()) and record is not None:
        message = record.message
    if isinstance(message, str) and message.strip():
        lines.append(_("💬 They wrote: « {message} »").format(message=esc(cut(message.strip(), 700))))
    youth = person is not None and person.role == "youth"
    answers = record.answers if record is not None else snapshot.get("answers")
    if case.source == "checkin" and isinstance(answers, dict):
        week = record.week if record is not None else snapshot.get("week")
        line = answers_text(answers, youth, record.level if record is not None else None)
        if snapshot.get("wants_to_talk") is True and youth and answers.get("talk") != "yes":
            line += ", " + _("wants to talk")
        if isinstance(week, str) and _week_start(week) is not None:
            lines.append(_("📝 The check-in it was opened on (week of {date}): {answers}").format(
                date=esc(short_date(_week_start(week))), answers=line))
        else:
            lines.append(_("📝 The check-in it was opened on: {answers}").format(answers=line))
    return lines


def _entry_line(entry: Entry, timezone: str, person: PersonRecord | None) -> str:
    return f"• <i>{esc(short_when(entry.at, timezone))}</i> {entry_text(entry, person)}"


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
                                                      answers=answers_text(r.answers, youth, r.level))
              for r in records[:SHOWN_WEEKS]]
    points = [_point(r, youth) for r in reversed(records)]
    lines.append(_("Trend: {trend}.").format(trend=trend_words(points, "child_mood")))
    return lines


def _week_start(week: str) -> date | None:
    try:
        year, number = week.split("-W")
        return date.fromisocalendar(int(year), int(number), 1)
    except ValueError:
        return None


def _point(record: CheckinRecord, youth: bool) -> WeekPoint:
    start = _week_start(record.week) or date(1970, 1, 1)
    mood = record.answers.get("mood" if youth else "child_mood")
    parent = None if youth else record.answers.get("parent_mood")
    return WeekPoint(start, child_mood=mood, parent_mood=parent)


async def _status(uow, case, timezone: str, person: PersonRecord | None = None) -> list[str]:
    if not case.is_open:
        partner = await _partner(uow, case.id) if case.outcome == "referred" else None
        when = format_when(case.closed_at, timezone) if case.closed_at else ""
        lines = [_("🏁 Closed ({outcome}), {when}.").format(outcome=esc(outcome_label(
            case.outcome, partner, youth=person is not None and person.role == "youth")),
                                                          when=esc(when))]
        note = await uow.cases.note(case.id)
        if note:
            lines.append(_("🔒 Private note: {note}").format(note=esc(cut(note, 600))))
        return lines
    if case.taken_by is None:
        return [_("⏳ Waiting for someone since {when}.").format(when=esc(format_when(case.opened_at, timezone)))]
    staff = await uow.people.get(case.taken_by)
    who = staff_name(staff) if staff is not None else _("a former member of the team")
    when = format_when(case.taken_at, timezone) if case.taken_at else ""
    lines = [_("✋ Taken by <b>{who}</b>, {when}.").format(who=esc(who), when=esc(when))]
    note = await uow.cases.note(case.id)
    if note:
        lines.append(_("🔒 Private note: {note}").format(note=esc(cut(note, 600))))
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
