"""Staff open a case for a family of their centre, from the "Open cases" screen."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.models import Escalation
from tests.cases.conftest import INES, PARENT, add_staff, name, pending
from tests.conftest import onboard_parent


async def escalations(core) -> list:
    async with core.store.engine.begin() as conn:
        return (await conn.execute(select(Escalation).order_by(Escalation.id))).all()


async def staff_at_pick(core, centre, chat_for):
    await add_staff(core, centre.id, INES, "Inès")
    staff = chat_for(INES, "en")
    await staff.command("cases")
    await staff.press("Open a case for a family")
    return staff


async def a_parent(core, chat_for):
    parent = chat_for(PARENT, "en")
    await onboard_parent(parent)
    await name(core, PARENT, "Marie")
    await pending(core)
    async with core.store.unit_of_work() as uow:
        return await uow.people.by_telegram_id(PARENT)


async def test_staff_open_a_high_case_then_join_it_at_urgent(core, centre, chat_for, clock):
    marie = await a_parent(core, chat_for)
    staff = await staff_at_pick(core, centre, chat_for)
    assert "Which family" in staff.screen
    assert "Marie (parent) · Léo" in staff.labels()
    await staff.press("Marie (parent)")
    assert "How urgent?" in staff.screen
    await staff.press("High")

    cases = await escalations(core)
    assert len(cases) == 1
    case = cases[0]
    assert (case.person_id, case.status, case.level, case.source, case.reason) == \
        (marie.id, "open", "high", "staff", "staff")
    assert f'"opened_by": {(await add_staff_id(core))}' in case.snapshot and "Inès" in case.snapshot
    assert f"Case #{case.id} opened." in staff.all_text
    assert any(f"<b>Case #{case.id}</b>" in r.text and r.chat_id == INES for r in staff.last.replies)
    rows = await pending(core)
    assert {"type": "case_card", "case": case.id} in [r.payload for r in rows]

    clock.advance(timedelta(minutes=5))
    await staff.press("Open a case for a family", message=0)  # the list, above the card
    await staff.press("Marie (parent)", message=0)
    await staff.press("Urgent", message=0)
    cases = await escalations(core)
    assert len(cases) == 1 and cases[0].id == case.id and cases[0].level == "urgent"
    assert f"joins case #{case.id}" in staff.all_text
    assert any(r.payload.get("case") == case.id for r in await pending(core))  # raised: announced again


async def add_staff_id(core) -> int:
    async with core.store.unit_of_work() as uow:
        return (await uow.people.by_telegram_id(INES)).id


async def test_a_forged_family_of_another_centre_is_refused(core, centre, chat_for):
    await a_parent(core, chat_for)
    async with core.store.unit_of_work() as uow:
        other = await uow.centres.add("Another centre", "Europe/Paris")
        family = await uow.families.create(other.id)
        outsider = await uow.people.add_parent(8001, other.id, family, "en", clock_now(uow))
        await uow.commit()
    staff = await staff_at_pick(core, centre, chat_for)
    assert not any(str(outsider.id) == label for label in staff.labels())
    marie_button = next(b.data for row in staff.last.replies[-1].buttons for b in row if "Marie" in b.text)
    version, place, _action = marie_button.split("|")
    await staff.press_data(f"{version}|{place}|{outsider.id}")
    assert "not one of your centre's" in staff.all_text
    await staff.press("Open a case for a family", message=0)
    await staff.press("Marie (parent)", message=0)
    level = next(b.data for row in staff.last.replies[-1].buttons for b in row if "High" in b.text)
    version, place, _action = level.split("|")
    await staff.press_data(f"{version}|{place}|high:{outsider.id}")
    assert "not one of your centre's" in staff.all_text
    await staff.press_data(f"{version}|{place}|high:{await add_staff_id(core)}")  # staff are not a family
    assert await escalations(core) == []
    async with core.store.engine.begin() as conn:
        assert await conn.scalar(select(func.count()).select_from(Escalation)) == 0


def clock_now(uow):
    return uow.clock.now()


async def test_a_parent_cannot_reach_these_steps(core, centre, chat_for):
    marie = await a_parent(core, chat_for)
    parent = chat_for(PARENT, "en")
    await parent.command("menu")
    for place, action in (("cases.list", "open"), ("cases.pick", str(marie.id)), ("cases.level", f"urgent:{marie.id}")):
        await parent.press_data(f"1|{place}|{action}")
        assert parent.last.callback_text == "This button is not available to you."
        assert "Open cases" not in parent.all_text and "How urgent" not in parent.all_text
    assert await escalations(core) == []
