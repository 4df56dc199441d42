"""Rung when the dialogs left messages in the outbox, so the dispatcher wakes at once.

Made by the composition root (bot.bootstrap) and handed to whoever rings (the dialogs, the staff
chat watch) and whoever listens (the outbox dispatcher): nothing is wired after construction.
"""

from __future__ import annotations

from collections.abc import Callable


class Doorbell:
    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def listen(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def ring(self) -> None:
        for listener in self._listeners:
            listener()
