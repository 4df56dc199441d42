"""Triage that generalises: the issue's examples, every conjugation, everyday uses, the middle band, the CLI."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from dialogs.i18n import use_locale
from dialogs.triage import assess_text, clarifying_question, cli_json
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
     ("j'ai acheté une corde à sauter", "fr"), ("i cut myself shaving lol", "en")],
)
def test_everyday_uses_keep_not_firing(text, lang):
    result = assess_text(text, lang)
    assert result.level in ("none", "watch") and not result.needs_staff, result


@pytest.mark.parametrize(
    ("text", "lang"),
    [("j'ai pris toute la boîte", "fr"), ("je vais faire une connerie", "fr"), ("je veux pas mourir", "fr"),
     ("i'm planning to do it on friday", "en"), ("i would never hurt myself", "en")],
)
def test_risk_words_without_a_sure_rule_give_watch_and_the_question(text, lang):
    result = assess_text(text, lang)
    assert (result.level, result.clarify) == ("watch", True), result


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
    out = cli_json("j'ai pris toute la boîte", "fr")
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
    ("text", "lang"),
    [
        # families added after batch 13 was read, each in words the batch did not use
        ("le rapide de 7h passe sans s'arrêter à notre gare, demain ce sera le mien", "fr", ),
        ("the freight train doesn't stop here, been timing it for days", "en"),
        ("he'll drive the car into the river with him in it, he said so", "en"),
        ("tout est prêt pour jeudi, personne comprendra et c'est pas grave", "fr"),
        ("she sent a photo of a whole box of pills and now she's not answering", "en"),
        ("mon voisin me demande de venir seule chez lui, il dit que c'est notre secret", "fr"),
        ("my tutor wants me to go to his house alone and says i'm special, it's our secret", "en"),
        ("i'm going to swim out into the sea and not come back", "en"),
    ],
)
def test_batch_13_families_are_urgent_in_new_words(text, lang):
    assert assess_text(text, lang).level == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("jvois plus aucun avenir pour moi", "fr"),
        ("j'espère qu'un bus va me renverser demain", "fr"),
        ("idk if i'll even be around next year, don't think i'll still be here", "en"),
        ("they said they'll smash my face in after school", "en"),
        ("il m'a dit qu'il allait me casser les dents", "fr"),
    ],
)
def test_batch_13_families_are_read_soon(text, lang):
    assert assess_text(text, lang).level in ("high", "urgent")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("je vais pas faire de connerie, je suis juste fatigué de tout", "fr"),
        ("not gonna do anything stupid, just tired of everything", "en"),
        ("the train doesn't stop at our station so we drive to the next town", "en"),
        ("going to throw myself on the sofa after this shift", "en"),
    ],
)
def test_what_batch_13_showed_is_not_danger_stays_below_high(text, lang):
    assert assess_text(text, lang).level in ("none", "watch")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # families added after batch 14 was read, each in words the batch did not use
        ("elle a laissé un mot sur la table et ne répond plus à son portable", "fr"),
        ("il a écrit: ne me cherchez pas. son vélo n'est plus là", "fr"),
        ("vous allez plus jamais m'entendre, désolé pour tout", "fr"),
        ("un homme lui envoie de l'argent et lui a donné rendez-vous samedi au parc sans nous le dire", "fr"),
        ("mon père est bourré, il tape sur la porte et dit qu'il va me tuer", "fr"),
        ("j'ai fait couler le bain et j'ai sorti toutes les boîtes de médicaments", "fr"),
        ("my brother can have my xbox after tonight, not joking", "en"),
        ("a man online keeps sending me robux and wants to meet me at the station tomorrow, said delete our chats", "en"),
        ("her ex has her pinned against the wall and says i'm next", "en"),
        ("i'm on the railway line now", "en"),
    ],
)
def test_batch_14_families_are_urgent_in_new_words(text, lang):
    assert assess_text(text, lang).level == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("we did suicides in PE today, my legs are dead", "en"),
        ("we're reading macbeth, everyone dies in the end lol", "en"),
        ("had a nightmare they chased me again", "en"),
        ("ma frappe au foot c'est la meilleure de l'équipe", "fr"),
    ],
)
def test_what_batch_14_showed_is_not_danger_stays_below_high(text, lang):
    assert assess_text(text, lang).level in ("none", "watch")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # families added after batch 15 was read, each in words the batch did not use
        ("j'ai avalé toute la plaquette de xanax il y a 10 minutes", "fr"),
        ("il a encore frappé ma mère et il monte vers ma chambre avec sa ceinture", "fr"),
        ("j'ai confié mon chien à mon voisin et laissé mes codes à ma soeur", "fr"),
        ("ce soir je le fais pour de vrai, plus loin que d'habitude", "fr"),
        ("💊💊💊 bonne nuit pour toujours", "fr"),
        ("🔪🛁 tonight is different", "en"),
        ("my son texted 'it's not your fault' and he's not home, it's 2am", "en"),
        ("a man in his 30s she met online is picking her up tonight", "en"),
        ("i've kept the weedkiller in my locker, after the results i will finish everything", "en"),
        ("gave my sister my passwords so she can delete my accounts after", "en"),
    ],
)
def test_batch_15_families_are_urgent_in_new_words(text, lang):
    assert assess_text(text, lang).level == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("on a eu une overdose de chocolat à Noël mdr", "fr"),
        ("first aid training today, we practised what to do for an overdose", "en"),
        ("pas de menaces cette semaine, ils m'ont laissé tranquille", "fr"),
    ],
)
def test_what_batch_15_showed_is_not_danger_stays_below_high(text, lang):
    assert assess_text(text, lang).level in ("none", "watch")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # families added after batch 16 was read, each in words the batch did not use
        ("la dernière fois j'ai loupé avec les cachets, cette fois j'ai ceux de mon père", "fr"),
        ("la boîte de somnifères est vide et il ne répond presque plus", "fr"),
        ("le TGV passe derrière le lycée, merci pour les séances au cas où", "fr"),
        ("un adulte lui offre des v-bucks et lui a donné rendez-vous demain au parc", "fr"),
        ("i've got the tablets lined up on my desk", "en"),
        ("he was definitely older, wants me to get in his car tomorrow or he'll send my pics to everyone", "en"),
        ("my stepdad is drunk and says he'll kill me, i'm under the bed", "en"),
        ("she posted a photo of the bridge with 'see you never'", "en"),
        ("he's holding a razor against his wrist", "en"),
    ],
)
def test_batch_16_families_are_urgent_in_new_words(text, lang):
    assert assess_text(text, lang).level == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("jpréfère crever que de présenter mon exposé devant la classe mdr", "fr"),
        ("no signs of self-harm, she just hates the new school", "en"),
    ],
)
def test_what_batch_16_showed_is_not_danger_stays_below_high(text, lang):
    assert assess_text(text, lang).level in ("none", "watch")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # families added after batch 17 was read, each in words the batch did not use
        ("papi est mort en mai, demain je vais le rejoindre", "fr"),
        ("les médocs sont déjà sous mon lit", "fr"),
        ("j'ai fugué de la maison, un type bizarre veut que je monte dans sa voiture", "fr"),
        ("j'ai pris un truc en soirée, mon coeur bat trop fort", "fr"),
        ("he's 27 and he's picking me up tonight, mum doesn't know", "en"),
        ("he's got a blade and says he's going to use it on me after school", "en"),
        ("i've made my peace, thank you for everything", "en"),
        ("my daughter texted 'i did it, i'm sorry' from the bathroom", "en"),
    ],
)
def test_batch_17_families_are_urgent_in_new_words(text, lang):
    assert assess_text(text, lang).level == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # a negation before the intent verb reaches the death word after it
        ("i don't want to die or anything, i just wish the holidays were longer", "en"),
        ("we read Hamlet in class and argued about whether Ophelia was suicidal", "en"),
        ("je dors plus trop, je me réveille à 3h", "fr"),
    ],
)
def test_what_batch_17_showed_is_not_danger_stays_below_high(text, lang):
    assert assess_text(text, lang).level in ("none", "watch")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # families added after batch 18 was read, each in words the batch did not use
        ("il sait exactement comment il va faire et il a choisi la date", "fr"),
        ("plus que deux heures, j'ai supprimé mon compte, personne va comprendre", "fr"),
        ("j'ai la lame dans la main là", "fr"),
        ("my mum's boyfriend is drunk and punching my mum, i'm hiding in the bathroom", "en"),
        ("i cut too deep and it won't stop bleeding", "en"),
        ("a man online sent her gift cards and she's meeting him tonight at the station", "en"),
        ("gave my xbox to my cousin, i won't be needing it after the weekend", "en"),
    ],
)
def test_batch_18_families_are_urgent_in_new_words(text, lang):
    assert assess_text(text, lang).level == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("my son asked me what suicide means after the news", "en"),
        ("I'll throw myself out the window if I have to listen to this podcast again", "en"),
        ("I don't know how much longer I can keep fighting the school about this", "en"),
    ],
)
def test_what_batch_18_showed_is_not_danger_stays_below_high(text, lang):
    assert assess_text(text, lang).level in ("none", "watch")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # families added after batch 19 was read, each in words the batch did not use
        ("mon père est ivre, il a giflé ma petite soeur", "fr"),
        ("un homme de 30 ans veut que je vienne chez lui, il dit de rien dire à mes parents", "fr"),
        ("j'ai fugué, un type me propose de dormir chez lui", "fr"),
        ("on a pris des médicaments avec mon pote, il répond plus", "fr"),
        ("i'm at the viaduct, just wanted someone to know", "en"),
        ("my uncle is outside our flat now with a bat", "en"),
        ("she's barricaded herself in her room with a rope", "en"),
        ("he drank a whole bottle of vodka and his breathing is weird", "en"),
        ("my tutor wants me at his place after class, just us, and not tell anyone, he's picking me up", "en"),
    ],
)
def test_batch_19_families_are_urgent_in_new_words(text, lang):
    assert assess_text(text, lang).level == "urgent"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("she takes her ADHD meds every morning, could it change her mood?", "en"),
        ("my sister is so annoying i could strangle her lol", "en"),
        ("ma mère a frappé à la porte de ma chambre pour le dîner", "fr"),
    ],
)
def test_what_batch_19_showed_is_not_danger_stays_below_high(text, lang):
    assert assess_text(text, lang).level in ("none", "watch")
