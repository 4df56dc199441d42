"""Phrases of the rules files compiled to word matchers, so the rules stay data a psychologist can edit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

from dialogs.triage.lemmas import MIN_LETTERS

GAP_MAX = 3  # ".." in a phrase stands for 0 to 3 words
FAR_MAX = 30  # "..." stands for 0 to 30 words: "later in the same message"
_CACHE_MAX = 50_000  # words (with their lemmas) whose candidate phrases each index remembers


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
_NOTHING: frozenset[int] = frozenset()


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


class Seen(NamedTuple):
    """The words of a message with their lemmas, position by position and once each, for every index to read."""

    keys: list[tuple[str, tuple[str, ...]]]
    distinct: set[tuple[str, tuple[str, ...]]]
    where: dict[tuple[str, tuple[str, ...]], list[int]]  # each distinct word -> its positions, in order

    @classmethod
    def of(cls, words: list[str], lemmas: list[tuple[str, ...]]) -> Seen:
        keys = list(zip(words, lemmas))
        where: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        for at, key in enumerate(keys):
            where.setdefault(key, []).append(at)
        return cls(keys, set(where), where)

    def positions(self, live: set[tuple[str, tuple[str, ...]]]) -> list[int]:
        """Where the words of `live` stand, in order: made from `where`, so that each index that reads a long
        message does not go over all of its words again (most indexes have only a few words live)."""
        where = self.where
        if len(live) == 1:
            return where[next(iter(live))]
        return sorted(chain.from_iterable(map(where.__getitem__, live)))


class _Starts(NamedTuple):
    """The phrases one word may start (see PhraseIndex._starts)."""

    entries: list[tuple[Phrase, object, int, frozenset[int], bool]]  # in the order `find` tries them
    by_second: dict[int, list[int]]  # the number of a second word -> the entries (their order) it continues
    loose: list[int]  # the entries (their order) with no second word to check


class PhraseIndex:
    """Phrases indexed by their first word, so a message is scanned once whatever the number of rules."""

    def __init__(self) -> None:
        self._exact: dict[str, list[tuple[Phrase, object]]] = {}
        self._lemma: dict[str, list[tuple[Phrase, object]]] = {}
        self._prefixed: list[tuple[tuple[str, ...], Phrase, object]] = []
        self._all_prefixes: tuple[str, ...] = ()
        self._starting: dict[tuple[str, tuple[str, ...]], _Starts] = {}  # see _learn and _starts
        self._pairs: dict[tuple, tuple[list[tuple[Phrase, object, int, frozenset[int], bool]], bool]] = {}  # _followed
        self._numbers: dict[Word, int] = {}  # every word of every phrase, numbered (equal words share a number)
        self._by_exact: dict[str, set[int]] = {}
        self._by_lemma: dict[str, set[int]] = {}
        self._by_prefix: list[tuple[tuple[str, ...], int]] = []
        self._every_prefix: tuple[str, ...] = ()
        self._needs: dict[int, frozenset[int]] = {}  # id of a phrase -> the numbers of its words
        self._seconds: dict[int, int | None] = {}  # id of a phrase -> the number of its second word (None: a gap)
        self._present: dict[tuple[str, tuple[str, ...]], frozenset[int]] = {}  # see _learn

    def add(self, phrase: Phrase, payload: object = None) -> None:
        self._starting.clear()
        self._pairs.clear()
        self._present.clear()
        for element in phrase.elements:
            if isinstance(element, Word) and element not in self._numbers:
                number = self._numbers[element] = len(self._numbers)
                for word in element.exact:
                    self._by_exact.setdefault(word, set()).add(number)
                for word in element.lemmas:
                    self._by_lemma.setdefault(word, set()).add(number)
                if element.prefixes:
                    self._by_prefix.append((element.prefixes, number))
                    self._every_prefix = tuple(sorted(set(self._every_prefix) | set(element.prefixes)))
        self._needs[id(phrase)] = frozenset(self._numbers[e] for e in phrase.elements if isinstance(e, Word))
        second = phrase.elements[1] if len(phrase.elements) > 1 else None
        self._seconds[id(phrase)] = self._numbers[second] if isinstance(second, Word) else None
        first = phrase.elements[0]
        assert first is not None
        for word in first.exact:
            self._exact.setdefault(word, []).append((phrase, payload))
        for word in first.lemmas:
            self._lemma.setdefault(word, []).append((phrase, payload))
        if first.prefixes:
            self._prefixed.append((first.prefixes, phrase, payload))
            self._all_prefixes = tuple(sorted({p for ps, _, _ in self._prefixed for p in ps}))

    def vocabulary(self) -> tuple[set[str], set[str]]:
        """Every exact word and every prefix used by the phrases of this index."""
        words: set[str] = set()
        prefixes: set[str] = set()
        seen = {id(p): p for entries in self._exact.values() for p, _ in entries}
        seen.update({id(p): p for _, p, _ in self._prefixed})
        seen.update({id(p): p for entries in self._lemma.values() for p, _ in entries})
        for phrase in seen.values():
            for element in phrase.elements:
                if isinstance(element, Word):
                    words |= element.exact
                    prefixes |= set(element.prefixes)
        return words, prefixes

    def base_words(self) -> set[str]:
        """Every word of these phrases that stands for all its forms."""
        seen = {id(p): p for index in (self._exact, self._lemma) for entries in index.values() for p, _ in entries}
        seen.update({id(p): p for _, p, _ in self._prefixed})
        return set().union(*(p.base_words() for p in seen.values()))

    def _candidates(self, word: str, lemmas: tuple[str, ...]) -> list[tuple[Phrase, object]]:
        """The phrases that may start at `word`, in the order `find` tries them."""
        candidates = list(self._exact.get(word, ()))
        for lemma in lemmas:
            more = self._lemma.get(lemma)
            if more:
                seen = {id(p) for p, _ in candidates}
                candidates += [c for c in more if id(c[0]) not in seen]
        if self._all_prefixes and word.startswith(self._all_prefixes):
            candidates += [(p, load) for ps, p, load in self._prefixed if word.startswith(ps)]
        return candidates

    def _numbers_of(self, word: str, lemmas: tuple[str, ...]) -> frozenset[int]:
        """The numbers of the phrase words that `word` matches (what Word.matches says, for all of them at once)."""
        found = set(self._by_exact.get(word, ()))
        for lemma in lemmas:
            found |= self._by_lemma.get(lemma, set())
        if self._every_prefix and word.startswith(self._every_prefix):
            found.update(number for prefixes, number in self._by_prefix if word.startswith(prefixes))
        return frozenset(found)

    def _learn(self, keys: set[tuple[str, tuple[str, ...]]]) -> None:
        """Remember, for words (with their lemmas) not seen before, the phrase words they match and the phrases
        they may start; a masked word ("") matches nothing. Past _CACHE_MAX words, start again from nothing."""
        if len(self._present) + len(keys) > _CACHE_MAX:
            self._present.clear()
            self._starting.clear()
            self._pairs.clear()
        for key in keys:
            if not key[0]:
                self._present[key] = frozenset()
                continue
            self._present[key] = self._numbers_of(*key)
            candidates = self._candidates(*key)
            if candidates:
                self._starting[key] = self._starts(candidates)

    def _starts(self, candidates: list[tuple[Phrase, object]]) -> _Starts:
        """The phrases a word may start, in order, made ready for `_followed`: grouped by the number of their second
        word, so that a word starting dozens of phrases ("je", "not") is quick to pair with each new neighbour."""
        entries: list[tuple[Phrase, object, int, frozenset[int], bool]] = []
        by_second: dict[int, list[int]] = {}
        loose: list[int] = []  # phrases of one word, or whose first word is followed by a gap: always candidates
        for order, (phrase, payload) in enumerate(candidates):
            second, needs, count = self._seconds[id(phrase)], self._needs[id(phrase)], len(phrase.elements)
            if second is None:
                entries.append((phrase, payload, 1, needs, count == 1))
                loose.append(order)
            else:
                entries.append((phrase, payload, 2, needs, count == 2))
                by_second.setdefault(second, []).append(order)
        return _Starts(entries, by_second, loose)

    def _followed(self, key: tuple[str, tuple[str, ...]],
                  after: tuple[str, tuple[str, ...]] | None
                  ) -> tuple[list[tuple[Phrase, object, int, frozenset[int], bool]], bool]:
        """The candidates of `key` whose second word matches `after` (None: the end of the message), in order, each
        with the element to go on from (2 when the second word was checked here, 1 when a gap follows the first),
        the numbers of its words (all must be in the message) and whether that was the whole phrase (then it
        matched: nothing is left to check); and whether all of them were whole."""
        entries, by_second, loose = self._starting[key]
        # `after` matches a second word when its number is among those `after` has (what Word.matches would say,
        # learned once per word).
        matched = _NOTHING if after is None else self._present[after]  # a masked word ("") has none
        if len(matched) <= len(by_second):
            chosen = [order for number in matched if number in by_second for order in by_second[number]]
        else:
            chosen = [order for number, orders in by_second.items() if number in matched for order in orders]
        if chosen:
            chosen += loose
            chosen.sort()
        else:
            chosen = loose
        out = [entries[order] for order in chosen]
        followed = self._pairs[(key, after)] = (out, all(entry[4] for entry in out))
        return followed

    def find(self, words: list[str], lemmas: list[tuple[str, ...]] | None = None,
             seen: Seen | None = None) -> Iterator[Hit]:
        """Every match of every phrase in `words` (the first match of a phrase at each start).

        `seen`: `Seen.of(words, lemmas)` made once for the indexes that read the same words (it must be remade when
        a word changes)."""
        if lemmas is None:
            lemmas = [()] * len(words)
        seen = seen or Seen.of(words, lemmas)
        keys, distinct = seen.keys, seen.distinct
        unknown = distinct.difference(self._present)  # (not `- keys()`, which copies every key remembered)
        if unknown:
            self._learn(unknown)
        # The words of this message that may start a phrase of this index. Two differences, not `distinct &
        # keys()`: a set keeps the hash of each (word, lemmas), and hashing them again is most of the cost.
        live = distinct - distinct.difference(self._starting)
        if not live:
            return
        present: frozenset[int] | None = None  # the phrase words the message has, when first needed
        pairs, last = self._pairs, len(keys) - 1
        fitting: dict[tuple, list] = {}  # a pair of words met again (filler repeats) -> its candidates that may fit
        for at in seen.positions(live):
            pair = (keys[at], keys[at + 1] if at < last else None)
            candidates = fitting.get(pair)
            if candidates is None:
                candidates, whole = pairs.get(pair) or self._followed(*pair)
                if not whole:  # a longer phrase is tried only when all its words are in the message
                    if present is None:
                        present = frozenset().union(*map(self._present.__getitem__, distinct))
                    candidates = [c for c in candidates if c[4] or c[3] <= present]
                fitting[pair] = candidates
            for phrase, payload, resume, _, whole in candidates:
                if whole:  # one or two words, both checked: a match
                    yield hit(at, at + resume, (), phrase, payload)
                    continue
                found = _match(phrase.elements, words, lemmas, at + resume, resume, ())
                if found:
                    skipped = found[1]
                    if not skipped:
                        yield hit(at, found[0], (), phrase, payload)
                        continue
                    near = tuple(i for i in skipped if i >= 0)
                    far = tuple(-1 - i for i in skipped if i < 0)
                    yield hit(at, found[0], near, phrase, payload, far)
