"""The case card the staff work from, and the name of a case's forum topic.

The card says who, why in words (never a rule's id), what they wrote and the answers of the
check-in the case was opened on, then everything that came after it, in order, with its local
time (`timeline`: the case's messages and later triggers), the last weeks and the status.

Everything here is in the current locale: the caller chooses it (the centre's default locale in
the staff chat, the staff member's own in a private chat). Every outside value is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from dialogs.cases.fit import plain_text, shorten_html, size
from dialogs.cases.reasons import rule_words
from dialogs.cases.words import PRIORITY_MARKS, data, family_label, first_name, outcome_label, priority, staff_name
from dialogs.checkin.trend import WeekPoint, short_date, trend_words
from dialogs.events import Button, Reply, esc
from dialogs.flows.checkin_rules import attendance_label, sleep_label
from dialogs.flows.child_rules import school_label
from dialogs.i18n import _, current_locale, format_when, ngettext
from storage.records import CheckinRecord, PersonRecord

TOPIC_MAX = 128  # Telegram's limit on a forum topic's name, in UTF-16 code units
TEXT_MAX = 4096
SHOWN_WEEKS = 3
CHILDREN_SHOWN = 12  # a parent's children listed on a card about none of them in particular
ENTRY_SHOWN = 500  # characters of one later message on the card (the whole of it is posted in the topic)
PAIRED = timedelta(minutes=5)  # a trigger and the message recorded with it, at most this far apart


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
        lines.append(_("💬 They wrote: « {message} »").format(message=esc(_cut(message.strip(), 700))))
    youth = person is not None and person.role == "youth"
    answers = record.answers if record is not None else snapshot.get("answers")
    if case.source == "checkin" and isinstance(answers, dict):
        week = record.week if record is not None else snapshot.get("week")
        line = _answers(answers, youth, record.level if record is not None else None)
        if snapshot.get("wants_to_talk") is True and youth and answers.get("talk") != "yes":
            line += ", " + _("wants to talk")
        if isinstance(week, str) and _week_start(week) is not None:
            lines.append(_("📝 The check-in it was opened on (week of {date}): {answers}").format(
                date=esc(short_date(_week_start(week))), answers=line))
        else:
            lines.append(_("📝 The check-in it was opened on: {answers}").format(answers=line))
    return lines


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Entry:
    """One thing that happened after the case opened, as the card and the topic show it."""

    at: datetime
    kind: str  # "text", "checkin", "request", or another kind of message
    text: str = ""
    level: str | None = None
    rule: str | None = None
    answers: dict | None = None
    week: str | None = None
    raised: bool = False
    message_id: int | None = None  # the case message it comes from, if any


async def timeline(uow, case) -> list[Entry]:
    """The case's later messages and triggers, oldest first. A trigger and the message recorded with
    it (same rule, a few minutes apart at most) are one entry; an older note of the snapshot whose
    text is also a message is shown once."""
    snapshot: dict[str, Any] = case.snapshot if isinstance(case.snapshot, dict) else {}
    messages = await uow.cases.messages(case.id)
    entries = [Entry(m.at, m.kind, m.text, m.level, m.rule, message_id=m.id) for m in messages]
    texts = {m.text.strip() for m in messages if m.text.strip()}
    for trigger in _dicts(snapshot.get("triggers")):
        at = _instant(trigger.get("at"))
        if at is None:
            continue
        rule = trigger.get("reason") if isinstance(trigger.get("reason"), str) else None
        answers = trigger.get("answers") if isinstance(trigger.get("answers"), dict) else None
        week = trigger.get("week") if isinstance(trigger.get("week"), str) else None
        raised = trigger.get("raised") is True
        match = next((i for i, e in enumerate(entries) if e.message_id is not None and e.rule == rule
                      and e.answers is None and not e.raised and abs(e.at - at) <= PAIRED), None)
        if match is not None:
            entries[match] = replace(entries[match], answers=answers, week=week, raised=raised)
            continue
        message = trigger.get("message") if isinstance(trigger.get("message"), str) else ""
        if message.strip() in texts:
            message = ""
        source = trigger.get("source") if isinstance(trigger.get("source"), str) else "text"
        level = trigger.get("level") if isinstance(trigger.get("level"), str) else None
        entries.append(Entry(at, source, message, level, rule, answers, week, raised))
    for key, kind in (("messages", "text"), ("requests", "request")):  # notes kept before case messages existed
        for note in _dicts(snapshot.get(key)):
            at, message = _instant(note.get("at")), note.get("message")
            text = message.strip() if isinstance(message, str) else ""
            if at is not None and (text or kind == "request") and text not in texts:
                entries.append(Entry(at, kind, text))
    return sorted(entries, key=lambda e: (e.at, e.message_id or 0))


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _instant(value: Any) -> datetime | None:
    try:
        found = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return found if found is not None and found.tzinfo is not None else None


def short_when(instant: datetime, timezone: str) -> str:
    """« 24 Nov, 10:05 » in the centre's time zone, the reader's way."""
    return format_when(instant, timezone, "d MMM, HH:mm" if current_locale() == "fr" else "MMM d, h:mm a")


def entry_text(entry: Entry, person: PersonRecord | None, shown: int = ENTRY_SHOWN) -> str:
    """What one entry says (HTML, without its time): the kind, the words, the answers, the rule."""
    youth = person is not None and person.role == "youth"
    icon = {"checkin": "📝", "request": "🙋"}.get(entry.kind, "💬")
    parts = []
    if entry.kind == "checkin":
        parts.append(_("check-in"))
    elif entry.kind == "request":
        parts.append(_("asked to talk to someone again"))
    if entry.text:
        parts.append(_("« {message} »").format(message=esc(_cut(entry.text.strip(), shown))))
    if entry.answers:
        parts.append(_answers(entry.answers, youth, None))
    worrying = entry.level in ("watch", "high", "urgent")
    if worrying or (entry.rule and entry.kind not in ("text", "request")):
        words = esc(rule_words(entry.rule, entry.kind))
        parts.append(f"{PRIORITY_MARKS.get(entry.level or 'none', '')} {words}".strip() if worrying else words)
    if entry.raised and entry.level:
        parts.append(_("🔺 raised to {priority}").format(priority=priority(entry.level)))
    return f"{icon} " + " · ".join(parts or [_("a message")])


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
                                                      answers=_answers(r.answers, youth, r.level))
              for r in records[:SHOWN_WEEKS]]
    points = [_point(r, youth) for r in reversed(records)]
    lines.append(_("Trend: {trend}.").format(trend=trend_words(points, "child_mood")))
    return lines


def _answers(a: dict[str, Any], youth: bool, level: str | None) -> str:
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
    if youth and a.get("talk") == "yes":
        parts.append(_("wants to talk"))
    if level in ("high", "urgent"):
        parts.append(priority(level))
    return ", ".join(parts) or _("no answer")


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
