"""Applies the rules of one language to one text: everyday expressions, negation, events long over."""

from __future__ import annotations

from dialogs.triage.assessment import Assessment, rank
from dialogs.triage.normalise import Token
from dialogs.triage.patterns import Hit
from dialogs.triage.rules import Group, RuleSet

NEGATION_LOOKBACK = 3  # words of negation_skip a negation may stand behind ("not going to ...")


def _clauses(tokens: list[Token]) -> list[int]:
    number, out = 0, []
    for token in tokens:
        number += token.brk
        out.append(number)
    return out


def _negated(rules: RuleSet, tokens: list[Token], words: list[str], hit: Hit) -> bool:
    """A negation inside a gap of the phrase, or just before it in the same clause."""
    if any(words[i] in rules.negations for i in hit.gaps):
        return True
    at, skipped = hit.start, 0
    while at > 0 and not tokens[at].brk and skipped <= NEGATION_LOOKBACK:
        at -= 1
        if words[at] in rules.negations:
            return True
        if words[at] not in rules.negation_skip:
            return False
        skipped += 1
    return False


def assess_words(rules: RuleSet, tokens: list[Token], lang: str) -> Assessment:
    """The most severe reading of already-normalised words under one language's rules."""
    words = [token.word for token in tokens]
    for hit in list(rules.everyday.find(words)):
        for at in range(hit.start, hit.end):
            words[at] = ""  # an everyday expression ("mort de rire") is out of play
    hits = list(rules.groups.find(words))
    if not hits:
        return Assessment(level="none", lang=lang, rules_lang=rules.lang)
    clauses = _clauses(tokens)
    over: set[int] | None = None
    best: Assessment | None = None
    for hit in hits:
        group: Group = hit.payload  # type: ignore[assignment]
        level, negated, long_ago = group.level, False, False
        if group.when_negated and _negated(rules, tokens, words, hit):
            level, negated = group.when_negated, True
        elif group.when_long_ago:
            if over is None:  # clauses that say "long ago", unless the message says it goes on
                goes_on = next(rules.still_going.find(words), None) is not None
                over = set() if goes_on else {clauses[h.start] for h in rules.long_ago.find(words)}
            if clauses[hit.start] in over:
                level, long_ago = group.when_long_ago, True
        if best is None or rank(level) > rank(best.level):
            best = Assessment(
                level=level, lang=lang, rule=group.id, phrase=hit.phrase.id, pattern=hit.phrase.source,
                span=(tokens[hit.start].start, tokens[hit.end - 1].end), rules_lang=rules.lang,
                negated=negated, long_ago=long_ago,
            )
    assert best is not None
    return best


def assess_with(rules: RuleSet, text: str, lang: str) -> Assessment:
    """Normalise `text` with the language's own spelling rules, then assess it."""
    return assess_words(rules, rules.normaliser.tokens(text), lang)
