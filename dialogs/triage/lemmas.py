"""Every form of the words the rules use, from simplemma's dictionaries, so "tuer" in a rule also finds "tuerais".

A rule word written in its base form (infinitive, singular) stands for all its forms. The forms
are read from simplemma's French and English dictionaries (shipped in its wheel, nothing is
downloaded), folded like the messages (no accents, lowercase) so that "tuee" typed without
accents is found too. Only the base forms the rules use are kept: a few thousand forms, looked up
in a plain dict while a message is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from simplemma.strategies import DefaultDictionaryFactory

MIN_LETTERS = 3  # shorter rule words (me, je, to) match only as written
# simplemma gives some French past participles as their own lemma ("avalé", "tuée" -> "tué"):
# a participle ending in -é, -ée, -és or -ées is taken as a form of the -er verb when the rules use it.
_PARTICIPLE_ENDINGS = ("ées", "ée", "és", "é")


def _bridge(lemma: str, lang: str) -> str | None:
    if lang != "fr":
        return None
    for ending in _PARTICIPLE_ENDINGS:
        if lemma.endswith(ending) and len(lemma) > len(ending) + 1:
            return lemma[: -len(ending)] + "er"
    return None


def _pairs(lang: str) -> Iterator[tuple[str, str]]:
    """(form, lemma) for every entry of simplemma's dictionary, read once and not kept (about 20 MB)."""
    dictionary = DefaultDictionaryFactory(cache_max_size=0).get_dictionary(lang)
    raw = getattr(dictionary, "_dict", None)  # its bytes -> bytes table: 10 times faster to walk than the Mapping
    if isinstance(raw, dict):
        for form, lemma in raw.items():
            yield form.decode(), lemma.decode()
    else:
        yield from dictionary.items()


def forms_of(lemmas: Iterable[str], lang: str, fold: Callable[[str], str]) -> dict[str, tuple[str, ...]]:
    """Folded form -> the folded base words of `lemmas` it is a form of ("tuerais" -> ("tuer",))."""
    wanted = {lemma for lemma in lemmas if len(lemma) >= MIN_LETTERS}
    found: dict[str, set[str]] = {lemma: {lemma} for lemma in wanted}
    folded: dict[str, str] = {}

    def folded_of(word: str) -> str:
        hit = folded.get(word)
        if hit is None:
            hit = folded[word] = word if word.isascii() else fold(word)
        return hit

    for form, lemma in _pairs(lang):
        verb = _bridge(lemma, lang)
        for base in (folded_of(lemma), folded_of(verb) if verb else None):
            if base in wanted:
                found.setdefault(folded_of(form), set()).add(base)
    return {form: tuple(sorted(bases)) for form, bases in found.items()}
