"""Every time a staff member reads a case (its card by /case N or from the list, the list of open cases)
or a session's roster (the families' names), the audit log says who and when; what was read is not copied."""

from __future__ import annotations

from sqlalchemy import select

from storage.models_cases import AuditEntry
from tests.cases.conftest import INES, add_staff, family_with_case
from tests.test_booking_staff import add_session, book, family, open_session
from tests.test_booking_staff import staff_chat as sessions_chat

OTHER_CENTRE_PSY = 7020


async def reads(core) -> list[tuple]:
    async with core.store.engine.connect() as conn:
        rows = await conn.execute(select(AuditEntry.escalation_id, AuditEntry.actor_id, AuditEntry.detail)
                                  .where(AuditEntry.action == "read").order_by(AuditEntry.id))
        return [tuple(r) for r in rows.all()]


async def test_the_list_and_each_card_a_staff_member_reads_are_in_the_audit_log(core, centre, chat_for):
    marie = await family_with_case(core, chat_for(901, "en"), "Marie")
    ines = await add_staff(core, centre.id, INES, "Inès")
    staff = chat_for(INES, "en")
    assert await reads(core) == []  # the card posted in the staff chat is no one's read

    await staff.command("cases")
    assert await reads(core) == [(marie, ines.id, "list")]
    await staff.press(f"#{marie} ")  # the card below, the list shown again above it
    assert f"<b>Case #{marie}</b>" in staff.last.replies[-1].text
    assert await reads(core) == [(marie, ines.id, "list"), (marie, ines.id, "card"), (marie, ines.id, "list")]
    await staff.command("case", str(marie))
    assert (await reads(core))[-1] == (marie, ines.id, "card")


async def test_a_card_that_is_not_shown_is_not_a_read(core, centre, chat_for):
    """Staff of another centre asking for this centre's case get nothing, and nothing is logged as read."""
    marie = await family_with_case(core, chat_for(901, "en"), "Marie")
    async with core.store.unit_of_work() as uow:
        other = await uow.centres.add("Autre centre", "Europe/Paris")
        await uow.commit()
    await add_staff(core, other.id, OTHER_CENTRE_PSY, "Zoé")
    stranger = chat_for(OTHER_CENTRE_PSY, "en")
    await stranger.command("case", str(marie))
    assert "There is no case with this number in your centre" in stranger.screen and "Marie" not in stranger.screen
    await stranger.command("cases")
    assert f"#{marie}" not in stranger.screen
    assert await reads(core) == []


async def test_a_session_roster_read_is_in_the_audit_log(core, centre, chat_for):
    await family(core, chat_for, 601, "en", "Amina", "Léo")
    session = await add_session(core, centre.id)
    await book(core, session.id, 601)
    chat = await sessions_chat(core, centre.id, chat_for)
    await open_session(chat)
    await chat.press("Roster")
    async with core.store.unit_of_work() as uow:
        staff = await uow.people.by_telegram_id(chat.user_id)
    assert await reads(core) == [(None, staff.id, f"roster session={session.id}")]
