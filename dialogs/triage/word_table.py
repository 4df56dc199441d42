"""The words met by the phrase indexes of one rules file (WordTable), each learned once for all of them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from dialogs.triage.seen import _Known

if TYPE_CHECKING:
    from dialogs.triage.phrase_index import PhraseIndex, _Starts

_CACHE_MAX = 50_000  # words (with their lemmas) a WordTable remembers, with what they are to each index
_NOTHING: frozenset[int] = frozenset()


class WordTable:
    """The words met by the indexes of one rules file, each looked up once for all of them (see _Known).

    A message's words are looked up here once, not once in each of the nine or so indexes that read them; a word
    new to the table is checked against the words of all the indexes at once (`_vocabulary`). Past _CACHE_MAX words,
    it starts again from nothing. An index belongs to one table: its own, until a rules file's table takes it."""

    def __init__(self, indexes: Iterable[PhraseIndex] = ()) -> None:
        self.indexes: list[PhraseIndex] = []
        self.known: dict[tuple[str, tuple[str, ...]], _Known] = {}
        self._maps: tuple[dict, dict, dict] | None = None
        self._bits: dict[tuple[int, int], int] = {}  # (slot, number of a phrase word) -> its bit (see mark)
        self._same: dict[int, int] = {}  # marks OR-ed -> one object for each value (see _marks)
        self._nowhere = _Known([], [], 0)  # what every word matching no phrase word of any index is (see learn)
        self.generation = 0  # how many times the marks were given again (forget): what was kept of them is stale
        for index in indexes:
            self.add(index)

    def add(self, index: PhraseIndex) -> None:
        index._table, index._slot = self, len(self.indexes)
        self.indexes.append(index)
        self._nowhere = _Known([_NOTHING] * len(self.indexes), [None] * len(self.indexes), 0)
        self.forget()

    def mark(self, slot: int, number: int) -> int:
        """The phrase word `number` of the index at `slot` as one bit for all the indexes of the table: a message's
        phrase words are then one integer, the OR of its words' marks (Seen.present), which every index reads.

        The bits are given out in the order the words are met (some 6,000 phrase words in a rules file): OR-ing a
        message's marks is a few machine words at a time, where the union of sets of numbers was an insertion per
        phrase word (about 25 µs a long message, a quarter of the cost of Seen.of)."""
        bit = self._bits.get((slot, number))
        if bit is None:
            bit = self._bits[slot, number] = 1 << len(self._bits)
        return bit

    def forget(self) -> None:
        """Drop what was learned (an index of the table has a new phrase)."""
        self.known.clear()
        for index in self.indexes:
            index._marked.clear()  # the marks are given again (see mark)
            index._shared.clear()
        self._bits.clear()
        self._same.clear()
        self._maps = None
        self.generation += 1

    def ready(self) -> None:
        """Make the vocabulary of the indexes now (once all their phrases are in), and the marks of their phrases, so
        that the first new words do not wait for them."""
        if self._maps is None:
            self._vocabulary()
            for index in self.indexes:
                index.mark_all()

    def _vocabulary(self) -> tuple[dict, dict, dict]:
        """The phrase words of every index by exact word, by lemma and by the first 3 letters of their prefixes, each
        with the slot of its index and their marks (see mark): what Word.matches says of a word, for every phrase
        word of every index at once.

        The marks are OR-ed here, once per entry: learning a word then ORs a few of them, not a bit per phrase word
        it matches (a common word matches dozens, each an OR of integers of some 6,000 bits)."""
        exact: dict[str, list[tuple[int, set[int], int]]] = {}
        lemma: dict[str, list[tuple[int, set[int], int]]] = {}
        heads: dict[str, list[tuple[int, tuple[str, ...], int, int]]] = {}
        for slot, index in enumerate(self.indexes):
            for word, numbers in index._by_exact.items():
                exact.setdefault(word, []).append((slot, numbers, self._marks(slot, numbers)))
            for word, numbers in index._by_lemma.items():
                lemma.setdefault(word, []).append((slot, numbers, self._marks(slot, numbers)))
            for head, entries in index._by_prefix_head.items():
                for prefixes, number in map(index._by_prefix.__getitem__, entries):
                    heads.setdefault(head, []).append((slot, prefixes, number, self.mark(slot, number)))
        self._maps = exact, lemma, heads
        return self._maps

    def _marks(self, slot: int, numbers: Iterable[int]) -> int:
        """The phrase words `numbers` of the index at `slot` as marks, OR-ed (one value kept for equal ORs, and a
        word's own bit for a single word: integers of thousands of bits, some 30,000 of them)."""
        marks = 0
        for number in numbers:
            marks = self.mark(slot, number) if not marks else marks | self.mark(slot, number)
        return self._same.setdefault(marks, marks)

    def learn(self, keys: set[tuple[str, tuple[str, ...]]], message: list[tuple[str, tuple[str, ...]]]) -> None:
        """Learn words (with their lemmas) not seen before; a masked word ("") matches nothing. Past _CACHE_MAX
        words, start again from nothing, and learn all the words of the `message` being read (those it had met
        before were forgotten with the rest)."""
        if len(self.known) + len(keys) > _CACHE_MAX:
            self.known.clear()
            for index in self.indexes:
                index._shared.clear()  # what they learned after each word holds words now forgotten
            keys = set(message)
        exact, lemma_of, heads = self._maps or self._vocabulary()
        slots, nowhere = len(self.indexes), self._nowhere
        for key in keys:
            word, lemmas = key
            found: dict[int, set[int]] = {}  # slot -> the numbers of the phrase words `word` matches there
            marks = 0  # those phrase words as marks, OR-ed
            if word:
                for slot, numbers, marked in exact.get(word, ()):
                    found[slot] = set(numbers)
                    marks |= marked
                for lemma in lemmas:
                    for slot, numbers, marked in lemma_of.get(lemma, ()):
                        found.setdefault(slot, set()).update(numbers)
                        marks |= marked
                for slot, prefixes, number, marked in heads.get(word[:3], ()):
                    if word.startswith(prefixes):
                        found.setdefault(slot, set()).add(number)
                        marks |= marked
            if not found:
                # Most new words (and a masked one) match no phrase word anywhere: they all share one record, which
                # the indexes read alike (no phrase starts there; after a word, it continues none of its phrases),
                # so a word followed by a new one finds what `_followed` said after any such word.
                self.known[key] = nowhere
                continue
            numbers_by_slot = [_NOTHING] * slots  # most words: one shared empty set, not one each
            starts: list[_Starts | None] = [None] * slots
            for slot, numbers in found.items():  # it matches no word of the others, so it starts none of their phrases
                numbers_by_slot[slot] = frozenset(numbers)
                candidates = self.indexes[slot]._candidates(word, lemmas)
                if candidates:
                    starts[slot] = self.indexes[slot].starts(candidates)
            self.known[key] = _Known(numbers_by_slot, starts, marks)
