"""FakeTelegram: a Bot API server on 127.0.0.1 for end-to-end tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web

from . import api_messages, api_misc
from .actions import SimulatedUsers
from .inspection import Inspection
from .limits import FailurePlan, FloodLimits, SendRecord, is_send
from .model import ApiCall, BotEvent, CallbackQueryRecord, ChatMessage
from .spec import ApiError, load_spec
from .transport import read_params
from .updates import Pulse, UpdateQueue, Webhook
from .world import World

NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}
UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}
MAX_UPLOAD = 60 * 1024 * 1024
HANDLERS = {**api_messages.HANDLERS, **api_misc.HANDLERS}


class FakeTelegram(SimulatedUsers, Inspection):
    """Speaks the Bot API over real HTTP and rejects what Telegram would reject.

    >>> async with FakeTelegram() as tg:
    ...     user = tg.user()
    ...     await tg.send_text(user, "/start")
    ...     reply = await tg.next_reply(user)

    People's actions (`send_text`, `press`, `join`, `block`...) become updates with every field
    Telegram sends and the frameworks require (Bot API 10.3, see bot_api_facts.json).
    `push_raw_update(payload)` queues a payload as it is, with no check at all, only its update_id
    assigned by the fake: getUpdates and the webhook deliver it like any other update (subject to
    allowed_updates by its first key), so a test can send what a framework cannot parse (a
    "poisoned" update) and see the bot skip it and answer the next ones.
    """

    def __init__(self, token: str = "123456:TEST-TOKEN", bot_username: str = "relier_test_bot",
                 bot_name: str = "Relier Test", *, clock: Callable[[], float] = time.time) -> None:
        self.token = token
        self.bot_username = bot_username
        self.spec = load_spec()
        self.clock = clock
        self.bot_user = {"id": int(token.split(":", 1)[0]), "is_bot": True,
                         "first_name": bot_name, "username": bot_username}
        self.world = World(self.bot_user, clock)
        self.pulse = Pulse()
        self.updates = UpdateQueue(clock, self.pulse)
        self.failures = FailurePlan()
        self.flood = FloodLimits()
        self.calls: list[ApiCall] = []
        self.events: list[BotEvent] = []
        self.callback_answers: dict[str, CallbackQueryRecord] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.closed = False
        self.logged_out = False
        self._seq = 0
        self._in_flight = 0
        self._last_call = time.monotonic()
        self._cursors: dict[int, int] = {}
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._port: int | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        self.updates.closing = True
        self.pulse.fire()
        await self.updates.stop_sender()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self._port}"

    def api_url(self, method: str) -> str:
        return f"{self.base_url}/bot{self.token}/{method}"

    def http_session(self) -> aiohttp.ClientSession:
        """Client session for webhook deliveries."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self._session

    # -- test controls -----------------------------------------------------------------------
    def fail_next(self, method: str, status: int = 429, description: str | None = None,
                  retry_after: int | None = 3, times: int = 1, chat_id: Any = None) -> None:
        """Make the next `times` matching calls fail (429 answers carry retry_after)."""
        self.failures.add(method, status, description, retry_after, times, chat_id)

    def push_raw_update(self, payload: dict) -> dict:
        """Queue `payload` as an update exactly as given, bypassing every check (the fake assigns
        its update_id): to test an update a framework cannot parse. Returns the update queued."""
        return self.updates.push_raw(payload)

    def enforce_limits(self, global_per_second: int | None = 30,
                       per_chat_per_second: int | None = 1,
                       per_group_per_minute: int | None = 20) -> None:
        """Answer 429 to sends over Telegram's flood limits (None disables one limit)."""
        self.flood.configure(global_per_second, per_chat_per_second, per_group_per_minute)

    def disable_limits(self) -> None:
        self.flood.enabled = False

    @property
    def send_log(self) -> list[SendRecord]:
        """(at, chat_id, method) of every accepted send, for checking flood windows."""
        return list(self.flood.sends)

    @property
    def webhook(self) -> Webhook | None:
        """The webhook set by the bot (url, secret_token, deliveries), if any."""
        return self.updates.webhook

    # -- recording ---------------------------------------------------------------------------
    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def record_event(self, kind: str, message: ChatMessage) -> None:
        self.events.append(BotEvent(self._next_seq(), kind, message))
        self.pulse.fire()

    def _record_call(self, method: str, params: dict, status: int = 200,
                     description: str | None = None, injected: bool = False,
                     content_type: str = "") -> None:
        self.calls.append(ApiCall(self._next_seq(), self.clock(), method, params, status,
                                  description, injected, content_type))
        self.pulse.fire()

    # -- HTTP --------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        parts = request.match_info["path"].split("/")
        if len(parts) >= 3 and parts[0] == "file" and parts[1].startswith("bot"):
            return self._serve_file(parts[1].removeprefix("bot"), "/".join(parts[2:]))
        if len(parts) != 2 or not parts[0].startswith("bot") or not parts[1]:
            return web.json_response(NOT_FOUND, status=404)
        token, requested = parts[0].removeprefix("bot"), parts[1]
        if token != self.token:
            self._record_call(requested, {}, 401, UNAUTHORIZED["description"])
            return web.json_response(UNAUTHORIZED, status=401)
        method = self.spec.method_name(requested)
        if method is None:
            self._record_call(requested, {}, 404, NOT_FOUND["description"])
            return web.json_response(NOT_FOUND, status=404)
        polling = method == "getUpdates"
        if not polling:
            self._in_flight += 1
            self._last_call = time.monotonic()
        try:
            return await self._call(request, method)
        except ConnectionResetError:
            if not polling:
                raise  # a call the bot gave up halfway (a message lost at shutdown) stays an error the tests see
            # A bot that stops cancels its long poll, sometimes before the request was whole: Telegram has nothing
            # to answer and nothing went wrong.
            return web.Response(status=499)
        finally:
            if not polling:
                self._in_flight -= 1
                self._last_call = time.monotonic()
                self.pulse.fire()

    async def _call(self, request: web.Request, method: str) -> web.Response:
        params: dict = {}
        injected = False
        try:
            params, files = await read_params(request)
            params = self.spec.validate(method, params, files)
            failure = self.failures.take(method, params)
            if failure is not None:
                injected = True
                raise failure
            result = await self._execute(method, params)
        except ApiError as error:
            self._record_call(method, params, error.status, error.description, injected,
                              _encoding(request))
            return web.json_response(error.payload(), status=error.status)
        self._record_call(method, params, content_type=_encoding(request))
        return web.json_response({"ok": True, "result": result})

    async def _execute(self, method: str, params: dict) -> Any:
        sending = is_send(method)
        if sending:
            self.flood.check(params.get("chat_id"), self.clock())
        handler = HANDLERS.get(method)
        if handler is not None:
            result = await handler(self, params)
        elif self.spec.returns_true(method):
            result = True
        else:
            raise api_misc.not_implemented(method, self.spec.returns(method))
        if sending:
            self.flood.record(params.get("chat_id"), method, self.clock())
        return result

    def _serve_file(self, token: str, path: str) -> web.Response:
        stored = self.world.file_by_path(path) if token == self.token else None
        if stored is None:
            return web.json_response(NOT_FOUND, status=404)
        return web.Response(body=stored.data,
                            content_type=stored.mime_type or "application/octet-stream")


def _encoding(request: web.Request) -> str:
    """How the parameters came: a body's content type, or "query" (none: "")."""
    if request.method == "POST" and request.body_exists:
        return request.content_type
    return "query" if request.query else ""
