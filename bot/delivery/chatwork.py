"""A chat's claimed rows, sent in order by one task of the dispatcher; and who claims them."""

from __future__ import annotations

import asyncio
import os
import socket
from collections import deque
from dataclasses import dataclass, field

from storage.repos.outbox import OutboxRow


@dataclass
class ChatWork:
    queue: deque[OutboxRow] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None
    waiting: bool = False  # waiting for a slot: safe to cancel at shutdown


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]
