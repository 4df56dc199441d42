"""After « Delete my data » (or /stop), no table holds the person's Telegram id, names or texts; what they
wrote on a request to the team stays only in the case's safety record, unlinked from them."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Child, Escalation, GroupSession, OutboxMessage
from tests.cases.conftest import pending
from tests.privacy.conftest import CHILD, OTHER, PARENT, YOUTH, erase
from tests.privacy.scan import every_value, where

SAFETY_RECORD = {("escalations", "snapshot"), ("case_messages", "text")}


async def assert_erased(core, person) -> None:
    gone = await where(core, person.user_id, [*person.names, *person.texts])
    assert gone == [], f"still in the database after the erasure: {gone}"
    kept = await where(core, None, person.kept)
    assert kept and {(table, column) for table, column, _word in kept} <= SAFETY_RECORD, kept


async def test_a_parent_who_deletes_their_data_leaves_only_an_anonymous_safety_record(core, family):
    parent, youth = family["parent"], family["youth"]
    before = {table for table, _column, _what in await where(core, parent.user_id, [*parent.names, *parent.texts])}
    assert {"people", "children", "checkins", "conversations", "outbox"} <= before  # the scan sees them
    await erase(parent.chat)
    await assert_erased(core, parent)
    async with core.store.engine.connect() as conn:
        case = (await conn.execute(select(Escalation).where(Escalation.id == parent.case_id))).one()
        sessions = (await conn.execute(select(GroupSession.audience, GroupSession.booked))).all()
        children = (await conn.execute(select(Child))).all()
    assert case.status == "open" and case.person_id is None and case.child_id is None and case.checkin_id is None
    assert [c.first_name for c in children] == ["Basile"]  # the only parent: their child's record went with them
    assert ("parents", 1) in sessions  # the seat went to the parent who was waiting...
    told = await pending(core)
    assert any(row.chat_id == OTHER and "a seat has freed up" in row.payload["text"] for row in told)  # ...who is told
    assert any(row.chat_id < 0 and "a parent left the bot" in row.payload.get("text", "") for row in told)
    # The young person keeps their own account, unlinked from the erased family.
    assert any(value == YOUTH for _table, _column, value in await every_value(core))


async def test_a_young_person_who_deletes_their_data_leaves_only_an_anonymous_safety_record(core, family):
    parent, youth = family["parent"], family["youth"]
    await erase(youth.chat)
    await assert_erased(core, youth)
    async with core.store.engine.connect() as conn:
        case = (await conn.execute(select(Escalation).where(Escalation.id == youth.case_id))).one()
        sessions = (await conn.execute(select(GroupSession.audience, GroupSession.booked))).all()
        left = (await conn.execute(select(OutboxMessage.chat_id))).scalars().all()
    assert case.person_id is None and case.child_id is None
    assert ("youth", 0) in sessions  # the seat is free again
    assert YOUTH not in left
    # The parent's data is untouched: their account, their child's record, their own texts.
    assert await where(core, PARENT, [CHILD, *parent.texts]) != []


async def test_stop_erases_the_same_way(core, family):
    parent = family["parent"]
    await parent.chat.command("stop")
    assert "What stays: the record of your requests to the team" in parent.chat.screen
    await parent.chat.press("Yes, delete my data")
    assert "Only the record of your requests to the team stays with the centre" in parent.chat.screen
    await assert_erased(core, parent)
