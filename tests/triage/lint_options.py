"""Lists phrases of the rules files where an `a|b` choice may have been meant across several words.

In a phrase, an option of `a|b` is one word: "thank you|thanks for everything" reads "thank you for everything"
or "thank thanks for everything", never "thanks for everything". Such phrases match less than their author
thought, silently. This prints every phrase where a choice between two literal words mixes a small function word
(to, of, i, je, la...) with other words, the usual sign of that mistake, for a person to read; most of what it
prints is written as meant. Usage, from the repository root: `python -m tests.triage.lint_options`.
"""

from __future__ import annotations

import re
from pathlib import Path

RULES = Path(__file__).resolve().parent.parent.parent / "dialogs" / "triage"
SMALL = {
    "en": set("i you he she it we they me him her us them my your his its our their a an the to of in on at for with by "
              "from up out off into over about as is am are was were be been do does did not no never will would can could "
              "should going gonna and or but so if when then that this there here what who how all".split()),
    "fr": set("je j tu il elle on nous vous ils elles me m te t se s le la l les un une des du de d au aux a en y ce c ca "
              "cet cette ces mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs et ou mais si quand que qu qui "
              "pas ne n plus jamais est es suis sont etait ai as ont va vais vont pour par sur sous dans avec sans chez tout "
              "tous toute toutes".split()),
}


def suspects(text: str, small: set[str]) -> list[str]:
    """The phrases of a rules file where a choice between literal words mixes small words with others."""
    found = []
    for phrase in re.findall(r'"([^"\n]*)"', text):
        words = phrase.split()
        for at in range(1, len(words) - 1):
            options = words[at].split("|")
            if len(options) < 2 or words[at - 1] in ("..", "...") or words[at + 1] in ("..", "..."):
                continue
            if any(o in small for o in options) and any(o not in small and not o.endswith("*") for o in options):
                found.append(phrase)
                break
    return found


def main() -> int:
    for lang in ("en", "fr"):
        for phrase in suspects((RULES / f"rules_{lang}.toml").read_text(encoding="utf-8"), SMALL[lang]):
            print(f"{lang}  {phrase}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
