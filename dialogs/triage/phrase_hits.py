"""Hits from a phrase index's plan of a message (PhraseIndex._plan: the phrases that may start at each position): a
longer phrase matched to its end (_longer), and the hits grouped by payload for the combinations of concepts
(Grouped)."""

from __future__ import annotations

from collections.abc import Iterable

from dialogs.triage.patterns import Hit, Phrase, _match, hit


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
