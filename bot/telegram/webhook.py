"""The webhook: Telegram POSTs each update to us (aiohttp), for both frameworks.

- The secret: Telegram sends it in the X-Telegram-Bot-Api-Secret-Token header of every call
  (setWebhook's secret_token). A call without it, or with another, is refused with 401 and logged
  (by the caller's address, never its body).
- The update is taken (the app starts on it) and Telegram is answered 200 at once: the dialogs and
  the replies go on after, so Telegram's time limit is never at stake. A body that is not an update
  is answered 400; one the bot cannot read is logged and answered 200 (Telegram would resend it for ever).
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


def webhook_route(app: TelegramApp, secret: str | None) -> Callable[[web.Request], Awaitable[web.Response]]:
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
        await app.feed(update)
        return web.Response(text="ok")

    return receive


async def serve_webhook(app: TelegramApp, url: str, listen: str, port: int, secret: str | None,
                        stop: asyncio.Event, routes: Callable[[web.Application], None] | None = None) -> None:
    """Serve on listen:port until `stop`, after telling Telegram the URL (setWebhook)."""
    web_app = web.Application()
    web_app.router.add_post(urlsplit(url).path or "/", webhook_route(app, secret))
    if routes is not None:
        routes(web_app)
    runner = web.AppRunner(web_app, access_log=None)  # the access log would carry callers' addresses only; kept off
    await runner.setup()
    site = web.TCPSite(runner, listen, port)
    await site.start()
    try:
        await app.client.set_webhook(url, secret, ALLOWED_UPDATES)
        log.info("webhook listening on %s:%s", listen, port)
        await stop.wait()
    finally:
        await runner.cleanup()
