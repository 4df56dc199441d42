"""The prospective table: each fresh batch judged with the rules and the data that existed before it."""

from __future__ import annotations

from tests.triage.prospective import Row, table


def test_the_table_pools_recall_and_false_alarms_per_threshold():
    found = [Row("batch_05", True, False, True, 0.1, urgent=True, rules_urgent=True),
             Row("batch_05", True, False, False, 0.75, urgent=True),
             Row("batch_05", False, False, False, 0.85),
             Row("batch_05", False, False, False, 0.2),
             Row("batch_12", False, True, False, 0.65)]
    lines = table(found)
    assert lines[2] == "| off (rules alone) | 50.0% | 0.0% | 0.0% |"
    assert "| threshold 0.6 | 100.0% | 50.0% | 100.0% |" in lines
    assert "| threshold 0.8 | 50.0% | 50.0% | 0.0% |" in lines
    assert lines[-1].endswith("(2 messages, the stage never raises to urgent): 50.0%")

