"""/healthz and /metrics: on the webhook's web server, or, in polling mode, on RELIER_HEALTH_PORT.

/healthz answers 200 with {"status": "ok", ...} when the database answers, the scheduler runs and
the outbox is not late (its oldest due message waits less than LAG_LIMIT seconds); otherwise 503
with what is wrong. /metrics is Prometheus' text format (prometheus_client): updates handled and
skipped, replies sent, webhook calls refused, the outbox's sends by result, its messages by state
and the age of the oldest due one, open cases by level, and how long cases waited to be taken
(the last 30 days). Counts and ages only: never a name, a text or a Telegram id.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Iterable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from storage.models import LEVELS

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger("relier.health")

LAG_LIMIT = 600.0  # seconds the oldest due message may wait before /healthz says the outbox is stuck


async def health(runtime: "Runtime") -> tuple[bool, dict]:
    problems: list[str] = []
    lag = None
    try:
        async with runtime.store.unit_of_work() as uow:
            database = await uow.metrics.ping()
            lag = (await uow.outbox.status()).oldest_due_seconds
    except Exception as error:  # noqa: BLE001 - the answer is the point
        database = False
        problems.append(f"database: {type(error).__name__}")
    scheduler = "off" if not runtime.options.scheduler else (
        "running" if runtime.scheduler is not None and runtime.scheduler.running else "stopped")
    if scheduler == "stopped":
        problems.append("scheduler stopped")
    if lag is not None and lag > LAG_LIMIT:
        problems.append(f"outbox late by {lag:.0f} s")
    body = {"status": "failing" if problems else "ok", "database": database, "scheduler": scheduler,
            "outbox_lag_seconds": None if lag is None else round(lag, 1), "problems": problems}
    return not problems, body


class _Snapshot(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterable[Metric]:
        return self._families


def _counter(name: str, doc: str, value: float) -> CounterMetricFamily:
    return CounterMetricFamily(name, doc, value=value)


async def metrics(runtime: "Runtime") -> bytes:
    stats = runtime.app.stats
    families: list[Metric] = [
        _counter("relier_updates_handled", "Updates handled by the dialogs", stats["updates_handled"]),
        _counter("relier_updates_skipped", "Updates that could not be read, logged and skipped", stats["updates_skipped"]),
        _counter("relier_replies_sent", "Replies sent at once to updates", stats["replies_sent"]),
        _counter("relier_webhook_refused", "Webhook calls refused for a wrong or missing secret", stats["webhook_refused"]),
    ]
    sends = CounterMetricFamily("relier_outbox_results", "Outbox deliveries by result, by this process",
                                labels=["result"])
    for result, count in sorted(runtime.dispatcher.stats.items()):
        sends.add_metric([result], count)
    families.append(sends)
    async with runtime.store.unit_of_work() as uow:
        status = await uow.outbox.status()
        cases = await uow.metrics.cases(LEVELS)
    states = GaugeMetricFamily("relier_outbox_messages", "Outbox messages by state", labels=["state"])
    for state, count in status.counts.items():
        states.add_metric([state], count)
    families += [states, GaugeMetricFamily("relier_outbox_oldest_due_seconds",
                                           "How long the oldest due message has waited (0: none waiting)",
                                           value=status.oldest_due_seconds or 0.0)]
    open_cases = GaugeMetricFamily("relier_escalations_open", "Open cases by level", labels=["level"])
    for level, count in cases.open_by_level.items():
        if level != "none":
            open_cases.add_metric([level], count)
    families.append(open_cases)
    taken = cases.take_seconds
    take = GaugeMetricFamily("relier_case_time_to_take_seconds",
                             "Opening to taking, cases opened in the last 30 days", labels=["quantile"])
    for q in (0.5, 0.9):
        take.add_metric([str(q)], taken[min(len(taken) - 1, int(q * len(taken)))] if taken else 0.0)
    families += [take, GaugeMetricFamily("relier_cases_taken_recently", "Cases opened in the last 30 days and taken",
                                         value=len(taken))]
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(families))
    return generate_latest(registry)


def add_routes(web_app: web.Application, runtime: "Runtime") -> None:
    async def healthz(_request: web.Request) -> web.Response:
        ok, body = await health(runtime)
        return web.json_response(body, status=200 if ok else 503)

    async def prometheus(_request: web.Request) -> web.Response:
        return web.Response(body=await metrics(runtime), headers={"Content-Type": CONTENT_TYPE_LATEST})

    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", prometheus)


async def serve_health(runtime: "Runtime", listen: str, port: int, stop: asyncio.Event) -> None:
    """In polling mode: /healthz and /metrics alone on listen:port until `stop`."""
    web_app = web.Application()
    add_routes(web_app, runtime)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, listen, port).start()
    log.info("health and metrics on %s:%s", listen, port)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
