"""Long polling: getUpdates in a loop, each update handed to the app; for both frameworks.

- The offset moves past every update fetched, the unreadable ones too (they are logged and
  skipped by the app): one bad update is never fetched again and again.
- Telegram unreachable or failing: tried again after 1, 2, 4... up to 60 seconds, logged.
- 409 Conflict (another process polls with this token, or a webhook is set): logged at ERROR and
  tried again; `relier run` removes a webhook before polling (deleteWebhook).
- `stop` set: the poll under way is abandoned (its updates were not confirmed: Telegram sends them
  again next time), and the updates being handled are finished by the caller.
"""

from __future__ import annotations

import asyncio
import logging

from bot.telegram import errors
from bot.telegram.app import TelegramApp
from bot.telegram.updates import ALLOWED_UPDATES

log = logging.getLogger("relier.telegram")

POLL_TIMEOUT = 30  # seconds Telegram holds a getUpdates open


async def poll(app: TelegramApp, stop: asyncio.Event, timeout: int = POLL_TIMEOUT) -> None:
    offset: int | None = None
    delay = 1.0
    stopping = asyncio.create_task(stop.wait())
    try:
        while not stop.is_set():
            fetch = asyncio.create_task(app.client.get_updates(offset, timeout, ALLOWED_UPDATES))
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
            for update in updates:
                update_id = update.get("update_id") if isinstance(update, dict) else None
                if isinstance(update_id, int):
                    offset = max(offset or 0, update_id + 1)
                await app.feed(update if isinstance(update, dict) else {"update_id": update_id})
    finally:
        stopping.cancel()
