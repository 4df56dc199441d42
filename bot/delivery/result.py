"""What a sender reports back, whatever the Telegram library: a thin adapter maps its answers.

What the dispatcher does with each outcome: ok: sent. skip: dropped, never sent. retry_after(s, scope):
a flood wait, for the chat or for everyone; the rows not sent are postponed past it and their attempts
given back. transient (5xx, network, timeout): sent again after an exponential backoff with full jitter,
failed after `max_attempts`. permanent (403 blocked, 400 chat not found): failed as "unreachable", with
the chat's other queued rows, and `on_unreachable(chat_id)` is called once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

STAFF_KINDS = ("case", "relay", "alert")  # what a family or the staff wait for: a refusal must be seen


@dataclass(frozen=True)
class SendResult:
    outcome: str  # ok, retry_after, transient, permanent, skip
    seconds: float = 0.0  # retry_after: how long to wait
    scope: str = "chat"  # retry_after: "chat" or "global" (a flood wait for the whole bot)
    reason: str = ""  # a short code, stored as the row's last_error
    unreachable: bool = False  # permanent: the chat cannot be reached (blocked, not found)

    @classmethod
    def ok(cls) -> "SendResult":
        return cls("ok")

    @classmethod
    def retry_after(cls, seconds: float, scope: str = "chat") -> "SendResult":
        if scope not in ("chat", "global"):
            raise ValueError("a retry_after scope is 'chat' or 'global'")
        return cls("retry_after", seconds=max(float(seconds), 0.0), scope=scope, reason="retry_after")

    @classmethod
    def transient(cls, reason: str = "transient") -> "SendResult":
        return cls("transient", reason=reason)

    @classmethod
    def permanent(cls, reason: str, unreachable: bool = True) -> "SendResult":
        """`unreachable=False` for a message Telegram will never accept, though the chat is fine."""
        return cls("permanent", reason=reason, unreachable=unreachable)

    @classmethod
    def skip(cls, reason: str = "obsolete") -> "SendResult":
        """Not sent, and never to be: the message no longer applies (a cancelled booking's
        reminder, a person who blocked the bot). The row is dropped, not failed."""
        return cls("skip", reason=reason)


def log_level(event: str, urgent: bool, kind: str) -> int:
    """How loud the dispatcher's line for a row is: a sent row is routine (DEBUG); a refused or
    given-up case card, relay, alert or urgent row is WARNING; anything else INFO."""
    if event == "sent":
        return logging.DEBUG
    if event in ("rejected", "failed") and (urgent or kind in STAFF_KINDS):
        return logging.WARNING
    return logging.INFO
