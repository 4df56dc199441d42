"""Read every column of every table (SQLAlchemy's inspector, values decrypted by the columns' types) and
say where a Telegram id, a name or a text still is."""

from __future__ import annotations

from sqlalchemy import inspect, select, text

from storage.models import Base


async def every_value(core) -> list[tuple[str, str, object]]:
    """(table, column, value) for every non-null value of the database, tables the models don't know included."""
    found = []
    async with core.store.engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        for name in tables:
            table = Base.metadata.tables.get(name)
            if table is not None:
                rows = (await conn.execute(select(table))).mappings().all()
            else:
                rows = (await conn.execute(text(f'SELECT * FROM "{name}"'))).mappings().all()
            for row in rows:
                found += [(name, column, value) for column, value in row.items() if value is not None]
    return found


async def where(core, telegram_id: int | None, words: list[str]) -> list[tuple[str, str, str]]:
    """Where the Telegram id (as a number, or inside a text) or any of the words still is."""
    hits = []
    for table, column, value in await every_value(core):
        if telegram_id is not None and (value == telegram_id or (isinstance(value, str) and str(telegram_id) in value)):
            hits.append((table, column, "telegram id"))
        if isinstance(value, str):
            hits += [(table, column, word) for word in words if word.lower() in value.lower()]
    return hits
