"""Injected failures and Telegram's flood limits, for tests of retries and pacing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .spec import ApiError

DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def is_send(method: str) -> bool:
    """Methods that post a new message (and count against flood limits)."""
    lowered = method.lower()
    if lowered == "sendchataction":
        return False
    return lowered.startswith("send") or lowered.startswith(("copymessage", "forwardmessage"))


@dataclass
class InjectedFailure:
    method: str
    status: int
    description: str
    retry_after: int | None
    times: int
    chat_id: Any = None

    def matches(self, method: str, params: dict) -> bool:
        if self.method.lower() != method.lower():
            return False
        return self.chat_id is None or params.get("chat_id") == self.chat_id


class FailurePlan:
    """Failures a test asked for, consumed in order by matching calls."""

    def __init__(self) -> None:
        self.pending: list[InjectedFailure] = []

    def add(self, method: str, status: int, description: str | None, retry_after: int | None,
            times: int, chat_id: Any) -> None:
        retry_after = (3 if retry_after is None else retry_after) if status == 429 else None
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
        self.pending.append(
            InjectedFailure(method, status, description, retry_after, times, chat_id)
        )

    def take(self, method: str, params: dict) -> ApiError | None:
        for failure in self.pending:
            if failure.matches(method, params):
                failure.times -= 1
                if failure.times <= 0:
                    self.pending.remove(failure)
                return ApiError(failure.status, failure.description, failure.retry_after)
        return None


@dataclass(frozen=True)
class SendRecord:
    at: float
    chat_id: Any
    method: str


class FloodLimits:
    """Sliding-window limits like Telegram's; every accepted send is recorded."""

    def __init__(self) -> None:
        self.enabled = False
        self.global_per_second: int | None = 30
        self.per_chat_per_second: int | None = 1
        self.per_group_per_minute: int | None = 20
        self.sends: list[SendRecord] = []

    def configure(self, global_per_second: int | None, per_chat_per_second: int | None,
                  per_group_per_minute: int | None) -> None:
        self.enabled = True
        self.global_per_second = global_per_second
        self.per_chat_per_second = per_chat_per_second
        self.per_group_per_minute = per_group_per_minute

    def check(self, chat_id: Any, now: float) -> None:
        if not self.enabled:
            return
        windows = [(self.global_per_second, 1.0, None)]
        windows.append((self.per_chat_per_second, 1.0, chat_id))
        if isinstance(chat_id, int) and chat_id < 0:
            windows.append((self.per_group_per_minute, 60.0, chat_id))
        for limit, width, only_chat in windows:
            if limit is None:
                continue
            recent = [s.at for s in self.sends
                      if s.at > now - width and (only_chat is None or s.chat_id == only_chat)]
            if len(recent) >= limit:
                wait = max(1, math.ceil(sorted(recent)[-limit] + width - now))
                raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)

    def record(self, chat_id: Any, method: str, now: float) -> None:
        self.sends.append(SendRecord(now, chat_id, method))
