"""The score script: --figures-only never prints a message, so a fresh batch can be scored before anyone reads it."""

from __future__ import annotations

from tests.triage.cases import load_cases
from tests.triage.score import main


def test_figures_only_prints_the_figures_and_no_message(capsys):
    cases = [c for c in load_cases() if c.batch == "batch_08"]
    assert main(["--rules-only", "--figures-only", "batch_08"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("batch_08") and "dangerous" in out and "false alarms" in out
    assert not any(case.text in out for case in cases)
    assert len(out.splitlines()) == 2  # the batch, and the line of the batches chosen together


def test_without_it_the_messages_on_the_wrong_side_are_listed(capsys):
    main(["--rules-only", "batch_08"])
    assert "expected" in capsys.readouterr().out
