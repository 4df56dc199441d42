from __future__ import annotations

import json
from functools import cache

from sqlalchemy import BigInteger, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import Clock
from storage.errors import ConversationChanged
from storage.inline import dialect_name
from storage.models import Conversation, Person
from storage.records import ConversationRecord, PersonRecord
from storage.repos.people import PERSON_COLUMNS, person_from_row

# These run on every update: the statements are built once and take their values as parameters.


@cache
def _load_statement():
    key = select(bindparam("uid", type_=BigInteger).label("uid")).subquery()
    return (
        select(*PERSON_COLUMNS, Conversation.flow, Conversation.step, Conversation.data, Conversation.version)
        .select_from(key)
        .outerjoin(Person, Person.telegram_user_id == key.c.uid)
        .outerjoin(Conversation, Conversation.telegram_user_id == key.c.uid)
    )


@cache
def _update_statement():
    return (
        update(Conversation)
        .where(Conversation.telegram_user_id == bindparam("uid"), Conversation.version == bindparam("seen"))
        .values(
            flow=bindparam("flow"), step=bindparam("step"), data=bindparam("data"),
            version=bindparam("version"), updated_at=bindparam("at"),
        )
    )


@cache
def _insert_statement(dialect: str):
    """The first save of a conversation. Two instances may both find none and both insert: the one that
    comes second inserts nothing (rather than failing on the key, which on PostgreSQL would abort the
    whole unit of work) and is told the conversation changed, like any other lost race."""
    insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert_(Conversation).values(
        telegram_user_id=bindparam("uid"), flow=bindparam("flow"), step=bindparam("step"), data=bindparam("data"),
        version=bindparam("version"), updated_at=bindparam("at"),
    ).on_conflict_do_nothing(index_elements=[Conversation.telegram_user_id]).returning(Conversation.telegram_user_id)


class ConversationRepository:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def load_with_person(self, telegram_user_id: int) -> tuple[PersonRecord | None, ConversationRecord]:
        """Who is writing and where they are, in one query: the first thing every update needs."""
        # Core statements on the session's connection: the ORM adds nothing here but time.
        connection = await self._session.connection()
        row = (await connection.execute(_load_statement(), {"uid": telegram_user_id})).one()
        person = person_from_row(row) if row.id is not None else None
        if row.version is None:
            return person, ConversationRecord(telegram_user_id)
        conversation = ConversationRecord(
            telegram_user_id, row.flow, row.step, json.loads(row.data), row.version, True
        )
        return person, conversation

    async def save(self, record: ConversationRecord) -> None:
        """Write the new state if nobody moved it since it was loaded (optimistic check)."""
        values = {
            "uid": record.telegram_user_id,
            "flow": record.flow,
            "step": record.step,
            "data": json.dumps(record.data, ensure_ascii=False, separators=(",", ":")),
            "version": record.version + 1,
            "at": self._clock.now(),
        }
        connection = await self._session.connection()
        if not record.stored:
            inserted = await connection.execute(_insert_statement(dialect_name(self._session)), values)
            if inserted.first() is None:
                raise ConversationChanged(str(record.telegram_user_id))
        else:
            result = await connection.execute(_update_statement(), {**values, "seen": record.version})
            if result.rowcount != 1:
                raise ConversationChanged(str(record.telegram_user_id))
        record.version += 1
        record.stored = True

    async def forget(self, telegram_user_id: int) -> None:
        await self._session.execute(delete(Conversation).where(Conversation.telegram_user_id == telegram_user_id))
