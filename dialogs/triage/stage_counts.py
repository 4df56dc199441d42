"""Counts the known terms of a message for the second stage with numpy, and sums them in the order Python would.

A long message has a thousand letter pieces or more; counting them, then computing idf x (1 + log count) and the
dot products term by term, cost about 300 µs a message in Python (a float object per step, the idf and weights of
some 156,000 terms read one by one). Here each word's known pieces are remembered from one message to the next
(the bytes of their positions, see Counts), the counting is done in two scratch arrays with `ufunc.at`, and the
rest is whole-array arithmetic.

The results are the same floats, bit for bit, as the Python loops they replace: the terms come in the order they
first occur in the message (as `collections.Counter` keeps them), each product is the same IEEE multiplication, 1 +
log(count) comes from `math.log` (numpy's own log may differ in the last bit), and a sum is the last value of
`np.add.accumulate`, which adds from left to right as Python's `sum` does (numpy's `sum` adds pairwise: other
roundings).
"""

from __future__ import annotations

import math
import threading
from array import array
from collections import Counter
from itertools import repeat

import numpy as np

MEMO_WORDS = 20_000  # words whose known letter pieces are remembered (two generations of half, see Counts)
_NONE = np.zeros(0, dtype=np.intp)
_CODE, _BYTES = np.dtype(np.intp).char, np.dtype(np.intp).itemsize  # array's type code of the same integers
_FAR = np.iinfo(np.int32).max  # no occurrence yet (the scratch array of first occurrences, see Counts.char)
# One, as the counts' own type: np.add.at with a Python int casts it per element on a slow path (about 250 µs for
# the 1,500 pieces of a long message in numpy 2.4, against 10 µs with an int32).
_ONE = np.int32(1)


class _Sublinear:
    """Count -> 1 + log(count) (scikit-learn's sublinear term frequency) for arrays of counts, from math.log."""

    def __init__(self) -> None:
        self.table = np.array([0.0, 1.0])

    def __call__(self, counts: np.ndarray) -> np.ndarray:
        if int(counts.max()) >= len(self.table):
            more = range(len(self.table), max(2 * len(self.table), int(counts.max()) + 1))
            self.table = np.concatenate([self.table, np.array([1.0 + math.log(n) for n in more])])
        return self.table[counts]


sublinear = _Sublinear()


class Counts:
    """The counting of one space's terms (shared by the models that read the same terms): the known letter pieces
    of each word met, and two scratch arrays as long as the vocabulary, all zero between messages.

    A word's known pieces are kept as the bytes of their positions (np.intp): a message's are then one bytes join
    and one np.frombuffer, not an np.concatenate of a small array per word (about 0.15 µs each), and a word met for
    the first time makes no numpy array. The words are remembered in two generations (`memo`, then `older`) of half
    of MEMO_WORDS each: when `memo` is full it becomes `older`, and a word found in `older` comes back to `memo`.
    Clearing every word at once made the next messages cut again even the words said in nearly every message."""

    def __init__(self, terms: dict[str, int]) -> None:
        self.terms = terms
        self.memo: dict[str, bytes] = {}
        self.older: dict[str, bytes] = {}
        self._scratch: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._lock = threading.Lock()  # the scratch arrays serve one message at a time

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._scratch is None:  # made at the first message: a model that is loaded but never used costs nothing
            size = len(self.terms)
            self._scratch = (np.zeros(size, np.int32), np.full(size, _FAR, np.int32), np.arange(0, dtype=np.int32))
        return self._scratch

    def learn(self, word: str, cut) -> bytes:
        """The positions of the known pieces of `word` (cut by `cut`), in order, as bytes of np.intp; remembered."""
        found = self.older.pop(word, None)
        if found is None:
            get = self.terms.get
            found = array(_CODE, [at for at in map(get, cut(word)) if at is not None]).tobytes()
        if len(self.memo) >= MEMO_WORDS // 2:
            self.older, self.memo = self.memo, {}
        self.memo[word] = found
        return found

    def char(self, folded: str, cut) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the known letter pieces of an already folded message, in the order they first occur,
        and how often each occurs: each distinct word's pieces once, weighted by how often the word is said."""
        said = Counter(folded.split())
        found = list(map(self.memo.get, said))  # in C; the few words not remembered are cut below
        if None in found:
            learn = self.learn
            found = [learn(word, cut) if known is None else known for word, known in zip(said, found)]
        joined = b"".join(found)
        if not joined:
            return _NONE, _NONE
        every = np.frombuffer(joined, dtype=np.intp)
        with self._lock:
            counts, first, order = self._arrays()
            if len(order) < len(every):
                order = np.arange(max(len(every), 2 * len(order)), dtype=np.int32)
                self._scratch = counts, first, order
            order = order[:len(every)]
            if max(said.values()) == 1:
                np.add.at(counts, every, _ONE)
            else:  # a word's pieces count as often as it is said (a word with no known piece repeats nothing)
                sizes = np.fromiter(map(len, found), dtype=np.intp, count=len(found)) // _BYTES
                np.add.at(counts, every, np.repeat(np.fromiter(said.values(), np.int32, len(said)), sizes))
            np.minimum.at(first, every, order)  # where each position first occurs in `every`
            positions = every[first[every] == order]  # each position once, where it first occurs
            found = counts[positions]
            counts[positions] = 0  # the scratch arrays back to nothing, for the next message
            first[positions] = _FAR
        return positions, found

    def words(self, runs: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the known runs of words, in the order they first occur, and how often each occurs (a
        run is looked up once however often it is said; two runs are never the same term)."""
        said = Counter(runs)
        # -1 for an unknown run, then one numpy mask: two lists and two np.array(list) cost more (about 7% of this)
        positions = np.fromiter(map(self.terms.get, said, repeat(-1)), np.intp, len(said))
        known = positions >= 0
        return positions[known], np.fromiter(said.values(), np.int32, len(said))[known]


def features(idf: np.ndarray, positions: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """(positions, idf x (1 + log count) for each, the L2 norm of those values; 0.0 when no term is known)."""
    if not len(positions):
        return positions, np.zeros(0), 0.0
    values = idf[positions] * sublinear(counts)
    return positions, values, math.sqrt(float(np.add.accumulate(values * values)[-1]))


def dot(values: np.ndarray, weights: np.ndarray) -> float:
    """values . weights, added from left to right (Python's `sum(map(mul, values, weights))`, bit for bit)."""
    return float(np.add.accumulate(values * weights)[-1])
