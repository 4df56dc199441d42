"""Concepts and their combinations, so a rule says "an intent + a death word, close together" once for every phrasing.

A concept (`[concepts]` in a rules file) is a family of words or short phrases written like any phrase
(lemmas, `a|b`, `pre*`, `..`, `{list}`): `mort = ["mourir", "crever", "suicid*", "me|m|se|s .. tuer"]`.
A group's `concepts` lists combinations such as `"intention + mort"`: one match of each concept, in any
order, all within `window` words of each other (default 8, or `@4` after the combination; `@0`: anywhere in
the message). A `!name` in a
combination is a guard: the combination does not fire when that concept is in the same window
(fiction, a game, the news). A combination gives a `Hit` like a phrase does, so negation, "long ago"
and the words `relier triage` prints work the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import product

from dialogs.triage.patterns import Hit, Phrase, RulesError, Word, hit, parse
from dialogs.triage.phrase_index import PhraseIndex, Seen

WINDOW = 8  # words: the default distance within which the concepts of a combination must all be found
_MAX_TRIES = 200  # combinations of hits tried per rule and message (messages are short; this bounds the worst)
_MAX_HITS = 4  # hits kept per rule and message


@dataclass(frozen=True)
class Combination:
    """Concepts that must all be found close together (`needs`), and those that must not be there (`guards`)."""

    id: str
    source: str
    needs: tuple[str, ...]
    guards: tuple[str, ...]
    window: int
    payload: object
    needed: frozenset[str] = field(init=False, repr=False, compare=False)  # the needs as a set, for a quick test

    def __post_init__(self) -> None:
        object.__setattr__(self, "needed", frozenset(self.needs))


def parse_combination(combo_id: str, source: str, known: set[str], window: int, payload: object) -> Combination:
    """`"intention + mort + !fiction @4"` -> a Combination (`@N`: its own window); an unknown concept raises RulesError."""
    text, _, own = source.partition("@")
    if own:
        if not own.strip().isdigit():
            raise RulesError(f"{combo_id}: '@' is followed by a number of words: {source!r}")
        window = int(own)
    names = [part.strip() for part in text.split("+")]
    needs = tuple(n for n in names if not n.startswith("!"))
    guards = tuple(n[1:].strip() for n in names if n.startswith("!"))
    for name in needs + guards:
        if name not in known:
            raise RulesError(f"{combo_id}: unknown concept {name!r} in {source!r}")
    if not needs:
        raise RulesError(f"{combo_id}: a combination needs at least one concept: {source!r}")
    return Combination(combo_id, source, needs, guards, window, payload)


def compile_concepts(raw: dict, origin: str, words: dict[str, str], resolve: Callable[[str], list[str]],
                     fold: Callable[[str], str], as_written: frozenset[str]) -> PhraseIndex:
    """Every phrase of every concept in one index, the concept's name as payload (one scan per message)."""
    index = PhraseIndex()
    for name, phrases in raw.items():
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
            raise RulesError(f"{origin}: [concepts] {name}: expected a list of non-empty strings")
        for number, source in enumerate(phrases, start=1):
            index.add(parse(f"{name}.{number}", source, words, resolve, fold, as_written), name)
    return index


def _joined(combo: Combination, hits: tuple[Hit, ...], start: int, end: int) -> Hit:
    """One Hit for a combination's hits, which together run from word `start` to `end`."""
    covered = {i for h in hits for i in range(h.start, h.end) if i not in h.gaps and i not in h.far}
    elements = tuple(e for h in hits for e in h.phrase.elements if isinstance(e, Word))
    phrase = _phrase(combo.id, combo.source + " (" + ", ".join(h.phrase.source for h in hits) + ")", elements)
    gaps = tuple(i for i in range(start, end) if i not in covered)
    starts = tuple(sorted(h.start for h in hits))
    if combo.window == 0:  # anywhere in the message: what lies between is not part of the match
        return hit(start, end, (), phrase, combo.payload, gaps, starts)
    return hit(start, end, gaps, phrase, combo.payload, (), starts)


def _phrase(phrase_id: str, source: str, elements: tuple) -> Phrase:
    """Phrase(...), made faster the way `hit` makes a Hit (the same object, equal to the one Phrase() makes)."""
    made = _new(Phrase)
    made.__dict__.update(id=phrase_id, source=source, elements=elements)
    return made


_new = object.__new__


def _bounds(hits: tuple[Hit, ...]) -> tuple[int, int] | None:
    """Where hits taken together start and end, or None when two start at the same word (one word cannot stand
    for two concepts)."""
    if len(hits) == 1:
        return hits[0].start, hits[0].end
    if len(hits) == 2:  # most combinations: said without building sets
        a, b = hits
        if a.start == b.start:
            return None
        return min(a.start, b.start), max(a.end, b.end)
    if len({h.start for h in hits}) < len(hits):
        return None
    return min(h.start for h in hits), max(h.end for h in hits)


class Combinations:
    """The combinations of a rules file, in their order, indexed once (at load) by their first concept."""

    def __init__(self, combos: Iterable[Combination] = ()) -> None:
        self.all = tuple(combos)
        self._by_first: dict[str, list[int]] = {}
        for position, combo in enumerate(self.all):
            self._by_first.setdefault(combo.needs[0], []).append(position)

    def __len__(self) -> int:
        return len(self.all)

    def candidates(self, present: Iterable[str]) -> list[Combination]:
        """Those whose first concept is present, in their order in the rules (the others cannot fire)."""
        positions = sorted(p for name in present for p in self._by_first.get(name, ()))
        return [self.all[p] for p in positions]


def find(combos: Combinations, concepts: PhraseIndex, words: list[str],
         lemmas: list[tuple[str, ...]], guards: PhraseIndex | None = None, seen: Seen | None = None) -> Iterator[Hit]:
    """Every combination found in the message (at most a few hits per combination).

    `guards` holds the families used only as guards: read only when a combination has found what it needs.
    """
    if not combos:
        return
    found_here = concepts.grouped(words, lemmas, seen)  # the hits of a family are made when a combination needs it
    if not found_here.names:
        return  # no family of the combinations in the message
    guards_read = guards is None
    names = frozenset(found_here.names)
    by_name: dict[str, list[Hit]] = {}  # the hits of the families used only as guards, when first needed

    def hits_of(name: str) -> list[Hit] | tuple[()]:
        # A family is in `concepts` (needed by a combination) or in `guards` (only a guard), never in both.
        return found_here.hits(name) if name in names else by_name.get(name, ())

    for combo in combos.candidates(names):
        if not combo.needed <= names:
            continue
        found = 0
        for tries, hits in enumerate(product(*map(found_here.hits, combo.needs))):
            if tries >= _MAX_TRIES:
                break
            bounds = _bounds(hits)
            if bounds is None:
                continue
            start, end = bounds
            if combo.window and len(hits) > 1 and end - start > combo.window:
                continue  # one concept alone: its own phrase says how far its words may be
            if combo.guards and not guards_read:
                for one in guards.find(words, lemmas, seen):  # type: ignore[union-attr]
                    by_name.setdefault(one.payload, []).append(one)  # type: ignore[arg-type]
                guards_read = True
            lo, hi = (start - combo.window, end + combo.window) if combo.window else (0, len(words))
            if any(lo <= g.start < hi for name in combo.guards for g in hits_of(name)):
                continue
            yield _joined(combo, hits, start, end)
            found += 1
            if found == _MAX_HITS:  # a few, so that a negated pair ("i don't want to die") hides no other one
                break
