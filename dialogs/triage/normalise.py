"""Turns what people type into comparable words, so one rule matches caps, accents, SMS spelling and "mourirrrr"."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, repeat
from operator import itemgetter

_SPECIAL = {"œ": "oe", "æ": "ae", "ß": "ss", "’": "'", "‘": "'", "`": "'", "ʼ": "'", "´": "'", "ʹ": "'"}
# Laughing emoji read as the word "mdr", so an everyday phrase can name it ("j'en peux plus 😂" after sport);
# a danger phrase never lists it, so "jveux mourir 😂" stays urgent (decision 4 of the rules files).
_SPECIAL.update({"😂": " mdr ", "🤣": " mdr ", "😹": " mdr "})
# Emoji that name a means are read as words ("🔪🛁 tonight"): English words, which the French [spelling] maps too.
_SPECIAL.update({"🔪": " knife ", "🗡": " knife ", "🩸": " blood ", "💊": " pills ", "🛁": " bath ", "🪢": " rope ",
                 "⚰": " coffin ", "🪦": " grave "})
_NON_ASCII = re.compile(r"([^\x00-\x7f]+)")
_PIECE = re.compile(r"[a-z0-9']+|[.!?;,:\n]+")
_AROUND_PIECES = re.compile(f"({_PIECE.pattern})")  # split() keeps the pieces, between what lies around them
_BREAKS = ".!?;,:\n"  # a piece starting with one of these is punctuation: a clause break
_RUN_TO_ONE = re.compile(r"(.)\1+")
_RUN_TO_TWO = re.compile(r"(.)\1{2,}")
# A run becomes its letter once (itemgetter(1): the match's group 1, in C) or twice (letter_twice), not r"\1", r"\1\1",
# which in Python 3.11 cost a Python call per sub() (re._subx) and two per run (re._parser.expand_template).
_ONCE = itemgetter(1)
# French SMS writes the elided word glued to the next one: "jexiste", "dadieu", "sarreter", "quil", and "jsaute"
# for "je saute". The first letters split off when the rest is a word the rules use (see Normaliser.resolve).
_ELIDED = ("qu", "j", "l", "d", "m", "t", "s", "n", "c")
_VOWELS = frozenset("aeiouhy")
_CONTRACTIONS = (("'ll", "will"), ("'re", "are"), ("'ve", "have"))  # English, read before the apostrophe is dropped
_SHORT_AFTER_ELISION = frozenset({"il", "ils", "en", "un", "une", "elle", "est"})


def _fold_char(char: str) -> str:
    low = char.lower()
    if not low.isascii():
        low = "".join(
            _SPECIAL.get(c) or "".join(d for d in unicodedata.normalize("NFKD", c) if not unicodedata.combining(d))
            for c in low
        )
    return low


class _Folded(dict):
    """Character code -> its folded text, filled as characters are met, for str.translate."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _fold_char(char)
        if len(folded) != 1:
            _NOT_ONE.add(char)
        if len(self) < 10_000:
            self[code] = folded
        return folded


_FOLDED = _Folded()
_NOT_ONE: set[str] = set()  # the characters met so far that fold to more or fewer than one character


def fold(text: str) -> tuple[str, list[int]]:
    """Lowercase and strip accents, keeping for each folded character its index in `text`."""
    folded, where = _fold(text)
    return folded, list(range(len(text))) if where is None else where


def _fold(text: str) -> tuple[str, list[int] | None]:
    """fold(text), with None for the index map when each character folded to one (most messages)."""
    if text.isascii():
        return text.lower(), None
    # str.translate goes through the table character by character (tens of ns each) once the text is not all
    # ASCII: only the runs of other characters are translated, the ASCII between them lowercased (the same text).
    parts = _NON_ASCII.split(text)  # ASCII, then not, alternately (the pattern's group keeps both)
    others = parts[1::2]
    parts[::2] = map(str.lower, parts[::2])
    parts[1::2] = map(str.translate, others, repeat(_FOLDED))
    folded = "".join(parts)
    if _NOT_ONE.isdisjoint("".join(others)):  # an ASCII character always folds to one: only the others are looked at
        return folded, None
    return folded, _where(text)


def _where(text: str) -> list[int]:
    """For each folded character, the index in `text` of the character it came from: the runs of characters that
    fold to one are copied as ranges, so only the few others ("œ", "😂") are looked at one by one."""
    where: list[int] = []
    done = 0
    for run in _NON_ASCII.finditer(text):  # an ASCII character always folds to one
        for index in range(*run.span()):
            char = text[index]
            if char in _NOT_ONE:
                where += range(done, index)
                where += [index] * len(_FOLDED[ord(char)])
                done = index + 1
    where += range(done, len(text))
    return where


@lru_cache(maxsize=2)
def _pieces_once(text: str) -> list[tuple[str, int, int, bool]]:
    """The typed pieces of `text` (folded), each with its span in `text` and whether punctuation came just before.

    The same for both languages, so found once per message (each language then reads them with its own spelling):
    going over the characters is a good part of the cost of a long message."""
    folded, where = _fold(text)
    out: list[tuple[str, int, int, bool]] = []
    append = out.append
    after_break = False
    # Split around the pieces (what lies between, then a piece, alternately) rather than a match object per piece:
    # the pieces' spans are the running sums of the parts' lengths, found in C.
    parts = _AROUND_PIECES.split(folded)
    ends = list(accumulate(map(len, parts)))  # ends[2k] is where piece k starts, ends[2k + 1] where it ends
    for raw, first, last in zip(parts[1::2], ends[0::2], ends[1::2]):
        if raw[0] in _BREAKS:
            after_break = True
            continue
        if where is None:  # the folded text has the characters of the text
            append((raw, first, last, after_break))
        else:
            append((raw, where[first], where[last - 1] + 1, after_break))
        after_break = False
    return out


def letter_twice(run: re.Match) -> str:
    """A run's letter twice, as r"\1\1" gives (see _ONCE; stage_model.fold uses it too)."""
    return run[1] * 2


def _as_typed_then_one(word: str) -> Iterator[str]:
    """`word`, then `word` with its repeated letters made one when that is another word (the regular expression
    runs only when the word as typed did not do)."""
    yield word
    one = _RUN_TO_ONE.sub(_ONCE, word)
    if one != word:
        yield one


def plain_words(text: str) -> list[list[tuple[str, ...]]]:
    """The folded words of `text`, sentence by sentence (a comma does not end one), each word as typed and, when
    different, with its repeated letters made one ("ouaiiis" -> "ouais"): for short answers (dialogs.triage.reply)."""
    sentences: list[list[tuple[str, ...]]] = [[]]
    previous_end = 0
    for raw, start, end, _after_break in _pieces_once(text):
        if sentences[-1] and any(mark in text[previous_end:start] for mark in ".!?\n…"):
            sentences.append([])
        sentences[-1].append(tuple(_as_typed_then_one(raw)))
        previous_end = end
    return [s for s in sentences if s]


def fold_word(word: str) -> str:
    """Fold one word of a rules file (lowercase, no accents)."""
    return fold(word)[0]


@dataclass(frozen=True)
class Token:
    """One word after normalisation, with the characters of the original text it came from."""

    word: str
    start: int
    end: int
    brk: bool = False  # a clause break (punctuation, "mais", "but"...) comes just before it
    lemmas: tuple[str, ...] = ()  # the base words of the rules this word is a form of ("tuerais" -> "tuer")


def _token(word: str, start: int, end: int, brk: bool, lemmas: tuple[str, ...]) -> Token:
    """Token(word, start, end, brk, lemmas), made three times faster: a frozen dataclass sets each field through
    object.__setattr__; this fills its __dict__ at once (the same object, equal to the one Token() makes)."""
    token = _new(Token)
    fields = token.__dict__
    fields["word"], fields["start"], fields["end"], fields["brk"], fields["lemmas"] = word, start, end, brk, lemmas
    return token


_new = object.__new__
Row = tuple[str, int, int, bool, tuple[str, ...]]  # a Token's fields, in order (see Normaliser.rows)


@dataclass
class Normaliser:
    """The normalisation of one language: apostrophes, SMS spellings, the words the rules know."""

    spelling: dict[str, tuple[str, ...]]
    split_apostrophes: bool = True
    clause_breaks: frozenset[str] = frozenset()
    vocabulary: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    m_a_before: frozenset[str] = frozenset()  # "ma frappée" typed for "m'a frappée" (French, see tokens)
    _cache: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _words: dict[str, tuple[tuple[str, bool, tuple[str, ...]], ...]] = field(default_factory=dict, repr=False)
    _heads: frozenset[str] = field(default=frozenset(), repr=False)  # the first 3 letters of each prefix (see learn)

    def learn(self, words: set[str], prefixes: set[str], forms: dict[str, tuple[str, ...]] | None = None) -> None:
        """Let repeated letters collapse towards the words (their forms, word starts) the rules use."""
        self.forms = dict(forms or {})
        self.vocabulary = frozenset(words | set(self.spelling) | {w for v in self.spelling.values() for w in v}
                                    | set(self.forms))
        self.prefixes = tuple(sorted(prefixes))
        self._heads = frozenset(prefix[:3] for prefix in self.prefixes)  # a rule's prefix has 3 letters or more
        self._cache.clear()
        self._words.clear()

    def _known(self, word: str) -> bool:
        return word in self.vocabulary or (word[:3] in self._heads and word.startswith(self.prefixes))

    def _as_known(self, word: str) -> tuple[str, ...] | None:
        """The words `word` stands for when the spelling table or the rules know it, else None."""
        if word in self.spelling:
            return self.spelling[word]
        return (word,) if self._known(word) else None

    def resolve(self, word: str) -> tuple[str, ...]:
        """One typed word -> the canonical words it stands for ("jveux" -> "je", "veux")."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        if word.isdigit():  # a number is not stretched letters: 200 € is not 20, nor 3000 300 ("2" is still "de")
            return self.spelling.get(word, (word,))
        # The word as typed, then with its repeated letters made one, then two ("mouuurir"): the regular
        # expressions run only when needed, and once (a word with no repeated letter is all three).
        result = self._as_known(word)
        two = word
        if result is None:
            one = _RUN_TO_ONE.sub(_ONCE, word)
            if one != word:
                two = _RUN_TO_TWO.sub(letter_twice, word)
                result = self._as_known(one)
                if result is None:
                    result = self._as_known(two)
        if result is None and self.split_apostrophes:
            result = self._unglue(word)
        if result is None and not self.split_apostrophes and word.endswith("in") and word + "g" in self.vocabulary:
            result = (word + "g",)  # "sittin", "tryin": the g dropped in speech and in text
        if result is None:
            result = (two,)
        if len(self._cache) < 50_000:
            self._cache[word] = result
        return result

    def _unglue(self, word: str) -> tuple[str, ...] | None:
        """An elision typed without its apostrophe ("jexistais" -> j existais, "jsaute" -> je saute), or None."""
        for head in (elision for elision in _ELIDED if word.startswith(elision)):
            rest = word[len(head):]
            if not rest or (rest[0] not in _VOWELS and head != "j"):
                continue  # only "je" loses its vowel before a consonant in SMS ("jsaute", not "msaute")
            for candidate in _as_typed_then_one(rest):
                if len(candidate) < 3 and candidate not in _SHORT_AFTER_ELISION:
                    continue  # "mood" is not "m" + "od" (an overdose)
                if candidate in self.vocabulary or candidate in _SHORT_AFTER_ELISION:
                    elided = head if rest[0] in _VOWELS else "je"  # as with an apostrophe: "dadieu" -> de adieu
                    return (*self.spelling.get(elided, (elided,)), *self.spelling.get(candidate, (candidate,)))
        return None

    def pieces(self, raw: str) -> list[str]:
        """Split or join apostrophes the way the language needs ("j'en" -> j en; "don't" -> dont)."""
        if self.split_apostrophes:
            return [p for p in raw.split("'") if p]
        for ending, word in _CONTRACTIONS:  # "he'll", "we're": not "hell", "were"
            if raw.endswith(ending) and len(raw) > len(ending):
                return [raw[: -len(ending)].replace("'", ""), word]
        joined = raw.replace("'", "")
        return [joined] if joined else []

    def tokens(self, text: str) -> list[Token]:
        """The normalised words of `text`, each with its span in `text`."""
        return [_token(*row) for row in self.rows(text)]

    def rows(self, text: str) -> list[Row]:
        """The tokens of `text` as plain tuples (word, start, end, brk, lemmas): triage makes Token objects only
        for the few words that decided it (a long message has a hundred or more, read twice)."""
        out: list[Row] = []
        append, known = out.append, self._words
        pending_break = False
        for raw, start, end, after_break in _pieces_once(text):
            pending_break = pending_break or after_break  # kept until a word comes: a piece may give none ("'")
            for word, is_break, lemmas in known.get(raw) or self._words_of(raw):
                append((word, start, end, pending_break or is_break, lemmas))
                pending_break = False
        if self.m_a_before:
            out = self._m_a(out, text)
        return out

    def _m_a(self, rows: list[Row], text: str) -> list[Row]:
        """ "ma" before a past participle the rules list is "m'a" typed without its apostrophe ("ma frappée").

        A participle in -e is also a noun ("ma frappe", "ma force"): it counts only written with its accent
        ("ma frappé") or in -ee ("ma frappee"); "ma dit", "ma battu" need nothing."""
        if "ma" not in map(itemgetter(0), rows):  # most messages (the test runs in C, not a Python loop)
            return rows
        out: list[Row] = []
        for at, row in enumerate(rows):
            after = rows[at + 1] if at + 1 < len(rows) else None
            if (row[0] == "ma" and after is not None and after[0] in self.m_a_before
                    and (not after[0].endswith("e") or after[0].endswith("ee")
                         or "é" in text[after[1]:after[2]].lower())):
                out.append(("m", row[1], row[2], row[3], ()))
                out.append(("a", row[1], row[2], False, ()))
            else:
                out.append(row)
        return out

    def _words_of(self, raw: str) -> tuple[tuple[str, bool, tuple[str, ...]], ...]:
        """One typed piece of text -> its words, whether each breaks the clause, and their base words."""
        found = tuple((word, word in self.clause_breaks, self.forms.get(word, ()))
                      for piece in self.pieces(raw) for word in self.resolve(piece))
        if len(self._words) < 50_000:
            self._words[raw] = found
        return found

    def words(self, text: str) -> list[str]:
        """Just the normalised words (for tests and for reading the rules' own phrases)."""
        return [token.word for token in self.tokens(text)]
