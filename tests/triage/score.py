"""Prints recall and false alarms per batch of labelled messages, the figures the README records.

Usage, from the repository root: `python -m tests.triage.score [--rules-only | --second-stage] [--figures-only]
[batch_03 ...]` (all batches by default). `--figures-only` prints the figures per batch and never a message: the
way to score a fresh batch before anyone reads it (the protocol in the README, triage). `--rules-only` leaves the second stage out; `--second-stage` trains it from
dialogs/triage/second_stage.toml and applies it whatever second_stage.toml says (to measure it on batches not yet in `train_on`).
Dangerous recall: dangerous messages (expected high or urgent) given high or urgent. Urgent recall:
messages expected urgent given urgent. False alarms: the other messages given high or urgent.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass

from dialogs.triage import assess_rules, assess_text
from dialogs.triage.second_stage import load_config, raise_with, train
from tests.triage.cases import Case, assess_case, load_cases


@dataclass(frozen=True)
class Score:
    messages: int
    dangerous: int
    dangerous_caught: int
    urgent: int
    urgent_caught: int
    harmless: int
    alarms: int
    asked: int = 0  # dangerous messages not flagged but given the clarifying question


    @property
    def recall(self) -> float:
        return self.dangerous_caught / self.dangerous if self.dangerous else 1.0

    @property
    def urgent_recall(self) -> float:
        return self.urgent_caught / self.urgent if self.urgent else 1.0

    @property
    def false_alarms(self) -> float:
        return self.alarms / self.harmless if self.harmless else 0.0

    def line(self, name: str) -> str:
        return (f"{name:<12} {self.messages:>5} msgs | dangerous {self.dangerous_caught:>3}/{self.dangerous:<3}"
                f" {self.recall:6.1%} | urgent {self.urgent_caught:>3}/{self.urgent:<3} {self.urgent_recall:6.1%}"
                f" | false alarms {self.alarms:>2}/{self.harmless:<3} {self.false_alarms:5.1%}"
                f" | missed but asked {self.asked}")


def score(cases: list[Case], assess=assess_text) -> tuple[Score, list[tuple[Case, str]]]:
    """The figures of some cases, and the cases whose level is on the wrong side."""
    counts = defaultdict(int)
    wrong: list[tuple[Case, str]] = []
    for case in cases:
        result = assess_case(case, assess)  # an answer to the direct question is read as one
        level = result.level
        flagged = level in ("high", "urgent")
        if case.dangerous:
            counts["dangerous"] += 1
            counts["dangerous_caught"] += flagged
            if case.level == "urgent":
                counts["urgent"] += 1
                counts["urgent_caught"] += level == "urgent"
            counts["asked"] += not flagged and result.clarify
            if not flagged or (case.level == "urgent" and level != "urgent"):
                wrong.append((case, level + ("?" if result.clarify else "")))
        else:
            counts["harmless"] += 1
            counts["alarms"] += flagged
            if flagged:
                wrong.append((case, level))
    return Score(len(cases), counts["dangerous"], counts["dangerous_caught"], counts["urgent"],
                 counts["urgent_caught"], counts["harmless"], counts["alarms"], counts["asked"]), wrong


def with_second_stage():
    """assess_text with the second stage trained and applied, whatever `enabled` says."""
    config = load_config()
    stage = train(config.train_on, config.c, config.model, config.alpha)
    urgent = (None if config.urgent_threshold is None
              else train(config.train_on, config.c, config.model, config.alpha, urgent=True))
    return lambda text, lang: raise_with(stage, config, assess_rules(text, lang), text, urgent=urgent)


def main(argv: list[str]) -> int:
    assess = (assess_rules if "--rules-only" in argv
              else with_second_stage() if "--second-stage" in argv else assess_text)
    figures_only = "--figures-only" in argv
    argv = [a for a in argv if a not in ("--rules-only", "--second-stage", "--figures-only")]
    cases = load_cases()
    batches: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        batches[case.batch].append(case)
    chosen = argv or list(batches)
    for name in chosen:
        result, wrong = score(batches[name], assess)
        print(result.line(name))
        for case, level in [] if figures_only else wrong:
            print(f"    {case.lang} {case.who:<6} expected {case.level:<6} got {level:<6} {case.text}")
    print(score([c for name in chosen for c in batches[name]], assess)[0].line("all" if not argv else "together"))
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main(sys.argv[1:]))
    except BrokenPipeError:  # piped into head
        sys.stderr.close()
