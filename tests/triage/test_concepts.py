"""Concepts and their combinations: one rule for every word order and synonym, guards that keep everyday uses quiet."""

from __future__ import annotations

import pytest

from dialogs.triage import assess_rules, cli_json
from dialogs.triage.engine import assess_with
from dialogs.triage.patterns import RulesError
from dialogs.triage.rules import compile_rules

BASE = {
    "language": "fr",
    "negations": ["pas", "ne"],
    "concepts": {
        "intention": ["{vouloir}", "pens* a"],
        "mort": ["mourir", "disparaitre"],
        "fiction": ["serie|film"],
    },
    "words": {"vouloir": "veux|veut|voudrais"},
    "group": [{"id": "suicide", "about": "x", "level": "urgent", "when_negated": "watch",
               "concepts": ["intention + mort + !fiction"], "phrases": []}],
}


def rules(**changes):
    data = {**BASE, **changes}
    return compile_rules(data, "test")


def test_a_combination_finds_its_concepts_in_any_order_and_any_form():
    r = rules()
    for text in ("je veux mourir", "mourir, c'est ce que je voudrais", "je pense à disparaître"):
        assert assess_with(r, text, "fr").level == "urgent", text
    assert assess_with(r, "je veux une glace", "fr").level == "none"


def test_the_concepts_must_be_close_unless_the_window_says_otherwise():
    far = "je veux " + "bla " * 12 + "mourir"
    assert assess_with(rules(), far, "fr").level == "none"
    wide = {**BASE["group"][0], "concepts": ["intention + mort + !fiction @0"]}
    assert assess_with(rules(group=[wide]), far, "fr").level == "urgent"



def test_one_concept_alone_is_as_long_as_its_own_phrase():
    # the window is how far apart the concepts may be; a lone concept's phrase sets its own reach ("...")
    alone = {**BASE["group"][0], "concepts": ["adieu + !fiction"]}
    concepts = {**BASE["concepts"], "adieu": ["dire a ... que je les aimais"]}
    long = "est ce que vous pourrez dire a ma meilleure amie et a mes deux soeurs que je les aimais"
    assert assess_with(rules(group=[alone], concepts=concepts), long, "fr").level == "urgent"


def test_a_guard_nearby_keeps_it_quiet_and_a_negation_lowers_it():
    r = rules()
    assert assess_with(r, "dans la série il veut mourir", "fr").level == "none"
    negated = assess_with(r, "je veux pas mourir", "fr")
    assert (negated.level, negated.negated) == ("watch", True)


def test_an_unknown_concept_or_a_bad_window_fails_loudly():
    with pytest.raises(RulesError, match="unknown concept"):
        rules(group=[{**BASE["group"][0], "concepts": ["intention + mrot"]}])
    with pytest.raises(RulesError, match="number of words"):
        rules(group=[{**BASE["group"][0], "concepts": ["intention + mort @x"]}])


@pytest.mark.parametrize("text, lang, rule", [
    ("mourir, c'est ce que je voudrais", "fr", "suicide"),
    ("des comprimés, j'en ai avalé une vingtaine et ça tourne", "fr", "attempt"),
    ("ending it is all i want", "en", "suicide"),
])
def test_relier_triage_names_the_family_and_the_words_of_a_combination(text, lang, rule):
    result = cli_json(text, lang)
    assert (result["level"], result["rule"]) == ("urgent", rule), result
    assert result["family"] and result["lemmas"], result
    assert "+" in result["pattern"]  # the combination as written in the rules file


@pytest.mark.parametrize("text, lang", [
    ("je vais disparaître une semaine en colo", "fr"),
    ("ma mère va me tuer quand elle verra mon bulletin", "fr"),
    ("My son is dying to try the climbing wall", "en"),
    ("we went cliff jumping on holiday", "en"),
    ("the lesson on self harm was awkward", "en"),
    ("i need to buy a new box of paracetamol", "en"),
    ("j'ai dit adieu à mon vieux vélo", "fr"),
])
def test_everyday_uses_of_concept_words_raise_no_alarm(text, lang):
    assert assess_rules(text, lang).level in ("none", "watch"), text
    shipped = cli_json(text, lang)
    if text in RAISED_AT_0995:
        assert shipped["level"] in ("none", "watch") or shipped["rule"] == "second_stage", text
    else:
        assert shipped["level"] in ("none", "watch"), text


# Raised by the second stage alone, just over its step: once batches 850-855 were learned (2026-12-06, seventeenth
# session), p = 0.9951 for 0.995 (the rules read watch: « adieu » asks the question). As RAISED_AT_0995 in
# test_families and test_labelled: the rules' reading is still asserted, and the stage may only raise it.
RAISED_AT_0995 = {"j'ai dit adieu à mon vieux vélo"}


def recovering_rules(**recovered):
    return compile_rules({**BASE, "long_ago": {"phrases": ["il y a .. ans"]}, "still_going": {"phrases": ["encore"]},
                          "recovered": {"phrases": ["tout va bien"], **recovered},
                          "group": [{"id": "suicide", "about": "x", "level": "urgent", "when_long_ago": "high",
                                     "phrases": ["voulais mourir"]}]}, "test")


def test_long_over_and_going_well_now_reads_watch_unless_it_goes_on_or_was_an_attempt():
    r = recovering_rules(unless=["tentative"])
    assert assess_with(r, "hier je voulais mourir", "fr").level == "urgent"
    assert assess_with(r, "il y a deux ans je voulais mourir", "fr").level == "high"
    assert assess_with(r, "il y a deux ans je voulais mourir. maintenant tout va bien", "fr").level == "watch"
    assert assess_with(r, "il y a deux ans je voulais mourir. tout va bien mais j'y pense encore", "fr").level == "urgent"
    assert assess_with(r, "il y a deux ans je voulais mourir, après ma tentative. tout va bien", "fr").level == "high"
    # the clause with the danger must be the one long over: a new one, the same day, stays urgent
    assert assess_with(r, "il y a deux ans c'était dur. tout va bien mais hier je voulais mourir", "fr").level == "urgent"
    # going well now: the clause just after the one that says when is of that time too (batches 538-543)
    assert assess_with(r, "il y a deux ans c'était dur, je voulais mourir. maintenant tout va bien", "fr").level == "watch"
    assert assess_with(r, "il y a deux ans c'était dur, je voulais mourir", "fr").level == "urgent"  # nothing says it is over
    assert assess_with(r, "il y a deux ans c'était dur. je suis triste. je voulais mourir. tout va bien", "fr").level == "urgent"
    # after an attempt: long over all the same (high), but not watch (batches 574-579)
    assert assess_with(r, "il y a deux ans c'était dur, je voulais mourir, ma tentative. tout va bien", "fr").level == "high"


def test_a_long_ago_phrase_with_a_gap_covers_every_clause_it_spans():
    """Batches 946-951 and 970-975: « Il y a deux ans, notre fils allait très mal, il avait parlé de mourir.
    Aujourd'hui il va bien » (the comma after « ans » had left the danger two clauses from the time)."""
    r = compile_rules({**BASE, "long_ago": {"phrases": ["il y a .. ans .. allait tres mal", "avant il"]},
                       "recovered": {"phrases": ["il va bien"]},
                       "group": [{"id": "suicide", "about": "x", "level": "urgent", "when_long_ago": "high",
                                  "phrases": ["parle de mourir", "il a un couteau"]}]}, "test")
    said = "il y a deux ans, notre fils allait très mal, il avait parlé de mourir"
    assert assess_with(r, said + ". aujourd'hui il va bien", "fr").level == "watch"
    assert assess_with(r, said + ".", "fr").level == "urgent"  # nothing says it goes well now
    # a time that went well is not that time: the danger after it is new
    assert assess_with(r, "il y a deux ans, tout allait bien, hier il a parlé de mourir. aujourd'hui il va bien",
                       "fr").level == "urgent"
    # a phrase without a gap marks the clause it starts in, not the next sentence it runs into
    assert assess_with(r, "si je le quitte il me tue avant. il a un couteau", "fr").level == "urgent"



def test_an_everyday_expression_set_aside_still_says_when_but_not_that_it_goes_on():
    """Masks hide words from the danger rules, not from the time words (batches 562-567: « c'est fini depuis
    longtemps » is both an everyday expression and the sign that it is over)."""
    r = compile_rules({**BASE, "long_ago": {"phrases": ["il y a .. ans"]},
                       "still_going": {"phrases": ["encore"]},
                       "recovered": {"phrases": ["c est fini depuis longtemps"]},
                       "everyday": {"phrases": ["c est fini depuis", "peux encore venir"]},
                       "group": [{"id": "suicide", "about": "x", "level": "urgent", "when_long_ago": "high",
                                  "phrases": ["voulais mourir"]}]}, "test")
    said = "il y a deux ans je voulais mourir, mais c'est fini depuis longtemps"
    assert assess_with(r, said, "fr").level == "watch"
    # "encore" inside an everyday expression ("je peux encore venir ?") does not say that it goes on
    assert assess_with(r, said + ". je peux encore venir au groupe ?", "fr").level == "watch"
    assert assess_with(r, said + ". mais j'y pense encore", "fr").level == "urgent"

def test_an_unknown_key_in_recovered_fails_loudly():
    with pytest.raises(RulesError, match="recovered"):
        recovering_rules(colour=["x"])



def test_a_negation_just_after_the_phrase_counts_unless_the_next_word_keeps_the_danger():
    """French written without « ne » puts the negation after the verb (batch 607: « ils me tapent pas mais ça me
    soule »); « pas mal », « pas fort » say how much, « ce serait pas grave » carries the danger itself."""
    r = compile_rules({**BASE, "negation_after": ["pas", "jamais"], "negation_after_not": ["mal", "fort", "grave"],
                       "negation_closers": ["pas", "plus", "jamais"],
                       "group": [{"id": "physical_violence", "about": "x", "level": "urgent", "when_negated": "watch",
                                  "phrases": ["me tapent", "reverras plus", "mourais ce serait"]}]}, "test")
    assert assess_with(r, "ils me tapent tous les jours", "fr").level == "urgent"
    found = assess_with(r, "ils me tapent pas mais ils m'insultent", "fr")
    assert (found.level, found.negated) == ("watch", True)
    assert assess_with(r, "ils me tapent, pas moi qui commence", "fr").level == "urgent"  # another clause
    assert assess_with(r, "ils me tapent pas mal en ce moment", "fr").level == "urgent"
    assert assess_with(r, "ils me tapent pas fort mais tous les jours", "fr").level == "urgent"
    assert assess_with(r, "si je mourais ce serait pas grave", "fr").level == "urgent"
    # the phrase holds its own negation: « jamais » after it adds to it, it does not undo it
    assert assess_with(r, "tu me reverras plus jamais", "fr").level == "urgent"
