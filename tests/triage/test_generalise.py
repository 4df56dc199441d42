"""Triage that generalises: the issue's examples, every conjugation, everyday uses, the middle band, the CLI."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from dialogs.i18n import use_locale
from dialogs.triage import assess_rules, assess_text, clarifying_question, cli_json
from dialogs.triage.second_stage import RULE as SECOND_STAGE
from dialogs.triage.rules import rules_for


@pytest.mark.parametrize(
    ("text", "lang", "family"),
    [
        ("j'ai avalé des cachets", "fr", None),
        ("j'ai pris toute la boîte de doliprane", "fr", "attempt"),
        ("j'ai fait une TS", "fr", "attempt"),
        ("jai fait une connerie, j'ai pris des cachets", "fr", "attempt"),
        ("I took all my mum's pills", "en", "attempt"),
        ("j'ai acheté une corde pour me pendre dans le garage", "fr", None),
        ("I found a noose in his wardrobe", "en", "method"),
        ("elle a donné ses affaires, elle dit qu'elle n'en aura plus besoin", "fr", "method"),
        ("mon beau-père vient dans ma chambre la nuit", "fr", "sexual_violence"),
        ("my mum locks me in my room and i have bruises from my dad", "en", "abuse_home"),
    ],
)
def test_attempts_methods_and_abuse_at_home_are_urgent(text, lang, family):
    result = assess_text(text, lang)
    assert result.level == "urgent", result
    if family:
        assert result.rule == family


@pytest.mark.parametrize(
    "text",
    ["je me tuerai", "je me tuerais", "je vais me tuer", "je me suis presque tué", "je me suis presque tuée",
     "jme tuerai ce soir", "il se tuerait", "elle s'est pendue", "j'avalerai tous mes cachets d'un coup"],
)
def test_a_phrase_written_once_covers_its_conjugations(text):
    assert assess_text(text, "fr").level == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [("she killed herself", "en"), ("he's been killing himself slowly, cutting every night", "en"),
     ("i swallowed my sister's sleeping pills", "en")],
)
def test_english_forms_are_found_too(text, lang):
    assert assess_text(text, lang).level == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [("jpp de rire", "fr"), ("mort de rire", "fr"), ("she beat her record", "en"), ("we beat them 4-0", "en"),
     ("killing it", "en"), ("je vais crever de chaud", "fr"), ("ma mère va me tuer", "fr"),
     ("I take all my meds every morning", "en"), ("j'ai pris un doliprane pour mon mal de tête", "fr"),
     ("i cut myself shaving lol", "en")],
)
def test_everyday_uses_keep_not_firing(text, lang):
    result = assess_text(text, lang)
    assert result.level in ("none", "watch") and not result.needs_staff, result


def test_a_skipping_rope_bought_is_not_read_as_danger_by_the_rules_the_stage_raises_it():
    # Since its first step went to 0.995 (second_stage.toml) the learned stage raises it to urgent, like « je vais
    # sauter à la corde avec ma soeur » (tests/triage/test_families.py, RAISED_AT_0995): « acheté une corde » is how
    # many plans begin. The cost of that step, written here so that it is seen.
    assert assess_rules("j'ai acheté une corde à sauter", "fr").level == "none"
    result = assess_text("j'ai acheté une corde à sauter", "fr")
    assert result.level == "none" or result.rule == SECOND_STAGE, result


@pytest.mark.parametrize(
    ("text", "lang"),
    [("j'ai pris toute la boîte", "fr"), ("je vais faire une connerie", "fr"), ("je veux pas mourir", "fr"),
     ("i'm planning to do it on friday", "en"), ("i would never hurt myself", "en")],
)
def test_risk_words_without_a_sure_rule_give_watch_and_the_question(text, lang):
    rules = assess_rules(text, lang)
    assert (rules.level, rules.clarify) == ("watch", True), rules
    # the learned second stage may only raise it: since batches 124-126 it is sure that « j'ai pris toute la
    # boîte » is an overdose (urgent, the numbers at once); the others keep the question
    result = assess_text(text, lang)
    assert (result.level, result.clarify) == ("watch", True) or (
        result.rule == SECOND_STAGE and result.level in ("high", "urgent")), result


def test_sure_rules_and_plain_messages_do_not_ask():
    assert assess_text("je veux mourir", "fr").clarify is False
    assert assess_text("merci pour la séance de jeudi", "fr").clarify is False
    assert assess_text("ils se moquent de moi", "fr").level == "watch"
    assert assess_text("ils se moquent de moi", "fr").clarify is False


def test_the_clarifying_question_says_tu_to_a_young_person_and_vous_to_a_parent():
    with use_locale("fr"):
        assert clarifying_question("youth") == "Est-ce que tu as des idées de te faire du mal ou de ne plus être en vie ?"
        assert "votre enfant" in clarifying_question("parent")
        assert clarifying_question("parent", about_child=False).startswith("Est-ce que vous avez")
    with use_locale("en"):
        assert clarifying_question("youth").startswith("Are you having thoughts")
        assert "your child" in clarifying_question("parent")


def test_relier_triage_prints_the_family_in_words_and_the_lemmas(capsys):
    assert main(["triage", "--lang", "fr", "je me suis presque tuée samedi"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["level"] == "urgent"
    assert out["family"] == "idées ou projets de suicide"
    assert "tuer" in out["lemmas"]
    assert main(["triage", "--lang", "en", "I took all my mum's pills"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["level"], out["family"]) == ("urgent", "suicide attempt or overdose")
    assert {"took", "all", "pill"} <= set(out["lemmas"])  # "took" is written so in the rule; "pills" -> "pill"


def test_the_middle_band_shows_in_the_cli():
    out = cli_json("je vais faire une connerie", "fr")
    assert (out["level"], out["clarify"], out["rule"]) == ("watch", True, "unsure")
    assert out["family"].startswith("mots à risque")


def test_both_rules_files_name_the_same_families():
    fr, en = rules_for("fr").names, rules_for("en").names
    assert set(fr) == set(en)
    assert all(fr[key] and en[key] and (fr[key] != key) for key in fr)


@pytest.mark.parametrize(
    ("text", "lang", "level"),
    [
        # a negated stop says it goes on: not a negation of the danger
        ("je me suis coupée, ça n'arrête pas de saigner", "fr", "urgent"),
        ("je me suis coupé le bras, ça arrête pas de saigner", "fr", "urgent"),
        # the negation of the danger itself still moves it to watch, with the question
        ("je veux pas me couper jusqu'à saigner", "fr", "watch"),
        # someone who steals ("m'ont piqué") is not someone who hurts themself
        ("ils m'ont piqué mon sac à la récré", "fr", "none"),
    ],
)
def test_a_negated_stop_keeps_the_danger(text, lang, level):
    assert assess_text(text, lang).level == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # the phrase holds « jamais » or « plus »: the « ne » before it is the other half of that same negation
        ("il est parti en disant qu'on ne le reverrait jamais", "urgent"),
        ("vous ne me reverrez plus", "urgent"),
        # a negation of the danger itself still moves it to watch, with the question
        ("je ne veux pas mourir", "watch"),
    ],
)
def test_a_ne_that_belongs_to_the_phrase_does_not_negate_it(text, level):
    result = assess_text(text, "fr")
    assert result.level == level, text
    assert result.negated is (level == "watch")
