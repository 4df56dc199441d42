"""The dispatcher: claims due outbox rows, sends them within Telegram's limits, records results.

One task per chat sends that chat's rows in order; chats are served concurrently, paced by
`bot.delivery.limits.Pacer`. The sender is any `async (OutboxRow) -> SendResult`; a thin adapter
maps a Telegram library's answers and exceptions to a `SendResult` (none is imported here).
Pacing holds at the instant a send starts, so what is slow comes before the slot: with `prepare`,
a row is first made ready (rendered, its file loaded) by `await prepare(row)`, then a slot is
taken and `send(prepared)` called at once. `prepare` may return None (obsolete: the row is
dropped) or a `SendResult` (recorded as is: nothing is sent and no slot is used).

- What each outcome does to a row (sent, dropped, postponed, retried, failed): bot.delivery.result.
- A row is only sent while its lease has at least `send_timeout` left; otherwise it is released.
- Just before a row is prepared it is read again: one cancelled or deleted since the claim (an erasure,
  storage.repos.privacy) is not sent.
- Shutdown: rows waiting for a slot are released (pending again); sends under way are given
  `grace` seconds to finish and be recorded. A row still unrecorded keeps its lease and is
  claimed again once it expires, counted as a possible duplicate.
Logs carry row ids, chat ids, kinds and error codes, never a message's text.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
from collections import Counter, deque
from datetime import datetime, timedelta
from typing import Any, Awaitable, Callable

from bot.delivery.chatwork import ChatWork, default_worker_id
from bot.delivery.limits import FloodHolds, Limits, Pacer
from bot.delivery.result import SendResult, log_level
from dialogs import logids
from storage.clock import Clock
from storage.repos.outbox import OutboxRow, still_claimed
from storage.store import Store

log = logging.getLogger("relier.delivery")
Sender = Callable[[Any], Awaitable[SendResult]]  # given the row, or what `prepare` made of it
Preparer = Callable[[OutboxRow], Awaitable[Any]]  # None: obsolete; a SendResult: the outcome
OnUnreachable = Callable[[int], Any]  # may return an awaitable


class Dispatcher:
    def __init__(
        self,
        store: Store,
        send: Sender,
        limits: Limits | None = None,
        clock: Clock | None = None,
        on_unreachable: OnUnreachable | None = None,
        worker_id: str | None = None,
        *,
        batch: int = 60,  # rows held in memory at most
        lease: float = 120.0,  # seconds a claim lasts
        poll: float = 1.0,  # seconds between looks for due rows, unless notified
        send_timeout: float = 30.0, max_attempts: int = 5, backoff_base: float = 5.0, backoff_max: float = 900.0,
        grace: float = 10.0,  # seconds given at shutdown to the sends under way
        rng: random.Random | None = None, prepare: Preparer | None = None,  # prepare: see the module's docstring
    ) -> None:
        if lease <= send_timeout:
            raise ValueError("the lease must outlast a send")
        self._store, self._send, self._prepare, self._clock = store, send, prepare, clock or store.clock
        self._pacer = Pacer(limits)
        self._on_unreachable = on_unreachable
        self.worker_id = worker_id or default_worker_id()
        self._batch, self._lease, self._poll, self._send_timeout = batch, lease, poll, send_timeout
        self._max_attempts, self._backoff_base, self._backoff_max = max_attempts, backoff_base, backoff_max
        self._grace, self._rng = grace, rng or random.Random()
        self._chats: dict[int, ChatWork] = {}
        self._held: set[int] = set()  # ids claimed and not yet recorded
        self._holds = FloodHolds(self._clock.now)
        self._wake = asyncio.Event()
        self._stopping = False
        self.stats: Counter[str] = Counter()

    def notify(self) -> None:
        """Something was enqueued: look for due rows now rather than at the next poll."""
        self._wake.set()

    async def drain_once(self) -> int:
        """Claim one batch, send it, record every result; the number of rows claimed."""
        claimed = 0 if self._holds.until(None) else await self._claim(self._batch)
        tasks = [work.task for work in self._chats.values() if work.task is not None]
        if tasks:
            await asyncio.gather(*tasks)
        return claimed

    async def run(self, stop: asyncio.Event) -> None:
        """Send due rows until `stop` is set, then shut down cleanly."""
        log.info("outbox.dispatcher_started worker=%s", self.worker_id)
        try:
            while not stop.is_set():
                self._wake.clear()
                nap = self._poll
                hold = self._holds.until(None)
                room = self._batch - len(self._held)
                if hold is not None:
                    nap = min(nap, (hold - self._clock.now()).total_seconds())
                elif room > 0:
                    try:
                        if await self._claim(room) == room:
                            continue  # there may be more: claim again once there is room
                    except Exception as error:  # the database is away: try again at the next poll
                        log.warning("outbox.claim_failed worker=%s error=%s", self.worker_id, type(error).__name__)
                await self._nap(stop, nap)
        finally:
            await self._shutdown()
            log.info("outbox.dispatcher_stopped worker=%s", self.worker_id)

    # -- claiming ----------------------------------------------------------------------------

    async def _claim(self, limit: int) -> int:
        async with self._store.unit_of_work() as uow:
            dropped = await uow.outbox.drop_expired()
            rows = await uow.outbox.claim(limit, self._lease, self.worker_id, exclude_chats=list(self._chats))
            await uow.commit()
        if dropped:
            self.stats["dropped"] += dropped
            log.info("outbox.dropped_expired count=%s", dropped)
        for row in rows:
            self._held.add(row.id)
            if row.reclaimed:
                self.stats["reclaimed"] += 1
                log.warning("outbox.reclaimed id=%s chat=%s kind=%s duplicates=%s",
                            row.id, logids.chat(row.chat_id), row.kind, row.duplicates)
            work = self._chats.get(row.chat_id)
            if work is None:
                work = self._chats[row.chat_id] = ChatWork()
                work.task = asyncio.create_task(self._chat_worker(row.chat_id, work))
            work.queue.append(row)
        return len(rows)

    async def _nap(self, stop: asyncio.Event, seconds: float) -> None:
        waits = [asyncio.create_task(stop.wait()), asyncio.create_task(self._wake.wait())]
        try:
            await asyncio.wait(waits, timeout=max(seconds, 0.001), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
            await asyncio.gather(*waits, return_exceptions=True)

    # -- one chat ----------------------------------------------------------------------------

    async def _chat_worker(self, chat_id: int, work: ChatWork) -> None:
        queue = work.queue
        try:
            while queue:
                if self._stopping:
                    await self._give_back(queue, "shutdown")
                    break
                hold = self._holds.until(chat_id)
                if hold is not None:
                    await self._give_back(queue, "flood_wait", hold)
                    break
                row = queue[0]
                if not self._lease_lasts(row):
                    await self._give_back(queue, "lease_short")
                    break
                if not await self._still_ours(row):  # cancelled or erased since the claim: never sent
                    queue.popleft()
                    self._held.discard(row.id)
                    self.stats["gone"] += 1
                    log.info("outbox.gone id=%s chat=%s kind=%s", row.id, logids.chat(row.chat_id), row.kind)
                    continue
                work.waiting = True  # nothing is sent yet: cancelling at shutdown loses nothing
                try:
                    prepared = await self._prepare_one(row)
                    ready = isinstance(prepared, SendResult) or await self._pacer.slot(
                        chat_id, lambda: not (self._stopping or self._holds.until(chat_id)) and self._lease_lasts(row))
                finally:
                    work.waiting = False
                if ready:
                    queue.popleft()
                    result = prepared if isinstance(prepared, SendResult) else await self._send_one(row, prepared)
                    await self._record(row, result, queue)
        except asyncio.CancelledError:
            if queue:  # cancelled at shutdown while waiting for a slot: nothing of this was sent
                await self._give_back(queue, "shutdown")
            raise
        except Exception as error:  # the rows keep their lease and are claimed again when it expires
            log.error("outbox.worker_failed chat=%s error=%s", logids.chat(chat_id), type(error).__name__)
        finally:
            for row in queue:
                self._held.discard(row.id)
            if self._chats.get(chat_id) is work:
                del self._chats[chat_id]
            self._wake.set()

    async def _still_ours(self, row: OutboxRow) -> bool:
        """Re-read at send time: a person who erased their data may have had rows claimed before (a morning's
        messages held by the quiet hours); their rows are deleted, and what is deleted is not sent."""
        # A plain read, not a unit of work: a burst of these must not queue behind the writer's turn and hold
        # up sends already paced (their arrival at Telegram would bunch).
        return await self._store.read_scalar(still_claimed(row.id, self.worker_id)) is not None

    def _lease_lasts(self, row: OutboxRow) -> bool:
        """Time enough left on the lease for a send, so no other worker can claim it meanwhile."""
        left = None if row.lease_until is None else (row.lease_until - self._clock.now()).total_seconds()
        return left is not None and left >= self._send_timeout

    async def _prepare_one(self, row: OutboxRow) -> Any:
        if self._prepare is None:
            return row
        try:
            async with asyncio.timeout(self._send_timeout):
                prepared = await self._prepare(row)
        except TimeoutError:
            return SendResult.transient("prepare_timeout")
        except Exception as error:  # a rendering bug: retried, then failed, visible to the staff
            log.warning("outbox.prepare_raised id=%s chat=%s error=%s", row.id, logids.chat(row.chat_id), type(error).__name__)
            return SendResult.transient("prepare_failed")
        return SendResult.skip("obsolete") if prepared is None else prepared

    async def _send_one(self, row: OutboxRow, prepared: Any) -> SendResult:
        try:
            async with asyncio.timeout(self._send_timeout):
                result = await self._send(prepared)
        except TimeoutError:
            return SendResult.transient("timeout")
        except Exception as error:  # an adapter's bug or an unmapped error: retried like a network error
            log.warning("outbox.send_raised id=%s chat=%s error=%s", row.id, logids.chat(row.chat_id), type(error).__name__)
            return SendResult.transient("exception")
        finally:
            self._pacer.sent(row.chat_id)
        return result if isinstance(result, SendResult) else SendResult.transient("bad_result")

    async def _record(self, row: OutboxRow, result: SendResult, queue: deque[OutboxRow]) -> None:
        now, worker, also_failed = self._clock.now(), self.worker_id, []
        async with self._store.unit_of_work() as uow:
            if result.outcome == "ok":
                recorded = await uow.outbox.mark_sent(row.id, worker)
                event = "sent"
            elif result.outcome == "retry_after":
                until = now + timedelta(seconds=result.seconds)
                self._holds.hold(None if result.scope == "global" else row.chat_id, until)
                recorded = await uow.outbox.postpone([row.id], until, "retry_after", worker) == 1
                event = f"flood_wait_{result.scope}"
            elif result.outcome == "permanent" and result.unreachable:
                also_failed = [other.id for other in queue]
                queue.clear()
                recorded = await uow.outbox.fail(row.id, "unreachable", worker)
                for other in also_failed:
                    await uow.outbox.fail(other, "unreachable", worker)
                # ...and those not claimed yet, or claimed by this worker's next batch (another
                # process, or a row left a moment after): none is tried on a chat known unreachable.
                await uow.outbox.fail_pending(row.chat_id, "unreachable")
                event = "unreachable"
            elif result.outcome == "skip":  # the repository's cancel: the row is dropped
                recorded = await uow.outbox.cancel(ids=[row.id]) == 1
                event = "dropped"
            elif result.outcome == "permanent":
                recorded = await uow.outbox.fail(row.id, result.reason or "permanent", worker)
                event = "rejected"
            elif row.attempts >= self._max_attempts:
                recorded = await uow.outbox.fail(row.id, result.reason or "transient", worker)
                event = "failed"
            else:
                at = now + timedelta(seconds=self._backoff(row.attempts))
                recorded = await uow.outbox.retry_later(row.id, at, result.reason or "transient", worker)
                event = "retry"
            await uow.commit()
        self.stats[event] += 1 + len(also_failed)
        for id in (row.id, *also_failed):
            self._held.discard(id)
        if len(self._held) <= self._batch // 2:
            self._wake.set()
        log.log(log_level(event, row.urgent, row.kind), "outbox.%s id=%s chat=%s kind=%s attempt=%s code=%s", event,
                row.id, logids.chat(row.chat_id), row.kind, row.attempts, result.reason or "-")
        if not recorded:
            log.warning("outbox.lease_lost id=%s chat=%s", row.id, logids.chat(row.chat_id))
        if event == "unreachable":
            await self._unreachable(row.chat_id, result.reason)

    async def _unreachable(self, chat_id: int, reason: str) -> None:
        if self._on_unreachable is None:
            return
        try:
            outcome = self._on_unreachable(chat_id)
            if inspect.isawaitable(outcome):
                await outcome
        except Exception as error:
            log.error("outbox.on_unreachable_failed chat=%s code=%s error=%s", logids.chat(chat_id), reason, type(error).__name__)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(attempt-1))]."""
        ceiling = min(self._backoff_max, self._backoff_base * 2 ** max(attempt - 1, 0))
        return self._rng.uniform(0, ceiling)

    async def _give_back(self, queue: deque[OutboxRow], why: str, until: datetime | None = None) -> None:
        """Rows claimed and not sent: released (pending again), or postponed past a flood wait."""
        ids = [row.id for row in queue]
        queue.clear()
        async with self._store.unit_of_work() as uow:
            if until is None:
                await uow.outbox.release(ids, self.worker_id)
            else:
                await uow.outbox.postpone(ids, until, "retry_after", self.worker_id)
            await uow.commit()
        self._held.difference_update(ids)
        self.stats["released" if until is None else "postponed"] += len(ids)
        log.info("outbox.gave_back count=%s why=%s until=%s", len(ids), why, until and until.isoformat())

    async def _shutdown(self) -> None:
        self._stopping = True
        for work in list(self._chats.values()):
            if work.waiting and work.task is not None:
                work.task.cancel()
        tasks = [work.task for work in self._chats.values() if work.task is not None]
        if not tasks:
            return
        _done, late = await asyncio.wait(tasks, timeout=self._grace)
        for task in late:
            task.cancel()
        if late:
            log.warning("outbox.shutdown_late sends=%s", len(late))
            await asyncio.wait(late)
