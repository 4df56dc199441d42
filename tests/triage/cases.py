"""Reads the labelled messages, so the tests and the benchmark share one source of truth."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LABELLED = Path(__file__).resolve().parent / "labelled_messages.tsv"
LABELS = {"danger": ("high", "urgent"), "no-danger": ("none", "watch")}


@dataclass(frozen=True)
class Case:
    """One labelled message: language, danger or not, the exact expected level, who wrote it."""

    line: int
    lang: str
    label: str
    level: str
    who: str
    text: str

    @property
    def dangerous(self) -> bool:
        return self.label == "danger"


def load_cases(path: Path = LABELLED) -> list[Case]:
    """Every labelled message; a malformed line fails loudly with its line number."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 5:
            raise ValueError(f"{path.name}:{number}: expected 5 tab-separated fields")
        lang, label, level, who, text = fields
        if lang not in ("fr", "en") or label not in LABELS or level not in LABELS[label]:
            raise ValueError(f"{path.name}:{number}: bad lang/label/level {lang}/{label}/{level}")
        if who not in ("parent", "youth"):
            raise ValueError(f"{path.name}:{number}: who must be parent or youth")
        cases.append(Case(number, lang, label, level, who, text))
    return cases
