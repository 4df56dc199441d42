"""Phrases of the rules files compiled to word matchers, so the rules stay data a psychologist can edit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

GAP_MAX = 3  # ".." in a phrase stands for 0 to 3 words


class RulesError(ValueError):
    """A rules file that cannot be used: the message says where and why."""


@dataclass(frozen=True)
class Word:
    """One position of a phrase: any of some words, or any word starting with some prefixes."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]

    def matches(self, word: str) -> bool:
        return word in self.exact or (bool(self.prefixes) and word.startswith(self.prefixes))


GAP = None  # the ".." element


@dataclass(frozen=True)
class Phrase:
    """One phrase of a rules file, with the id reports use (`group.N`)."""

    id: str
    source: str
    elements: tuple[Word | None, ...]


@dataclass(frozen=True)
class Hit:
    """Where a phrase matched: words start..end (end excluded) and the words a gap skipped."""

    start: int
    end: int
    gaps: tuple[int, ...]
    phrase: Phrase
    payload: object


def parse(phrase_id: str, source: str, words: dict[str, str], resolve: Callable[[str], list[str]],
          fold: Callable[[str], str]) -> Phrase:
    """Compile one phrase: words, `a|b` alternatives, `pre*` prefixes, `..` gaps, `{name}` word lists."""
    elements: list[Word | None] = []
    for raw in source.split():
        if raw.startswith("{") and raw.endswith("}"):
            if raw[1:-1] not in words:
                raise RulesError(f"{phrase_id}: unknown word list {raw}")
            raw = words[raw[1:-1]]
        if raw == "..":
            if not elements or elements[-1] is GAP:
                raise RulesError(f"{phrase_id}: '..' must follow a word")
            elements.append(GAP)
        elif "|" in raw or "*" in raw:
            alternatives = [fold(a) for a in raw.split("|") if a]
            exact = frozenset(a for a in alternatives if not a.endswith("*"))
            prefixes = tuple(a[:-1] for a in alternatives if a.endswith("*") and len(a) > 3)
            if len(prefixes) != sum(a.endswith("*") for a in alternatives):
                raise RulesError(f"{phrase_id}: a prefix needs at least 3 letters before '*'")
            elements.append(Word(exact, prefixes))
        else:
            elements.extend(Word(frozenset([w]), ()) for w in resolve(raw))
    if not elements or elements[-1] is GAP:
        raise RulesError(f"{phrase_id}: a phrase must end with a word: {source!r}")
    return Phrase(phrase_id, source, tuple(elements))


def _match(elements: tuple[Word | None, ...], words: list[str], at: int, index: int,
           gaps: tuple[int, ...]) -> tuple[int, tuple[int, ...]] | None:
    if index == len(elements):
        return at, gaps
    element = elements[index]
    if element is GAP:
        for skip in range(GAP_MAX + 1):
            if skip and (at + skip > len(words) or not words[at + skip - 1]):
                break  # a gap never runs past the end or over a masked everyday expression
            found = _match(elements, words, at + skip, index + 1, gaps + tuple(range(at, at + skip)))
            if found:
                return found
        return None
    if at < len(words) and element.matches(words[at]):
        return _match(elements, words, at + 1, index + 1, gaps)
    return None


class PhraseIndex:
    """Phrases indexed by their first word, so a message is scanned once whatever the number of rules."""

    def __init__(self) -> None:
        self._exact: dict[str, list[tuple[Phrase, object]]] = {}
        self._prefixed: list[tuple[tuple[str, ...], Phrase, object]] = []
        self._all_prefixes: tuple[str, ...] = ()

    def add(self, phrase: Phrase, payload: object = None) -> None:
        first = phrase.elements[0]
        assert first is not None
        for word in first.exact:
            self._exact.setdefault(word, []).append((phrase, payload))
        if first.prefixes:
            self._prefixed.append((first.prefixes, phrase, payload))
            self._all_prefixes = tuple(sorted({p for ps, _, _ in self._prefixed for p in ps}))

    def vocabulary(self) -> tuple[set[str], set[str]]:
        """Every exact word and every prefix used by the phrases of this index."""
        words: set[str] = set()
        prefixes: set[str] = set()
        seen = {id(p): p for entries in self._exact.values() for p, _ in entries}
        seen.update({id(p): p for _, p, _ in self._prefixed})
        for phrase in seen.values():
            for element in phrase.elements:
                if element is not None:
                    words |= element.exact
                    prefixes |= set(element.prefixes)
        return words, prefixes

    def find(self, words: list[str]) -> Iterator[Hit]:
        """Every match of every phrase in `words` (the first match of a phrase at each start)."""
        exact, prefixed, all_prefixes = self._exact, self._prefixed, self._all_prefixes
        for at, word in enumerate(words):
            if not word:
                continue
            candidates = list(exact.get(word, ()))
            if all_prefixes and word.startswith(all_prefixes):
                candidates += [(p, load) for ps, p, load in prefixed if word.startswith(ps)]
            for phrase, payload in candidates:
                found = _match(phrase.elements, words, at, 0, ())
                if found:
                    yield Hit(at, found[0], found[1], phrase, payload)
