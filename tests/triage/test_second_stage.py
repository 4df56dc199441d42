"""The second stage of triage: it may only raise a level, respects a negation the rules saw, and says why."""

from __future__ import annotations

import pytest

from dialogs.triage import assess_rules, assess_text, cli_json, rank
from dialogs.triage.second_stage import RULE, fit, load_config, model, read_labelled, to_model
from tests.triage.cases import load_cases

CASES = load_cases()


def test_the_second_stage_is_trained_from_the_projects_own_labelled_files():
    config = load_config()
    assert config.enabled and config.raise_to == "high"
    assert all(path.exists() for path in config.train_on)
    assert model() is not None


def test_it_never_lowers_what_the_rules_say():
    for case in CASES:
        rules, both = assess_rules(case.text, case.lang), assess_text(case.text, case.lang)
        assert rank(both.level) >= rank(rules.level), case.text
        if both.rule != RULE:
            assert both == rules, case.text


def test_a_message_the_rules_miss_reaches_the_team_and_says_it_was_the_second_stage():
    text = "j'ai plus rien qui me retient ici"
    assert assess_rules(text, "fr").level == "none"
    result = assess_text(text, "fr")
    assert (result.level, result.rule, result.clarify) == ("high", RULE, False)
    shown = cli_json(text, "fr")
    assert shown["level"] == "high" and "deuxième niveau" in shown["family"] and shown["lemmas"] == []
    assert "second stage" in cli_json(text, "en")["family"]


@pytest.mark.parametrize("text, lang", [("je veux pas mourir", "fr"), ("i don't want to die", "en")])
def test_a_negation_the_rules_saw_keeps_the_clarifying_question(text, lang):
    result = assess_text(text, lang)
    assert (result.level, result.clarify) == ("watch", True)


@pytest.mark.parametrize("text", ["Bonjour, est-ce qu'il reste une place jeudi ?", "mdr jsuis mort de rire", ""])
def test_everyday_messages_stay_quiet(text):
    assert assess_text(text, "fr").level == "none"


def test_the_fast_scorer_gives_scikit_learns_own_probabilities():
    config = load_config()
    fitted = fit(read_labelled(config.train_on), config.c)
    fast = to_model(fitted)
    texts = [case.text for case in CASES[::7]]
    for text, expected in zip(texts, fitted.predict_proba(texts)[:, 1], strict=True):
        assert fast.probability(text) == pytest.approx(expected, abs=1e-9), text
