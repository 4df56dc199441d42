"""The triage API: assess_text, cli_json, the Assessment object, and rules files that fail loudly."""

from __future__ import annotations

import json
import time

import pytest

from dialogs.triage import LEVELS, Assessment, RulesError, assess_text, cli_json, combine, language_of, rank
from dialogs.triage.rules import compile_rules


def test_cli_json_gives_level_rule_and_lang_and_no_text():
    text = "Il dit qu'il veut mourir"
    result = cli_json(text, "fr")
    assert result["level"] == "urgent"
    assert result["rule"] == "suicide"
    assert result["lang"] == "fr"
    assert result["phrase"].startswith("suicide.")
    start, end = result["span"]
    assert text[start:end] == "veut mourir"
    dumped = json.dumps(result)
    assert "veut mourir" not in dumped.replace(result["pattern"], "")
    assert set(result) >= {"level", "rule", "lang", "phrase", "span", "negated", "long_ago"}


def test_nothing_found_is_level_none_without_rule():
    result = cli_json("Bonjour, à jeudi !", "fr")
    assert (result["level"], result["rule"], result["span"]) == ("none", None, None)


def test_languages_fall_back_to_french_and_mixed_text_is_read_in_both():
    assert language_of("en-GB") == "en"
    assert language_of("de") == language_of(None) == "fr"
    mixed = assess_text("franchement i wanna die", "fr")
    assert (mixed.level, mixed.lang, mixed.rules_lang) == ("urgent", "fr", "en")


def test_negation_is_a_watch_and_is_flagged():
    result = assess_text("je ne veux pas mourir", "fr")
    assert (result.level, result.negated) == ("watch", True)


def test_a_negation_in_an_earlier_clause_does_not_hide_danger():
    assert assess_text("ça va pas. je veux mourir", "fr").level == "urgent"
    assert assess_text("i'm not ok. i want to die", "en").level == "urgent"


def test_long_ago_is_high_unless_it_goes_on():
    assert assess_text("l'an dernier je me scarifiais", "fr").long_ago is True
    assert assess_text("l'an dernier je me scarifiais et j'ai recommencé", "fr").level == "urgent"


def test_a_season_gone_by_is_long_ago_too():
    for text, lang in [("l'été dernier j'ai essayé avec des cachets, personne le sait", "fr"),
                       ("she tried to hang herself last summer, she seems okay now", "en")]:
        result = assess_text(text, lang)
        assert (result.level, result.long_ago) == ("high", True), text
    assert assess_text("l'été dernier j'ai essayé avec des cachets et j'y pense encore", "fr").level == "urgent"


def test_a_dark_time_said_long_over_in_the_next_clause_reads_watch_when_it_goes_well_now():
    past = "j'avais des pensées suicidaires en 4e mais c'est fini depuis longtemps, là ça va trop bien"
    assert assess_text(past, "fr").level == "watch"
    # without a later clause saying it goes well now, the danger clause is read as it is
    assert assess_text("j'avais des pensées suicidaires mais c'est fini depuis longtemps", "fr").level == "urgent"
    # and a danger said after the "going well" is not of that time
    assert assess_text("c'est fini depuis longtemps, ça va trop bien, mais hier je voulais mourir", "fr").level == "urgent"


def test_huge_and_empty_texts():
    assert assess_text("", "fr").level == "none"
    assert assess_text(None, "fr").level == "none"  # type: ignore[arg-type]
    huge = "bla " * 2_500 + "je veux mourir"
    started = time.perf_counter()
    assert assess_text(huge, "fr").level == "urgent"
    assert time.perf_counter() - started < 0.5


def test_assessment_levels_order_and_combine():
    assert [rank(level) for level in LEVELS] == [0, 1, 2, 3]
    watch, urgent = Assessment(level="watch"), Assessment(level="urgent", rule="x")
    assert combine(watch, urgent) is urgent
    assert urgent.needs_staff and not watch.needs_staff
    with pytest.raises(ValueError):
        Assessment(level="red")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"language": "de"}, "language"),
        ({"language": "fr", "colour": 1}, "unknown keys"),
        ({"language": "fr", "group": [{"id": "a", "about": "x", "level": "red", "phrases": ["x"]}]}, "level"),
        ({"language": "fr", "group": [{"id": "a", "about": "x", "level": "high", "phrases": ["x .."]}]}, "end with"),
        ({"language": "fr", "group": [{"id": "a", "about": "x", "level": "high", "phrases": ["{nope} x"]}]}, "word list"),
        ({"language": "fr", "group": [{"id": "a", "about": "x", "level": "high", "phrases": ["ab* x"]}]}, "3 letters"),
        ({"language": "fr", "group": [{"id": "a", "level": "high", "phrases": ["x"]}]}, "about"),
        ({"language": "fr"}, "no [[group]]"),
    ],
)
def test_a_broken_rules_file_is_refused_with_a_clear_message(data, message):
    with pytest.raises(RulesError, match=message.replace("[", r"\[")):
        compile_rules(data, "test.toml")


def test_a_small_rules_file_compiles_and_matches():
    rules = compile_rules({
        "language": "fr",
        "spelling": {"jveux": "je veux"},
        "negations": ["pas"],
        "group": [{"id": "g", "about": "x", "level": "urgent", "when_negated": "watch", "phrases": ["veux .. partir*"]}],
    })
    from dialogs.triage.engine import assess_with

    assert assess_with(rules, "JVEUX vraiment partiiir", "fr").level == "urgent"
    assert assess_with(rules, "jveux pas partir", "fr").level == "watch"


def test_a_bot_running_for_weeks_keeps_reading_when_its_word_memory_fills(monkeypatch):
    """Each index remembers the words it has met, up to a limit, then starts again: a message that mixes words met
    before with enough new ones to pass the limit must still be read whole (it raised KeyError, or missed the
    words met before)."""
    from dialogs.triage import word_table

    monkeypatch.setattr(word_table, "_CACHE_MAX", 40)
    for number in range(30):
        assert assess_text("je veux mourir ce soir", "fr").level == "urgent"
        new_words = " ".join(f"mot{number}x{n}" for n in range(number % 7 + 1))
        assert assess_text(f"je veux mourir ce soir {new_words}", "fr").level == "urgent"
        assert assess_text(f"i want to die tonight {new_words}", "en").level == "urgent"
