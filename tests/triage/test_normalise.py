"""The normaliser turns caps, accents, SMS spelling and stretched letters into the words the rules use."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dialogs.triage.normalise import _SHORT_AFTER_ELISION, fold
from dialogs.triage.rules import rules_for


def words(text: str, lang: str = "fr") -> list[str]:
    return rules_for(lang).normaliser.words(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Je veux MOURIR", ["je", "veux", "mourir"]),
        ("réveiller à l'école", ["reveiller", "a", "l", "ecole"]),
        ("jveux mourirrrr", ["je", "veux", "mourir"]),
        ("j'en peux plu", ["j", "en", "peux", "plus"]),
        ("g envie 2 crever", ["j", "ai", "envie", "de", "crever"]),
        ("jsp si je vais tenir", ["je", "sais", "pas", "si", "je", "vais", "tenir"]),
        ("J’ai envie d’en finir…", ["j", "ai", "envie", "de", "en", "finir"]),
        ("cœur 💔 brisé!!!", ["coeur", "brise"]),
        ("frappe", ["frappe"]),  # real double letters stay
        ("200€ sinon 3000", ["200", "sinon", "3000"]),  # numbers are not stretched letters: 200 is not 20
    ],
)
def test_french_words(text, expected):
    assert words(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i wanna die", ["i", "want", "to", "die"]),
        ("want to kms", ["want", "to", "kill", "myself"]),
        ("I DON'T want to live anymore", ["i", "do", "not", "want", "to", "live", "any", "more"]),
        ("i'm dead 😂", ["i", "am", "dead", "mdr"]),  # a laughing emoji reads as "mdr"
        ("dieeeee", ["die"]),
        ("nobody would misssss me", ["nobody", "would", "miss", "me"]),
        ("killll myself", ["kill", "myself"]),
        ("sewerslide", ["suicide"]),
        ("took 1000 mg, 5000 in all", ["took", "1000", "mg", "5000", "in", "all"]),
    ],
)
def test_english_words(text, expected):
    assert words(text, "en") == expected


def test_fold_keeps_the_position_of_every_character():
    folded, where = fold("Œuvre à côté")
    assert folded == "oeuvre a cote"
    assert len(where) == len(folded)
    assert where[:2] == [0, 0]  # both letters of "oe" come from "Œ"
    assert where[-1] == len("Œuvre à côté") - 1


def test_tokens_carry_spans_of_the_original_text_and_clause_breaks():
    text = "Ça va pas. Je veux mourir"
    tokens = rules_for("fr").normaliser.tokens(text)
    assert [text[t.start:t.end] for t in tokens] == ["Ça", "va", "pas", "Je", "veux", "mourir"]
    assert [t.brk for t in tokens] == [False, False, False, True, False, False]


def test_sms_words_share_the_span_of_what_was_typed():
    text = "jveux pas"
    tokens = rules_for("fr").normaliser.tokens(text)
    assert [(t.word, text[t.start:t.end]) for t in tokens] == [("je", "jveux"), ("veux", "jveux"), ("pas", "pas")]


def test_clause_break_words():
    tokens = rules_for("en").normaliser.tokens("i am fine but tired")
    assert [t.word for t in tokens if t.brk] == ["but"]


def test_empty_and_noise_only_text():
    assert words("") == []
    assert words("💔🙏 !!! ...") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an elision typed without its apostrophe splits when the rest is a word the rules use
        ("si jexistais pas", ["si", "j", "existais", "pas"]),
        ("mon message dadieu", ["mon", "message", "de", "adieu"]),  # d spelled as "d'adieu" is: de
        ("jsaute du toit", ["je", "saute", "du", "toit"]),
        ("il menvoie des messages", ["il", "m", "envoie", "des", "messages"]),
        ("il dit quil va venir", ["il", "dit", "qu", "il", "va", "venir"]),
        # ordinary words that start like an elision stay whole
        ("mon ton son sa ma la dans", ["mon", "ton", "son", "sa", "ma", "la", "dans"]),
    ],
)
def test_french_sms_elisions_are_unglued(text, expected):
    assert words(text) == expected


@pytest.mark.parametrize(("glued", "typed"), [("jmen veux dexister", "je m'en veux d'exister"),
                                             ("un mot dadieu", "un mot d'adieu")])
def test_a_glued_elision_reads_as_the_apostrophe_would(glued, typed):
    """« jmen veux dexister » read "d exister" and missed the phrase « m'en veux d'exister » (d is spelled de)."""
    assert words(glued) == words(typed)


# Real words that read like an elision glued to a short word ("celle" is not "c'elle"): a phrase may use them.
_WORDS_THAT_LOOK_GLUED = {"celle", "celles", "cils", "quelle", "quelles", "telle", "telles", "test"}


def test_no_phrase_word_is_a_glued_sms_form():
    """A rules word stops the normaliser from ungluing it everywhere: "quil" in one phrase would make every
    "quil" typed stay one word, and "ce quil faut" would no longer read "ce qu il faut" for any other phrase."""
    normaliser = rules_for("fr").normaliser
    glued = []
    for word in sorted(normaliser.vocabulary - set(normaliser.spelling) - _WORDS_THAT_LOOK_GLUED):
        split = replace(normaliser, vocabulary=normaliser.vocabulary - {word})._unglue(word)
        if split and (split[0] == "je" or split[1] in _SHORT_AFTER_ELISION):
            glued.append(word)
    assert glued == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("he'll break my legs", ["he", "will", "break", "my", "legs"]),
        ("we're done", ["we", "are", "done"]),
        ("they've gone", ["they", "have", "gone"]),
        ("what the hell", ["what", "the", "hell"]),  # no apostrophe: the word itself
    ],
)
def test_english_contractions_are_read_before_the_apostrophe_goes(text, expected):
    assert words(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "ma" before a participle is "m'a" typed without its apostrophe
        ("il ma frappé", ["il", "m", "a", "frappe"]),
        ("elle ma enfermée dehors", ["elle", "m", "a", "enfermee", "dehors"]),
        ("il ma dit", ["il", "m", "a", "dit"]),
        # a noun after "ma" stays a noun: the participle in -e counts only with its accent
        ("ma frappe au foot", ["ma", "frappe", "au", "foot"]),
        ("ma force", ["ma", "force"]),
        ("ma mère", ["ma", "mere"]),
    ],
)
def test_french_ma_before_a_participle_is_m_a(text, expected):
    assert words(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("am sittin oan the line", ["am", "sitting", "on", "the", "line"]),
        ("cannae dae this", ["can", "not", "do", "this"]),
    ],
)
def test_english_dropped_g_and_scots_spellings(text, expected):
    assert words(text, "en") == expected
