"""Words shared by the case card, the staff chat and the family side: priorities, roles, signatures."""

from __future__ import annotations

from dialogs.events import esc
from dialogs.i18n import _
from storage.records import PersonRecord

PRIORITY_MARKS = {"urgent": "🔴", "high": "🟠", "watch": "🟡", "none": "⚪"}
PARTNERS = ("nurse", "cmp", "ase", "other")
PREFIX = "case"  # button data: "case|<action>|<case id>[|<detail>]"


def priority_label(level: str) -> str:
    labels = {"urgent": _("Urgent"), "high": _("High priority"), "watch": _("To watch"), "none": _("Normal")}
    return labels.get(level, labels["none"])


def priority(level: str) -> str:
    return f"{PRIORITY_MARKS.get(level, PRIORITY_MARKS['none'])} {priority_label(level)}"


def role_label(staff_role: str | None) -> str:
    """A staff member's role, as the family reads it under a message."""
    labels = {"psychologist": _("psychologist"), "coordinator": _("coordinator"), "admin": _("administrator")}
    return labels.get(staff_role or "", labels["psychologist"])


def first_name(name: str | None) -> str:
    words = (name or "").split()
    return words[0] if words else ""


def staff_name(staff: PersonRecord) -> str:
    """« Inès, psychologist » (plain text: escape it before putting it in HTML)."""
    return _("{name}, {role}").format(name=first_name(staff.name) or _("Someone of the team"),
                                      role=role_label(staff.staff_role))


def signature(staff: PersonRecord) -> str:
    """The line under a staff member's message to a family (HTML)."""
    return f"— <i>{esc(staff_name(staff))}</i>"


def family_label(person: PersonRecord | None) -> str:
    """Who the case is about, for the staff (plain text): « Marie (parent) », « Léo (young person) »."""
    if person is None:
        return _("a person who left the bot")
    name = first_name(person.name)
    if person.role == "youth":
        return _("{name} (young person)").format(name=name) if name else _("a young person")
    return _("{name} (parent)").format(name=name) if name else _("a parent")


def is_youth(person: PersonRecord | None) -> bool:
    return person is not None and person.role == "youth"


def about(person: PersonRecord | None) -> str:
    """Who the staff write to, in a sentence: « the family », or « the young person » (plain text)."""
    return _("the young person") if is_youth(person) else _("the family")


def outcome_label(outcome: str | None, partner: str | None = None, youth: bool = False) -> str:
    if outcome == "referred":
        return _("referred to {partner}").format(partner=partner_label(partner))
    if outcome == "no_answer":
        return _("no answer from the young person") if youth else _("no answer from the family")
    return _("resolved") if outcome == "resolved" else _("closed")


def partner_label(partner: str | None) -> str:
    labels = {"nurse": _("the school nurse"), "cmp": _("the CMP"), "ase": _("child protection"),
              "other": _("another partner")}
    return labels.get(partner or "", labels["other"])


def say(person: PersonRecord | None, parent: str, young: str) -> str:
    """The parent's sentence (« vous ») or the young person's (« tu »), both already translated."""
    return young if person is not None and person.role == "youth" else parent


def data(action: str, case_id: int, detail: str = "") -> str:
    """Button data for a case button: at most 64 bytes, read back by `parse` (never trusted)."""
    return f"{PREFIX}|{action}|{case_id}" + (f"|{detail}" if detail else "")


def parse(raw: str) -> tuple[str, int, str] | None:
    """(action, case id, detail) from button data, or None when it is not a well-formed case button."""
    if not raw or len(raw.encode()) > 64:
        return None
    parts = raw.split("|")
    if len(parts) not in (3, 4) or parts[0] != PREFIX or not parts[2].isdigit() or len(parts[2]) > 12:
        return None
    return parts[1], int(parts[2]), parts[3] if len(parts) == 4 else ""
