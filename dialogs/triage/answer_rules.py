"""Triage of check-in answers over the weeks, with thresholds in thresholds.toml so a psychologist can change them."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Sequence, Union

from dialogs.triage.answers import MOODS, ParentAnswers, YouthAnswers
from dialogs.triage.assessment import LEVELS, Assessment, combine
from dialogs.triage.patterns import RulesError

DEFAULT_PATH = Path(__file__).resolve().parent / "thresholds.toml"
FORMS = {"parent": ParentAnswers, "youth": YouthAnswers}
MAX_WEEKS = 52
_MOOD_FIELDS = {name for cls in FORMS.values() for name, values in cls.VALUES.items() if values == MOODS}
_ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})")

Answers = Union[ParentAnswers, YouthAnswers]


@dataclass(frozen=True)
class AnswerRule:
    """One [rules.<id>] table: conditions that must hold on `weeks` check-ins in a row, and the level they give."""

    id: str
    form: str  # "parent" or "youth": whose check-ins the rule reads
    level: str
    weeks: int
    conditions: tuple[tuple[str, frozenset], ...]  # (answer, values that count); "_at_most" is made a set too
    falling: str | None  # a mood answer that must fall strictly, week after week, over `weeks` check-ins

    def fires(self, history: Sequence[Answers]) -> bool:
        """True if the most recent `weeks` check-ins (current first, consecutive) all meet the rule."""
        recent = history[: self.weeks]
        if len(recent) < self.weeks:
            return False  # not enough check-ins: nothing is "running" yet
        if not all(getattr(a, name) in values for a in recent for name, values in self.conditions):
            return False
        if self.falling is None:
            return True
        moods = [getattr(a, self.falling) for a in recent]  # newest first, so each one is below the one after
        return all(newer < older for newer, older in zip(moods, moods[1:]))


def _whole(value: object, low: int, high: int, where: str) -> int:
    if type(value) is not int or not low <= value <= high:
        raise RulesError(f"{where} must be a whole number from {low} to {high}, not {value!r}")
    return value


def _values(value: object, allowed: tuple, where: str) -> frozenset:
    listed = [value] if isinstance(value, str) else value
    if not isinstance(listed, list) or not listed or any(v not in allowed for v in listed):
        raise RulesError(f"{where} must be one or a list of {allowed}, not {value!r}")
    if "holidays" in listed:
        raise RulesError(f"{where}: 'holidays' never counts as absence, remove it")
    return frozenset(listed)


def compile_rule(rule_id: str, raw: object, origin: str = "thresholds") -> AnswerRule:
    """Check one [rules.<id>] table; a mistake raises RulesError naming the file, the rule and the key."""
    where = f"{origin}: [rules.{rule_id}]"
    if not isinstance(raw, dict):
        raise RulesError(f"{where} must be a table")
    form = raw.get("for")
    if form not in FORMS:
        raise RulesError(f"{where} for must be 'parent' or 'youth', not {form!r}")
    level = raw.get("level")
    if level not in LEVELS:
        raise RulesError(f"{where} level must be one of {', '.join(LEVELS)}, not {level!r}")
    if not isinstance(raw.get("about", ""), str):
        raise RulesError(f"{where} about must be a text")
    answers = FORMS[form].VALUES
    moods = sorted(n for n in answers if n in _MOOD_FIELDS)
    choices = {name: values for name, values in answers.items() if name not in _MOOD_FIELDS}
    weeks = _whole(raw.get("weeks", 1), 1, MAX_WEEKS, f"{where} weeks")
    falling = raw.get("falling")
    if falling is not None:
        if falling not in moods:
            raise RulesError(f"{where} falling must be one of {moods}, not {falling!r}")
        if weeks < 2:
            raise RulesError(f"{where} a falling rule needs weeks = 2 or more")
    conditions = []
    for key, value in raw.items():
        if key in ("for", "level", "about", "weeks", "falling"):
            continue
        if key in choices:
            conditions.append((key, _values(value, choices[key], f"{where} {key}")))
        elif key.endswith("_at_most") and key[: -len("_at_most")] in moods:
            limit = _whole(value, MOODS[0], MOODS[-1], f"{where} {key}")
            conditions.append((key[: -len("_at_most")], frozenset(m for m in MOODS if m <= limit)))
        else:
            known = sorted(choices) + [f"{m}_at_most" for m in moods] + ["about", "falling", "for", "level", "weeks"]
            raise RulesError(f"{where} unknown key {key!r} for {form} check-ins; known keys: {', '.join(known)}")
    if not conditions and falling is None:
        raise RulesError(f"{where} has no condition: add an answer (e.g. attendance) or 'falling'")
    return AnswerRule(rule_id, form, level, weeks, tuple(conditions), falling)


def compile_thresholds(data: dict, origin: str = "thresholds") -> tuple[AnswerRule, ...]:
    """Check the whole content of a thresholds file; rules keep the file's order (the first one wins a tie)."""
    if set(data) != {"rules"} or not isinstance(data["rules"], dict) or not data["rules"]:
        raise RulesError(f"{origin}: expected only [rules.<id>] tables, at least one (found {sorted(data)})")
    return tuple(compile_rule(rule_id, raw, origin) for rule_id, raw in data["rules"].items())


def load_thresholds(path: Path | str) -> tuple[AnswerRule, ...]:
    """Read and check a thresholds file (tests and staff can point at a copy)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"{path.name}: {error}") from None
    except OSError as error:
        raise RulesError(f"{path.name}: cannot be read ({error.strerror})") from None
    return compile_thresholds(data, path.name)


@cache
def default_thresholds() -> tuple[AnswerRule, ...]:
    """The thresholds shipped in dialogs/triage/thresholds.toml, read once per process."""
    return load_thresholds(DEFAULT_PATH)


def _monday(iso_week: str) -> date:
    found = _ISO_WEEK.fullmatch(iso_week) if isinstance(iso_week, str) else None
    if not found:
        raise ValueError(f"not an ISO week like '2025-W07': {iso_week!r}")
    return date.fromisocalendar(int(found[1]), int(found[2]), 1)


def _consecutive(iso_weeks: Sequence[str], count: int) -> int:
    """How many check-ins, from the current one back, follow each other week after week."""
    if len(iso_weeks) != count:
        raise ValueError(f"iso_weeks has {len(iso_weeks)} weeks for {count} check-ins")
    mondays = [_monday(w) for w in iso_weeks]
    run = 1
    while run < count and (mondays[run - 1] - mondays[run]).days == 7:
        run += 1
    return run


def assess_answers(current: Answers, previous: Sequence[Answers] = (), *,
                   iso_weeks: Sequence[str] | None = None,
                   rules: Sequence[AnswerRule] | None = None) -> Assessment:
    """The worst level the thresholds give to this check-in and the earlier ones (most recent first).

    Without `iso_weeks`, the check-ins are taken as following each other. With `iso_weeks` (the
    ISO week of `current`, then of each previous one), a skipped week ends every run and trend.
    """
    form = next((name for name, cls in FORMS.items() if type(current) is cls), None)
    history = [current, *previous]
    if form is None or any(type(a) is not type(current) for a in history):
        raise TypeError("assess_answers takes check-ins of one kind: all ParentAnswers or all YouthAnswers")
    if iso_weeks is not None:
        history = history[: _consecutive(iso_weeks, len(history))]
    rules = default_thresholds() if rules is None else rules
    fired = [Assessment(level=r.level, lang="", rule=r.id) for r in rules if r.form == form and r.fires(history)]
    return combine(Assessment(level="none", lang=""), *fired)


def worrying(assessment: Assessment) -> bool:
    """High and urgent assessments need a person from the staff (same as Assessment.needs_staff)."""
    return assessment.needs_staff
