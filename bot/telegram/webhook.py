"""The webhook: Telegram POSTs each update to us (aiohttp), for both frameworks.

- The secret: Telegram sends it in the X-Telegram-Bot-Api-Secret-Token header of every call
  (setWebhook's secret_token). A call without it, or with another, is refused with 401 and logged
  (by the caller's address, never its body).
- Telegram is answered 200 once the update has been handled and answered (within a few hundred
  milliseconds, usually). Until then Telegram keeps the update: if the process dies meanwhile (a
  SIGKILL, a crash, a power cut), the call fails and Telegram sends the update again, to this process
  once restarted or to another behind the same address. Nothing a person sent is lost; an update
  whose step was saved but whose answer had not reached Telegram is handled twice (at least once, as
  the outbox). An update still being handled after `answer_within` seconds (Telegram slow to take
  the replies, say) is answered 200 anyway and its work goes on, so Telegram's time limit is never at
  stake. Telegram sends up to `max_connections` (40) updates at once, so one slow update holds only
  its own call. A body that is not an update is answered 400; one the bot cannot read is logged and
  answered 200 (Telegram would resend it for ever).
- Other routes (health, metrics: bot.telegram.health) can be added to the same web application.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from bot.telegram.app import TelegramApp
from bot.telegram.updates import ALLOWED_UPDATES

log = logging.getLogger("relier.telegram")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ANSWER_WITHIN = 5.0  # seconds an update may take before Telegram is answered anyway (well within its limit)


def webhook_route(app: TelegramApp, secret: str | None,
                  answer_within: float = ANSWER_WITHIN) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def receive(request: web.Request) -> web.Response:
        if secret is not None and not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
            app.stats["webhook_refused"] += 1
            log.warning("webhook call refused: wrong or missing secret token from %s", request.remote)
            return web.Response(status=401, text="Unauthorized")
        try:
            update = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400, text="not JSON")
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return web.Response(status=400, text="not an update")
        handling = await app.feed(update)
        try:  # shielded: a call Telegram gives up on never cancels the work
            await asyncio.wait_for(asyncio.shield(handling), answer_within)
        except asyncio.TimeoutError:
            app.stats["webhook_answered_early"] += 1
            log.warning("update id=%s still being handled after %.0f s: Telegram answered, the work goes on",
                        update["update_id"], answer_within)
        return web.Response(text="ok")

    return receive


async def serve_webhook(app: TelegramApp, url: str, listen: str, port: int, secret: str | None,
                        stop: asyncio.Event, routes: Callable[[web.Application], None] | None = None,
                        grace: float = 10.0) -> None:
    """Serve on listen:port until `stop`, after telling Telegram the URL (setWebhook). Once `stop` is
    set, no call is taken any more and the calls under way get `grace` seconds to be answered; after
    that their connections are closed unanswered, and Telegram sends those updates again later."""
    web_app = web.Application()
    # At shutdown a call still waiting is answered (its work goes on) well before the server gives up on it.
    web_app.router.add_post(urlsplit(url).path or "/", webhook_route(app, secret, min(ANSWER_WITHIN, grace / 2)))
    if routes is not None:
        routes(web_app)
    # The access log would carry callers' addresses only; kept off.
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=grace)
    await runner.setup()
    site = web.TCPSite(runner, listen, port)
    await site.start()
    try:
        await app.client.set_webhook(url, secret, ALLOWED_UPDATES)
        log.info("webhook listening on %s:%s", listen, port)
        await stop.wait()
    finally:
        await runner.cleanup()
