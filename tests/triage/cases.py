"""Reads the labelled messages, so the tests, the benchmark and the batch scores share one source of truth.

`labelled_messages.tsv` holds the first 400 messages (rounds 1 to 3); `batches/batch_NN.tsv` holds
the batches written later, each committed alone before any rule was changed for it (README, triage).
They live in `dialogs/triage/labelled/`, installed with the bot: the second stage learns from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dialogs.triage import Assessment, assess_text, combine
from dialogs.triage.reply import read_reply
from dialogs.triage.second_stage import LABELLED_DIR

HERE = Path(__file__).resolve().parent
LABELLED = LABELLED_DIR / "labelled_messages.tsv"
BATCHES = LABELLED_DIR / "batches"
LABELS = {"danger": ("high", "urgent"), "no-danger": ("none", "watch")}
# Batches committed and scored (their first figures are in the README) whose messages have not been read
# nor tuned on yet: the tests of tuned messages (test_labelled) leave them out until the rules are tuned
# on them; the score script and the benchmark read them like the others. Remove a batch once tuned.
NOT_YET_TUNED: tuple[str, ...] = ()
# Batches of answers TYPED to the bot's direct question (« Est-ce que tu as des idées de te faire du mal... ? »).
# The bot reads the text that follows the question as its answer (dialogs.flows.clarify): screened like any text,
# and a yes ("parfois. surtout le soir", "yeah for months") is the « Oui » button, hence urgent. They are scored
# as the bot reads them there (`assess_case`). The second stage does not learn from them: "yeah for months" is
# dangerous only after the question, and would teach it that "months" is.
REPLIES: frozenset[str] = frozenset({"batch_102", "batch_112"})


@dataclass(frozen=True)
class Case:
    """One labelled message: language, danger or not, the exact expected level, who wrote it."""

    line: int
    lang: str
    label: str
    level: str
    who: str
    text: str
    batch: str = "rounds 1-3"

    @property
    def dangerous(self) -> bool:
        return self.label == "danger"


def read_file(path: Path, batch: str) -> list[Case]:
    """The messages of one file; a malformed line fails loudly with its line number."""
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
        cases.append(Case(number, lang, label, level, who, text, batch))
    return cases


def describe(case: Case) -> str:
    """A labelled message's name in a test id or a failure: batch, language, line, level."""
    return f"{case.batch.replace(' ', '')}-{case.lang}-{case.line}-{case.level}"


def batch_number(batch: str) -> int:
    """The number of a batch ("batch_07" -> 7): from batch_100 on, the names no longer sort as text."""
    return int(batch.rsplit("_", 1)[1])


def batch_files() -> list[Path]:
    """The later batches, in the order they were written."""
    return sorted(BATCHES.glob("batch_*.tsv"), key=lambda path: batch_number(path.stem))


def load_cases(path: Path | None = None) -> list[Case]:
    """Every labelled message (or only those of `path`)."""
    if path is not None:
        return read_file(path, path.stem)
    cases = read_file(LABELLED, "rounds 1-3")
    for batch in batch_files():
        cases += read_file(batch, batch.stem)
    return cases


def assess_case(case: Case, assess=assess_text) -> Assessment:
    """What the bot makes of a labelled message: its triage, and for an answer to the direct question (REPLIES)
    the answer read as the question's buttons would be (a yes is urgent)."""
    result = assess(case.text, case.lang)
    if case.batch in REPLIES and read_reply(case.text, case.lang) == "yes":
        return combine(result, Assessment("urgent", rule="clarify_yes"))
    return result
