"""Engines and migrations. Nothing here runs at import time."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.crypto import Keyring, attach_keyring, keyring_of

MIGRATIONS = Path(__file__).parent / "migrations"
# A PostgreSQL advisory lock key, held while migrating: processes starting together migrate one after the other.
# "RELIER" in hex, then a number: above 2**53, so never a Telegram chat id (the outbox's keys, storage.repos.outbox).
MIGRATION_LOCK = 0x52454C494552_0001


def make_engine(url: str, *, keyring: Keyring | None = None, echo: bool = False) -> AsyncEngine:
    """An async engine; on SQLite, one writer at a time with BEGIN IMMEDIATE and WAL.

    Parameters are hidden from SQL errors: a failed insert must not put a child's name in a log.
    `keyring` encrypts the EncryptedText columns (storage.crypto); without one they are written
    as they are, which only the demo and tests of other things do.
    """
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, hide_parameters=True, connect_args={"timeout": 30})
        _tune_sqlite(engine)
    else:
        engine = create_async_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True)
    if keyring is not None:
        attach_keyring(engine.sync_engine.dialect, keyring)
    return engine


INLINE_BUSY_TIMEOUT_MS = 10_000  # the event loop waits at most this long for another process's write lock


def inline_sqlite_engine(engine: AsyncEngine) -> Engine:
    """A plain sqlite3 engine on the same file, for queries run on the event loop itself.

    SQLite answers these small queries in tens of microseconds, while handing each step of a
    statement to aiosqlite's thread and back costs far more (measured in bench/). Units of work
    are queued in-process (storage.store), so the loop only ever waits on SQLite when another
    process holds the write lock, for at most the busy timeout.
    """
    engine_ = create_engine(
        engine.url.set(drivername="sqlite+pysqlite"), hide_parameters=True,
        connect_args={"timeout": INLINE_BUSY_TIMEOUT_MS / 1000},
    )
    _tune_sqlite(engine_, busy_timeout_ms=INLINE_BUSY_TIMEOUT_MS)
    attach_keyring(engine_.dialect, keyring_of(engine.sync_engine.dialect))
    return engine_


def _tune_sqlite(engine: AsyncEngine | Engine, busy_timeout_ms: int = 30_000) -> None:
    sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    in_memory = ":memory:" in str(engine.url) or engine.url.database in (None, "")

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # What is deleted is overwritten with zeros, not left in free pages: an erased child's words
        # must not be readable in the file (storage.repos.privacy; the WAL is emptied after an erasure).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Take the write lock up front: a read that later writes cannot deadlock.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations on the engine's database (what `relier db upgrade` does).

    On PostgreSQL, several processes starting at once (two `relier run` after a release) migrate one after the
    other: each holds an advisory lock for its transaction, and the next finds the schema already at head.
    On SQLite, foreign keys are off while migrations run, as SQLite's own procedure for changing a
    table asks: a batch migration copies a table and drops the old one, and with foreign keys on,
    that drop would first delete every row that cascades from it (a person's bookings and
    check-ins). The keys are checked before the migration commits, then switched on again.
    """

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.connect() as connection:
        await connection.run_sync(_migrate, run)


def _migrate(connection: Connection, run) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:  # outside any transaction, or SQLite ignores it
        _pragma(connection, "PRAGMA foreign_keys=OFF")
    try:
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            run(connection)
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"a migration left {len(broken)} broken references: nothing was changed")
    finally:
        if sqlite:
            _pragma(connection, "PRAGMA foreign_keys=ON")


def _pragma(connection: Connection, statement: str) -> None:
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
