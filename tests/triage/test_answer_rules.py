"""Answer-based triage: realistic check-in histories give the expected level and rule, and thresholds are data."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from dialogs.triage import (Assessment, ParentAnswers, RulesError, YouthAnswers, assess_answers, assess_text,
                            combine, load_thresholds, worrying)
from dialogs.triage.answer_rules import DEFAULT_PATH, default_thresholds


def P(child_mood=4, attendance="every_day", incident="no", sleep="good", parent_mood=3):  # noqa: N802
    return ParentAnswers(child_mood, attendance, incident, sleep, parent_mood)


def Y(mood=4, safe="yes", sleep="good", talk="not_now"):  # noqa: N802
    return YouthAnswers(mood, safe, sleep, talk)


# (case, current, previous most recent first, expected level, expected rule)
CASES = [
    ("ordinary week", P(), [P(), P()], "none", None),
    ("first check-in, nothing", P(), [], "none", None),
    ("absent two weeks running", P(3, "not_at_all"), [P(3, "not_at_all")], "high", "absent_running"),
    ("absent, no previous check-in", P(3, "not_at_all"), [], "none", None),
    ("absent now, at school last week", P(3, "not_at_all"), [P(3, "every_day"), P(3, "not_at_all")], "none", None),
    ("absent now, holidays last week", P(3, "not_at_all"), [P(3, "holidays")], "none", None),
    ("holidays two weeks running", P(4, "holidays"), [P(4, "holidays"), P(4, "holidays")], "none", None),
    ("missed most days twice", P(3, "missed_most"), [P(3, "missed_most")], "none", None),
    ("absent three weeks running", P(3, "not_at_all"), [P(3, "not_at_all"), P(3, "not_at_all")], "high",
     "absent_running"),
    ("one bad week alone", P(1, "not_at_all", "no", "bad", 2), [P(4), P(4)], "none", None),
    ("child mood 1 twice running", P(1), [P(1), P(3)], "high", "child_mood_low_running"),
    ("child mood 1 after 2", P(1), [P(2)], "none", None),
    ("child mood 1, a good week between", P(1), [P(4), P(1)], "none", None),
    ("incident with mood 2", P(2, incident="yes"), [P(4)], "high", "incident_low_mood"),
    ("incident with mood 1, first check-in", P(1, incident="yes"), [], "high", "incident_low_mood"),
    ("incident with mood 3", P(3, incident="yes"), [P(3)], "none", None),
    ("incident unknown with mood 1", P(1, incident="unknown"), [], "none", None),
    ("old incident, mood 2 now", P(2, incident="no"), [P(2, incident="yes")], "none", None),
    ("child mood falling 4-3-2", P(2), [P(3), P(4)], "watch", "child_mood_falling"),
    ("child mood falling 5-4-3, older weeks ignored", P(3), [P(4), P(5), P(1)], "watch", "child_mood_falling"),
    ("falling needs three values", P(2), [P(3)], "none", None),
    ("flat then falling 4-4-3", P(3), [P(4), P(4)], "none", None),
    ("falling then flat 4-3-3", P(3), [P(3), P(4)], "none", None),
    ("up then down 2-4-3", P(3), [P(4), P(2)], "none", None),
    ("falling and absent: worst wins", P(2, "not_at_all"), [P(3, "not_at_all"), P(4)], "high", "absent_running"),
    ("two high rules: the first in the file", P(1, "not_at_all"), [P(1, "not_at_all")], "high", "absent_running"),
    ("parent at their lowest", P(parent_mood=1), [], "watch", "parent_mood_low"),
    ("youth ordinary week", Y(), [Y(), Y()], "none", None),
    ("youth mood 1 twice running", Y(1), [Y(1)], "high", "youth_mood_low_running"),
    ("youth mood 1 once", Y(1, sleep="bad"), [Y(3)], "none", None),
    ("youth not safe, wants to talk", Y(3, "no", talk="yes"), [], "high", "unsafe_wants_talk"),
    ("youth not safe, not now", Y(3, "no"), [], "watch", "youth_not_safe"),
    ("youth sometimes safe, wants to talk", Y(3, "sometimes", talk="yes"), [], "watch", "youth_not_safe"),
    ("youth mood falling 4-3-2", Y(2), [Y(3), Y(4)], "watch", "youth_mood_falling"),
    ("youth falling and unsafe: high wins", Y(2, "no", talk="yes"), [Y(3), Y(4)], "high", "unsafe_wants_talk"),
    ("youth wants to talk, feels safe", Y(4, talk="yes"), [], "none", None),
]


@pytest.mark.parametrize(("current", "previous", "level", "rule"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_histories(current, previous, level, rule):
    result = assess_answers(current, previous)
    assert (result.level, result.rule, result.lang) == (level, rule, "")
    assert (result.phrase, result.span) == (None, None)
    assert worrying(result) == (level == "high")


@pytest.mark.parametrize(("weeks", "level"), [
    (["2025-W10", "2025-W09"], "high"),
    (["2025-W10", "2025-W08"], "none"),  # a week without check-in: not "running"
    (["2025-W01", "2024-W52"], "high"),  # across the new year
])
def test_a_skipped_week_breaks_a_run(weeks, level):
    assert assess_answers(P(1), [P(1)], iso_weeks=weeks).level == level


def test_a_skipped_week_breaks_a_trend():
    history = [P(3), P(4)]
    assert assess_answers(P(2), history, iso_weeks=["2025-W10", "2025-W09", "2025-W08"]).level == "watch"
    assert assess_answers(P(2), history, iso_weeks=["2025-W10", "2025-W09", "2025-W07"]).level == "none"


@pytest.mark.parametrize("weeks", [["2025-W10"], ["2025-W10", "week nine"]])
def test_iso_weeks_must_match_the_check_ins(weeks):
    with pytest.raises(ValueError):
        assess_answers(P(1), [P(1)], iso_weeks=weeks)


@pytest.mark.parametrize(("current", "previous"), [(P(1), [Y(1)]), ({"mood": 1}, [])])
def test_parent_and_youth_check_ins_do_not_mix(current, previous):
    with pytest.raises(TypeError):
        assess_answers(current, previous)


@pytest.mark.parametrize("answers", [P(2, "missed_some", "unknown", "so_so", 5), Y(1, "sometimes", "bad", "yes")])
def test_answers_survive_json(answers):
    stored = json.loads(json.dumps(answers.as_dict()))
    assert type(answers).from_dict(stored) == answers


PARENT = {"child_mood": 3, "attendance": "every_day", "incident": "no", "sleep": "good", "parent_mood": 3}
YOUTH = {"mood": 3, "safe": "yes", "sleep": "good", "talk": "yes"}


@pytest.mark.parametrize(("cls", "data"), [
    *[(ParentAnswers, PARENT | {"child_mood": bad}) for bad in (0, 6, "3", True, 1.0, None)],
    (ParentAnswers, PARENT | {"parent_mood": -1}),
    (ParentAnswers, PARENT | {"attendance": "sometimes"}),
    (ParentAnswers, PARENT | {"incident": "maybe"}),
    (ParentAnswers, {k: v for k, v in PARENT.items() if k != "parent_mood"}),
    (ParentAnswers, PARENT | {"mood": 3}),
    (ParentAnswers, YOUTH),
    (ParentAnswers, list(PARENT.values())),
    (YouthAnswers, YOUTH | {"safe": "maybe"}),
    (YouthAnswers, YOUTH | {"sleep": "well"}),
    (YouthAnswers, YOUTH | {"talk": "no"}),
    (YouthAnswers, None),
])
def test_invalid_stored_answers_raise(cls, data):
    with pytest.raises(ValueError):
        cls.from_dict(data)


def test_a_modified_thresholds_file_changes_the_outcome(tmp_path):
    path = tmp_path / "thresholds.toml"
    path.write_text(
        '[rules.absent_running]\nfor = "parent"\nlevel = "high"\nattendance = ["not_at_all", "missed_most"]\n'
        "weeks = 3\n\n"
        '[rules.incident_low_mood]\nfor = "parent"\nlevel = "watch"\nincident = "yes"\nchild_mood_at_most = 3\n',
        encoding="utf-8")
    rules = load_thresholds(path)
    two_weeks = (P(3, "not_at_all"), [P(3, "not_at_all")])
    assert assess_answers(*two_weeks).level == "high"
    assert assess_answers(*two_weeks, rules=rules).level == "none"
    three_weeks = (P(3, "missed_most"), [P(3, "not_at_all"), P(3, "missed_most")])
    assert assess_answers(*three_weeks, rules=rules).rule == "absent_running"
    assert assess_answers(P(3, incident="yes"), [], rules=rules).level == "watch"


def test_a_rule_set_to_none_is_off(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[rules.parent_mood_low]\nfor = "parent"\nlevel = "none"\nparent_mood_at_most = 1\n')
    result = assess_answers(P(parent_mood=1), [], rules=load_thresholds(path))
    assert (result.level, result.rule) == ("none", None)


GOOD = '[rules.r]\nfor = "parent"\nlevel = "high"\nweeks = 2\n'


@pytest.mark.parametrize(("text", "message"), [
    ("[rules.r\n", "t.toml"),
    ("", "expected only [rules.<id>] tables"),
    ('level = "high"\n', "expected only [rules.<id>] tables"),
    (GOOD.replace('"high"', '"critical"') + 'attendance = ["not_at_all"]\n', "level must be one of"),
    (GOOD.replace('"parent"', '"teacher"') + 'attendance = ["not_at_all"]\n', "for must be 'parent' or 'youth'"),
    (GOOD + 'attendance = ["not_at_all", "holidays"]\n', "'holidays' never counts as absence"),
    (GOOD + 'attendance = ["absent"]\n', "attendance must be one or a list of"),
    (GOOD + "attendance = []\n", "attendance must be one or a list of"),
    (GOOD + 'atendance = ["not_at_all"]\n', "unknown key 'atendance'"),
    (GOOD + 'safe = ["no"]\n', "unknown key 'safe' for parent"),
    (GOOD + "child_mood_at_most = 0\n", "child_mood_at_most must be a whole number from 1 to 5"),
    (GOOD.replace("weeks = 2", "weeks = 0") + "child_mood_at_most = 1\n", "weeks must be a whole number"),
    (GOOD.replace("weeks = 2", 'weeks = "two"') + "child_mood_at_most = 1\n", "weeks must be a whole number"),
    (GOOD.replace("weeks = 2", "weeks = 1") + 'falling = "child_mood"\n', "falling rule needs weeks = 2"),
    (GOOD + 'falling = "mood"\n', "falling must be one of"),
    (GOOD, "has no condition"),
    (None, "cannot be read"),  # no file at all
])
def test_a_broken_thresholds_file_says_where(tmp_path, text, message):
    path = tmp_path / "t.toml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=re.escape(message)) as caught:
        load_thresholds(path)
    assert "t.toml" in str(caught.value)


def test_shipped_thresholds_load_once_and_every_rule_says_what_it_is_about():
    assert default_thresholds() is default_thresholds()
    assert load_thresholds(DEFAULT_PATH) == default_thresholds()
    raw = tomllib.loads(DEFAULT_PATH.read_text(encoding="utf-8"))["rules"]
    assert all(table.get("about") for table in raw.values())


def test_answers_and_text_combine_into_one_check_in_assessment():
    answers = assess_answers(P(2), [P(3), P(4)])
    assert combine(answers, assess_text("Il veut mourir", "fr")).level == "urgent"
    assert combine(answers, assess_text("Bonne semaine", "fr")) == answers


@pytest.mark.parametrize(("level", "expected"), [("none", False), ("watch", False), ("high", True), ("urgent", True)])
def test_worrying(level, expected):
    assert worrying(Assessment(level=level, lang="")) is expected
