"""The second stage of triage: on as shipped; it may only raise a level, respects a negation, says why."""

from __future__ import annotations

import pytest

import math
from collections import Counter
from dataclasses import replace

from dialogs.triage import assess_rules, assess_text, rank
from dialogs.triage.assessment import Assessment
from dialogs.triage.second_stage import (NAMES, RULE, Model, fit, load_config, model, raise_with, read_labelled,
                                         to_model)
from tests.triage.cases import BATCHES, LABELLED, NOT_YET_TUNED, REPLIES, load_cases

CASES = load_cases()
CONFIG = load_config()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The shipped settings on the first 25 labelled files, in a settings file of their own: for what does not
    depend on how much it learned (the fast scorer gives scikit-learn's probabilities; the child process trains what
    this process would; the cache). Training on all the files takes a minute or more; the shipped model is trained
    once, by model()."""
    path = tmp_path_factory.mktemp("stage") / "second_stage.toml"
    lines = [f'model = "{CONFIG.model}"', f"alpha = {CONFIG.alpha}", f"c = {CONFIG.c}", f"threshold = {CONFIG.threshold}",
             f"urgent_threshold = {CONFIG.urgent_threshold}", "train_on = ["]
    lines += [f"    {str(p)!r}," for p in CONFIG.train_on[:25]] + ["]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = load_config(path)
    assert config.train_on == CONFIG.train_on[:25] and config.model == CONFIG.model
    return config


@pytest.fixture(scope="module")
def fitted(small):
    return fit(read_labelled(small.train_on), small.c, small.model, small.alpha)


@pytest.fixture(scope="module")
def stage():
    """The shipped first model, as the bot reads it (from the cache, or trained once in a child process)."""
    shipped = model()
    assert shipped is not None
    return shipped[0]


def constant(probability: float) -> Model:
    """A stage that gives every message the same probability (to test the decisions without training)."""
    return Model((), math.log(probability / (1 - probability)))


def test_as_shipped_it_is_on_and_only_ever_raises_what_the_rules_say():
    assert CONFIG.enabled and model() is not None and model()[2] is not None  # both steps: high, then urgent
    raised = Counter()
    for case in CASES[::25]:  # every message, read once: test_whole_set.py
        rules, both = assess_rules(case.text, case.lang), assess_text(case.text, case.lang)
        assert both == rules or (both.rule == RULE and rank(both.level) > rank(rules.level)), case.text
        assert both == rules or both.level in ("high", "urgent"), case.text
        raised[both.level] += both != rules
    assert raised["high"] > 0 and raised["urgent"] > 0  # it is really on: some labelled messages are raised


def test_it_trains_from_the_projects_own_labelled_files_only_and_all_of_them():
    assert CONFIG.raise_to == "high" and all(path.exists() for path in CONFIG.train_on)
    # out-of-sample figures come from the prospective replay (tests/triage/prospective.py), which trains on the
    # files before each batch; the shipped stage learns from every scored batch
    # except a batch not yet scored (NOT_YET_TUNED): its first figures are measured before the stage learns it;
    # and answers to the direct question (REPLIES), dangerous only after the question
    scored = {path for path in BATCHES.glob("batch_*.tsv") if path.stem not in (*NOT_YET_TUNED, *REPLIES)}
    assert set(CONFIG.train_on) == {LABELLED, *scored}


def test_the_shipped_model_is_complement_naive_bayes_with_the_thresholds_chosen_on_batches_05_to_29():
    chosen = (CONFIG.model, CONFIG.alpha, CONFIG.threshold, CONFIG.watch_threshold, CONFIG.urgent_threshold)
    # the softer action (watch + the question) is off: it asked after 10 of the 400 ordinary check-ins of 66-67;
    # the urgent step's threshold was lowered on 2026-12-05, chosen on 05-53 and checked on 54-69 and 70-74
    # and again on 2026-12-05 (sixth session), to 0.9, on the replay of the rounds of six (tests/triage/rounds.py);
    # the first step went from 0.9995 to 0.995 on the same replay (seventh session, 166-261)
    assert chosen == ("complement_nb", 0.03, 0.995, None, 0.9)


def test_when_on_a_message_the_rules_only_watch_is_raised_to_high_and_says_it_was_the_second_stage(stage):
    text = "i'm planning to do it on friday when everyone's out"  # batch 01, dangerous; the rules ask
    rules = assess_rules(text, "en")
    assert rules.level == "watch" and not rules.negated
    raised = raise_with(stage, CONFIG, rules, text)
    assert (raised.level, raised.rule, raised.clarify) == ("high", RULE, False)
    assert "deuxième niveau" in NAMES["fr"] and "second stage" in NAMES["en"]


def test_with_the_softer_action_a_message_the_rules_miss_less_surely_gets_the_clarifying_question(stage):
    text = "plus rien me retient"
    rules = assess_rules(text, "fr")
    assert rules.level == "none"
    asked = raise_with(stage, replace(CONFIG, watch_threshold=0.9), rules, text)
    assert (asked.level, asked.rule, asked.clarify) == ("watch", RULE, True)
    assert raise_with(stage, CONFIG, rules, text) == rules  # as shipped, the softer action is off


@pytest.mark.parametrize("text, lang", [("je veux pas mourir", "fr"), ("i don't want to die", "en")])
def test_when_on_a_negation_the_rules_saw_keeps_the_clarifying_question(stage, text, lang):
    result = raise_with(stage, CONFIG, assess_rules(text, lang), text)
    assert (result.level, result.clarify) == ("watch", True)


def test_the_fast_scorer_gives_scikit_learns_own_probabilities(fitted):
    fast = to_model(fitted)
    texts = [case.text for case in CASES[::7]]
    for text, expected in zip(texts, fitted.predict_proba(texts)[:, 1], strict=True):
        assert fast.probability(text) == pytest.approx(expected, abs=1e-9), text


def test_the_fast_scorer_of_a_logistic_regression_too():
    messages = read_labelled([LABELLED])
    fitted = fit(messages, 4.0, "logistic")
    fast = to_model(fitted)
    texts = [case.text for case in CASES[::41]]
    for text, expected in zip(texts, fitted.predict_proba(texts)[:, 1], strict=True):
        assert fast.probability(text) == pytest.approx(expected, abs=1e-9), text


def test_an_unknown_model_is_refused(tmp_path):
    path = tmp_path / "second_stage.toml"
    path.write_text('model = "forest"\nthreshold = 0.9\ntrain_on = []\n', encoding="utf-8")
    with pytest.raises(ValueError, match="forest"):
        load_config(path)


ON = replace(CONFIG, enabled=True, threshold=0.99, watch_threshold=0.9)
TEXT = "a message of some words"


@pytest.mark.parametrize("probability, expected", [(0.995, ("high", False)), (0.95, ("watch", True)),
                                                   (0.5, ("none", False))])
def test_between_the_two_thresholds_a_message_the_rules_leave_at_none_gets_the_clarifying_question(
        probability, expected):
    raised = raise_with(constant(probability), ON, Assessment(), TEXT)
    assert (raised.level, raised.clarify) == expected
    assert raised.rule == (None if expected[0] == "none" else RULE)


def test_one_or_two_words_are_never_raised_by_the_first_step():
    # "never mind" typed at the menu was raised to high once 496-531 were learned; no labelled message of one or
    # two words was ever raised by the stage, so the stage reads three words or more.
    for text in ("never mind", "ok", "merci beaucoup"):
        assert raise_with(constant(0.9999), ON, Assessment(), text) == Assessment()
    assert raise_with(constant(0.9999), ON, Assessment(), "never mind then").level == "high"


def test_the_softer_action_never_replaces_what_the_rules_said_at_watch_nor_acts_when_not_configured():
    watch = Assessment(level="watch", rule="some_group", clarify=False)
    assert raise_with(constant(0.95), ON, watch, TEXT) == watch
    assert raise_with(constant(0.95), replace(ON, watch_threshold=None), Assessment(), TEXT) == Assessment()


def test_neither_action_over_a_negation_the_rules_saw():
    negated = Assessment(level="watch", rule="g", negated=True, clarify=True)
    for probability in (0.95, 0.9999):
        assert raise_with(constant(probability), ON, negated, TEXT) == negated


def test_it_trains_once_in_a_child_process_and_the_next_start_reads_the_kept_model(tmp_path, monkeypatch, small,
                                                                                  fitted):
    from dialogs.triage import second_stage

    monkeypatch.setenv("RELIER_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "triage-stage-0123.json").write_text("{}", encoding="utf-8")  # for older labelled files
    key = second_stage.training_key(small)
    first = second_stage.trained(small, key)  # trained now, by `python -c ... main(...)`
    assert first is not None and sorted(p.name for p in (tmp_path / "cache").iterdir()) == [
        f"triage-stage-{key}.json", f"triage-stage-urgent-{key}.json"]
    text = "i'm planning to do it on friday when everyone's out"
    assert first[0].probability(text) == pytest.approx(to_model(fitted).probability(text), abs=1e-12)  # as here
    assert first[1] is not None and first[1].probability(text) != first[0].probability(text)  # the urgent model

    def no_training(*args, **kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr(second_stage.subprocess, "run", no_training)
    assert second_stage.trained(small, key) == first  # read from the cache, not trained again


def test_the_child_process_learns_the_pipelines_own_terms_idf_and_weights_a_slice_at_a_time(tmp_path, monkeypatch,
                                                                                             small, fitted):
    # main() counts the terms first, then learns slice by slice (2.6 GB -> about 450 MB on all the files): the same
    # terms and idf as the pipeline fitted at once, the same weights to rounding (the sums are added per slice)
    import numpy as np

    from dialogs.triage import second_stage, stage_training

    monkeypatch.setattr(stage_training, "CHUNK", 700)  # several slices, the last one shorter
    key = second_stage.training_key(small)
    out = tmp_path / f"triage-stage-{key}.json"
    assert stage_training.main([str(out), key, str(small.source)]) == 0
    urgent = fit(read_labelled(small.train_on), small.c, small.model, small.alpha, urgent=True)
    for path, pipeline in ((out, fitted), (second_stage.urgent_path(out), urgent)):
        trained, expected = Model.load(path, key), to_model(pipeline)
        assert trained is not None and trained.intercept == expected.intercept
        for got, want in zip(trained.spaces, expected.spaces, strict=True):
            assert (got.kind, got.low, got.high, got.terms.keys()) == (want.kind, want.low, want.high, want.terms.keys())
            at = np.array([got.terms[term] for term in want.terms])
            assert np.array_equal(got.idf_values[at], want.idf_values)
            assert np.allclose(got.weights[at], want.weights, rtol=1e-9, atol=1e-12)


def test_a_changed_labelled_file_or_setting_means_another_model(tmp_path):
    from dialogs.triage.second_stage import training_key

    copy = tmp_path / "mine.tsv"
    copy.write_text("en\tdanger\turgent\tyouth\tfirst\n", encoding="utf-8")
    config = replace(CONFIG, train_on=(copy,))
    before = training_key(config)
    assert training_key(config) == before and training_key(replace(config, alpha=0.5)) != before
    copy.write_text("en\tdanger\turgent\tyouth\tsecond\n", encoding="utf-8")
    assert training_key(config) != before


def test_a_cache_directory_it_cannot_write_still_gives_a_model(tmp_path, monkeypatch, small):
    from dialogs.triage import second_stage

    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("RELIER_CACHE_DIR", str(blocker / "cache"))
    key = second_stage.training_key(small)
    assert second_stage.trained(small, key) is not None


@pytest.mark.parametrize("urgent_p, expected", [(0.9999, "urgent"), (0.5, "high")])
def test_the_urgent_step_raises_a_message_at_high_to_urgent_when_its_model_is_sure(urgent_p, expected):
    high = Assessment(level="high", rule="hopeless")
    raised = raise_with(constant(0.1), CONFIG, high, TEXT, urgent=constant(urgent_p))
    assert raised.level == expected and raised.rule == ("hopeless" if expected == "high" else RULE)
    # and what the first step raised to high too
    assert raise_with(constant(0.99999), CONFIG, Assessment(), TEXT, urgent=constant(urgent_p)).level == expected


def test_the_urgent_step_leaves_below_high_an_event_long_over_a_negation_and_when_it_is_off():
    sure = constant(0.99999)
    assert raise_with(constant(0.1), CONFIG, Assessment(), TEXT, urgent=sure) == Assessment()  # not high: untouched
    long_ago = Assessment(level="high", rule="attempt", long_ago=True)
    assert raise_with(sure, CONFIG, long_ago, TEXT, urgent=sure) == long_ago
    negated = Assessment(level="watch", rule="suicide", negated=True, clarify=True)
    assert raise_with(sure, CONFIG, negated, TEXT, urgent=sure) == negated
    high = Assessment(level="high", rule="hopeless")
    assert raise_with(sure, replace(CONFIG, urgent_threshold=None), high, TEXT, urgent=sure) == high

