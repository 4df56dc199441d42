"""The most severe reading the rules of one language could give a message, bounded from its typed words alone
(Ceiling), so that the other language's rules read a message only when they could change its assessment.

triage reads a message with the person's language, then with the other one (people mix them), and keeps the worse.
The second reading costs about a third of a long message (its words normalised again, looked up in the other
table, each index planned), and almost always reads nothing: a phrase matches only when each of its words is in the
message, and a French message rarely holds every word of an English phrase. This finds that out from the distinct
typed pieces of the message (a long one repeats a few), each learned once: the phrase words its words match (their
marks, OR-ed as Seen.present is) and the phrases they may start, with the level each could give at most."""

from __future__ import annotations

from functools import reduce
from operator import itemgetter, or_
from typing import TYPE_CHECKING

from dialogs.triage.assessment import Assessment, rank
from dialogs.triage.normalise import Normaliser, _pieces_once

if TYPE_CHECKING:
    from dialogs.triage.concepts import Combinations
    from dialogs.triage.phrase_index import PhraseIndex
    from dialogs.triage.rules import Group
    from dialogs.triage.seen import _Known
    from dialogs.triage.word_table import WordTable

_CACHE_MAX = 50_000  # typed pieces remembered, with what their words may give (then it starts again from nothing)
_RAW = itemgetter(0)
_WATCH = rank("watch")
# What a typed piece's words may give: the phrase words they match (marks, OR-ed), and the phrases they may start
# as (level at most, the marks of all its words, the concept's name or None), the highest levels first.
_Found = tuple[int, tuple[tuple[int, int, object], ...]]


def _most(group: Group) -> int:
    """The highest level a hit of `group` may give: its own, negated or long ago (engine._read only lowers it
    further, to watch, when the message says it is going well now)."""
    return max(rank(level) for level in (group.level, group.when_negated, group.when_long_ago) if level)


def needed(first: Assessment) -> int:
    """The least level another reading must be able to reach to replace `first` (assessment.combine): a higher one,
    or the same at none or watch when it may ask the clarifying question and `first` does not (at high and urgent a
    reading never asks)."""
    level = rank(first.level)
    return level + 1 if first.clarify or level > _WATCH else level


class Ceiling:
    """The most a rules file's readers (groups, combinations of concepts, unsure words) could find in a message."""

    def __init__(self, normaliser: Normaliser, table: WordTable, groups: PhraseIndex, concepts: PhraseIndex,
                 combinations: Combinations, unsure: tuple[PhraseIndex, ...]) -> None:
        self._normaliser, self._table = normaliser, table
        self._groups, self._concepts, self._unsure = groups._slot, concepts._slot, [index._slot for index in unsure]
        # A concept's name -> the highest level of the combinations needing it; and the combinations (the highest
        # level each may give, all they need) filed under their first concept, so each is checked once, and only
        # when that concept may be in the message (a few of some hundreds).
        self._by_concept: dict[object, int] = {}
        self._combos: dict[object, list[tuple[int, frozenset[str]]]] = {}
        for combo in combinations.all:
            most = _most(combo.payload)  # type: ignore[arg-type]
            for name in combo.needed:
                self._by_concept[name] = max(most, self._by_concept.get(name, most))
            self._combos.setdefault(combo.needs[0], []).append((most, combo.needed))
        self._found: dict[str, _Found] = {}
        self._of_record: dict[_Known, tuple[tuple[int, int, object], ...]] = {}  # a word of the table -> its phrases
        self._generation = table.generation  # what the marks were made with (see WordTable.forget)

    def could_replace(self, text: str, first: Assessment) -> bool:
        """Whether these rules could read `text` so that their reading replaces `first` (see needed). False is
        exact: each hit of an index is of a phrase that may start at one of the message's words and whose words
        are all in the message (PhraseIndex._plan reads no other), so none can reach that level here."""
        least = needed(first)
        if self._generation != self._table.generation:  # a phrase was added to an index: the marks were given again
            self._found.clear()
            self._of_record.clear()
            self._generation = self._table.generation
        get = self._found.get
        found = [get(raw) or self._learn(raw) for raw in set(map(_RAW, _pieces_once(text)))]
        present = reduce(or_, [marks for marks, _ in found], 0)
        names: set[object] = set()
        for _, phrases in found:
            for most, marks, name in phrases:
                if most < least:
                    break  # the others may give less still
                if marks & present == marks:
                    if name is None:
                        return True
                    names.add(name)
        return any(most >= least and needs <= names for name in names for most, needs in self._combos.get(name, ()))

    def _learn(self, raw: str) -> _Found:
        """What the words of a typed piece may give (as Normaliser.rows makes them, and the two words "m" "a" it
        makes of « ma » before a participle), learned in the table as Seen.of would."""
        normaliser, table = self._normaliser, self._table
        keys = [(word, lemmas) for word, _, lemmas in normaliser._words.get(raw) or normaliser._words_of(raw)]
        if normaliser.m_a_before and any(word == "ma" for word, _ in keys):
            keys += [("m", ()), ("a", ())]
        new = {key for key in keys if key not in table.known}
        if new:
            table.learn(new, keys)
        records = list(map(table.known.__getitem__, keys))
        if len(self._found) >= _CACHE_MAX:
            self._found.clear()
            self._of_record.clear()
        if len(records) == 1:  # most pieces: one word
            found = self._found[raw] = (records[0].marks, self._phrases(records[0]))
            return found
        phrases = {phrase for known in records for phrase in self._phrases(known)}
        found = self._found[raw] = (reduce(or_, [known.marks for known in records], 0),
                                    tuple(sorted(phrases, key=itemgetter(0), reverse=True)))
        return found

    def _phrases(self, known: _Known) -> tuple[tuple[int, int, object], ...]:
        """The phrases a word may start (see _Found), learned once per word of the table: the forms of a word typed
        otherwise ("mouuurir", "MOURIR") are that word."""
        found = self._of_record.get(known)
        if found is not None:
            return found
        phrases = set()
        for slot in known.live:
            for _, payload, _, needs, _ in known.starts[slot].entries:
                if slot == self._groups:
                    phrases.add((_most(payload), needs, None))  # type: ignore[arg-type]
                elif slot == self._concepts and payload in self._by_concept:
                    phrases.add((self._by_concept[payload], needs, payload))
                elif slot in self._unsure:
                    phrases.add((_WATCH, needs, None))
        found = self._of_record[known] = tuple(sorted(phrases, key=itemgetter(0), reverse=True))
        return found
