"""What the bot as shipped did with each round of fresh batches, and what other thresholds of the stage would have.

From batch 166 on, fresh batches were written six at a time: the six were committed, scored, then the rules were
tuned and the stage learned them, before the next six were scored. For each round this replays exactly that: the
rules as they were at the commit of the round's last batch (a `git worktree`: they had never seen the six) and both
models of the stage trained on the labelled set and every batch before the round. The rules' readings and the two
probabilities are kept in a cache directory (a round is computed once, about 25 s), then any thresholds are
applied to them. It prints, per part of the replay, the three figures of the targets, how many batches meet all
three (dangerous >= 95%, urgent >= 98%, false alarms <= 5%), and what the urgent step costs (messages labelled high,
or harmless, given urgent).

Usage, from the repository root (needs the git history and the `dev` extra):
`python -m tests.triage.rounds [--first 166] [--last 321] [--size 6] [--parts 166-261,262-321]
[--thresholds 0.9995] [--steps 0.99,0.98,0.95,0.9] [--cache .cache/rounds]`.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from dialogs.triage.assessment import rank
from tests.triage.cases import batch_files, batch_number, load_cases
from tests.triage.prospective import ROOT_DIR, commit_of, files_before, run_at

_READINGS = """
import json, sys
from dialogs.triage import assess_rules
out = []
for lang, text in json.load(sys.stdin):
    found = assess_rules(text, lang)
    out.append([found.level, found.negated, found.long_ago])
print(json.dumps(out))
"""


@dataclass(frozen=True)
class Row:
    """One message of a round: its batch and label, the rules' reading then, and the stage's two probabilities."""

    batch: str
    label: str
    level: str
    negated: bool
    long_ago: bool
    danger: float  # the first model: dangerous against the rest
    urgent: float  # the urgent model: urgent against the rest

    def shipped(self, threshold: float, step: float | None) -> str:
        """The level the bot gives with these thresholds (second_stage.raise_with, on the stored figures).

        A row keeps no text, so raise_with's "three words or more" for the first step is not replayed: no labelled
        message of one or two words was ever raised by the stage (2026-12-05), so no figure changes."""
        level, long_ago = self.level, self.long_ago
        if self.negated:
            return level
        if rank(level) < rank("high") and self.danger >= threshold:
            level, long_ago = "high", False  # raised by the first step: no longer the rules' event long over
        if level == "high" and not long_ago and step is not None and self.urgent >= step:
            level = "urgent"
        return level


def round_rows(first: int, size: int, cache: Path) -> list[Row]:
    """The rows of the round of `size` batches starting at `first`, from the cache or computed."""
    names = [f"batch_{number}" for number in range(first, first + size)]
    commit = commit_of(names[-1])
    path = cache / f"round_{first}_{size}_{commit[:12]}.json"
    if path.exists():
        return [Row(**row) for row in json.loads(path.read_text(encoding="utf-8"))]
    from dialogs.triage.second_stage import fit, load_config, read_labelled

    config = load_config()
    mine = [case for case in load_cases() if case.batch in names]
    readings = run_at(commit, _READINGS, mine)
    learned = read_labelled(files_before(first))
    texts = [case.text for case in mine]
    danger = fit(learned, config.c, config.model, config.alpha).predict_proba(texts)[:, 1]
    urgent = fit(learned, config.c, config.model, config.alpha, urgent=True).predict_proba(texts)[:, 1]
    rows = [Row(case.batch, case.level, level, negated, long_ago, float(d), float(u))
            for case, (level, negated, long_ago), d, u in zip(mine, readings, danger, urgent)]
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([row.__dict__ for row in rows]), encoding="utf-8")
    return rows


def figures(rows: list[Row], threshold: float, step: float | None) -> str:
    """One line of the table: pooled figures, batches meeting the three targets, the urgent step's cost."""
    per: dict[str, list[int]] = {}
    high_urgent = harmless_urgent = 0
    for row in rows:
        level = row.shipped(threshold, step)
        counts = per.setdefault(row.batch, [0] * 6)
        if row.label in ("high", "urgent"):
            counts[0] += 1
            counts[1] += rank(level) >= rank("high")
        else:
            counts[4] += 1
            counts[5] += rank(level) >= rank("high")
            harmless_urgent += level == "urgent"
        if row.label == "urgent":
            counts[2] += 1
            counts[3] += level == "urgent"
        high_urgent += row.label == "high" and level == "urgent"
    total = [sum(counts[i] for counts in per.values()) for i in range(6)]
    meeting = sum(1 for c in per.values() if c[1] >= 0.95 * c[0] and c[3] >= 0.98 * c[2] and c[5] <= 0.05 * c[4])
    highs = sum(1 for row in rows if row.label == "high")
    return (f"{100 * total[1] / total[0]:.1f}% | {100 * total[3] / total[2]:.1f}% | {100 * total[5] / total[4]:.2f}%"
            f" | {meeting} of {len(per)} | {100 * high_urgent / highs:.1f}% | {100 * harmless_urgent / total[4]:.2f}%")


def main(argv: list[str]) -> int:
    from dialogs.triage.second_stage import load_config

    config = load_config()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, default=166)
    parser.add_argument("--last", type=int, default=max(batch_number(p.stem) for p in batch_files()))
    parser.add_argument("--size", type=int, default=6)
    parser.add_argument("--parts", default="")
    parser.add_argument("--thresholds", default=str(config.threshold))
    parser.add_argument("--steps", default=f"{config.urgent_threshold}")
    parser.add_argument("--cache", type=Path, default=ROOT_DIR / ".cache" / "rounds")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    for first in range(args.first, args.last + 1, args.size):
        if first + args.size - 1 > args.last:
            break  # a round not yet complete
        rows += round_rows(first, args.size, args.cache)
    parts = [tuple(map(int, part.split("-"))) for part in args.parts.split(",") if part] or [
        (args.first, args.last)]
    print("| batches | first step | urgent step | dangerous | urgent | false alarms | batches meeting all three "
          "| high given urgent | harmless given urgent |\n|---|---|---|---|---|---|---|---|---|")
    for low, high in parts:
        part = [row for row in rows if low <= batch_number(row.batch) <= high]
        for threshold in map(float, args.thresholds.split(",")):
            for step in map(float, args.steps.split(",")):
                print(f"| {low}-{high} | {threshold} | {step} | {figures(part, threshold, step)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
