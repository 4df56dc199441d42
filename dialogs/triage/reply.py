"""Reading an answer typed to the bot's direct question, as a tap on « Oui » or « Non » would be read.

A young person asked « Est-ce que tu as des idées de te faire du mal ou de ne plus être en vie ? » often types
"parfois. surtout le soir" or "yeah for months" instead of tapping a button. On its own such an answer says
nothing alarming; after the question it is a yes. The words live in replies.toml, which a psychologist edits;
the first one found from the start of the answer decides (see the comments there).
"""

from __future__ import annotations

import tomllib
from functools import cache
from itertools import product
from pathlib import Path

from dialogs.triage.normalise import fold_word, plain_words
from dialogs.triage.patterns import RulesError

PATH = Path(__file__).resolve().parent / "replies.toml"
KINDS = ("yes", "unsure", "no", "neither")
LONGEST = 6  # words in the longest phrase read


@cache
def _phrases(lang: str) -> dict[tuple[str, ...], str]:
    data = tomllib.loads(PATH.read_text(encoding="utf-8"))
    table = data.get(lang) or data["en"]
    out: dict[tuple[str, ...], str] = {}
    for kind in KINDS:
        for phrase in table.get(kind, []):
            words = tuple(fold_word(w) for w in phrase.split())
            if not words or len(words) > LONGEST:
                raise RulesError(f"replies.toml [{lang}] {kind}: {phrase!r} must have 1 to {LONGEST} words")
            if out.setdefault(words, kind) != kind:
                raise RulesError(f"replies.toml [{lang}]: {phrase!r} is both {out[words]} and {kind}")
    return out


def read_reply(text: str, lang: str) -> str | None:
    """"yes", "no", or None (no word of replies.toml): what a typed answer to the direct question means."""
    phrases = _phrases(lang)
    sentences = plain_words(text or "")
    for number, sentence in enumerate(sentences):
        for start in range(len(sentence)):
            kind = _at(phrases, sentence, start)
            if kind == "unsure":  # "idk" is a yes, unless the answer goes on to say no ("idk, no i guess")
                rest = [*sentence[start + 1:], *(word for later in sentences[number + 1:] for word in later)]
                return "no" if any(_at(phrases, rest, i) == "no" for i in range(len(rest))) else "yes"
            if kind == "neither":  # "no one", "no matter": not an answer
                continue
            if kind is not None:
                return kind
    return None


def _at(phrases: dict[tuple[str, ...], str], words: list[tuple[str, ...]], start: int) -> str | None:
    """The kind of the longest phrase starting at `start` (each word as typed, or with its repeated letters as one)."""
    for size in range(min(LONGEST, len(words) - start), 0, -1):
        for candidate in product(*words[start:start + size]):
            if candidate in phrases:
                return phrases[candidate]
    return None
