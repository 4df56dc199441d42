"""The second stage scores without scikit-learn: same pieces, same probabilities, a cached file that is safe to read."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.triage.second_stage import CHARS, WORDS, fold
from dialogs.triage.stage_model import Model, Space, char_pieces, word_pieces
from tests.triage.cases import load_cases

CASES = load_cases()


def sklearn_analyzers():
    from sklearn.feature_extraction.text import TfidfVectorizer

    chars = TfidfVectorizer(analyzer=CHARS[0], ngram_range=CHARS[1:], preprocessor=fold).build_analyzer()
    words = TfidfVectorizer(analyzer=WORDS[0], ngram_range=WORDS[1:], preprocessor=fold).build_analyzer()
    return chars, words


CHARS_SK, WORDS_SK = sklearn_analyzers()


def test_every_labelled_message_is_cut_into_the_same_pieces_as_scikit_learn_cuts_it():
    for case in CASES:
        assert char_pieces(case.text, *CHARS[1:]) == CHARS_SK(case.text), case.text
        assert word_pieces(case.text, *WORDS[1:]) == WORDS_SK(case.text), case.text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab é\tÉ'-.!  \n1ççaa") | st.characters(), max_size=40))
def test_any_text_too(text):
    assert char_pieces(text, *CHARS[1:]) == CHARS_SK(text)
    assert word_pieces(text, *WORDS[1:]) == WORDS_SK(text)


MODEL = Model((Space.of("char_wb", 2, 3, {" a": (1.5, 0.25), "ab": (1.0, -2.0)}),
               Space.of("word", 1, 2, {"ab": (2.0, 1.0)})), 0.5)


def test_a_saved_model_loads_for_its_key_only_and_scores_the_same(tmp_path):
    path = tmp_path / "stage.json"
    MODEL.save(path, "k1")
    again = Model.load(path, "k1")
    assert again == MODEL and again.probability("ab abc") == MODEL.probability("ab abc")
    assert Model.load(path, "k2") is None  # other settings or labelled files: trained again
    assert [p.name for p in tmp_path.iterdir()] == ["stage.json"]  # no partial file left


@pytest.mark.parametrize("content", ["", "{", "[]", '{"format": 99, "key": "k1"}', "\x00\x01",
                                     '{"format": 3, "key": "k1", "intercept": 0, "spaces": [{"kind": "word"}]}',
                                     '{"format": 3, "key": "k1", "intercept": 0, "spaces": [{"kind": "word", "low": 1,'
                                     ' "high": 2, "terms": "a\\nb", "idf": "AAAAAAAA8D8=", "weight": "!!"}]}',
                                     '{"format": 3, "key": "k1", "intercept": 0, "spaces": [{"kind": "word", "low": 1,'
                                     ' "high": 2, "terms": "a\\nb", "idf": "AAAAAAAA8D8=", "weight": "AAAAAAAA8D8="}]}'])
def test_a_damaged_or_foreign_file_is_not_loaded(tmp_path, content):
    path = tmp_path / "stage.json"
    path.write_text(content, encoding="utf-8")
    assert Model.load(path, "k1") is None
    assert Model.load(tmp_path / "missing.json", "k1") is None


def test_the_file_is_data_only(tmp_path):
    path = tmp_path / "stage.json"
    MODEL.save(path, "k1")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data) == {"format", "key", "intercept", "spaces"}
    first = data["spaces"][0]
    assert first["terms"] == " a\nab" and isinstance(first["idf"], str)  # terms, and floats packed as text


def test_two_models_of_the_same_messages_share_their_terms_and_one_vector_scores_both():
    terms = {"ab": (1.5, 2.0), "bc": (1.2, -1.0), " a": (1.0, 0.5)}
    first = Model((Space.of("char_wb", 2, 5, terms),), 0.1)
    second = Model((Space.of("char_wb", 2, 5, {t: (idf, -w) for t, (idf, w) in terms.items()}),), -0.3)
    shared = second.sharing(first)
    assert shared.reads_like(first) and not second.reads_like(first)
    for text in ("abc", "ab ab bc", "nothing known", ""):
        vector = first.vector(text)
        assert shared.score(vector) == pytest.approx(second.probability(text), abs=1e-12)
        assert first.score(vector) == first.probability(text)
    other = Model((Space.of("char_wb", 2, 5, {"zz": (1.0, 1.0)}),), 0.0)
    assert other.sharing(first) is other  # other terms: nothing shared, scored on its own


def test_the_shipped_urgent_model_shares_the_first_models_terms():
    from dialogs.triage.second_stage import model

    stage, _, urgent = model()
    assert urgent is not None and urgent.reads_like(stage)


def test_a_model_loaded_like_another_takes_its_equal_terms_and_scores_the_same(tmp_path):
    terms = {"ab": (1.5, 2.0), "bc": (1.2, -1.0), " a": (1.0, 0.5)}
    first = Model((Space.of("char_wb", 2, 5, terms), Space.of("word", 1, 2, {"ab": (2.0, 1.0)})), 0.1)
    second = Model((Space.of("char_wb", 2, 5, {t: (idf, -w) for t, (idf, w) in terms.items()}),
                    Space.of("word", 1, 2, {"ab": (2.0, 1.0), "bc": (1.0, 1.0)})), -0.3)
    second.save(tmp_path / "second.json", "k1")
    loaded = Model.load(tmp_path / "second.json", "k1", like=first)
    assert loaded == second
    assert loaded.spaces[0].terms is first.spaces[0].terms and loaded.spaces[0].idf is first.spaces[0].idf
    assert loaded.spaces[1].terms is not first.spaces[1].terms  # other terms: its own
    for text in ("abc", "ab ab bc", "nothing known", ""):
        assert loaded.probability(text) == second.probability(text)


@pytest.mark.parametrize("text", ["one two three", "one one two", "alone", "a b c d e f g h"])
def test_the_letter_pieces_are_counted_as_often_as_they_occur_whether_words_repeat_or_not(text):
    from collections import Counter

    space = Space.of("char_wb", 2, 5, {p: (1.0, 1.0) for p in char_pieces(text, 2, 5)})
    positions, counts = space.counted(fold(text))
    names = list(space.terms)
    assert dict(zip((names[at] for at in positions), counts.tolist())) == Counter(char_pieces(text, 2, 5))
