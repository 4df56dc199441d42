"""Long polling: getUpdates in a loop, each update handed to the app; for both frameworks.

- An update is confirmed to Telegram (the offset moves past it) only once it has been handled and
  answered. If the process dies before (a SIGKILL, a crash, a power cut), Telegram still holds it
  and sends it again at the next start: nothing a person sent is lost. An update whose step was
  saved but whose answer had not been confirmed is handled twice (at least once, as the outbox).
- While updates are being handled, the offset stays on the oldest of them, so each getUpdates
  returns at once with those again (skipped: they are under way) and the new ones (handled). When
  there is nothing new, the next call waits for one of them to finish, at most `PAUSE` seconds: no
  busy loop, and a new update waits at most that long behind a slow one. An update still under way
  after `HOLD_AT_MOST` seconds is confirmed anyway, so one stuck update never blocks the others.
- The unreadable updates are confirmed too (they are logged and skipped by the app): one bad
  update is never fetched again and again.
- Telegram unreachable or failing: tried again after 1, 2, 4... up to 60 seconds, logged.
- 409 Conflict (another process polls with this token, or a webhook is set): logged at ERROR and
  tried again; `relier run` removes a webhook before polling (deleteWebhook).
- `stop` set: the poll under way is abandoned, the updates under way get `grace` seconds to be
  answered, then the ones answered are confirmed if the last call did not already (a last getUpdates
  with a limit of 1: nothing new is taken); the others stay with Telegram, which sends them again
  at the next start.
"""

from __future__ import annotations

import asyncio
import logging
import time

from bot.telegram import errors
from bot.telegram.app import TelegramApp
from bot.telegram.updates import ALLOWED_UPDATES

log = logging.getLogger("relier.telegram")

POLL_TIMEOUT = 30  # seconds Telegram holds a getUpdates open
PAUSE = 0.5  # seconds at most between two calls while only updates under way come back
HOLD_AT_MOST = 300.0  # seconds an update under way may keep the offset back


class Offsets:
    """Which updates Telegram may forget: every one handed to the app and finished."""

    def __init__(self) -> None:
        self.under_way: dict[int, tuple[asyncio.Task, float]] = {}  # update id -> its handling, since
        self.last: int | None = None  # the highest update id handed to the app
        self.asked: int | None = None  # the offset of the last getUpdates sent: confirmed up to there

    def is_new(self, update_id: int) -> bool:
        return self.last is None or update_id > self.last

    def taken(self, update_id: int, handling: asyncio.Task) -> None:
        self.under_way[update_id] = (handling, time.monotonic())
        self.last = update_id if self.last is None else max(self.last, update_id)

    def offset(self) -> int | None:
        """The offset of the next getUpdates: the oldest update under way, or past the last one."""
        now = time.monotonic()
        for update_id, (handling, since) in list(self.under_way.items()):
            if handling.done():
                del self.under_way[update_id]
            elif now - since > HOLD_AT_MOST:
                del self.under_way[update_id]
                log.warning("update id=%s under way for %.0f s: confirmed to Telegram anyway", update_id, now - since)
        if self.under_way:
            return min(self.under_way)
        return None if self.last is None else self.last + 1

    def holding(self) -> bool:
        """True while the next getUpdates would give back updates already under way."""
        offset = self.offset()
        return offset is not None and self.last is not None and offset <= self.last

    def handlings(self) -> list[asyncio.Task]:
        return [handling for handling, _since in self.under_way.values()]


async def poll(app: TelegramApp, stop: asyncio.Event, timeout: int = POLL_TIMEOUT, grace: float = 10.0) -> None:
    offsets = Offsets()
    delay = 1.0
    stopping = asyncio.create_task(stop.wait())
    try:
        while not stop.is_set():
            held = offsets.holding()
            wait = 0 if held else timeout  # Telegram answers at once anyway: it holds updates past the offset
            offsets.asked = offsets.offset()
            fetch = asyncio.create_task(app.client.get_updates(offsets.asked, wait, ALLOWED_UPDATES))
            done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if fetch not in done:
                fetch.cancel()
                await asyncio.gather(fetch, return_exceptions=True)
                break
            try:
                updates = fetch.result()
            except errors.Unauthorized:
                raise
            except errors.TelegramError as error:
                level = logging.ERROR if isinstance(error, errors.ApiError) and error.status == 409 else logging.WARNING
                log.log(level, "getUpdates failed (%s); trying again in %.0f s", type(error).__name__, delay)
                try:
                    await asyncio.wait_for(stop.wait(), timeout=delay)
                except asyncio.TimeoutError:
                    pass
                delay = min(delay * 2, 60.0)
                continue
            delay = 1.0
            fresh = 0
            for update in updates:
                update_id = update.get("update_id") if isinstance(update, dict) else None
                if not isinstance(update_id, int):
                    continue  # no id: nothing to answer, nothing to confirm
                if not offsets.is_new(update_id):
                    continue  # under way, or finished and about to be confirmed
                fresh += 1
                offsets.taken(update_id, await app.feed(update))
            if held and not fresh:
                under_way = offsets.handlings()
                if under_way:
                    await asyncio.wait([*under_way, stopping], timeout=PAUSE, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        await app.finish_updates(grace)
        await confirm(app, offsets)


async def confirm(app: TelegramApp, offsets: Offsets) -> None:
    """Tell Telegram to forget the updates answered (a getUpdates that takes nothing new)."""
    offset = offsets.offset()
    if offset is None or offset == offsets.asked:
        return  # the last call already said so (a second call would end a poll still open: a 409)
    try:
        await app.client.get_updates(offset, 0, ALLOWED_UPDATES, limit=1)
    except errors.TelegramError as error:
        log.warning("could not confirm the last updates (%s): Telegram will send them again", type(error).__name__)
