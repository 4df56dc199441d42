"""What a step sees while it handles one update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogs.events import Event
from storage.records import CentreRecord, ConversationRecord, PersonRecord
from storage.store import UnitOfWork


@dataclass(frozen=True)
class DialogConfig:
    bot_username: str = "relier_bot"
    default_locale: str = "fr"


class Ctx:
    def __init__(
        self,
        event: Event,
        uow: UnitOfWork,
        person: PersonRecord | None,
        conversation: ConversationRecord,
        config: DialogConfig,
        locale: str,
    ) -> None:
        self.event = event
        self.uow = uow
        self.person = person
        self.conversation = conversation
        self.config = config
        self.locale = locale
        self._centre: CentreRecord | None = None
        self.forget = False  # set when the person asked to erase everything

    @property
    def data(self) -> dict[str, Any]:
        return self.conversation.data

    @property
    def now(self) -> datetime:
        return self.uow.clock.now()

    @property
    def role(self) -> str | None:
        return None if self.person is None else self.person.role

    async def centre(self) -> CentreRecord | None:
        """The person's centre, or the only centre of this installation."""
        if self._centre is None:
            if self.person is not None:
                self._centre = await self.uow.centres.get(self.person.centre_id)
            elif isinstance(self.data.get("centre_id"), int):
                centres = {c.id: c for c in await self.uow.centres.all()}
                self._centre = centres.get(self.data["centre_id"])
            else:
                centres = await self.uow.centres.all()
                self._centre = centres[0] if len(centres) == 1 else None
        return self._centre

    def deep_link(self, code: str) -> str:
        return f"https://t.me/{self.config.bot_username}?start={code}"
