"""The prospective table: each fresh batch judged with the rules and the data that existed before it."""

from __future__ import annotations

from tests.triage.prospective import Row, table, urgent_table


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
    assert lines[-1].endswith("(2 messages, the rules alone; the first step never raises to urgent): 50.0%")


def test_the_urgent_table_raises_only_what_is_at_high_and_counts_the_cost():
    found = [Row("batch_05", True, False, True, 0.1, urgent=True, rules_urgent=True),  # urgent by the rules
             Row("batch_05", True, False, True, 0.1, urgent=True, p_urgent=0.9999),  # high by the rules, raised
             Row("batch_05", True, False, False, 0.1, urgent=True, p_urgent=0.9999),  # not high: not raised
             Row("batch_05", True, False, True, 0.1, p_urgent=0.95),  # labelled high, raised at 0.9 only
             Row("batch_05", False, False, False, 0.99999, p_urgent=0.9999),  # harmless, high by step 1, raised
             Row("batch_60", True, False, False, 0.99999, urgent=True, p_urgent=0.5),  # step 1, not sure enough
             Row("batch_71", True, False, True, 0.1, urgent=True, p_urgent=0.95)]  # high by the rules, raised at 0.9
    lines = urgent_table(found, 0.9995, (0.9995, 0.9))
    assert "| 05-53 | off | 33.3% (3) | 0.0% | 0.0% | 0.0% |" in lines
    assert "| 05-53 | 0.9995 | 66.7% (3) | 0.0% | 50.0% | 100.0% |" in lines
    assert "| 05-53 | 0.9 | 66.7% (3) | 100.0% | 100.0% | 100.0% |" in lines
    assert "| 54-69 | 0.9 | 0.0% (1) | – | – | – |" in lines
    assert "| 70 on | 0.9995 | 0.0% (1) | – | – | – |" in lines
    assert "| 70 on | 0.9 | 100.0% (1) | – | – | – |" in lines


def test_batches_are_taken_in_the_order_they_were_written_past_99(tmp_path, monkeypatch):
    from tests.triage import cases

    for name in ("batch_100", "batch_11", "batch_99", "batch_05"):
        (tmp_path / f"{name}.tsv").write_text("", encoding="utf-8")
    monkeypatch.setattr(cases, "BATCHES", tmp_path)
    assert [p.stem for p in cases.batch_files()] == ["batch_05", "batch_11", "batch_99", "batch_100"]


def test_the_rounds_replay_gives_the_level_the_bot_gives():
    """tests/triage/rounds.py applies thresholds to stored readings: the same levels as second_stage.raise_with."""
    from dataclasses import replace

    from dialogs.triage.assessment import Assessment
    from dialogs.triage.second_stage import load_config, raise_with
    from tests.triage.rounds import Row as RoundRow
    from tests.triage.test_second_stage import constant

    config = load_config()
    for level in ("none", "watch", "high", "urgent"):
        for negated in (False, True):
            for long_ago in (False, True):
                for danger in (0.1, 0.9995, 0.99999):
                    for urgent in (0.5, 0.95, 0.999):
                        for step in (0.99, 0.9):
                            row = RoundRow("batch_166", "high", level, negated, long_ago, danger, urgent)
                            given = raise_with(constant(danger), replace(config, urgent_threshold=step),
                                               Assessment(level=level, negated=negated, long_ago=long_ago),
                                               "a message of three words or more",  # the stage reads no fewer
                                               urgent=constant(urgent))
                            assert row.shipped(config.threshold, step) == given.level, row


def test_the_rounds_table_counts_batches_meeting_all_three_targets():
    from tests.triage.rounds import Row as RoundRow
    from tests.triage.rounds import figures

    one = [RoundRow("batch_166", "urgent", "urgent", False, False, 0.0, 0.0)] * 59 + [
        RoundRow("batch_166", "urgent", "high", False, False, 0.0, 0.95),  # urgent only from a step of 0.95 down
        RoundRow("batch_166", "high", "high", False, False, 0.0, 0.97),  # labelled high: the step's cost
        RoundRow("batch_166", "none", "none", False, False, 0.0, 0.0)]
    assert figures(one, 0.9995, 0.99) == "100.0% | 98.3% | 0.00% | 1 of 1 | 0.0% | 0.00%"
    assert figures(one, 0.9995, 0.9) == "100.0% | 100.0% | 0.00% | 1 of 1 | 100.0% | 0.00%"
    missed = one + [RoundRow("batch_166", "urgent", "none", False, False, 0.0, 0.0)]  # 59 of 61 urgent: 96.7%
    assert figures(missed, 0.9995, 0.99).split(" | ")[3] == "0 of 1"
