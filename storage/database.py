"""Engines and migrations. Nothing here runs at import time."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine; on SQLite, one writer at a time with BEGIN IMMEDIATE and WAL.

    Parameters are hidden from SQL errors: a failed insert must not put a child's name in a log.
    """
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, hide_parameters=True, connect_args={"timeout": 30})
        _tune_sqlite(engine)
        return engine
    return create_async_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True)


def inline_sqlite_engine(engine: AsyncEngine) -> Engine:
    """A plain sqlite3 engine on the same file, for queries run on the event loop itself.

    SQLite answers these small queries in tens of microseconds, while handing each step of a
    statement to aiosqlite's thread and back costs far more (measured in bench/). Units of work
    are queued in-process (storage.store), so the loop only ever waits on SQLite when another
    process holds the write lock, for at most the busy timeout.
    """
    engine_ = create_engine(
        engine.url.set(drivername="sqlite+pysqlite"), hide_parameters=True, connect_args={"timeout": 10}
    )
    _tune_sqlite(engine_, busy_timeout_ms=10_000)
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
    """Apply migrations on the engine's database (what `relier db upgrade` does)."""

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def current_revision(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
