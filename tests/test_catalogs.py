"""French and English are complete, and every translation keeps its placeholders and tags."""

from __future__ import annotations

import io
import pathlib
import re

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po


LOCALES = pathlib.Path(__file__).resolve().parent.parent / "locales"
PLACEHOLDER = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?[a-z-]+")


def catalog(locale: str):
    with open(LOCALES / locale / "LC_MESSAGES" / "relier.po", "rb") as handle:
        return read_po(handle, locale=locale)



def entries(locale: str):
    for message in catalog(locale):
        if message.id:
            yield message


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_message_is_translated(locale):
    missing = []
    for message in entries(locale):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            missing.append(message.id)
    assert missing == []


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_placeholders_and_tags_match(locale):
    problems = []
    for message in entries(locale):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) - wanted or (wanted - set(PLACEHOLDER.findall(text))) - {"n"}:
                problems.append(("placeholders", ids[0]))
            if sorted(TAG.findall(text)) != sorted(TAG.findall(ids[0])):
                problems.append(("tags", ids[0]))
    assert problems == []


def test_the_catalogs_cover_every_string_in_the_code(tmp_path):
    from tools.i18n import extract

    extract(tmp_path / "fresh.pot")
    with open(tmp_path / "fresh.pot", "rb") as handle:
        fresh = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(handle) if m.id}
    for locale in ("fr", "en"):
        known = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in entries(locale)}
        assert fresh - known == set(), "run `python tools/i18n.py update` and translate the new strings"


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_compiled_catalogs_are_up_to_date(locale):
    def key(m):
        as_tuple = lambda v: tuple(v) if isinstance(v, (list, tuple)) else v  # noqa: E731
        context = m.context.decode() if isinstance(m.context, bytes) else m.context
        return (context, as_tuple(m.id)), as_tuple(m.string)

    source = dict(key(m) for m in entries(locale))
    with open(LOCALES / locale / "LC_MESSAGES" / "relier.mo", "rb") as handle:
        compiled = dict(key(m) for m in read_mo(handle) if m.id)
    assert compiled == source, "run `python tools/i18n.py compile`"


def test_french_uses_tu_only_for_young_people():
    for message in entries("fr"):
        text = message.string if isinstance(message.string, str) else " ".join(message.string)
        words = set(re.findall(r"\b\w+\b", text.lower()))
        if message.context == "youth":
            assert not words & {"vous", "votre", "vos"}, message.id
        else:
            assert not words & {"tu", "ton", "ta", "tes", "toi"}, message.id
