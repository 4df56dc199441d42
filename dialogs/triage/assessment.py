"""What triage returns: a level and the rule behind it, never the person's text, so it can be logged and stored."""

from __future__ import annotations

from dataclasses import asdict, dataclass

LEVELS = ("none", "watch", "high", "urgent")
_RANK = {level: index for index, level in enumerate(LEVELS)}


def rank(level: str) -> int:
    """Order of a level: none < watch < high < urgent."""
    return _RANK[level]


@dataclass(frozen=True)
class Assessment:
    """The triage level of one message (or, later, of one set of answers) and why.

    `rule` is the id of the group in the rules file that decided the level, `phrase` the id of
    the phrase inside that group (`group.N`, N counting from 1), `pattern` the phrase as written
    in the rules file, `span` the (start, end) characters of the match in the text that was
    assessed. None of these fields holds the person's words, so the whole object may be logged.
    """

    level: str = "none"
    lang: str = "fr"
    rule: str | None = None
    phrase: str | None = None
    pattern: str | None = None
    span: tuple[int, int] | None = None
    rules_lang: str | None = None
    negated: bool = False
    long_ago: bool = False
    clarify: bool = False  # watch, and unsure: the bot asks one direct question (see clarify.py)

    def __post_init__(self) -> None:
        if self.level not in _RANK:
            raise ValueError(f"unknown triage level {self.level!r}")

    @property
    def needs_staff(self) -> bool:
        """High and urgent assessments open a case for the centre's staff."""
        return rank(self.level) >= rank("high")

    def as_dict(self) -> dict:
        data = asdict(self)
        data["span"] = list(self.span) if self.span else None
        return data


def combine(*assessments: Assessment) -> Assessment:
    """The most severe of several assessments (the first one wins a tie, unless only the other asks to clarify)."""
    if not assessments:
        raise ValueError("nothing to combine")
    best = assessments[0]
    for other in assessments[1:]:
        if rank(other.level) > rank(best.level) or (other.level == best.level and other.clarify and not best.clarify):
            best = other
    return best
