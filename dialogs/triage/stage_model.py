"""The second stage's fitted classifier as plain data: what the bot loads and scores with, without scikit-learn.

Training (second_stage.py) uses scikit-learn in a child process; the bot only reads the result, a JSON file of
term -> (idf, weight) per feature space, so neither scikit-learn nor its memory (about 200 MB while training)
stays in the bot. The two analyzers below cut a message into the same pieces as scikit-learn's
`TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5))` and `TfidfVectorizer(analyzer="word",
ngram_range=(1, 2))` with `preprocessor=fold` (tests/triage/test_stage_model.py checks it on every labelled
message), so the probabilities are scikit-learn's own.
"""

from __future__ import annotations

import base64
import json
import sys
from array import array
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from operator import itemgetter
from pathlib import Path

import numpy as np

from dialogs.triage.normalise import letter_twice
from dialogs.triage.stage_counts import Counts, dot, features

FORMAT = 3  # of the JSON file; a file of another format is trained again
_RUNS = re.compile(r"(.)\1\1+")  # a letter and two or more of it again: (.)\1{2,}, but twice as fast
_NON_ASCII = re.compile(r"([^\x00-\x7f]+)")  # runs of characters not ASCII
# scikit-learn's default token_pattern is (?u)\b\w\w+\b: the same words without the \b, which cost a third of
# the time. A run of \w found from left to right is a whole run (the one before it ended at a \W, or a run too short
# to match ends at the next character), so it always starts and ends at a word boundary.
_WORD = re.compile(r"\w\w+")


class _Unaccented(dict):
    """Character code -> the character without its accents (its NFKD form less the combining marks), filled as
    characters are met, for str.translate.

    Character by character gives what the whole text would: NFKD decomposes each character on its own, and only
    reorders combining marks, which are all dropped."""

    def __missing__(self, code: int) -> str:
        plain = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if len(self) < 10_000:
            self[code] = plain
        return plain


_UNACCENTED = _Unaccented()


def fold(text: str) -> str:
    """Lowercase, no accents, letters repeated three times or more kept twice ("mourirrrr" -> "mourirr").

    Lowercased as a whole first (a final sigma depends on the letter after it); ASCII text has nothing to strip.
    A table rather than a loop over the characters: this runs on every message the rules leave below high."""
    text = text.lower()
    if not text.isascii():  # only the runs of other characters go through the table (see normalise._fold)
        parts = _NON_ASCII.split(text)
        parts[1::2] = map(str.translate, parts[1::2], repeat(_UNACCENTED))
        text = "".join(parts)
    return _RUNS.sub(letter_twice, text)


def _padded_pieces(word: str, low: int, high: int) -> list[str]:
    """The pieces of one word already padded with spaces (" word "): of `low` letters, then `low` + 1... up to
    `high`, or up to the word itself when it is no longer (a word shorter than a piece counts once, as itself).

    One list comprehension rather than a loop of `extend`: each new word is cut once (then remembered, see
    Space.counted), but a message has a few new words, each cut into some forty pieces."""
    size = len(word)
    if size > high:
        return [word[at:at + n] for n in range(low, high + 1) for at in range(size - n + 1)]
    if size < low:
        return [word]
    return [word[at:at + n] for n in range(low, size) for at in range(size - n + 1)] + [word]


@cache
def _cutter(size: int, low: int, high: int):
    """word -> the tuple `_padded_pieces(word, low, high)` for a padded word of `size` characters: one itemgetter of
    the slices, which cuts every piece in C (a word met for the first time took about 5 µs in the comprehension,
    2 µs so; the slices depend on the length alone). At most one per length of word met."""
    if size > high:
        slices = [slice(at, at + n) for n in range(low, high + 1) for at in range(size - n + 1)]
    else:
        slices = [slice(at, at + n) for n in range(low, size) for at in range(size - n + 1)] + [slice(0, size)]
    if len(slices) == 1:  # an itemgetter of one item gives the item, not a tuple
        return lambda word: (word,)
    return itemgetter(*slices)


def char_pieces(text: str, low: int = 2, high: int = 5) -> list[str]:
    """Pieces of `low` to `high` characters inside each word padded with a space (a short word counts once)."""
    pieces: list[str] = []
    for word in fold(text).split():  # as scikit-learn, whose runs of spaces become one before this split
        pieces.extend(_padded_pieces(f" {word} ", low, high))
    return pieces


def _word_runs(folded: str, low: int, high: int) -> list[str]:
    words = _WORD.findall(folded)
    pieces = list(words) if low == 1 else []
    for n in range(max(low, 2), min(high, len(words)) + 1):
        pieces.extend(map(" ".join, zip(*(words[at:] for at in range(n)))))  # each run of n words in a row
    return pieces


def word_pieces(text: str, low: int = 1, high: int = 2) -> list[str]:
    """Words of two letters or more, and runs of `low` to `high` of them joined by a space."""
    return _word_runs(fold(text), low, high)


KINDS = ("char_wb", "word")  # the feature spaces this file knows how to cut a message into


def _pack(values: array) -> str:
    """Floats as base64 of their 8-byte little-endian form: the file is read without a Python float per value."""
    if sys.byteorder != "little":
        values = array("d", values)
        values.byteswap()
    return base64.b64encode(values.tobytes()).decode("ascii")


def _unpack(text: str) -> array:
    values = array("d")
    values.frombytes(base64.b64decode(text, validate=True))
    if sys.byteorder != "little":
        values.byteswap()
    return values


@dataclass(frozen=True)
class Space:
    """One feature space: how a message is cut (`kind`, n-gram sizes), and per known term its idf and weight.

    Terms map to a position in two arrays of floats rather than to a pair of Python floats: about 120,000 terms
    then take about 15 MB in the bot instead of about 30. numpy reads the same arrays (no copy), and `counting`
    (stage_counts.py) counts a message's terms; two models with the same terms share it.
    """

    kind: str
    low: int
    high: int
    terms: dict[str, int]
    idf: array
    weight: array
    counting: Counts | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.counting is None:
            object.__setattr__(self, "counting", Counts(self.terms))
        object.__setattr__(self, "idf_values", _floats(self.idf))
        object.__setattr__(self, "weights", _floats(self.weight))

    @classmethod
    def of(cls, kind: str, low: int, high: int, values: dict[str, tuple[float, float]]) -> Space:
        """A space from term -> (idf, weight)."""
        return cls(kind, low, high, {term: at for at, term in enumerate(values)},
                   array("d", (v[0] for v in values.values())), array("d", (v[1] for v in values.values())))

    def _cut(self, word: str) -> tuple[str, ...]:
        padded = f" {word} "
        return _cutter(len(padded), self.low, self.high)(padded)

    def counted(self, folded: str) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the known terms of an already folded message (in the order they first occur), and how often
        each occurs.

        Letter pieces never cross a word, so each word's known pieces are remembered (stage_counts.MEMO_WORDS words):
        the next message with that word does not cut it again, and a word said again is looked up once.
        """
        counting: Counts = self.counting  # type: ignore[assignment]
        if self.kind != "char_wb":
            return counting.words(_word_runs(folded, self.low, self.high))
        return counting.char(folded, self._cut)


def _floats(values: array) -> np.ndarray:
    """The floats of an array('d') as a numpy array, without a copy."""
    return np.frombuffer(values, dtype=np.float64) if len(values) else np.zeros(0)


Vector = tuple[tuple[np.ndarray, np.ndarray, float], ...]


@dataclass(frozen=True)
class Model:
    """A linear classifier on L2-normalised, sublinear TF-IDF features: the log-odds are a weight per term."""

    spaces: tuple[Space, ...]
    intercept: float

    def vector(self, text: str) -> Vector:
        """The message's features per space: the positions of its known terms, their values before L2
        normalisation (idf x (1 + log count)), and the L2 norm of those values (0.0 when none is known).

        The values are not divided by the norm here: `score` divides the one sum it makes instead of dividing
        every value (a long message has a thousand terms or more, and the vector may serve two models). The sums
        add from left to right, as Python's `sum` does (stage_counts.py): on the labelled messages the
        probabilities move by 3e-15 at most from math.fsum's (the tests compare them with scikit-learn's at 1e-9).
        """
        folded = fold(text)
        return tuple(features(space.idf_values, *space.counted(folded)) for space in self.spaces)  # type: ignore[attr-defined]

    def score(self, vector: Vector) -> float:
        """The probability for a `vector` of this model's spaces (or of a model that `reads_like` it).

        Per space, (values . weights) / norm: the dot product of the L2-normalised features, with one division."""
        score = self.intercept
        for space, (positions, values, norm) in zip(self.spaces, vector):
            if norm:
                score += dot(values, space.weights[positions]) / norm  # type: ignore[attr-defined]
        return 1.0 / (1.0 + math.exp(-score)) if score > -500 else 0.0

    def probability(self, text: str) -> float:
        """Probability that the message is dangerous (scikit-learn's predict_proba for the same pipeline)."""
        return self.score(self.vector(text))

    def reads_like(self, other: Model) -> bool:
        """Both models cut a message into the same terms with the same idf: one `vector` serves both."""
        return len(self.spaces) == len(other.spaces) and all(
            a.terms is b.terms and a.idf is b.idf and (a.kind, a.low, a.high) == (b.kind, b.low, b.high)
            for a, b in zip(self.spaces, other.spaces))

    def sharing(self, other: Model) -> Model:
        """This model, reusing `other`'s terms, idf and counting where they are equal (two models trained on the same
        messages have the same terms and idf: half the memory, and one vector for both)."""
        if len(self.spaces) != len(other.spaces) or any(
                (a.kind, a.low, a.high) != (b.kind, b.low, b.high)
                or not _same(a.terms, b.terms) or not _same(a.idf, b.idf)
                for a, b in zip(self.spaces, other.spaces)):
            return self
        return Model(tuple(Space(b.kind, b.low, b.high, b.terms, b.idf, a.weight, b.counting)
                           for a, b in zip(self.spaces, other.spaces)), self.intercept)

    def save(self, path: Path, key: str) -> None:
        """Write the model as JSON, atomically (a reader never sees half a file)."""
        if any("\n" in term for space in self.spaces for term in space.terms):
            raise ValueError("a term holds a line break")  # the analyzers never make one
        data = {"format": FORMAT, "key": key, "intercept": self.intercept,
                "spaces": [{"kind": s.kind, "low": s.low, "high": s.high, "terms": "\n".join(s.terms),
                            "idf": _pack(s.idf), "weight": _pack(s.weight)} for s in self.spaces]}
        partial = path.with_name(f"{path.name}.{id(data)}.part")
        partial.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        partial.replace(path)

    @classmethod
    def load(cls, path: Path, key: str, like: Model | None = None) -> Model | None:
        """The model in `path` if it was trained for `key` (same settings, same labelled files); else None.

        `like`: a model already loaded whose spaces this one's may equal (the urgent model has the terms and idf of
        the first one): an equal space takes its terms and idf, and 335,000 terms are not made again only to be
        dropped (about 40 MB for a moment, much of which the process kept)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
            return None
        known = {(s.kind, s.low, s.high): s for s in like.spaces} if like is not None else {}
        try:
            spaces = tuple(_space(s, known) for s in data["spaces"] if s["kind"] in KINDS)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        if any(not len(s.terms) == len(s.idf) == len(s.weight) for s in spaces):
            return None
        return cls(spaces, float(data["intercept"]))


def _same(a: object, b: object) -> bool:
    """Equal; at once when they are the same object (`load(..., like=)` already shared them: comparing 335,000 terms
    one by one took about 45 ms at every start)."""
    return a is b or a == b


def _space(data: dict, known: dict[tuple[str, int, int], Space]) -> Space:
    """A space of a model's file; its terms and idf are those of the `known` space of the same kind when equal."""
    kind, low, high = data["kind"], int(data["low"]), int(data["high"])
    idf, weight, same = _unpack(data["idf"]), _unpack(data["weight"]), known.get((kind, low, high))
    if same is not None and isinstance(data["terms"], str) and data["terms"] == "\n".join(same.terms):
        return Space(kind, low, high, same.terms, same.idf if idf == same.idf else idf, weight)
    return Space(kind, low, high, {t: at for at, t in enumerate(data["terms"].split("\n"))}, idf, weight)
