"""Phrases of the rules files compiled to word matchers, so the rules stay data a psychologist can edit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dialogs.triage.lemmas import MIN_LETTERS

GAP_MAX = 3  # ".." in a phrase stands for 0 to 3 words
FAR_MAX = 30  # "..." stands for 0 to 30 words: "later in the same message"


class RulesError(ValueError):
    """A rules file that cannot be used: the message says where and why."""


@dataclass(frozen=True)
class Word:
    """One position of a phrase: some words in any of their forms, some words as written, or word starts."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]
    lemmas: frozenset[str] = frozenset()  # base words written in the rules: any of their forms matches

    def matches(self, word: str, lemmas: tuple[str, ...] = ()) -> bool:
        if word in self.exact or (bool(self.prefixes) and word.startswith(self.prefixes)):
            return True
        return bool(lemmas) and not self.lemmas.isdisjoint(lemmas)


GAP = None  # the ".." element
FAR = ...  # the "..." element


@dataclass(frozen=True)
class Phrase:
    """One phrase of a rules file, with the id reports use (`group.N`)."""

    id: str
    source: str
    elements: tuple[Word | None | type(...), ...]

    def base_words(self) -> set[str]:
        """The words of this phrase that stand for all their forms."""
        return {w for e in self.elements if isinstance(e, Word) for w in e.lemmas}


@dataclass(frozen=True)
class Hit:
    """Where a phrase matched: words start..end (end excluded), the words a ".." skipped, those a "..." skipped."""

    start: int
    end: int
    gaps: tuple[int, ...]
    phrase: Phrase
    payload: object
    far: tuple[int, ...] = ()
    starts: tuple[int, ...] = ()  # a combination of concepts: where each of its parts starts (a negation may stand before any)


def hit(start: int, end: int, gaps: tuple[int, ...], phrase: Phrase, payload: object, far: tuple[int, ...] = (),
        starts: tuple[int, ...] = ()) -> Hit:
    """Hit(...), made several times faster: a frozen dataclass sets each field through object.__setattr__; this
    fills its __dict__ at once (the same object, equal to the one Hit() makes). A long message gives dozens."""
    made = _new(Hit)
    fields = made.__dict__
    (fields["start"], fields["end"], fields["gaps"], fields["phrase"], fields["payload"], fields["far"],
     fields["starts"]) = start, end, gaps, phrase, payload, far, starts
    return made


_new = object.__new__


def parse(phrase_id: str, source: str, words: dict[str, str], resolve: Callable[[str], list[str]],
          fold: Callable[[str], str], as_written: frozenset[str] = frozenset()) -> Phrase:
    """Compile one phrase: words, `a|b` alternatives, `pre*` prefixes, `=word` as written, `..` and `...` gaps,
    `{name}` word lists."""
    def _base(word: str) -> frozenset[str]:
        """A rule word stands for all its forms unless written `=word`, listed in as_written, or short."""
        ok = len(word) >= MIN_LETTERS and word.isalpha() and word not in as_written
        return frozenset([word]) if ok else frozenset()

    elements: list[Word | None | type(...)] = []
    for raw in source.split():
        if raw.startswith("{") and raw.endswith("}"):
            if raw[1:-1] not in words:
                raise RulesError(f"{phrase_id}: unknown word list {raw}")
            raw = words[raw[1:-1]]
        if raw in ("..", "..."):
            if not elements or not isinstance(elements[-1], Word):
                raise RulesError(f"{phrase_id}: '{raw}' must follow a word")
            elements.append(GAP if raw == ".." else FAR)
        elif "|" in raw or "*" in raw or raw.startswith("="):
            alternatives = [fold(a) for a in raw.split("|") if a]
            exact = frozenset(a.lstrip("=") for a in alternatives if not a.endswith("*"))
            prefixes = tuple(a[:-1] for a in alternatives if a.endswith("*") and len(a) > 3)
            if len(prefixes) != sum(a.endswith("*") for a in alternatives):
                raise RulesError(f"{phrase_id}: a prefix needs at least 3 letters before '*'")
            bases = frozenset().union(*(_base(a) for a in alternatives if not a.endswith("*") and a[0] != "="))
            elements.append(Word(exact, prefixes, bases))
        else:
            resolved = resolve(raw)
            bases = len(resolved) == 1  # a word the spelling table expands ("jveux") is taken as written
            elements.extend(Word(frozenset([w]), (), _base(w) if bases else frozenset()) for w in resolved)
    if not elements or not isinstance(elements[-1], Word):
        raise RulesError(f"{phrase_id}: a phrase must end with a word: {source!r}")
    return Phrase(phrase_id, source, tuple(elements))


def _match(elements: tuple, words: list[str], lemmas: list[tuple[str, ...]], at: int, index: int,
           gaps: tuple[int, ...]) -> tuple[int, tuple[int, ...]] | None:
    count, length = len(elements), len(words)
    while index < count:
        element = elements[index]
        if element is GAP or element is FAR:
            return _match_gap(elements, words, lemmas, at, index, gaps)
        if at < length and words[at] and element.matches(words[at], lemmas[at]):
            at, index = at + 1, index + 1  # a plain word: no choice to make, so no recursion
            continue
        return None
    return at, gaps


def _match_gap(elements: tuple, words: list[str], lemmas: list[tuple[str, ...]], at: int, index: int,
               gaps: tuple[int, ...]) -> tuple[int, tuple[int, ...]] | None:
    """A ".." or "..." at `index`: the shortest skip after which the rest of the phrase matches."""
    element, after = elements[index], elements[index + 1]  # a gap is always followed by a word (parse checks)
    length = len(words)
    for skip in range(GAP_MAX + 1 if element is GAP else FAR_MAX + 1):
        if skip and at + skip > length:
            break  # a gap never runs past the end...
        if skip and element is GAP and not words[at + skip - 1]:
            break  # ...and ".." never over a masked everyday expression
        here = at + skip
        if here >= length or not words[here] or not after.matches(words[here], lemmas[here]):
            continue  # the word after the gap is not there: try a longer skip without building anything
        skipped = tuple(range(at, here))
        if element is FAR:  # "later in the message": what lies between is not part of the phrase
            skipped = tuple(-1 - i for i in skipped)
        found = _match(elements, words, lemmas, here + 1, index + 2, gaps + skipped)
        if found:
            return found
    return None
