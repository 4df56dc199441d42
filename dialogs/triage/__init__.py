"""Triage of what parents and young people write, so danger reaches a human at once (see rules_*.toml).

Public API:
- `assess_text(text, lang)` -> `Assessment` (level none/watch/high/urgent, rule, phrase, span): the rules,
  then the second stage (second_stage.py), which may only raise the level;
- `assess_rules(text, lang)` -> the rules alone (to measure what the second stage adds);
- `cli_json(text, lang)` -> dict, what `relier triage --lang fr "text"` prints;
- `combine(*assessments)` -> the most severe one. Answer-based rules of the check-in
  (`assess_answers`, to come) will return `Assessment` objects too, and a check-in's assessment
  will be `combine(assess_answers(...), assess_text(...))`.
"""

from __future__ import annotations

from dialogs.triage.assessment import LEVELS, Assessment, combine, rank
from dialogs.triage.clarify import clarifying_question
from dialogs.triage.engine import Reading, read_with
from dialogs.triage.rules import LANGUAGES, RulesError, rules_for
from dialogs.triage.second_stage import NAMES as SECOND_STAGE_NAMES
from dialogs.triage.second_stage import RULE as SECOND_STAGE
from dialogs.triage.second_stage import raise_level

MAX_CHARS = 20_000  # longer texts are assessed on their first 20,000 characters (Telegram sends 4,096)

__all__ = ["LEVELS", "Assessment", "RulesError", "assess_rules", "assess_text", "cli_json", "clarifying_question",
           "combine", "rank",
           "language_of"]


def language_of(lang: str | None) -> str:
    """"en", "en-GB" -> "en"; French for anything else (the centre's default language)."""
    return "en" if (lang or "").lower().startswith("en") else "fr"


def read_text(text: str, lang: str | None = "fr") -> Reading:
    """The assessment and the words that decided it: the person's language first, then the other one."""
    lang = language_of(lang)
    text = (text or "")[:MAX_CHARS]
    first = read_with(rules_for(lang), text, lang)
    if first.assessment.level == "urgent":
        return first
    other = rules_for("en" if lang == "fr" else "fr")
    if other.ceiling is not None and not other.ceiling.could_replace(text, first.assessment):
        return first  # no phrase of the other language has all its words here (nearly every message: see ceiling.py)
    second = read_with(other, text, lang)
    return second if combine(first.assessment, second.assessment) is second.assessment else first


def assess_rules(text: str, lang: str | None = "fr") -> Assessment:
    """The rules alone: the person's language first, then the other one (people mix them), worst wins."""
    return read_text(text, lang).assessment


def assess_text(text: str, lang: str | None = "fr") -> Assessment:
    """Assess free text: the rules, then the second stage, which may raise the level (never lower it)."""
    return raise_level(assess_rules(text, lang), (text or "")[:MAX_CHARS])


def cli_json(text: str, lang: str) -> dict:
    """What `relier triage` prints: the assessment, the rule family in words (in `lang`) and the matched lemmas.

    For a psychologist checking a phrase at the terminal; the `lemmas` are words of the text, so this
    dict is printed, never logged or stored (the Assessment alone may be).
    """
    reading = read_text(text, lang)
    assessment = raise_level(reading.assessment, (text or "")[:MAX_CHARS])
    data = assessment.as_dict()
    if assessment.rule == SECOND_STAGE:
        data["family"] = SECOND_STAGE_NAMES[language_of(lang)]
        data["lemmas"] = []
        return data
    names = rules_for(language_of(lang)).names
    data["family"] = names.get(reading.assessment.rule or "", None)
    data["lemmas"] = list(reading.lemmas)
    return data


# Answer-based triage of the weekly check-in (thresholds in thresholds.toml).
from dialogs.triage.answer_rules import assess_answers, load_thresholds, worrying  # noqa: E402
from dialogs.triage.answers import ParentAnswers, YouthAnswers  # noqa: E402

__all__ += ["ParentAnswers", "YouthAnswers", "assess_answers", "load_thresholds", "worrying"]
