"""The ceiling of a rules file (dialogs/triage/ceiling.py): when it says the other language cannot change an
assessment, reading the message in that language indeed does not change it."""

from __future__ import annotations

import pytest

from dialogs.triage import combine
from dialogs.triage.assessment import Assessment
from dialogs.triage.ceiling import needed
from dialogs.triage.engine import read_with
from dialogs.triage.rules import rules_for
from tests.triage.cases import load_cases


def _replaces(text: str, lang: str, first: Assessment) -> bool:
    other = "en" if lang == "fr" else "fr"
    second = read_with(rules_for(other), text, lang).assessment
    return combine(first, second) is second


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_what_the_ceiling_rules_out_would_not_have_replaced_the_first_reading(lang):
    other = rules_for("en" if lang == "fr" else "fr")
    cases = load_cases()[::37]  # some 4,000 labelled messages, each read as written in both languages
    ruled_out = 0
    for case in cases:
        first = read_with(rules_for(lang), case.text, lang).assessment
        if first.level == "urgent":
            continue
        if not other.ceiling.could_replace(case.text, first):
            ruled_out += 1
            assert not _replaces(case.text, lang, first), case.text
    assert ruled_out > len(cases) // 4  # it does rule out most second readings (else it only costs time)


def test_a_phrase_of_the_other_language_with_all_its_words_is_read():
    first = read_with(rules_for("fr"), "franchement i wanna die", "fr").assessment
    assert first.level == "none"
    assert rules_for("en").ceiling.could_replace("franchement i wanna die", first)
    assert not rules_for("en").ceiling.could_replace("franchement bonjour", first)


def test_the_level_needed_to_replace_a_reading():
    assert needed(Assessment("none")) == 0  # anything found, even a negated phrase asking at none
    assert needed(Assessment("watch")) == 1  # a watch that asks replaces one that does not
    assert needed(Assessment("watch", clarify=True)) == 2
    assert needed(Assessment("high")) == 3  # at high and urgent no reading asks
