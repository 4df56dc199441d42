"""The async session interface over a plain SQLAlchemy session, run inline on the event loop.

Repositories are written once against the async API; on PostgreSQL they get an AsyncSession
(asyncpg), on SQLite this wrapper, whose methods return at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker


class InlineConnection:
    """The async connection interface over a plain connection (Core statements, no ORM)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self._connection.execute(*args, **kwargs)


class InlineSession:
    def __init__(self, session: Session) -> None:
        self._session = session

    async def __aenter__(self) -> "InlineSession":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._session.close()

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.execute(*args, **kwargs)

    async def connection(self) -> InlineConnection:
        return InlineConnection(self._session.connection())

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.scalar(*args, **kwargs)

    async def scalars(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.scalars(*args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.get(*args, **kwargs)

    async def delete(self, instance: object) -> None:
        self._session.delete(instance)

    async def flush(self) -> None:
        self._session.flush()

    @property
    def info(self) -> dict[str, Any]:
        return self._session.info

    async def commit(self) -> None:
        self._session.commit()

    async def rollback(self) -> None:
        self._session.rollback()

    def add(self, instance: object) -> None:
        self._session.add(instance)

    def expire_all(self) -> None:
        self._session.expire_all()


class InlineSessionMaker:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def __call__(self) -> InlineSession:
        return InlineSession(self._factory())


def dialect_name(session: Any) -> str:
    """"postgresql" or "sqlite": which SQL a repository's session speaks (for the few statements that differ)."""
    bind = getattr(session, "bind", None)  # an AsyncSession knows its engine
    # The inline session exposes none: the Store uses it on SQLite only.
    return bind.dialect.name if bind is not None else "sqlite"
