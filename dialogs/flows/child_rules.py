"""What counts as a usable first name, age and school level for a child."""

from __future__ import annotations

import re
import unicodedata

from dialogs.i18n import _, pgettext

NAME_MAX = 40
AGES = tuple(range(3, 19))
AGE_MIN, AGE_MAX = 1, 25
SCHOOL_LEVELS = ("primary", "middle", "high", "other")
_LINK = re.compile(r"(https?://|www\.|t\.me/|@\w)", re.IGNORECASE)


def clean_name(text: str) -> tuple[str | None, str]:
    """The name to keep, or None and a kind sentence saying why not."""
    name = unicodedata.normalize("NFC", " ".join(text.split()))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    if not name:
        return None, _("I did not catch a name. Please write your child's first name or a nickname.")
    if len(name) > NAME_MAX:
        return None, _("That is a bit long for a first name. A first name or a nickname is enough.")
    if _LINK.search(name) or not any(ch.isalpha() for ch in name):
        return None, _("Please write just a first name or a nickname, with letters.")
    return name, ""


def parse_age(text: str) -> int | None:
    digits = text.strip().split()[0] if text.strip() else ""
    if not digits.isdigit():
        return None
    age = int(digits)
    return age if AGE_MIN <= age <= AGE_MAX else None


def school_label(level: str) -> str:
    labels = {
        "primary": pgettext("school level", "Primary school"),
        "middle": pgettext("school level", "Middle school (collège)"),
        "high": pgettext("school level", "High school (lycée)"),
        "other": pgettext("school level", "Other, or not at school"),
    }
    return labels.get(level, labels["other"])
