"""Every labelled message gets its expected level; recall and false alarms meet the targets."""

from __future__ import annotations

import pytest

from dialogs.triage import assess_text, rank
from tests.triage.cases import load_cases

CASES = load_cases()
RECALL_TARGET = 1.0
FALSE_ALARM_TARGET = 0.05


def describe(case) -> str:
    return f"{case.lang}-{case.line}-{case.level}"


@pytest.mark.parametrize("case", CASES, ids=describe)
def test_labelled_message_gets_its_level(case):
    result = assess_text(case.text, case.lang)
    assert result.level == case.level, (case.text, result)


def test_the_labelled_set_is_big_and_balanced():
    assert len(CASES) >= 200
    for lang in ("fr", "en"):
        for label in ("danger", "no-danger"):
            assert sum(c.lang == lang and c.label == label for c in CASES) >= 40, (lang, label)


def figures() -> dict[str, float]:
    """Recall: dangerous messages given at least their level. False alarms: others given high or urgent."""
    dangerous = [c for c in CASES if c.dangerous]
    harmless = [c for c in CASES if not c.dangerous]
    caught = sum(rank(assess_text(c.text, c.lang).level) >= rank(c.level) for c in dangerous)
    alarms = sum(assess_text(c.text, c.lang).needs_staff for c in harmless)
    urgent = [c for c in dangerous if c.level == "urgent"]
    urgent_caught = sum(assess_text(c.text, c.lang).level == "urgent" for c in urgent)
    return {
        "recall": caught / len(dangerous),
        "urgent_recall": urgent_caught / len(urgent),
        "false_alarm_rate": alarms / len(harmless),
        "dangerous": len(dangerous),
        "harmless": len(harmless),
    }


def test_recall_and_false_alarm_targets(capsys):
    result = figures()
    with capsys.disabled():
        print(f"\ntriage: recall {result['recall']:.1%} on {result['dangerous']} dangerous messages"
              f" (urgent caught as urgent {result['urgent_recall']:.1%}),"
              f" false alarms {result['false_alarm_rate']:.1%} on {result['harmless']} others")
    assert result["recall"] >= RECALL_TARGET
    assert result["urgent_recall"] >= RECALL_TARGET
    assert result["false_alarm_rate"] < FALSE_ALARM_TARGET
