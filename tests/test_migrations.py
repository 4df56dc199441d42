"""The migrations build exactly the tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage.database import current_revision, make_engine, upgrade
from storage.models import Base


async def test_an_empty_database_upgrades_to_the_models(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    try:
        assert await current_revision(engine) is None
        await upgrade(engine)
        assert await current_revision(engine) is not None
        async with engine.connect() as conn:
            diff = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert diff == []
        assert {"centres", "people", "children", "families", "invites", "conversations"} <= tables
    finally:
        await engine.dispose()


async def test_upgrading_twice_changes_nothing(tmp_path):
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'twice.db'}")
    try:
        await upgrade(engine)
        first = await current_revision(engine)
        await upgrade(engine)
        assert await current_revision(engine) == first
    finally:
        await engine.dispose()


async def test_sql_errors_never_carry_the_values_into_logs(core, centre):
    from sqlalchemy.exc import IntegrityError

    async with core.store.unit_of_work() as uow:
        family = await uow.families.create(centre.id)
        try:
            await uow.families.add_child(family, "Prénom-Secret", 99, "middle")  # age out of range
        except IntegrityError as error:
            assert "Prénom-Secret" not in str(error)
        else:
            raise AssertionError("the database accepted an age of 99")
