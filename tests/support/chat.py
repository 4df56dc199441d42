"""A person talking to the dialogs directly, clicking buttons by their text (no Telegram)."""

from __future__ import annotations

from dataclasses import dataclass, field

from dialogs.engine import Dialogs
from dialogs.events import Event, Kind, Reply, Response
from storage.clock import FakeClock


@dataclass
class Chat:
    dialogs: Dialogs
    clock: FakeClock
    user_id: int
    language: str | None = "fr"
    private: bool = True
    messages: list[Reply] = field(default_factory=list)  # what the person sees, edits applied
    last: Response = field(default_factory=Response)
    _ids: dict[int, int] = field(default_factory=dict)  # index in messages -> message id

    async def _send(self, kind: Kind, **values) -> Response:
        event = Event(user_id=self.user_id, chat_id=self.user_id, kind=kind, at=self.clock.now(),
                      language_code=self.language, private=self.private, **values)
        self.last = await self.dialogs.handle(event)
        for reply in self.last.replies:
            if reply.edit_message_id is not None and 0 < reply.edit_message_id <= len(self.messages):
                self.messages[reply.edit_message_id - 1] = reply
            else:
                self.messages.append(reply)
        return self.last

    async def command(self, name: str, argument: str = "") -> Response:
        return await self._send(Kind.COMMAND, command=name, text=argument)

    async def text(self, text: str) -> Response:
        return await self._send(Kind.TEXT, text=text)

    async def media(self, what: str = "sticker", caption: str = "") -> Response:
        return await self._send(Kind.MEDIA, media=what, text=caption)

    async def edited(self, text: str) -> Response:
        return await self._send(Kind.EDITED, text=text)

    async def press(self, label: str, message: int | None = None) -> Response:
        """Press the button whose text contains `label` on a message (default: the latest with buttons)."""
        index = message if message is not None else self._latest_with_buttons()
        reply = self.messages[index]
        for row in reply.buttons:
            for button in row:
                if label in button.text and button.data:
                    return await self._send(Kind.BUTTON, data=button.data, message_id=index + 1)
        raise AssertionError(f"no button {label!r} on message {index}: {self.labels(index)}")

    async def press_data(self, data: str, message: int | None = None) -> Response:
        index = message if message is not None else len(self.messages) - 1
        return await self._send(Kind.BUTTON, data=data, message_id=index + 1)

    def _latest_with_buttons(self) -> int:
        for index in range(len(self.messages) - 1, -1, -1):
            if self.messages[index].buttons:
                return index
        raise AssertionError("no message with buttons")

    def labels(self, index: int | None = None) -> list[str]:
        reply = self.messages[self._latest_with_buttons() if index is None else index]
        return [b.text for row in reply.buttons for b in row]

    @property
    def screen(self) -> str:
        """The text of the newest message (or of the edited one) from the last update."""
        assert self.last.replies, "the bot did not answer"
        return self.last.replies[-1].text

    @property
    def all_text(self) -> str:
        return "\n".join(r.text for r in self.last.replies)
