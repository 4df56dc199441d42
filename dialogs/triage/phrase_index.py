"""Phrases indexed by their first word (PhraseIndex), so a message is scanned once whatever the number of rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import NamedTuple

from dialogs.triage.patterns import Hit, Phrase, Word, hit
from dialogs.triage.phrase_hits import Grouped, _longer
from dialogs.triage.seen import Seen, _Known
from dialogs.triage.word_table import _NOTHING, WordTable

_NO_PHRASE: tuple[list, bool] = ([], True)  # what `_followed` says of a pair that continues no phrase (never changed)


def _by_head(heads: dict[str, list[int]], prefixes: tuple[str, ...], entry: int) -> None:
    """File `entry` (its number in a list of prefixed words or phrases) under the first 3 letters of each of its
    prefixes (a prefix has 3 letters or more, see patterns.parse), once each: a word new to the index is then
    checked against the few prefixes it may start with, not against all of them (hundreds in a rules file)."""
    for head in dict.fromkeys(prefix[:3] for prefix in prefixes):
        heads.setdefault(head, []).append(entry)


class _Starts(NamedTuple):
    """The phrases one word may start (see PhraseIndex._starts)."""

    entries: list[tuple[Phrase, object, int, int, bool]]  # in the order `find` tries them
    by_second: dict[int, list[int]]  # the number of a second word -> the entries (their order) it continues
    loose: list[int]  # the entries (their order) with no second word to check
    alone: tuple[list, bool]  # what `_followed` says when the next word continues none of the others (shared)
    # What `_followed` said for each word met after this one: looked up by that word alone, not by a (word, next
    # word) pair, whose hash (of two tuples) would be made again at every position of every message.
    followed: dict[_Known | None, tuple[list, bool]]
    # One word each of these phrases needs besides the first, as marks (WordTable.mark, OR-ed), or None when one of
    # them is that word alone: a message with none of them has none of these phrases at this word (see
    # PhraseIndex._plan).
    hinges: int | None


class PhraseIndex:
    """Phrases indexed by their first word, so a message is scanned once whatever the number of rules."""

    def __init__(self) -> None:
        self._exact: dict[str, list[tuple[Phrase, object]]] = {}
        self._lemma: dict[str, list[tuple[Phrase, object]]] = {}
        self._prefixed: list[tuple[tuple[str, ...], Phrase, object]] = []
        self._prefixed_by_head: dict[str, list[int]] = {}  # see _by_head
        self._numbers: dict[Word, int] = {}  # every word of every phrase, numbered (equal words share a number)
        self._by_exact: dict[str, set[int]] = {}
        self._by_lemma: dict[str, set[int]] = {}
        self._by_prefix: list[tuple[tuple[str, ...], int]] = []
        self._by_prefix_head: dict[str, list[int]] = {}  # see _by_head
        self._needs: dict[int, frozenset[int]] = {}  # id of a phrase -> the numbers of its words
        self._letters: dict[int, int] = {}  # the number of a word -> the letters of its shortest spelling (_hinge)
        # id of a phrase -> its words (OR-ed) and its hinge (see _Starts) as marks of its table, made once (_starts)
        self._marked: dict[int, tuple[int, int | None]] = {}
        self._seconds: dict[int, int | None] = {}  # id of a phrase -> the number of its second word (None: a gap)
        # The phrases a word may start (ids of each phrase and payload, in order) -> their _Starts, made once: the
        # forms of one base word, and the words of one prefix, start the same phrases (see `starts`).
        self._shared: dict[tuple[tuple[int, int], ...], _Starts] = {}
        self._table: WordTable
        self._slot: int
        WordTable([self])  # a table of its own, until a rules file's WordTable takes it (see WordTable)

    def add(self, phrase: Phrase, payload: object = None) -> None:
        self._table.forget()
        for element in phrase.elements:
            if isinstance(element, Word) and element not in self._numbers:
                number = self._numbers[element] = len(self._numbers)
                self._letters[number] = min(map(len, chain(element.exact, element.lemmas, element.prefixes)),
                                            default=0)
                for word in element.exact:
                    self._by_exact.setdefault(word, set()).add(number)
                for word in element.lemmas:
                    self._by_lemma.setdefault(word, set()).add(number)
                if element.prefixes:
                    _by_head(self._by_prefix_head, element.prefixes, len(self._by_prefix))
                    self._by_prefix.append((element.prefixes, number))
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
            _by_head(self._prefixed_by_head, first.prefixes, len(self._prefixed))
            self._prefixed.append((first.prefixes, phrase, payload))

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
        prefixed = self._prefixed_by_head.get(word[:3])
        if prefixed:
            candidates += [(p, load) for ps, p, load in map(self._prefixed.__getitem__, prefixed)
                           if word.startswith(ps)]
        return candidates

    def starts(self, candidates: list[tuple[Phrase, object]]) -> _Starts:
        """`_starts(candidates)`, shared by the words that start the same phrases in the same order (a word new to
        the table is often another form of a known one: "tuerais" after "tuer"). What it learns after each word
        (`_Starts.followed`) depends on those phrases alone, so it serves them all."""
        key = tuple([(id(phrase), id(payload)) for phrase, payload in candidates])
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = self._starts(candidates)
        return found

    def _starts(self, candidates: list[tuple[Phrase, object]]) -> _Starts:
        """The phrases a word may start, in order, made ready for `_followed`: grouped by the number of their second
        word, so that a word starting dozens of phrases ("je", "not") is quick to pair with each new neighbour.
        Learned once per word of the table (WordTable.learn), so the work here is not per message."""
        entries: list[tuple[Phrase, object, int, int, bool]] = []
        by_second: dict[int, list[int]] = {}
        loose: list[int] = []  # phrases of one word, or whose first word is followed by a gap: always candidates
        hinges: int | None = 0
        for order, (phrase, payload) in enumerate(candidates):
            second, count = self._seconds[id(phrase)], len(phrase.elements)
            marks, hinge = self._marked.get(id(phrase)) or self._marks(phrase)
            if hinges is not None:
                hinges = None if hinge is None else hinges | hinge
            if second is None:
                entries.append((phrase, payload, 1, marks, count == 1))
                loose.append(order)
            else:
                entries.append((phrase, payload, 2, marks, count == 2))
                by_second.setdefault(second, []).append(order)
        alone = [entries[order] for order in loose]
        return _Starts(entries, by_second, loose, (alone, all(entry[4] for entry in alone)) if alone else _NO_PHRASE,
                       {}, hinges)

    def _marks(self, phrase: Phrase) -> tuple[int, int | None]:
        """The words of `phrase` (OR-ed) and its hinge (None: none, or a phrase of one word) as marks of the table
        (WordTable.mark), made once per phrase."""
        table, slot, needs = self._table, self._slot, self._needs[id(phrase)]
        hinge = self._hinge(phrase, needs)
        needed = table._marks(slot, needs)
        marked = self._marked[id(phrase)] = (
            needed, None if len(phrase.elements) == 1 or hinge is None else table.mark(slot, hinge))
        return marked

    def mark_all(self) -> None:
        """Make the marks of every phrase now (WordTable.ready, at load): a word new to the table then finds those
        of the phrases it starts made, instead of making them while a message waits (about a third of the cost of
        learning a word that starts phrases never met before)."""
        phrases = [phrase for entries in chain(self._exact.values(), self._lemma.values()) for phrase, _ in entries]
        for phrase in chain(phrases, (phrase for _, phrase, _ in self._prefixed)):
            if id(phrase) not in self._marked:
                self._marks(phrase)

    def _hinge(self, phrase: Phrase, needs: frozenset[int]) -> int | None:
        """The number of one word `phrase` needs besides its first, the longest (short words, « de », "to", are in
        most messages: a long one tells more often that the phrase cannot be there); None when it has no other."""
        others = needs - {self._numbers.get(phrase.elements[0])}  # type: ignore[arg-type]  # a Word
        return max(others, key=lambda number: (self._letters[number], number), default=None)

    def _followed(self, starts: _Starts, after: _Known | None
                  ) -> tuple[list[tuple[Phrase, object, int, int, bool]], bool]:
        """The candidates of a word (its `starts`) whose second word matches `after` (None: the end of the message),
        in order, each with the element to go on from (2 when the second word was checked here, 1 when a gap follows
        the first), its words as marks (WordTable.mark: all must be in the message) and whether that was the whole
        phrase (then it matched: nothing is left to check); and whether all of them were whole."""
        entries, by_second, loose, alone, followed, _ = starts
        # `after` matches a second word when its number is among those `after` has (what Word.matches would say,
        # learned once per word).
        matched = _NOTHING if after is None else after.numbers[self._slot]  # a masked word ("") has none
        if len(matched) <= len(by_second):
            chosen = [order for number in matched if number in by_second for order in by_second[number]]
        else:
            chosen = [order for number, orders in by_second.items() if number in matched for order in orders]
        if not chosen:  # most neighbours: the answer made once for the word, not a new list for each pair
            followed[after] = alone
            return alone
        chosen += loose
        chosen.sort()
        out = [entries[order] for order in chosen]
        found = followed[after] = (out, all(entry[4] for entry in out))
        return found

    def find(self, words: list[str], lemmas: list[tuple[str, ...]] | None = None,
             seen: Seen | None = None) -> Iterator[Hit]:
        """Every match of every phrase in `words` (the first match of a phrase at each start).

        `seen`: `Seen.of(words, lemmas, table)` made once for the indexes of `table` that read the same words (it
        must be remade when a word changes)."""
        if lemmas is None:
            lemmas = [()] * len(words)
        starting, order = self._plan(words, lemmas, seen)
        for at in order:
            for phrase, payload, resume, _, whole in starting[at]:
                if whole:  # one or two words, both checked: a match
                    yield hit(at, at + resume, (), phrase, payload)
                    continue
                found = _longer(at, phrase, payload, resume, words, lemmas)
                if found is not None:
                    yield found

    def grouped(self, words: list[str], lemmas: list[tuple[str, ...]], seen: Seen | None = None) -> Grouped:
        """What `find` yields, by payload, each Hit made only when its payload is asked for (see Grouped)."""
        return Grouped(*self._plan(words, lemmas, seen), words, lemmas)

    def _plan(self, words: list[str], lemmas: list[tuple[str, ...]], seen: Seen | None
              ) -> tuple[dict[int, list], Iterable[int]]:
        """The positions where phrases may start, each with its candidates in the order `find` tries them, and
        those positions in order."""
        if seen is None or seen.table is not self._table:
            seen = Seen.of(words, lemmas, self._table)
        slot = self._slot
        live = seen.live[slot]
        if not live:
            return {}, ()
        known, where, present = seen.known, seen.where, seen.present  # present: the phrase words the message has
        last = len(known) - 1
        # Word by live word, the candidates of each word that follows it (filler repeats the same pairs): looked up
        # by the next word alone, in this message (`fitting`) and across messages (`_Starts.followed`), not by a
        # (word, next word) pair per position. Only the positions with candidates are kept, then read in order.
        starting: dict[int, list] = {}
        kept: dict[int, list] = {}  # id of a list of candidates -> those that may fit this message (see below)
        for word in live:
            starts = word.starts[slot]
            if starts.hinges is not None and not starts.hinges & present:
                continue  # each of its phrases needs a word the message does not have: it starts none of them here
            fitting: dict = {}
            followed = starts.followed
            for at in where[word]:
                after = known[at + 1] if at < last else None
                candidates = fitting.get(after)
                if candidates is None:
                    candidates, whole = followed.get(after) or self._followed(starts, after)
                    if not whole:  # a longer phrase is tried only when all its words are in the message
                        # Checked once per list: a word followed by words that continue none of its phrases
                        # ("je" + most words) has the same list (`_Starts.alone`) after each of them.
                        fit = kept.get(id(candidates))
                        if fit is None:
                            fit = kept[id(candidates)] = [c for c in candidates if c[4] or c[3] & present == c[3]]
                        candidates = fit
                    fitting[after] = candidates
                if candidates:
                    starting[at] = candidates
        return starting, sorted(starting) if len(live) > 1 else starting
