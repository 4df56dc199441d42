"""What came after a case opened, in order: its messages and later triggers, and how each reads.

A trigger (EscalationRepository.open_or_raise, kept in the snapshot's "triggers") and the
message recorded with it (dialogs.cases.announce.add_to_case, same rule, minutes apart) are one
entry; notes kept in the snapshot before case messages existed are shown too, once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from dialogs.cases.reasons import rule_words
from dialogs.cases.words import PRIORITY_MARKS, priority
from dialogs.events import esc
from dialogs.flows.checkin_rules import attendance_label, sleep_label
from dialogs.i18n import _, current_locale, format_when
from storage.records import PersonRecord

ENTRY_SHOWN = 500  # characters of one later message on the card (the whole of it is posted in the topic)
PAIRED = timedelta(minutes=5)  # a trigger and the message recorded with it, at most this far apart


def cut(text: str, limit: int) -> str:
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
        parts.append(_("« {message} »").format(message=esc(cut(entry.text.strip(), shown))))
    if entry.answers:
        parts.append(answers_text(entry.answers, youth, None))
    worrying = entry.level in ("watch", "high", "urgent")
    if worrying or (entry.rule and entry.kind not in ("text", "request")):
        words = esc(rule_words(entry.rule, entry.kind))
        parts.append(f"{PRIORITY_MARKS.get(entry.level or 'none', '')} {words}".strip() if worrying else words)
    if entry.raised and entry.level:
        parts.append(_("🔺 raised to {priority}").format(priority=priority(entry.level)))
    return f"{icon} " + " · ".join(parts or [_("a message")])


def answers_text(a: dict[str, Any], youth: bool, level: str | None) -> str:
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
