"""The store: one unit of work per update, committed once by its caller."""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack, asynccontextmanager
from typing import AsyncIterator, Callable

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import sessionmaker

from storage.database import INLINE_BUSY_TIMEOUT_MS, inline_sqlite_engine
from storage.inline import InlineSessionMaker

from storage.clock import Clock
from storage.repos.bookings import BookingRepository
from storage.repos.cases import CaseRepository
from storage.repos.centres import CentreRepository
from storage.repos.checkins import CheckinRepository, EscalationRepository
from storage.repos.conversations import ConversationRepository
from storage.repos.families import FamilyRepository
from storage.repos.invites import InviteRepository
from storage.repos.metrics import MetricsRepository
from storage.repos.outbox import OutboxRepository
from storage.repos.people import PersonRepository
from storage.repos.privacy import PrivacyRepository
from storage.repos.retention import RetentionRepository
from storage.repos.sessions import SessionRepository

log = logging.getLogger("relier.storage")


class UnitOfWork:
    """Repositories sharing one transaction; nothing is kept unless `commit()` is called."""

    def __init__(self, session: AsyncSession, clock: Clock, after_wipe: Callable[[], None] | None = None) -> None:
        self._session = session
        self.clock = clock
        self._after_wipe = after_wipe  # erased data: SQLite's write-ahead log is emptied once committed
        self.centres = CentreRepository(session, clock)
        self.people = PersonRepository(session, clock)
        self.families = FamilyRepository(session, clock)
        self.invites = InviteRepository(session, clock)
        self.conversations = ConversationRepository(session, clock)
        self.sessions = SessionRepository(session, clock)
        self.bookings = BookingRepository(session, clock)
        self.checkins = CheckinRepository(session, clock)
        self.escalations = EscalationRepository(session, clock)
        self.cases = CaseRepository(session, clock)
        self.outbox = OutboxRepository(session, clock)
        self.privacy = PrivacyRepository(session, clock)
        self.retention = RetentionRepository(session, clock)
        self.metrics = MetricsRepository(session, clock)
        self.committed = False

    async def commit(self) -> None:
        wiped = self._session.info.pop("wiped", False)
        await self._session.commit()
        self.committed = True
        if wiped and self._after_wipe is not None:
            self._after_wipe()

    async def rollback(self) -> None:
        await self._session.rollback()


class Store:
    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        self._inline = None
        if engine.dialect.name == "sqlite":
            self._inline = inline_sqlite_engine(engine)
            self._sessions = InlineSessionMaker(sessionmaker(self._inline, expire_on_commit=False))
        else:
            self._sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
        # SQLite has one writer at a time. Queueing units of work here, rather than in SQLite's
        # busy handler (which sleeps for milliseconds and churns connections), keeps each update
        # to one connection and a few hundred microseconds of locking.
        self._one_writer = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        self.checkpoint_pending = False  # erased data may still be in SQLite's write-ahead log (checkpoint)

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        async with AsyncExitStack() as stack:
            if self._one_writer is not None:
                await stack.enter_async_context(self._one_writer)
            session = await stack.enter_async_context(self._sessions())
            uow = UnitOfWork(session, self.clock, self.checkpoint if self._inline is not None else None)
            try:
                yield uow
            finally:
                if not uow.committed:
                    await session.rollback()

    async def read_scalar(self, statement):
        """One read outside any unit of work, without waiting for the writer's turn: SQLite in WAL mode
        reads the last commit on a connection of its own. For checks on a hot path (the dispatcher's)."""
        if self._inline is not None:
            with self._inline.connect() as conn:
                return conn.scalar(statement)
        async with self.engine.connect() as conn:
            return await conn.scalar(statement)

    def checkpoint(self) -> bool:
        """SQLite: copy the write-ahead log into the database file and empty it, so that erased text is
        left in neither (with `secure_delete`, storage.database); False if a reader kept it from finishing.
        It never waits: it runs on the event loop, and waiting for a reader (up to the busy timeout)
        would stop the whole bot. An incomplete checkpoint is left pending and `checkpoint_pending`
        says so: the runtime tries again each minute (bot.runtime)."""
        if self._inline is None:
            return True
        raw = self._inline.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA busy_timeout=0")
            try:
                busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except Exception:  # noqa: BLE001 - "database is locked": a writer holds it; tried again later
                busy = 1
            cursor.execute(f"PRAGMA busy_timeout={INLINE_BUSY_TIMEOUT_MS}")
            cursor.close()
        finally:
            raw.close()
        if busy and not self.checkpoint_pending:
            log.warning("wal checkpoint incomplete: a reader holds the log; tried again within a minute")
        self.checkpoint_pending = bool(busy)
        return not busy

    async def close(self) -> None:
        if self._inline is not None:
            self._inline.dispose()
        await self.engine.dispose()
