"""The test server itself: a real PostgreSQL, and a database of its own per test."""

from __future__ import annotations

from sqlalchemy import text

from storage.database import current_revision, make_engine, upgrade


async def test_each_test_has_a_database_of_its_own_on_the_backend_it_names(db_url, backend):
    engine = make_engine(db_url)
    try:
        assert engine.dialect.name == backend
        await upgrade(engine)  # a new SQLite file is migrated by the store; a PostgreSQL database already is
        assert await current_revision(engine) is not None
        async with engine.connect() as conn:
            if backend == "postgresql":
                assert (await conn.scalar(text("SHOW server_version_num"))) >= "130000"
    finally:
        await engine.dispose()
