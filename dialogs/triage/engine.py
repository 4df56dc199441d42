"""Applies the rules of one language to one text: everyday expressions, negation, events long over, unsure."""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import accumulate, chain
from typing import NamedTuple

from dialogs.triage import concepts
from dialogs.triage.assessment import Assessment, rank
from dialogs.triage.normalise import Row, Token
from dialogs.triage.patterns import Hit
from dialogs.triage.phrase_index import Seen
from dialogs.triage.rules import Group, RuleSet

NEGATION_LOOKBACK = 4  # words of negation_skip a negation may stand behind ("not going to ...")


@dataclass(frozen=True)
class Reading:
    """An assessment and the words of the message that decided it (for `relier triage`, never logged)."""

    assessment: Assessment
    matched: tuple[Token, ...] = ()
    lemmas: tuple[str, ...] = ()  # the matched words as the rules name them ("tuee" -> "tuer")


class _Columns(NamedTuple):
    """The tokens of a message as columns: what the rules read, without a Token object per word."""

    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    brks: tuple[bool, ...]
    lemmas: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, rows: list[Row]) -> _Columns:
        return cls(*zip(*rows)) if rows else cls((), (), (), (), ())

    def token(self, at: int) -> Token:
        """The Token at `at` (equal to the one Normaliser.tokens makes), for the words that decided a reading."""
        return Token(self.words[at], self.starts[at], self.ends[at], self.brks[at], self.lemmas[at])


def _clauses(brks: tuple[bool, ...]) -> list[int]:
    """The number of the clause of each word: how many breaks stand before it, its own included."""
    return list(accumulate(brks, initial=0))[1:]


def _said_when(hit: Hit, clauses: list[int]) -> range:
    """The clauses a "long ago" phrase says when for: every clause it spans when one of its gaps skipped words
    ("il y a .. ans .. allait très mal": "il y a deux ans, notre fils allait très mal"), else the clause where it
    starts ("avant il" may run across a full stop into a new sentence)."""
    last = clauses[hit.end - 1] if hit.gaps else clauses[hit.start]
    return range(clauses[hit.start], last + 1)


def _of_a_stop(rules: RuleSet, words: list[str], at: int) -> bool:
    """The negation at `at` is of a stop ("ça n'arrête pas de saigner"): it says the danger goes on."""
    keeps = rules.negation_keeps
    return (at > 0 and words[at - 1] in keeps) or (at + 1 < len(words) and words[at + 1] in keeps)


def _negated(rules: RuleSet, brks: tuple[bool, ...], words: list[str], hit: Hit) -> bool:
    """A negation inside a gap of the phrase, just before it in the same clause, or (French) just after it."""
    if any(words[i] in rules.negations and not _of_a_stop(rules, words, i) for i in hit.gaps):
        return True
    for start in hit.starts or (hit.start,):
        at, skipped = start, 0
        while at > 0 and not brks[at] and skipped <= NEGATION_LOOKBACK:
            at -= 1
            if words[at] in rules.negations:
                if words[at] in rules.negation_openers and _holds_closer(rules, words, hit):
                    break  # « on ne me reverra jamais »: this « ne » is the first half of the phrase's own negation
                return not _of_a_stop(rules, words, at)
            pair = f"{words[at - 1]} {words[at]}" if at > 0 and not brks[at] else None
            if pair in rules.negations:
                return True  # two words that negate together (« j'ai plus de pensées noires »: « ai plus »)
            if words[at] not in rules.negation_skip:
                if pair in rules.negation_skip:
                    at -= 1  # two words skipped together ("pas pensé à disparaître")
                else:
                    break
            skipped += 1
    return _negated_after(rules, brks, words, hit)


def _negated_after(rules: RuleSet, brks: tuple[bool, ...], words: list[str], hit: Hit) -> bool:
    """A negation just after a phrase, as French writes it without « ne » (« ils me tapent pas »), unless the next
    word makes it a quantity or a restriction, or carries the danger itself (« pas mal », « pas fort », « ce serait pas
    grave »: `negation_after_not`)."""
    at = hit.end
    if at >= len(words) or brks[at] or words[at] not in rules.negation_after:
        return False
    if any(words[i] in rules.negation_closers for i in range(hit.start, at)):
        return False  # « vous me reverrez plus jamais »: the phrase holds its own negation, « jamais » adds to it
    return not (at + 1 < len(words) and not brks[at + 1] and words[at + 1] in rules.negation_after_not)


def _holds_closer(rules: RuleSet, words: list[str], hit: Hit) -> bool:
    """The phrase itself holds the second half of a negation (« jamais », « plus »). Not for a combination: its
    span also holds the words between its parts."""
    return not hit.starts and any(words[i] in rules.negation_closers for i in _own(hit))


def _own(hit: Hit) -> list[int]:
    """The positions of the words the phrase itself matched (not those of its gaps)."""
    gaps = set(hit.gaps) | set(hit.far)
    return [i for i in range(hit.start, hit.end) if i not in gaps]


def _matched(columns: _Columns, hit: Hit) -> tuple[Token, ...]:
    return tuple(map(columns.token, _own(hit)))


def _reading(assessment: Assessment, columns: _Columns, *hits: Hit) -> Reading:
    matched: list[Token] = []
    lemmas: list[str] = []
    for hit in hits:
        bases = hit.phrase.base_words()
        for token in _matched(columns, hit):
            matched.append(token)
            lemmas.append(next((lemma for lemma in token.lemmas if lemma in bases), token.word))
    return Reading(assessment, tuple(matched), tuple(lemmas))


def read_words(rules: RuleSet, tokens: list[Token], lang: str) -> Reading:
    """The most severe reading of already-normalised words under one language's rules."""
    return _read(rules, _Columns.of([(t.word, t.start, t.end, t.brk, t.lemmas) for t in tokens]), lang)


def _read(rules: RuleSet, columns: _Columns, lang: str) -> Reading:
    """read_words, on the columns of the tokens."""
    words = list(columns.words)
    lemmas = list(columns.lemmas)
    starts, ends = columns.starts, columns.ends
    seen = Seen.of(words, lemmas, rules.table)  # what every index reads, made once (and again when words are masked)
    meant = next(rules.serious.find(words, lemmas, seen), None) is not None  # "and i mean it", "je rigole pas"
    everyday = [] if meant else list(rules.everyday.find(words, lemmas, seen))
    said = (tuple(words), tuple(lemmas), seen) if everyday else None  # the words as said, for "long ago" (below)
    for hit in everyday:
        for at in range(hit.start, hit.end):
            words[at], lemmas[at] = "", ()  # an everyday expression ("mort de rire") is out of play, forms and all
        seen = None
    seen = seen or Seen.of(words, lemmas, rules.table)
    said = said or (words, lemmas, seen)
    hits = chain(rules.groups.find(words, lemmas, seen),
                 concepts.find(rules.combinations, rules.concepts, words, lemmas, rules.guards, seen))  # "intention + mort", any order
    clauses = _clauses(columns.brks)
    over: set[int] | None = None
    recovered, well_after = False, -1
    best: Reading | None = None
    best_hit: Hit | None = None
    for hit in hits:
        group: Group = hit.payload  # type: ignore[assignment]
        level, negated, long_ago = group.level, False, False
        if group.when_negated and _negated(rules, columns.brks, words, hit):
            level, negated = group.when_negated, True
        elif group.when_long_ago:
            if over is None:  # clauses that say "long ago", unless the message says it goes on
                # "long ago" and "going well now" on the words as said: an expression set aside as danger (everyday:
                # "c'est fini depuis") still says when. Not "goes on": everyday sets aside "can i still come"
                goes_on = next(rules.still_going.find(words, lemmas, seen), None) is not None
                over = set() if goes_on else {c for h in rules.long_ago.find(*said) for c in _said_when(h, clauses)}
                well = [clauses[h.start] for h in rules.recovered.find(*said)] if over else []
                recovered = bool(well) and next(rules.recovered_unless.find(*said), None) is None
                well_after = max(well, default=-1)  # the last clause that says it is going well now
            clause = clauses[hit.start]
            beside = (clause - 1 in over and well_after > clause) or (clause + 1 in over and well_after > clause + 1)
            if clause in over or beside:
                # the clause just after the one that says when is of that time too, when the message then says it
                # goes well now ("il y a deux ans il allait très mal, il se scarifiait. aujourd'hui il va bien"),
                # even after an attempt or a stay in hospital (then high, not watch: [recovered] unless);
                # not when the danger comes after that ("... tout va bien mais hier je voulais mourir").
                # So is the clause just before one that says it is long over, when a later one says it goes well
                # ("j'avais des pensées suicidaires mais c'est fini depuis longtemps ... ça va trop bien")
                level, long_ago = group.when_long_ago, True
                if recovered and rank(level) > rank("watch"):
                    level = "watch"  # long over, and the message says it is going well now (decision 3, [recovered])
        asks = rank(level) <= rank("watch") and (negated or group.clarify)
        if best is None or rank(level) > rank(best.assessment.level) or (
                asks and not best.assessment.clarify and level == best.assessment.level):  # at a tie, the one that asks
            best = _reading(Assessment(
                level=level, lang=lang, rule=group.id, phrase=hit.phrase.id, pattern=hit.phrase.source,
                span=(starts[hit.start], ends[hit.end - 1]), rules_lang=rules.lang,
                negated=negated, long_ago=long_ago,
                clarify=asks,
            ), columns, hit)
            best_hit = hit
            if level == "urgent":
                # A later hit replaces the best only at a higher level, or at the same level when it asks (watch
                # and below): nothing replaces urgent, so the phrases and combinations left are not looked for.
                break
    if best is not None and rank(best.assessment.level) >= rank("high"):
        return best
    risk = next(rules.unsure.find(words, lemmas, seen), None)
    if risk is None:  # a word that is the whole message ("help", « au secours »)
        risk = next((h for h in rules.unsure_alone.find(words, lemmas, seen) if h.start == 0 and h.end == len(words)),
                    None)
    if risk is not None and best is not None and best.assessment.level == "watch":
        assert best_hit is not None
        return _reading(replace(best.assessment, clarify=True), columns, best_hit, risk)
    if risk is not None:
        group = rules.unsure_group
        return _reading(Assessment(
            level="watch", lang=lang, rule=group.id, phrase=risk.phrase.id, pattern=risk.phrase.source,
            span=(starts[risk.start], ends[risk.end - 1]), rules_lang=rules.lang, clarify=True,
        ), columns, risk)
    return best or Reading(Assessment(level="none", lang=lang, rules_lang=rules.lang))


def assess_words(rules: RuleSet, tokens: list[Token], lang: str) -> Assessment:
    """The most severe reading of already-normalised words under one language's rules."""
    return read_words(rules, tokens, lang).assessment


def read_with(rules: RuleSet, text: str, lang: str) -> Reading:
    """Normalise `text` with the language's own spelling rules, then read it."""
    return _read(rules, _Columns.of(rules.normaliser.rows(text)), lang)


def assess_with(rules: RuleSet, text: str, lang: str) -> Assessment:
    """Normalise `text` with the language's own spelling rules, then assess it."""
    return read_with(rules, text, lang).assessment
