"""Several real `relier run --webhook` processes on one database, behind a round-robin reverse proxy of
our own, as a production setup has them behind nginx or a load balancer: Telegram calls one URL.

Used by tests/e2e/test_two_instances.py and bench/bench_instances.py.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import pathlib
import signal
import socket
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

from dialogs.triage.second_stage import model as ready_model
from tests.support.keys import TEST_DATA_KEY

RELIER = str(pathlib.Path(sys.executable).parent / "relier")
SECRET = "two-instances-secret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PATH = "/telegram"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RoundRobin:
    """A reverse proxy: each call goes to the next instance in turn; an instance that cannot be reached (killed)
    is passed over for `down_for` seconds and the call given to the next, as nginx's proxy_next_upstream does."""

    def __init__(self, down_for: float = 30.0) -> None:
        self.backends: list[str] = []
        self.routed: dict[int, int] = {}  # update_id -> the instance that took it
        self.unreachable = 0  # calls an instance could not take (passed on to the next)
        self.down_for = down_for
        self._down: dict[int, float] = {}
        self._turn = itertools.count()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

    async def start(self) -> "RoundRobin":
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        app = web.Application()
        app.router.add_post(PATH, self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    def by_instance(self, update_ids) -> list[int]:
        return [self.routed.get(u) for u in update_ids]

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {name: request.headers[name] for name in (SECRET_HEADER, "Content-Type") if name in request.headers}
        loop = asyncio.get_running_loop()
        for _attempt in range(len(self.backends)):
            index = next(self._turn) % len(self.backends)
            if self._down.get(index, 0) > loop.time():
                continue
            try:
                async with self._session.post(self.backends[index], data=body, headers=headers) as answer:
                    text = await answer.read()
            except (aiohttp.ClientConnectionError, asyncio.TimeoutError):
                self.unreachable += 1
                self._down[index] = loop.time() + self.down_for
                continue
            if answer.status == 200:
                self.routed[json.loads(body)["update_id"]] = index
            return web.Response(status=answer.status, body=text)
        return web.Response(status=502, text="no instance")


@dataclass
class Instance:
    name: str
    port: int
    process: asyncio.subprocess.Process
    log: Path

    @property
    def worker(self) -> str:
        """The outbox worker id of the process (bot.delivery.chatwork.default_worker_id)."""
        return f"{socket.gethostname()}:{self.process.pid}"[:64]

    @property
    def backend(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"


def environment(telegram, database: str, **env: str) -> dict[str, str]:
    """This machine's environment without RELIER_* settings (but the tests' model cache), plus the bot's own."""
    ready_model()  # the triage model in the tests' cache now: the bot reads it there instead of training at its start
    values = {k: v for k, v in os.environ.items() if not k.startswith("RELIER_") or k == "RELIER_CACHE_DIR"}
    values.update(RELIER_BOT_TOKEN=telegram.token, RELIER_TELEGRAM_API_URL=telegram.base_url,
                  RELIER_DATABASE_URL=database, RELIER_DATA_KEY=TEST_DATA_KEY, RELIER_WEBHOOK_LISTEN="127.0.0.1",
                  RELIER_WEBHOOK_SECRET=SECRET)
    values.update(env)
    return values


async def start_instances(telegram, database: str, directory: Path, proxy: RoundRobin, count: int = 2,
                          **env: str) -> list[Instance]:
    """`count` processes started together, each serving the webhook on its own port, all setting the proxy's URL
    as the webhook; returned once each one answers HTTP (prepared, dispatching, planning)."""
    instances = []
    for n in range(count):
        name = "ab"[n] if count <= 2 else str(n)
        port = free_port()
        log = directory / f"relier-{name}.log"
        with open(log, "ab") as out:
            process = await asyncio.create_subprocess_exec(
                RELIER, "run", "--webhook", proxy.url,
                env=environment(telegram, database, RELIER_WEBHOOK_PORT=str(port), **env),
                cwd=directory, stdout=out, stderr=out)
        instances.append(Instance(name, port, process, log))
    proxy.backends = [instance.backend for instance in instances]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        for instance in instances:
            await _until_serving(session, instance)
    return instances


async def _until_serving(session: aiohttp.ClientSession, instance: Instance, timeout: float = 90) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout  # importing the frameworks and training triage: seconds on a small machine
    while True:
        assert instance.process.returncode is None, instance.log.read_text()[-3000:]
        try:
            async with session.get(f"http://127.0.0.1:{instance.port}/"):
                return  # any answer: the webhook's server is up, after the bot was prepared
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError):
            pass
        assert loop.time() < deadline, f"instance {instance.name} never served:\n{instance.log.read_text()[-3000:]}"
        await asyncio.sleep(0.05)


async def kill(instance: Instance) -> None:
    instance.process.send_signal(signal.SIGKILL)
    await instance.process.wait()


async def stop(instance: Instance, timeout: float = 30) -> int:
    if instance.process.returncode is not None:
        return instance.process.returncode
    instance.process.send_signal(signal.SIGTERM)
    return await asyncio.wait_for(instance.process.wait(), timeout=timeout)


def received(telegram) -> Counter[int]:
    """Messages the fake Telegram accepted, per chat."""
    return Counter(record.chat_id for record in telegram.send_log)


async def wait_for(check, timeout: float, what: str, every: float = 0.01) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, f"timed out after {timeout} s waiting for {what}"
        await asyncio.sleep(every)


async def first_messages(telegram, chats, after: int, predicate, timeout: float) -> dict:
    """chat -> the first bot message (sent or edited after the mark `after`) that `predicate` accepts, for every
    chat. One scan of the new events every 20 ms: hundreds of `next_reply` waiters would each scan every
    event at every one (the fake's pulse), quadratic work in the process that also runs the fake."""
    wanted, found, seen = set(chats), {}, 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        events = telegram.events
        for event in events[seen:]:
            message = event.message
            if (event.seq > after and event.kind != "deleted" and message.chat_id in wanted
                    and message.chat_id not in found and predicate(message)):
                found[message.chat_id] = message
        seen = len(events)
        if len(found) == len(wanted):
            return found
        assert loop.time() < deadline, f"{len(wanted) - len(found)} chat(s) had no answer within {timeout} s"
        await asyncio.sleep(0.02)


@dataclass
class Lap:
    """Wall-clock timings of a run, for the test's printout and the benchmark."""

    marks: dict[str, float] = field(default_factory=dict)

    def __call__(self, name: str) -> None:
        self.marks[name] = asyncio.get_running_loop().time()

    def between(self, first: str, last: str) -> float:
        return self.marks[last] - self.marks[first]
