"""Flows as data: named steps, each a render function and input handlers.

A step handler returns the next place as a `Next`: a step of the same flow ("age"), a step
of another flow ("menu.main"), MENU (the person's own menu) or END (nothing more to show).
Every target a step can reach is declared in `goes_to`, so a test can check the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Awaitable, Callable

from dialogs.events import Button, Event, Reply

if TYPE_CHECKING:
    from dialogs.context import Ctx

MENU = "@menu"
END = "@end"
BACK_TO_CURRENT = "@here"  # stay on the current step and show it again
STAY = "@stay"  # stay on the current step and show nothing (a message passed on to someone else)

CALLBACK_LIMIT = 64  # bytes, Telegram's limit on callback data


@dataclass(frozen=True)
class Choice:
    """A button that feeds an action to the step that rendered it."""

    text: str
    action: str = ""
    url: str = ""


@dataclass(frozen=True)
class Screen:
    text: str
    rows: tuple[tuple[Choice, ...], ...] = ()


@dataclass(frozen=True)
class Next:
    target: str
    notice: str = ""  # a line shown above the next screen (what was saved, what went wrong)
    extra: tuple[Reply, ...] = ()  # messages to send before the screen (files, long texts)
    then: tuple[Reply, ...] = ()  # messages to send after it (a link to forward, say)
    fresh: bool = False  # show the screen as a new message below the others, not as an edit


Render = Callable[["Ctx"], Awaitable[Screen]]
OnButton = Callable[["Ctx", str], Awaitable[Next]]
OnText = Callable[["Ctx", str], Awaitable[Next]]
OnMedia = Callable[["Ctx"], Awaitable[Next]]


@dataclass(frozen=True)
class Step:
    name: str
    render: Render
    on_button: OnButton | None = None
    on_text: OnText | None = None
    goes_to: frozenset[str] = frozenset()
    anytime: bool = False  # its buttons work from any old message, not only the current one
    overlay: bool = False  # shown on top of where the person is, without moving them
    free_text: bool = False  # any text is an answer here, even an alarming one (it is kept and escalated)
    roles: frozenset[str] | None = None  # who may be here; None: anybody, even not registered
    on_media: OnMedia | None = None  # a photo, voice note, document... (else: "I cannot read this")


@dataclass
class Flow:
    name: str
    steps: dict[str, Step] = field(default_factory=dict)

    def __init__(self, name: str, steps: list[Step]) -> None:
        self.name = name
        self.steps = {s.name: s for s in steps}

    @property
    def first(self) -> str:
        return next(iter(self.steps))


def qualify(flow: str, target: str) -> str:
    """"age" inside flow "child" is "child.age"; special and qualified targets stay as they are."""
    if target.startswith("@") or "." in target:
        return target
    return f"{flow}.{target}"


def encode(version: int, flow: str, step: str, action: str) -> str:
    data = f"{version}|{flow}.{step}|{action}"
    if len(data.encode()) > CALLBACK_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_LIMIT} bytes: {flow}.{step}|{action}")
    return data


@dataclass(frozen=True)
class Pressed:
    version: int
    flow: str
    step: str
    action: str


def decode(data: str) -> Pressed | None:
    """Parse button data; anything malformed is None (and the press is refused)."""
    if not data or len(data.encode()) > CALLBACK_LIMIT:
        return None
    parts = data.split("|")
    if len(parts) != 3 or "." not in parts[1]:
        return None
    version, place, action = parts
    if not version.isdigit():
        return None
    flow, _, step = place.partition(".")
    if not flow or not step:
        return None
    return Pressed(int(version), flow, step, action)


def to_buttons(screen: Screen, version: int, flow: str, step: str) -> tuple[tuple[Button, ...], ...]:
    rows = []
    for row in screen.rows:
        rows.append(
            tuple(
                Button(c.text, url=c.url) if c.url else Button(c.text, data=encode(version, flow, step, c.action))
                for c in row
            )
        )
    return tuple(rows)


__all__ = [
    "BACK_TO_CURRENT",
    "END",
    "MENU",
    "STAY",
    "Choice",
    "Event",
    "Flow",
    "Next",
    "Screen",
    "Step",
]
