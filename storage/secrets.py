"""Installation secrets: read, or made once (two instances starting together agree on one)."""

from __future__ import annotations

import secrets

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.clock import Clock
from storage.models_access import InstallationSecret


async def installation_secret(engine: AsyncEngine, name: str, clock: Clock, size: int = 32) -> bytes:
    """The secret called `name`, made at random the first time it is asked for."""
    table = InstallationSecret.__table__
    async with engine.connect() as conn:
        found = (await conn.execute(select(table.c.value).where(table.c.name == name))).scalar_one_or_none()
    if found is not None:
        return bytes.fromhex(found)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(table).values(name=name, value=secrets.token_hex(size), created_at=clock.now()))
    except IntegrityError:  # another instance made it a moment ago: theirs is the one
        pass
    async with engine.connect() as conn:
        return bytes.fromhex((await conn.execute(select(table.c.value).where(table.c.name == name))).scalar_one())
