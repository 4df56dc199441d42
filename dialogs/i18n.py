"""Translations: the locale is resolved once per update and held in a ContextVar.

Every sentence a person reads goes through `_`, `ngettext` or `pgettext`, with named
placeholders filled by `.format(...)`. `N_` marks module-level constants; they are
translated when used, never at import.
"""

from __future__ import annotations

import gettext
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Iterator
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_format_datetime
from babel.support import Translations

DOMAIN = "relier"
LOCALES = ("fr", "en")
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}

_locale: ContextVar[str] = ContextVar("relier_locale", default="fr")


@cache
def translations(locale: str) -> gettext.NullTranslations:
    directory = str(files("locales"))
    return Translations.load(directory, [locale], DOMAIN)


def resolve_locale(stored: str | None, telegram_code: str | None, default: str = "fr") -> str:
    """The person's choice first, then their Telegram language, then the default."""
    if stored in LOCALES:
        return stored
    if telegram_code:
        base = telegram_code.replace("_", "-").split("-")[0].lower()
        if base in LOCALES:
            return base
    return default if default in LOCALES else "fr"


def current_locale() -> str:
    return _locale.get()


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    token = _locale.set(locale if locale in LOCALES else "fr")
    try:
        yield
    finally:
        _locale.reset(token)


def switch_locale(locale: str) -> None:
    """Change the language for the rest of this update (the engine restores it after)."""
    _locale.set(locale if locale in LOCALES else "fr")


def _(message: str) -> str:
    return translations(_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_locale.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(_locale.get()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with `_`."""
    return message


def format_when(instant: datetime, timezone: str, fmt: str = "full_short") -> str:
    """A date and time in the centre's zone, written the way the reader's language writes it."""
    local = instant.astimezone(ZoneInfo(timezone))
    locale = _locale.get()
    if fmt == "full_short":
        pattern = "EEEE d MMMM, HH:mm" if locale == "fr" else "EEEE d MMMM, h:mm a"
        return babel_format_datetime(local, pattern, locale=locale)
    return babel_format_datetime(local, fmt, locale=locale)
