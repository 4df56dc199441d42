"""The whole labelled set, every message read once by the rules and once as shipped (the rules, then the second
stage): recall and false alarms meet the targets, every dangerous message of a later batch is flagged or asked
about, and the second stage only ever raises what the rules say.

One module, one reading: the three checks used to read the set three times over (about 190,000 messages, most of
the suite's time). As shipped is exactly what `assess_text` does: the rules, then `raise_level` on the same text.
"""

from __future__ import annotations

from collections import Counter

import pytest

from dialogs.triage import MAX_CHARS, assess_rules, rank
from dialogs.triage.assessment import Assessment
from dialogs.triage.second_stage import RULE as SECOND_STAGE
from dialogs.triage.second_stage import load_config, raise_level
from tests.triage.cases import NOT_YET_TUNED, assess_case, describe, load_cases
from tests.triage.score import score

ALL = load_cases()
CASES = [c for c in ALL if c.batch not in NOT_YET_TUNED]  # the rules have been tuned on these
URGENT_RECALL_TARGET = 0.98
DANGEROUS_RECALL_TARGET = 0.95
FALSE_ALARM_TARGET = 0.05

DANGEROUS_BY_BATCH: dict[str, list] = {}
for _case in CASES:
    if _case.dangerous and _case.batch != "rounds 1-3":  # rounds 1-3 get their exact level (test_labelled.py)
        DANGEROUS_BY_BATCH.setdefault(_case.batch, []).append(_case)


@pytest.fixture(scope="module")
def readings() -> dict[tuple[str, str], tuple[Assessment, Assessment]]:
    """(text, language) -> (what the rules say, what the bot says)."""
    read: dict[tuple[str, str], tuple[Assessment, Assessment]] = {}
    for case in ALL:
        key = (case.text, case.lang)
        if key not in read:
            rules = assess_rules(case.text, case.lang)
            read[key] = rules, raise_level(rules, case.text[:MAX_CHARS])
    return read


def as_shipped(readings):
    return lambda text, lang: readings[(text, lang)][1]


@pytest.mark.parametrize("batch", sorted(DANGEROUS_BY_BATCH))
def test_every_dangerous_message_of_a_later_batch_is_flagged_or_asked_about(readings, batch):
    """Flagged for the staff, or at least the clarifying question is asked (false alarms: the aggregate below).

    One test per batch, listing every message it misses: one test per message (about 95,000) spent most of the suite's
    time in pytest's own bookkeeping, not in the triage."""
    missed = []
    for case in DANGEROUS_BY_BATCH[batch]:
        result = assess_case(case, as_shipped(readings))  # an answer to the direct question is read as one
        if not (rank(result.level) >= rank("high") or result.clarify):
            missed.append((describe(case), case.text, result.level, result.rule))
    assert not missed, missed


def test_recall_and_false_alarm_targets_on_the_whole_set(readings, capsys):
    result, _ = score(CASES, as_shipped(readings))
    with capsys.disabled():
        print("\n" + result.line("triage"))
    assert result.urgent_recall >= URGENT_RECALL_TARGET
    assert result.recall >= DANGEROUS_RECALL_TARGET
    assert result.false_alarms <= FALSE_ALARM_TARGET


def test_the_second_stage_is_on_and_never_lowers_what_the_rules_say(readings):
    assert load_config().enabled
    raised = Counter()
    for (text, _), (rules, shipped) in readings.items():
        assert rank(shipped.level) >= rank(rules.level), text
        assert shipped == rules or shipped.rule == SECOND_STAGE, text  # and then it says so
        assert shipped.level != "watch" or shipped == rules or rules.level == "none", text  # watch: only from none
        assert not rules.negated or shipped == rules, text  # a negation the rules saw keeps their question
        assert not (rules.long_ago and shipped.level == "urgent" and rules.level != "urgent"), text  # long over
        raised[shipped.level] += shipped != rules
    assert raised["high"] > 0 and raised["urgent"] > 0  # it is really on, both steps: some messages are raised
