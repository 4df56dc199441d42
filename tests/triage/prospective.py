"""What the second stage would have done on each fresh batch, with only what existed before that batch.

For every batch, the rules are taken as they were when the batch was committed (a `git worktree` of that
commit: they had never seen it), and the classifier is trained on the labelled set and the batches written
before it. Pooled over the fresh batches, it prints dangerous recall and false alarms of the rules alone and
of the rules plus the classifier at several thresholds, so the choice to turn the stage on rests on every
fresh batch, not on the last one. Usage, from the repository root (about five minutes; needs git history and
the `dev` extra): `python -m tests.triage.prospective [--model logistic|complement_nb] [--c 16] [--urgent [--steps 0.995,0.99]]` (the model and
its settings of second_stage.toml by default; `--urgent` also replays the urgent step).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.triage.cases import HERE, LABELLED, REPLIES, Case, batch_files, batch_number, load_cases

ROOT_DIR = HERE.parent.parent

# Batches 10 to 12 were scored first with the concept layer, written without reading them (README, triage).
RULES_AT = {"batch_10": "6f2899e", "batch_11": "6f2899e", "batch_12": "6f2899e"}
# Batches 01 to 04 were written by the rules' author and 09 after reading the rules: not fresh.
NOT_FRESH = ("batch_01", "batch_02", "batch_03", "batch_04", "batch_09")
FRESH = tuple(path.stem for path in batch_files() if path.stem not in NOT_FRESH)
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
# Complement NB's probabilities are sharp: its useful thresholds are near 1 (second_stage.toml)
SHARP_THRESHOLDS = (0.9, 0.99, 0.999, 0.9995, 0.9999)

_LEVELS = """
import json, sys
try:
    from dialogs.triage import assess_rules as read  # the rules alone (the second stage is on from 2026-12-04)
except ImportError:
    from dialogs.triage import assess_text as read  # older commits: no second stage in assess_text
cases = json.load(sys.stdin)
print(json.dumps([read(text, lang).level for lang, text in cases]))
"""


@dataclass(frozen=True)
class Row:
    """One message of a fresh batch: its label, whether the rules of the time flagged it, the probability."""

    batch: str
    dangerous: bool
    ordinary: bool
    rules_flagged: bool
    probability: float
    urgent: bool = False
    rules_urgent: bool = False
    p_urgent: float = 0.0  # the urgent model's probability (with --urgent)

    def flagged(self, threshold: float | None) -> bool:
        return self.rules_flagged or (threshold is not None and self.probability >= threshold)


def commit_of(batch: str) -> str:
    """The commit that added the batch (the rules in it had not seen the batch), unless RULES_AT says."""
    if batch in RULES_AT:
        return RULES_AT[batch]
    paths = [f"{folder}/{batch}.tsv" for folder in ("tests/triage/batches", "dialogs/triage/labelled/batches")]
    out = subprocess.run(["git", "log", "--diff-filter=A", "--format=%H", "--", *paths],  # moved on 2026-12-04
                         cwd=ROOT_DIR, capture_output=True, text=True, check=True).stdout.split()
    return out[-1]  # the first: when it was written, not when it moved


def run_at(commit: str, script: str, cases: list[Case]) -> list:
    """What `script` prints (JSON) for the cases' [lang, text] pairs on its standard input, run in a `git worktree`
    of `commit` (so with the rules of that commit), the worktree removed after."""
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "tree"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(tree), commit], cwd=ROOT_DIR, check=True)
        try:
            done = subprocess.run([sys.executable, "-c", script], cwd=tree, capture_output=True, text=True,
                                  check=True, input=json.dumps([[c.lang, c.text] for c in cases]))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT_DIR, check=True)
    return json.loads(done.stdout)


def levels_at(commit: str, cases: list[Case]) -> list[str]:
    """The rules' levels for the cases, computed in a worktree of `commit` (the rules alone, never the stage)."""
    return run_at(commit, _LEVELS, cases)


def files_before(number: int) -> list[Path]:
    """The labelled files the stage learned before batch `number`: the labelled set and the earlier batches, less
    the answers to the question (as shipped, they are not learned)."""
    return [LABELLED] + [p for p in batch_files() if batch_number(p.stem) < number and p.stem not in REPLIES]


def rows(c: float, kind: str = "logistic", alpha: float = 0.03, urgent: bool = False) -> list[Row]:
    from dialogs.triage.second_stage import fit, read_labelled

    cases = load_cases()
    out: list[Row] = []
    for batch in FRESH:
        mine = [case for case in cases if case.batch == batch]
        before = files_before(batch_number(batch))
        learned = read_labelled(before)
        model = fit(learned, c, kind, alpha)
        probabilities = model.predict_proba([case.text for case in mine])[:, 1]
        urgent_p = (fit(learned, c, kind, alpha, urgent=True).predict_proba([case.text for case in mine])[:, 1]
                    if urgent else [0.0] * len(mine))
        ordinary = not any(case.dangerous for case in mine)
        for case, level, p, u in zip(mine, levels_at(commit_of(batch), mine), probabilities, urgent_p):
            out.append(Row(batch, case.dangerous, ordinary, level in ("high", "urgent"), float(p),
                           case.level == "urgent", level == "urgent", float(u)))
    return out


def table(found: list[Row], thresholds: tuple[float, ...] = THRESHOLDS) -> list[str]:
    """Markdown lines: per threshold (none = rules alone), pooled recall and false alarms on the fresh batches."""
    dangerous = [r for r in found if r.dangerous]
    harmless = [r for r in found if not r.dangerous and not r.ordinary]
    ordinary = [r for r in found if r.ordinary]

    def share(group: list[Row], threshold: float | None) -> str:
        return f"{100 * sum(r.flagged(threshold) for r in group) / len(group):.1f}%"

    lines = [f"| second stage | dangerous recall ({len(dangerous)}) | false alarms, mixed batches ({len(harmless)})"
             f" | false alarms, ordinary check-ins ({len(ordinary)}) |", "|---|---|---|---|"]
    for threshold in (None, *thresholds):
        name = "off (rules alone)" if threshold is None else f"threshold {threshold}"
        lines.append(f"| {name} | {share(dangerous, threshold)} | {share(harmless, threshold)}"
                     f" | {share(ordinary, threshold)} |")
    urgent = [r for r in found if r.urgent]
    lines.append(f"\nUrgent recall ({len(urgent)} messages, the rules alone; "
                 "the first step never raises to urgent): "
                 f"{100 * sum(r.rules_urgent for r in urgent) / len(urgent):.1f}%")
    return lines


def urgent_table(found: list[Row], threshold: float, urgent_thresholds: tuple[float, ...]) -> list[str]:
    """Markdown lines: the urgent step (a message at high, by the rules or the first step, raised to urgent)."""
    lines = ["| batches | urgent step | urgent recall | high given urgent | non-urgent given urgent "
             "| harmless given urgent |", "|---|---|---|---|---|---|"]
    for name, part in (("05-53", [r for r in found if batch_number(r.batch) < 54]),
                       ("54-69", [r for r in found if 54 <= batch_number(r.batch) < 70]),
                       ("70 on", [r for r in found if batch_number(r.batch) >= 70])):
        for step in (None, *urgent_thresholds):
            def urgent(r: Row, step: float | None = step) -> bool:
                return r.rules_urgent or (step is not None and r.flagged(threshold) and r.p_urgent >= step)

            def share(group: list[Row]) -> str:
                return f"{100 * sum(map(urgent, group)) / len(group):.1f}%" if group else "–"
            urgent_rows = [r for r in part if r.urgent]
            lines.append(f"| {name} | {'off' if step is None else step} | {share(urgent_rows)} ({len(urgent_rows)}) "
                         f"| {share([r for r in part if r.dangerous and not r.urgent])} "
                         f"| {share([r for r in part if not r.urgent])} "
                         f"| {share([r for r in part if not r.dangerous])} |")
    return lines


def main(argv: list[str]) -> int:
    from dialogs.triage.second_stage import load_config

    config = load_config()
    c = float(argv[argv.index("--c") + 1]) if "--c" in argv else config.c
    kind = argv[argv.index("--model") + 1] if "--model" in argv else config.model
    print(f"model: {kind}" + (f", alpha {config.alpha}" if kind == "complement_nb" else f", C {c}"))
    found = rows(c, kind, config.alpha, urgent="--urgent" in argv)
    print("\n".join(table(found, SHARP_THRESHOLDS if kind == "complement_nb" else THRESHOLDS)))
    if "--urgent" in argv:  # the urgent step, with the first step at its threshold of second_stage.toml
        steps = tuple(sorted({0.9995, config.urgent_threshold}, reverse=True))  # the first choice, and today's
        if "--steps" in argv:  # others to compare, e.g. --steps 0.995,0.99
            steps = tuple(sorted({float(s) for s in argv[argv.index("--steps") + 1].split(",")}, reverse=True))
        print("\n".join(["", *urgent_table(found, config.threshold, steps)]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
