"""The storage tier: every test here runs on SQLite and on a real PostgreSQL server (tests.support.postgres).

`db_url` is parametrised; the fixtures of tests/conftest.py (core, centre, clock...) build on it, so a
test written once runs on both. On PostgreSQL each test has a database of its own, already migrated
(a copy of a migrated SQLite file, tests/conftest.py). Tests of what only PostgreSQL does (several instances
on one database, row locks) ask for `postgres_url` and run once.
"""

from __future__ import annotations

import pytest

from tests.conftest import a_database
from tests.support.postgres import server_or_skip


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
async def db_url(backend, tmp_path, request):
    async with a_database(backend, tmp_path, request) as url:
        yield url


@pytest.fixture
async def empty_db_url(backend, tmp_path, request):
    """A database with no tables at all, for the migrations."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    server = server_or_skip(request.getfixturevalue("postgres_server"))
    name = await server.create_database(migrated=False)
    yield server.url(name)
    await server.drop_database(name)


@pytest.fixture
def store(core):
    return core.store
