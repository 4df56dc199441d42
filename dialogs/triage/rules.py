"""Loads and checks the rules files (rules_fr.toml, rules_en.toml), because phrases and levels are data, not code."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from dialogs.triage.assessment import LEVELS
from dialogs.triage.ceiling import Ceiling
from dialogs.triage.concepts import WINDOW, Combination, Combinations, compile_concepts, parse_combination
from dialogs.triage.lemmas import forms_of
from dialogs.triage.normalise import Normaliser, fold_word
from dialogs.triage.patterns import RulesError, parse
from dialogs.triage.phrase_index import PhraseIndex
from dialogs.triage.word_table import WordTable

HERE = Path(__file__).resolve().parent
LANGUAGES = ("fr", "en")
_TOP = {"language", "apostrophes", "as_written", "negations", "negation_skip", "negation_keeps", "negation_openers",
        "negation_closers", "negation_after", "negation_after_not", "m_a_before", "clause_breaks", "words", "spelling",
        "everyday", "serious", "long_ago", "still_going", "recovered", "unsure", "group", "concepts"}
_GROUP = {"id", "name", "level", "about", "when_negated", "when_long_ago", "clarify", "phrases", "concepts", "window"}
_UNSURE = {"id", "name", "about", "phrases", "alone"}


@dataclass(frozen=True)
class Group:
    """A group of phrases that mean the same kind of danger, and the level they give."""

    id: str
    level: str
    when_negated: str | None  # level when a negation is attached; None: negation changes nothing
    when_long_ago: str | None  # level when the clause says it is over; None: time changes nothing
    name: str = ""  # the family in words, for the people who read the assessment
    clarify: bool = False  # at watch, the bot asks the clarifying question


@dataclass(frozen=True)
class RuleSet:
    """Everything triage needs for one language, compiled."""

    lang: str
    normaliser: Normaliser
    groups: PhraseIndex
    everyday: PhraseIndex
    long_ago: PhraseIndex
    still_going: PhraseIndex
    negations: frozenset[str]
    negation_skip: frozenset[str]
    unsure: PhraseIndex  # risk words: no rule is sure, the bot asks (level watch, clarify)
    unsure_group: Group
    names: dict[str, str]  # group id -> the family in words, in this file's language
    serious: PhraseIndex = field(default_factory=PhraseIndex)  # "i mean it": the everyday list is not applied
    recovered: PhraseIndex = field(default_factory=PhraseIndex)  # "i'm doing great now": long over reads watch
    recovered_unless: PhraseIndex = field(default_factory=PhraseIndex)  # "tried to kill himself": stays when_long_ago
    concepts: PhraseIndex = field(default_factory=PhraseIndex)  # word families ([concepts]), payload: their name
    guards: PhraseIndex = field(default_factory=PhraseIndex)  # the families used only as guards (read when needed)
    combinations: Combinations = field(default_factory=Combinations)  # groups' "intention + mort" rules
    negation_keeps: frozenset[str] = frozenset()  # "ça n'arrête pas de saigner": a negated stop means it goes on
    negation_openers: frozenset[str] = frozenset()  # « ne », the first half of « ne ... jamais » (see engine._negated)
    negation_closers: frozenset[str] = frozenset()  # « jamais », « plus », the second half (see engine._negated)
    negation_after: frozenset[str] = frozenset()  # « ils me tapent pas »: a negation just after the phrase
    negation_after_not: frozenset[str] = frozenset()  # « pas mal », « pas que »: then it is not one
    unsure_alone: PhraseIndex = field(default_factory=PhraseIndex)  # "help" as the whole message: the bot asks
    table: WordTable = field(default_factory=WordTable)  # the words met, learned once for all the indexes above
    ceiling: Ceiling | None = None  # the most these rules could read in a message (before reading it as a second language)


def _level(value: object, where: str, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if value not in LEVELS:
        raise RulesError(f"{where}: level must be one of {', '.join(LEVELS)}, not {value!r}")
    return str(value)


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RulesError(f"{where}: expected a list of non-empty strings")
    return value


def _word_set(data: dict, key: str, origin: str) -> frozenset[str]:
    """A top-level list of words of a rules file (negations, clause breaks...), checked and folded."""
    return frozenset(fold_word(v) for v in _strings(data.get(key, []), f"{origin}: {key}"))


def compile_rules(data: dict, origin: str = "rules") -> RuleSet:
    """Check and compile the content of one rules file; a mistake raises RulesError naming the place."""
    unknown = set(data) - _TOP
    if unknown:
        raise RulesError(f"{origin}: unknown keys {sorted(unknown)}")
    lang = data.get("language")
    if lang not in LANGUAGES:
        raise RulesError(f"{origin}: language must be one of {LANGUAGES}")
    if data.get("apostrophes", "split") not in ("split", "join"):
        raise RulesError(f"{origin}: apostrophes must be 'split' or 'join'")
    spelling = {fold_word(k): tuple(fold_word(v).split()) for k, v in data.get("spelling", {}).items()}
    if any(not v for v in spelling.values()) or any(" " in k for k in spelling):
        raise RulesError(f"{origin}: [spelling] maps one typed word to one or more words")
    normaliser = Normaliser(
        spelling=spelling,
        split_apostrophes=data.get("apostrophes", "split") == "split",
        clause_breaks=_word_set(data, "clause_breaks", origin),
        m_a_before=_word_set(data, "m_a_before", origin),
    )
    words = {name: str(value) for name, value in data.get("words", {}).items()}
    as_written = _word_set(data, "as_written", origin)

    def resolve(raw: str) -> list[str]:
        return [w for piece in normaliser.pieces(fold_word(raw)) for w in normaliser.resolve(piece)]

    def index(section: str, phrases: list[str], payload: object = None) -> PhraseIndex:
        built = PhraseIndex()
        for number, source in enumerate(_strings(phrases, f"{origin}: {section}"), start=1):
            built.add(parse(f"{section}.{number}", source, words, resolve, fold_word, as_written), payload)
        return built

    raw_concepts = data.get("concepts", {})
    if not isinstance(raw_concepts, dict):
        raise RulesError(f"{origin}: [concepts] maps a name to a list of words or phrases")
    combinations: list[Combination] = []
    groups = PhraseIndex()
    seen: set[str] = set()
    names: dict[str, str] = {}
    for position, raw in enumerate(data.get("group", []), start=1):
        where = f"{origin}: group #{position}"
        if set(raw) - _GROUP:
            raise RulesError(f"{where}: unknown keys {sorted(set(raw) - _GROUP)}")
        if not raw.get("id") or raw["id"] in seen or not raw.get("about"):
            raise RulesError(f"{where}: each group needs a unique id and an 'about' text")
        seen.add(raw["id"])
        if not isinstance(raw.get("clarify", False), bool):
            raise RulesError(f"{where}: clarify is true or false")
        group = Group(raw["id"], _level(raw.get("level"), where),
                      _level(raw.get("when_negated"), where, optional=True),
                      _level(raw.get("when_long_ago"), where, optional=True),
                      str(raw.get("name") or raw["id"]), raw.get("clarify", False))
        names[group.id] = group.name
        window = raw.get("window", WINDOW)
        if not isinstance(window, int) or window < 0:
            raise RulesError(f"{where}: window is a number of words (0: the whole message)")
        for number, source in enumerate(_strings(raw.get("concepts", []), where), start=1):
            combinations.append(parse_combination(f"{group.id}.c{number}", source, set(raw_concepts), window, group))
        phrases = raw.get("phrases", [] if "concepts" in raw else None)
        for number, source in enumerate(_strings(phrases, where), start=1):
            groups.add(parse(f"{group.id}.{number}", source, words, resolve, fold_word, as_written), group)
    if not seen:
        raise RulesError(f"{origin}: no [[group]] at all")

    needed = {name for combo in combinations for name in combo.needs}
    concepts = compile_concepts({k: v for k, v in raw_concepts.items() if k in needed}, origin, words, resolve,
                                fold_word, as_written)
    guards = compile_concepts({k: v for k, v in raw_concepts.items() if k not in needed}, origin, words, resolve,
                              fold_word, as_written)
    everyday = index("everyday", data.get("everyday", {}).get("phrases", []))
    serious = index("serious", data.get("serious", {}).get("phrases", []))
    long_ago = index("long_ago", data.get("long_ago", {}).get("phrases", []))
    still_going = index("still_going", data.get("still_going", {}).get("phrases", []))
    if set(data.get("recovered", {})) - {"phrases", "unless"}:
        raise RulesError(f"{origin}: [recovered]: unknown keys {sorted(set(data['recovered']) - {'phrases', 'unless'})}")
    recovered = index("recovered", data.get("recovered", {}).get("phrases", []))
    recovered_unless = index("recovered.unless", data.get("recovered", {}).get("unless", []))
    raw_unsure = data.get("unsure", {})
    if set(raw_unsure) - _UNSURE:
        raise RulesError(f"{origin}: [unsure]: unknown keys {sorted(set(raw_unsure) - _UNSURE)}")
    unsure_group = Group(str(raw_unsure.get("id", "unsure")), "watch", None, None,
                         str(raw_unsure.get("name", "unsure")), True)
    names[unsure_group.id] = unsure_group.name
    unsure = index("unsure", raw_unsure.get("phrases", []))
    unsure_alone = index("unsure.alone", raw_unsure.get("alone", []))
    known_words: set[str] = set()
    known_prefixes: set[str] = set()
    bases: set[str] = set()
    indexes = (groups, everyday, serious, long_ago, still_going, recovered, recovered_unless, unsure, unsure_alone,
               concepts, guards)
    for built in indexes:
        w, p = built.vocabulary()
        known_words |= w
        known_prefixes |= p
        bases |= built.base_words()
    normaliser.learn(known_words, known_prefixes, forms_of(bases, lang, fold_word))
    table = WordTable(indexes)
    table.ready()  # its vocabulary made now, at load, not while the first message waits (about 8 ms)
    combos = Combinations(combinations)
    ceiling = Ceiling(normaliser, table, groups, concepts, combos, (unsure, unsure_alone))
    return RuleSet(
        lang=lang, normaliser=normaliser, groups=groups, everyday=everyday, long_ago=long_ago,
        still_going=still_going, recovered=recovered, recovered_unless=recovered_unless,
        **{key: _word_set(data, key, origin)
           for key in ("negations", "negation_skip", "negation_keeps", "negation_openers", "negation_closers",
                       "negation_after", "negation_after_not")},
        unsure=unsure, unsure_group=unsure_group, names=names, serious=serious,
        concepts=concepts, combinations=combos, guards=guards, unsure_alone=unsure_alone,
        table=table, ceiling=ceiling,
    )


def load_file(path: Path) -> RuleSet:
    """Read and compile one rules file."""
    with path.open("rb") as handle:
        try:
            data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise RulesError(f"{path.name}: {error}") from None
    return compile_rules(data, path.name)


@cache
def rules_for(lang: str) -> RuleSet:
    """The compiled rules of a language ("fr" or "en"), read once per process."""
    if lang not in LANGUAGES:
        raise RulesError(f"no triage rules for language {lang!r}")
    return load_file(HERE / f"rules_{lang}.toml")
