"""A table of Bot API method handlers, filled by decorators in the api_* modules."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import FakeTelegram

Handler = Callable[["FakeTelegram", dict], Awaitable[Any]]


class Handlers(dict[str, Handler]):
    def on(self, method: str) -> Callable[[Handler], Handler]:
        """Register the decorated coroutine as the implementation of a Bot API method."""

        def register(handler: Handler) -> Handler:
            self[method] = handler
            return handler

        return register
