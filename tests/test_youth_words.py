"""A young person is never addressed with « vous »: every screen they can reach, in French.

The test walks the young person's bot as they would, pressing every button it meets (up to five deep,
from the menu and from each command), and reads every message the bot sends them.
"""

from __future__ import annotations

import re

from tests.conftest import join_as_youth

VOUS = re.compile(r"\b(vous|votre|vos)\b", re.IGNORECASE)
NOT_PRESSED = ("|forget.confirm|yes",)  # the erasure would end the walk
DEPTH = 5
LIMIT = 220  # walks; the whole bot of a young person is about half of it


async def walk(chat, start: tuple[str, ...]) -> list[str]:
    """Every text the bot sends along each button path from `start` (a command and its argument)."""
    seen: list[str] = []
    done: set[tuple[str, str]] = set()
    paths: list[tuple[str, ...]] = [()]
    walks = 0
    while paths and walks < LIMIT:
        path = paths.pop(0)
        walks += 1
        await chat.command(*start)
        seen += [r.text for r in chat.last.replies]
        try:
            for label in path:
                await chat.press(label)
                seen += [r.text for r in chat.last.replies]
        except AssertionError:  # the screen changed under the path (a request was sent meanwhile)
            continue
        if len(path) >= DEPTH or not chat.last.replies:
            continue
        screen = chat.screen.split("\n")[0]
        for reply in chat.last.replies:
            for row in reply.buttons:
                for button in row:
                    if not button.data or any(button.data.endswith(end) for end in NOT_PRESSED):
                        continue
                    if (screen, button.text) not in done:
                        done.add((screen, button.text))
                        paths.append(path + (button.text,))
    return seen


async def test_no_screen_a_young_person_can_reach_says_vous(core, centre, chat_for):
    youth = chat_for(2001, "fr")
    await join_as_youth(core, youth)
    seen = [r.text for r in youth.messages]
    for start in (("menu",), ("help",), ("language",), ("privacy",), ("stop",)):
        seen += await walk(youth, start)
    for typed in ("bonjour", "j'ai peur", "je veux mourir"):  # free text, the offer, the emergency answer
        await youth.command("menu")
        await youth.text(typed)
        seen += [r.text for r in youth.last.replies]
        if youth.last.replies and youth.last.replies[-1].buttons:
            await youth.press(youth.labels()[-1])
            seen += [r.text for r in youth.last.replies]
    assert len(set(seen)) > 40  # the walk did reach the young person's bot, not one screen
    offending = sorted({line for text in seen for line in text.split("\n") if VOUS.search(line)})
    assert offending == [], "\n".join(offending)
