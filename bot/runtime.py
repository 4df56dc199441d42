"""`relier run` in one piece: updates in, the outbox out, and the planner every minute.

- The dispatcher (bot.delivery) sends the outbox through `OutboxSender` (bot.delivery.sender, on
  the app's Telegram client, whichever framework); it listens to the core's doorbell, which the
  dialogs ring when they left something (dialogs.doorbell).
- An APScheduler `AsyncIOScheduler` runs `plan` (check-in prompts, nudges, session reminders, and
  the alerts of the cases nobody took: dialogs.cases.timers)
  once at start and then at second 0 of every minute (a prompt due at 18:00 is queued at 18:00:00),
  then wakes the dispatcher; and a daily purge of
  the sent and dropped rows older than `keep_days`; and, daily, each centre's retention (what is kept, for
  how long, and the families silent for too long: dialogs.reminders.retention). The database is the source of truth: the
  scheduler's job store is in memory and holds nothing that matters, a missed run is only late.
  Planning is idempotent by key, so any number of processes may plan at once.
- When Telegram says a chat is unreachable, the person is marked so and, if their case is open,
  the staff are alerted (dialogs.reminders.unreachable).
- Shutdown (`stop` set: SIGTERM, Ctrl-C): no update is taken any more (polling stops, the webhook
  server closes) and the updates under way are answered;
  the scheduler stops starting jobs and gives the ones under way `grace` seconds (then cancels them:
  planning is idempotent); the dispatcher releases
  the rows waiting for a slot and gives the sends under way `grace` seconds to be recorded.
Time is the injected clock's (SystemClock in production, FakeClock in tests); only the
scheduler's own ticks follow the wall clock.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery import Dispatcher, Limits
from bot.health import add_routes, serve_health
from bot.delivery.sender import OutboxSender
from bot.settings import Settings
from bot.telegram.app import TelegramApp
from bot.telegram.polling import poll
from bot.telegram.webhook import serve_webhook
from dialogs.cases.timers import check_cases
from dialogs.reminders.plan import plan
from dialogs.reminders.retention import apply_retention
from dialogs.reminders.unreachable import contact_lost

log = logging.getLogger("relier.runtime")


@dataclass(frozen=True)
class DeliveryOptions:
    reminders: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=2))
    limits: Limits = field(default_factory=Limits)
    lease: float = 120.0  # seconds a claimed row is held
    plan_every: float = 60.0  # seconds; 60: at second 0 of every minute
    keep_days: int = 30  # sent and dropped rows are purged after this
    scheduler: bool = True  # tests that plan by hand turn it off
    grace: float = 10.0  # seconds, at shutdown, for the updates and the sends under way to finish

    @classmethod
    def from_settings(cls, settings: Settings) -> "DeliveryOptions":
        limits = Limits(settings.send_per_second, settings.send_per_chat_per_second, settings.send_per_group_per_minute)
        return cls(settings.reminder_offsets(), limits, settings.outbox_lease_seconds,
                   grace=settings.shutdown_grace_seconds)


class Runtime:
    def __init__(self, app: TelegramApp, options: DeliveryOptions | None = None, worker_id: str | None = None,
                 **dispatcher_options: Any) -> None:
        self.app = app
        self.store = app.core.store
        self.options = options or DeliveryOptions()
        self.sender = OutboxSender(app.client, self.store, app.default_locale)
        dispatcher_options.setdefault("send_timeout", min(30.0, self.options.lease / 3))
        dispatcher_options.setdefault("grace", self.options.grace)
        self.dispatcher = Dispatcher(
            self.store, self.sender.send, self.options.limits, app.clock, self.on_unreachable, worker_id,
            lease=self.options.lease, prepare=self.sender.prepare, **dispatcher_options,
        )
        app.core.doorbell.listen(self.dispatcher.notify)
        self.scheduler: AsyncIOScheduler | None = None
        self._jobs: set[asyncio.Task] = set()

    async def on_unreachable(self, chat_id: int) -> None:
        if chat_id < 0:  # a group: the staff chat, most likely, and the staff's alerts go there
            log.warning("the bot can no longer write to group %s: is it still a member?", chat_id)
            return
        async with self.store.unit_of_work() as uow:
            alerts = await contact_lost(uow, chat_id, self.app.default_locale)
            await uow.commit()
        if alerts:
            self.dispatcher.notify()

    async def plan(self) -> int:
        """Plan what fell due, alert again the cases nobody took, then wake the dispatcher; the number
        of reminder rows added."""
        added = await self._job("plan", plan(self.store, self.options.reminders, notify=self.dispatcher.notify))
        if self.store.checkpoint_pending:  # an erasure's text may still be in SQLite's log: try again
            self.store.checkpoint()
        await self.check_cases()
        self.dispatcher.notify()
        return added or 0

    async def check_cases(self) -> int:
        """The alerts of the cases nobody took that fell due, and the follow-ups (dialogs.cases.timers);
        the number of cases alerted."""
        alerted = await self._job("cases", check_cases(self.store, self.app.default_locale))
        self.dispatcher.notify()
        return alerted or 0

    async def purge(self) -> int:
        before = self.store.clock.now() - timedelta(days=self.options.keep_days)
        return await self._job("purge", self._purge(before)) or 0

    async def _purge(self, before) -> int:
        async with self.store.unit_of_work() as uow:
            deleted = await uow.outbox.purge(before)
            await uow.commit()
        if deleted:
            log.info("outbox.purged count=%s", deleted)
        return deleted

    async def retention(self) -> int:
        """Each centre's retention, once a day (claimed in the database: dialogs.reminders.retention); the
        number of people erased for their silence."""
        run = await self._job("retention", self._retention())
        self.dispatcher.notify()  # the notices of coming removals
        return run or 0

    async def _retention(self) -> int:
        return (await apply_retention(self.store, self.app.default_locale)).removed

    async def _at_start(self) -> None:
        await self.plan()
        await self.purge()
        await self.retention()

    async def _job(self, name: str, work: Awaitable[int]) -> int | None:
        """Run a scheduled job, tracked so shutdown can wait for it; its failure is logged, not raised."""
        task = asyncio.current_task()
        if task is not None:
            self._jobs.add(task)
        try:
            return await work
        except Exception as error:  # the next run tries again
            log.error("%s failed: %s", name, type(error).__name__)
            return None
        finally:
            self._jobs.discard(task)

    def start_scheduler(self) -> AsyncIOScheduler:
        scheduler = AsyncIOScheduler(
            timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}
        )
        scheduler.add_job(self._at_start, id="at-start")  # a date trigger: now
        if self.options.plan_every == 60:  # aligned to the clock: at second 0 of each minute
            scheduler.add_job(self.plan, "cron", second=0, id="plan")
        else:
            scheduler.add_job(self.plan, "interval", seconds=self.options.plan_every, id="plan")
        scheduler.add_job(self.purge, "interval", hours=24, id="purge")
        scheduler.add_job(self.retention, "interval", hours=24, id="retention")
        scheduler.start()
        self.scheduler = scheduler
        return scheduler

    async def run(self, stop: asyncio.Event, serve: Callable[[], Awaitable[None]]) -> None:
        """Reach Telegram, then deliver and plan while `serve()` (polling, or the webhook) runs
        until `stop` is set; then shut down in order. The bot's session and the store are the
        caller's to close, after this returns."""
        if not await self.app.prepare(stop):
            return
        limits, options = self.options.limits, self.options
        log.info("outbox: %s/s, %s/s a chat, %s/min a group; lease %s s; session reminders %s before",
                 limits.overall_per_second, limits.private_per_second, limits.group_per_minute, options.lease,
                 ", ".join(f"{r.total_seconds() / 3600:g} h" for r in options.reminders) or "none")
        halt = asyncio.Event()
        delivering = asyncio.create_task(self.dispatcher.run(halt), name="outbox-dispatcher")
        if self.options.scheduler:
            self.start_scheduler()
        try:
            await serve()
        finally:
            await self.shutdown(halt, delivering)

    async def shutdown(self, halt: asyncio.Event, delivering: asyncio.Task) -> None:
        if self.scheduler is not None:
            # No job starts any more; the ones under way get the grace to finish. A job cancelled in the
            # middle of a commit leaves a broken connection and a traceback in the log (asyncpg).
            self.scheduler.pause()
            if self._jobs:
                _done, late = await asyncio.wait(set(self._jobs), timeout=self.options.grace)
                if late:
                    log.warning("scheduler.shutdown_late jobs=%s", len(late))
            self.scheduler.shutdown(wait=False)  # cancels what is still under way...
            self.scheduler = None
        if self._jobs:
            await asyncio.gather(*self._jobs, return_exceptions=True)  # ...which ends here
        halt.set()
        await delivering
        log.info("outbox stopped: %s", dict(self.dispatcher.stats))

    async def run_polling(self, stop: asyncio.Event, health: tuple[str, int] | None = None) -> None:
        """Long polling (one process per bot token: Telegram allows one getUpdates consumer);
        `health`: (address, port) where /healthz and /metrics are served, if anywhere."""
        async def serve() -> None:
            await self.app.client.delete_webhook()  # a stale webhook would refuse every getUpdates
            status = asyncio.create_task(serve_health(self, *health, stop)) if health else None
            try:
                await poll(self.app, stop, grace=self.options.grace)  # which lets the updates under way finish
            finally:
                if status is not None:
                    await status
        await self.run(stop, serve)

    async def run_webhook(self, stop: asyncio.Event, url: str, listen: str, port: int, secret: str | None) -> None:
        """Telegram calls us at `url` (served on listen:port, with /healthz and /metrics), with `secret` in a header."""
        async def serve() -> None:
            try:
                await serve_webhook(self.app, url, listen, port, secret, stop, routes=lambda web: add_routes(web, self),
                                    grace=self.options.grace)
            finally:
                await self.app.finish_updates(self.options.grace)
        await self.run(stop, serve)
