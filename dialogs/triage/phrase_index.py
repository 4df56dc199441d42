"""Phrases indexed by their first word (PhraseIndex), so a message is scanned once whatever the number of rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from dialogs.triage.patterns import Hit, Phrase, Word, _match, hit

_CACHE_MAX = 50_000  # words (with their lemmas) whose candidate phrases each index remembers
_NOTHING: frozenset[int] = frozenset()
_NO_PHRASE: tuple[list, bool] = ([], True)  # what `_followed` says of a pair that continues no phrase (never changed)


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


def _by_head(heads: dict[str, list[int]], prefixes: tuple[str, ...], entry: int) -> None:
    """File `entry` (its number in a list of prefixed words or phrases) under the first 3 letters of each of its
    prefixes (a prefix has 3 letters or more, see patterns.parse), once each: a word new to the index is then
    checked against the few prefixes it may start with, not against all of them (hundreds in a rules file)."""
    for head in dict.fromkeys(prefix[:3] for prefix in prefixes):
        heads.setdefault(head, []).append(entry)


class _Starts(NamedTuple):
    """The phrases one word may start (see PhraseIndex._starts)."""

    entries: list[tuple[Phrase, object, int, frozenset[int], bool]]  # in the order `find` tries them
    by_second: dict[int, list[int]]  # the number of a second word -> the entries (their order) it continues
    loose: list[int]  # the entries (their order) with no second word to check
    alone: tuple[list, bool]  # what `_followed` says when the next word continues none of the others (shared)
    # What `_followed` said for each word met after this one: looked up by that word alone, not by a (word, next
    # word) pair, whose hash (of two tuples) would be made again at every position of every message.
    followed: dict[tuple[str, tuple[str, ...]] | None, tuple[list, bool]]


class PhraseIndex:
    """Phrases indexed by their first word, so a message is scanned once whatever the number of rules."""

    def __init__(self) -> None:
        self._exact: dict[str, list[tuple[Phrase, object]]] = {}
        self._lemma: dict[str, list[tuple[Phrase, object]]] = {}
        self._prefixed: list[tuple[tuple[str, ...], Phrase, object]] = []
        self._prefixed_by_head: dict[str, list[int]] = {}  # see _by_head
        self._starting: dict[tuple[str, tuple[str, ...]], _Starts] = {}  # see _learn and _starts
        self._numbers: dict[Word, int] = {}  # every word of every phrase, numbered (equal words share a number)
        self._by_exact: dict[str, set[int]] = {}
        self._by_lemma: dict[str, set[int]] = {}
        self._by_prefix: list[tuple[tuple[str, ...], int]] = []
        self._by_prefix_head: dict[str, list[int]] = {}  # see _by_head
        self._needs: dict[int, frozenset[int]] = {}  # id of a phrase -> the numbers of its words
        self._seconds: dict[int, int | None] = {}  # id of a phrase -> the number of its second word (None: a gap)
        self._present: dict[tuple[str, tuple[str, ...]], frozenset[int]] = {}  # see _learn

    def add(self, phrase: Phrase, payload: object = None) -> None:
        self._starting.clear()
        self._present.clear()
        for element in phrase.elements:
            if isinstance(element, Word) and element not in self._numbers:
                number = self._numbers[element] = len(self._numbers)
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

    def _numbers_of(self, word: str, lemmas: tuple[str, ...]) -> frozenset[int]:
        """The numbers of the phrase words that `word` matches (what Word.matches says, for all of them at once)."""
        found = set(self._by_exact.get(word, ()))
        for lemma in lemmas:
            more = self._by_lemma.get(lemma)
            if more:
                found |= more
        prefixed = self._by_prefix_head.get(word[:3])
        if prefixed:
            found.update(number for prefixes, number in map(self._by_prefix.__getitem__, prefixed)
                         if word.startswith(prefixes))
        return frozenset(found) if found else _NOTHING  # most words: one shared empty set, not one each

    def _learn(self, keys: set[tuple[str, tuple[str, ...]]], message: set[tuple[str, tuple[str, ...]]]) -> None:
        """Remember, for words (with their lemmas) not seen before, the phrase words they match and the phrases
        they may start; a masked word ("") matches nothing. Past _CACHE_MAX words, start again from nothing, and
        learn all the words of the `message` being read (those it had met before were forgotten with the rest)."""
        if len(self._present) + len(keys) > _CACHE_MAX:
            self._present.clear()
            self._starting.clear()
            keys = message
        for key in keys:
            if not key[0]:
                self._present[key] = _NOTHING
                continue
            numbers = self._present[key] = self._numbers_of(*key)
            if not numbers:  # it matches no word of these phrases, so it starts none of them (most new words)
                continue
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
        alone = [entries[order] for order in loose]
        return _Starts(entries, by_second, loose, (alone, all(entry[4] for entry in alone)) if alone else _NO_PHRASE,
                       {})

    def _followed(self, key: tuple[str, tuple[str, ...]],
                  after: tuple[str, tuple[str, ...]] | None
                  ) -> tuple[list[tuple[Phrase, object, int, frozenset[int], bool]], bool]:
        """The candidates of `key` whose second word matches `after` (None: the end of the message), in order, each
        with the element to go on from (2 when the second word was checked here, 1 when a gap follows the first),
        the numbers of its words (all must be in the message) and whether that was the whole phrase (then it
        matched: nothing is left to check); and whether all of them were whole."""
        entries, by_second, loose, alone, followed = self._starting[key]
        # `after` matches a second word when its number is among those `after` has (what Word.matches would say,
        # learned once per word).
        matched = _NOTHING if after is None else self._present[after]  # a masked word ("") has none
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

        `seen`: `Seen.of(words, lemmas)` made once for the indexes that read the same words (it must be remade when
        a word changes)."""
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
        seen = seen or Seen.of(words, lemmas)
        keys, distinct = seen.keys, seen.distinct
        unknown = distinct.difference(self._present)  # (not `- keys()`, which copies every key remembered)
        if unknown:
            self._learn(unknown, distinct)
        # The words of this message that may start a phrase of this index. Two differences, not `distinct &
        # keys()`: a set keeps the hash of each (word, lemmas), and hashing them again is most of the cost.
        live = distinct - distinct.difference(self._starting)
        if not live:
            return {}, ()
        present: frozenset[int] | None = None  # the phrase words the message has, when first needed
        last, where, starting_of = len(keys) - 1, seen.where, self._starting
        # Word by live word, the candidates of each word that follows it (filler repeats the same pairs): looked up
        # by the next word alone, in this message (`fitting`) and across messages (`_Starts.followed`), not by a
        # new (word, next word) pair per position, whose hash is most of the cost. Only the positions with
        # candidates are kept, then read in order.
        starting: dict[int, list] = {}
        kept: dict[int, list] = {}  # id of a list of candidates -> those that may fit this message (see below)
        for key in live:
            fitting: dict = {}
            followed = starting_of[key].followed
            for at in where[key]:
                after = keys[at + 1] if at < last else None
                candidates = fitting.get(after)
                if candidates is None:
                    candidates, whole = followed.get(after) or self._followed(key, after)
                    if not whole:  # a longer phrase is tried only when all its words are in the message
                        # Checked once per list: a word followed by words that continue none of its phrases
                        # ("je" + most words) has the same list (`_Starts.alone`) after each of them.
                        fit = kept.get(id(candidates))
                        if fit is None:
                            if present is None:
                                present = frozenset().union(*map(self._present.__getitem__, distinct))
                            fit = kept[id(candidates)] = [c for c in candidates if c[4] or c[3] <= present]
                        candidates = fit
                    fitting[after] = candidates
                if candidates:
                    starting[at] = candidates
        return starting, sorted(starting) if len(live) > 1 else starting


def _longer(at: int, phrase: Phrase, payload: object, resume: int, words: list[str],
            lemmas: list[tuple[str, ...]]) -> Hit | None:
    """The Hit of a phrase longer than its words checked so far, starting at `at`, or None when the rest does not
    match."""
    found = _match(phrase.elements, words, lemmas, at + resume, resume, ())
    if not found:
        return None
    skipped = found[1]
    if not skipped:
        return hit(at, found[0], (), phrase, payload)
    near = tuple(i for i in skipped if i >= 0)
    far = tuple(-1 - i for i in skipped if i < 0)
    return hit(at, found[0], near, phrase, payload, far)


class Grouped:
    """The hits of an index in a message by payload (for concepts: by family), in the order `find` yields them.

    `names` are the payloads found; the Hits of one are made when `hits` is first asked for it. A long message
    repeats a few words that start many phrases (« ce soir » starts six concepts each time it comes), and the
    combinations look only at the families they need: most of those Hits were made for nothing. The longer phrases
    are matched at once (their payload is found only if they match); a phrase of one or two words matched already.
    """

    def __init__(self, starting: dict[int, list], order: Iterable[int], words: list[str],
                 lemmas: list[tuple[str, ...]]) -> None:
        self._starting, self._order = starting, order
        self._longer: dict[tuple[int, int], Hit] = {}  # (position, id of the phrase) -> the Hit of a longer phrase
        self._made: dict[object, list[Hit]] = {}
        names: set[object] = set()
        for at in order:
            for phrase, payload, resume, _, whole in starting[at]:
                if whole:
                    names.add(payload)
                    continue
                found = _longer(at, phrase, payload, resume, words, lemmas)
                if found is not None:
                    self._longer[at, id(phrase)] = found
                    names.add(payload)
        self.names = names

    def hits(self, payload: object) -> list[Hit]:
        """The hits `find` yields whose payload is `payload` (equal), in its order."""
        made = self._made.get(payload)
        if made is None:
            made = self._made[payload] = []
            longer = self._longer
            for at in self._order:
                for phrase, load, resume, _, whole in self._starting[at]:
                    if load == payload:
                        if whole:
                            made.append(hit(at, at + resume, (), phrase, load))
                        elif (at, id(phrase)) in longer:
                            made.append(longer[at, id(phrase)])
        return made
