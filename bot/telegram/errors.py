"""Telegram's refusals, the same whichever framework made the call.

Each adapter (bot.aiogram, bot.ptb) turns its framework's exceptions into these, so the code that
decides what a refusal means (bot.delivery, bot.telegram.replies) is written once. `description` is
Telegram's own (e.g. "Bad Request: chat not found"); it never carries a message's text, so it may be
matched and logged in short codes.
"""

from __future__ import annotations


class TelegramError(Exception):
    """Any refusal or failure of a Bot API call."""

    def __init__(self, description: str = "", method: str = "") -> None:
        super().__init__(description)
        self.description = description
        self.method = method

    @property
    def message(self) -> str:  # the name both frameworks use for it
        return self.description

    def says(self, *markers: str) -> bool:
        """Whether Telegram's description contains one of these markers (lower case)."""
        text = self.description.lower()
        return any(marker in text for marker in markers)


class RetryAfter(TelegramError):
    """429: flood control; try again after `seconds`."""

    def __init__(self, seconds: float, description: str = "", method: str = "") -> None:
        super().__init__(description or f"Too Many Requests: retry after {seconds}", method)
        self.seconds = seconds


class Forbidden(TelegramError):
    """403: the person blocked the bot, the account is deactivated, the bot was removed from a group."""


class BadRequest(TelegramError):
    """400: the request was refused as it is (chat not found, can't parse entities, not modified...)."""


class Migrated(TelegramError):
    """400 with migrate_to_chat_id: a group became a supergroup and its id changed (not a BadRequest:
    the message was fine, the chat moved)."""

    def __init__(self, new_chat_id: int, description: str = "", method: str = "") -> None:
        super().__init__(description or "Bad Request: group chat was upgraded to a supergroup chat", method)
        self.new_chat_id = new_chat_id


class TooLarge(TelegramError):
    """413: the request (a file) is too large."""


class ServerError(TelegramError):
    """5xx: Telegram's side; try again later."""


class NetworkError(TelegramError):
    """Telegram could not be reached, or the call timed out."""


class Unauthorized(TelegramError):
    """401: the token is wrong or revoked."""


class ApiError(TelegramError):
    """Any other answer (404, 409 conflict...): the deployment, not the message."""

    def __init__(self, description: str = "", method: str = "", status: int = 0) -> None:
        super().__init__(description, method)
        self.status = status
