"""Updates waiting for the bot: long polling with offsets, or delivery to a webhook."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

from .spec import ApiError

# Telegram's default when allowed_updates was never specified.
NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


def update_type(update: dict) -> str:
    """The update's kind: its first key besides update_id ("" for a raw update without one)."""
    return next((key for key in update if key != "update_id"), "")


class Pulse:
    """Wakes every waiter when something changed; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float | None) -> None:
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except asyncio.TimeoutError:
            pass


@dataclass
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    deliveries: list[int] = field(default_factory=list)


class UpdateQueue:
    def __init__(self, clock: Callable[[], float], pulse: Pulse) -> None:
        self.clock = clock
        self.pulse = pulse
        self.pending: list[dict] = []
        self.history: list[dict] = []  # every update ever injected
        self.dropped: list[dict] = []  # filtered out by allowed_updates
        self.delivered_at: dict[int, float] = {}
        self.allowed: list[str] | None = None
        self.webhook: Webhook | None = None
        self.closing = False
        self.last_delivery = time.monotonic()
        self._ids = itertools.count(581_904_001)
        self._poll_generation = 0
        self._sender: asyncio.Task | None = None

    def push(self, kind: str, payload: dict) -> dict:
        update = {"update_id": next(self._ids), kind: payload}
        self.history.append(update)
        self.pending.append(update)
        self.pulse.fire()
        return update

    def push_raw(self, payload: dict) -> dict:
        """Queue a payload as it is (only its update_id is ours), whatever it contains."""
        update = {"update_id": next(self._ids)}
        update.update((key, value) for key, value in payload.items() if key != "update_id")
        self.history.append(update)
        self.pending.append(update)
        self.pulse.fire()
        return update

    def undelivered(self) -> list[dict]:
        return [u for u in self.pending if u["update_id"] not in self.delivered_at]

    def _is_allowed(self, update: dict, allowed: list[str] | None) -> bool:
        kind = update_type(update)
        return kind not in NOT_SENT_BY_DEFAULT if not allowed else kind in allowed

    def _drop_unwanted(self, allowed: list[str] | None) -> None:
        for update in list(self.pending):
            if not self._is_allowed(update, allowed):
                self.pending.remove(update)
                self.dropped.append(update)
                self.delivered_at[update["update_id"]] = self.clock()

    def _delivered(self, batch: list[dict]) -> None:
        now = self.clock()
        for update in batch:
            self.delivered_at.setdefault(update["update_id"], now)
        self.last_delivery = time.monotonic()
        self.pulse.fire()

    def clear(self) -> None:
        for update in self.pending:
            self.dropped.append(update)
            self.delivered_at.setdefault(update["update_id"], self.clock())
        self.pending.clear()
        self.pulse.fire()

    # -- getUpdates --------------------------------------------------------------------------
    async def poll(self, offset: int | None, limit: int | None, timeout: int | None,
                   allowed: list[str] | None) -> list[dict]:
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        self._poll_generation += 1
        generation = self._poll_generation
        self.pulse.fire()  # an older poll still waiting gets its 409
        if allowed is not None:
            self.allowed = allowed
        if offset is not None:
            self._confirm(offset)
        limit = min(max(limit or 100, 1), 100)
        deadline = asyncio.get_running_loop().time() + max(timeout or 0, 0)
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, POLL_CONFLICT)
            self._drop_unwanted(self.allowed)
            if self.closing:
                return []
            if self.pending:
                batch = self.pending[:limit]
                self._delivered(batch)
                return batch
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return []
            await self.pulse.wait(remaining)

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            keep = self.pending[offset:]
            confirmed = self.pending[: len(self.pending) - len(keep)]
        else:
            confirmed = [u for u in self.pending if u["update_id"] < offset]
        for update in confirmed:
            self.pending.remove(update)
            self.delivered_at.setdefault(update["update_id"], self.clock())

    # -- webhook -----------------------------------------------------------------------------
    def set_webhook(self, webhook: Webhook, session: aiohttp.ClientSession) -> None:
        self.webhook = webhook
        self._poll_generation += 1  # a poll in progress ends with a conflict
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._deliver_forever(session))
        self.pulse.fire()

    async def delete_webhook(self) -> None:
        self.webhook = None
        self.pulse.fire()
        await self.stop_sender()

    async def stop_sender(self) -> None:
        sender, self._sender = self._sender, None
        if sender is not None:
            sender.cancel()
            try:
                await sender
            except asyncio.CancelledError:
                pass

    async def _deliver_forever(self, session: aiohttp.ClientSession) -> None:
        """As Telegram: up to max_connections updates on their way at once, each one until the bot
        answers 2xx; a failed call (an error status, a dropped connection) is tried again later."""
        in_flight: dict[int, asyncio.Task] = {}
        failures: dict[int, int] = {}
        try:
            while self.webhook is not None and not self.closing:
                hook = self.webhook
                self._drop_unwanted(hook.allowed_updates)
                waiting = [u for u in self.pending if u["update_id"] not in in_flight]
                if not waiting or len(in_flight) >= max(hook.max_connections, 1):
                    await self.pulse.wait(None)
                    continue
                update = waiting[0]
                in_flight[update["update_id"]] = asyncio.create_task(
                    self._deliver_one(session, hook, update, in_flight, failures))
        finally:
            for task in in_flight.values():
                task.cancel()
            await asyncio.gather(*in_flight.values(), return_exceptions=True)

    async def _deliver_one(self, session: aiohttp.ClientSession, hook: Webhook, update: dict,
                           in_flight: dict[int, asyncio.Task], failures: dict[int, int]) -> None:
        update_id = update["update_id"]
        try:
            if await self._post(session, hook, update):
                failures.pop(update_id, None)
                if update in self.pending:
                    self.pending.remove(update)
                self._delivered([update])
                hook.deliveries.append(update_id)
            else:
                failures[update_id] = failures.get(update_id, 0) + 1
                await asyncio.sleep(min(0.02 * 2 ** failures[update_id], 1.0))
        finally:
            in_flight.pop(update_id, None)
            self.pulse.fire()

    async def _post(self, session: aiohttp.ClientSession, hook: Webhook, update: dict) -> bool:
        headers = {}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        try:
            async with session.post(hook.url, json=update, headers=headers) as response:
                if 200 <= response.status < 300:
                    return True
                hook.last_error_message = (
                    f"Wrong response from the webhook: {response.status} {response.reason}"
                )
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as error:
            hook.last_error_message = f"Connection failed: {type(error).__name__}"
        hook.last_error_date = int(self.clock())
        return False
