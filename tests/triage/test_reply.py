"""An answer typed to the bot's direct question, read as the « Oui » / « Non » buttons would be (replies.toml)."""

from __future__ import annotations

import pytest

from dialogs.triage.reply import read_reply


@pytest.mark.parametrize(("lang", "text"), [
    ("fr", "parfois. surtout le soir. mais j'ai rien prévu"),
    ("fr", "Ouaiiis depuis des mois"),
    ("fr", "pas aujourd'hui. mais la semaine dernière oui j'y ai pensé fort"),
    ("fr", "peut-être"),
    ("fr", "jsp"),
    ("en", "yeah for months. i just dont tell my parents"),
    ("en", "yes but I won't do anything"),
    ("en", "not today. last week yeah, bad"),
    ("en", "honestly? yes."),
    ("en", "idk"),
    ("en", "idk. no one would care anyway"),  # "no one" is not a no
    ("en", "not really thoughts anymore, it's decided"),
])
def test_a_yes_in_other_words_is_a_yes(lang, text):
    assert read_reply(text, lang) == "yes"


@pytest.mark.parametrize(("lang", "text"), [
    ("fr", "non"),
    ("fr", "nan. je parlais de tuer le boss final de mon jeu"),
    ("fr", "Il dit non. Mais il a perdu un peu d'appétit depuis la rentrée"),  # « un peu », « depuis » come later
    ("fr", "non mais des fois je pleure dans les toilettes"),
    ("fr", "jsp pas vraiment. je suis triste mais pas à ce point là"),  # unsure, then no in the same sentence
    ("fr", "plus maintenant. on a fait un plan avec la psy"),
    ("en", "NOOO 😂"),
    ("en", "No, it was a box of sweets"),
    ("en", "idk, no i guess. i just hate myself a bit sometimes"),
    ("en", "not anymore. I have a plan for help now"),
    ("fr", "Je sais pas si ça compte mais je me sens nulle tout le temps. Mais non pas de me faire du mal."),
])
def test_a_no_is_a_no_whatever_comes_after_it(lang, text):
    assert read_reply(text, lang) == "no"


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "who reads this?"), ("fr", "c'est qui qui lit ça ?"), ("en", ""), ("fr", "🙂"),
    ("en", "He says he doesn't want to hurt himself."),
])
def test_neither_is_none_and_the_question_is_asked_again(lang, text):
    assert read_reply(text, lang) is None
