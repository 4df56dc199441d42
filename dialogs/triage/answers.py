"""The answers of one weekly check-in, checked on the way in, because they are stored as JSON and read back later."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import ClassVar

MOODS = (1, 2, 3, 4, 5)  # 1 is the worst
ATTENDANCE = ("every_day", "missed_some", "missed_most", "not_at_all", "holidays")
INCIDENT = ("yes", "no", "unknown")
SLEEP = ("good", "so_so", "bad")
SAFE = ("yes", "sometimes", "no")
TALK = ("yes", "not_now")


def _check(owner: object, allowed: dict[str, tuple]) -> None:
    """Raise ValueError naming the first answer that is not one of its allowed values."""
    for name, values in allowed.items():
        value = getattr(owner, name)
        # exact type: True and 1.0 must not pass for a mood of 1 (True == 1.0 == 1 in Python)
        if type(value) is not type(values[0]) or value not in values:
            raise ValueError(f"{type(owner).__name__}.{name}: {value!r} is not one of {values}")


def _from_dict(cls: type, data: object):
    """Build cls from a dict with exactly its field names (a parent's answers are no young person's)."""
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__}: expected a dict, not {type(data).__name__}")
    names = {f.name for f in fields(cls)}
    if set(data) != names:
        missing, unknown = sorted(names - set(data)), sorted(set(data) - names)
        raise ValueError(f"{cls.__name__}: missing {missing}, unknown {unknown}")
    return cls(**data)


@dataclass(frozen=True)
class ParentAnswers:
    """A parent's weekly check-in about one child."""

    child_mood: int
    attendance: str
    incident: str
    sleep: str
    parent_mood: int

    VALUES: ClassVar[dict[str, tuple]] = {"child_mood": MOODS, "attendance": ATTENDANCE, "incident": INCIDENT,
                                          "sleep": SLEEP, "parent_mood": MOODS}

    def __post_init__(self) -> None:
        _check(self, self.VALUES)

    @classmethod
    def from_dict(cls, data: object) -> ParentAnswers:
        """Read stored answers back; anything unknown or missing raises ValueError."""
        return _from_dict(cls, data)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class YouthAnswers:
    """A young person's own weekly check-in."""

    mood: int
    safe: str
    sleep: str
    talk: str

    VALUES: ClassVar[dict[str, tuple]] = {"mood": MOODS, "safe": SAFE, "sleep": SLEEP, "talk": TALK}

    def __post_init__(self) -> None:
        _check(self, self.VALUES)

    @classmethod
    def from_dict(cls, data: object) -> YouthAnswers:
        """Read stored answers back; anything unknown or missing raises ValueError."""
        return _from_dict(cls, data)

    def as_dict(self) -> dict:
        return asdict(self)
