"""The words of a message as the phrase indexes of one rules file know them (Seen), made once for all of them."""

from __future__ import annotations

from functools import reduce
from itertools import compress
from operator import not_, or_
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from dialogs.triage.phrase_index import _Starts
    from dialogs.triage.word_table import WordTable


class _Known:
    """What one word (with its lemmas) is to each index of a WordTable, learned once for all of them: per index (its
    `slot`), the numbers of the phrase words it matches and the phrases it may start (None: none); and those phrase
    words of all the indexes at once as `marks`, one bit each (see WordTable.mark), so that a message's are one OR,
    not one per index."""

    __slots__ = ("numbers", "starts", "live", "marks")

    def __init__(self, numbers: list[frozenset[int]], starts: list[_Starts | None], marks: int) -> None:
        self.numbers = numbers
        self.starts = starts
        self.marks = marks
        self.live = tuple(slot for slot, found in enumerate(starts) if found is not None)  # the slots it may start


class Seen(NamedTuple):
    """The words of a message as the indexes of one WordTable know them, position by position and once each."""

    table: WordTable
    known: list[_Known]  # what each word is to the indexes, position by position
    where: dict[_Known, list[int]]  # each distinct record (one for all the words matching nothing) -> its positions
    live: list[list[_Known]]  # per slot: the distinct words that may start a phrase of that index
    present: int  # the phrase words of every index the message has, as the OR of their marks (see WordTable.mark)

    @classmethod
    def of(cls, words: list[str], lemmas: list[tuple[str, ...]], table: WordTable) -> Seen:
        """`table`: the one of the indexes that will read it (RuleSet.table for a rules file's indexes)."""
        keys = list(zip(words, lemmas))
        get = table.known.get
        known = list(map(get, keys))
        if not all(known):  # a word new to the table (all(): quicker than `None in`, which compares each with None)
            table.learn(set(compress(keys, map(not_, known))), keys)  # the new ones (their record is None), in C
            known = list(map(table.known.__getitem__, keys))
        where: dict[_Known, list[int]] = {}
        for at, found in enumerate(known):
            where.setdefault(found, []).append(at)
        live: list[list[_Known]] = [[] for _ in table.indexes]
        for found in where:
            for slot in found.live:
                live[slot].append(found)
        return cls(table, known, where, live, reduce(or_, [found.marks for found in where], 0))
