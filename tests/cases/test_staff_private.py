"""The staff's private chat: /cases lists the open cases by priority then age, /case N shows a card."""

from __future__ import annotations

from datetime import timedelta

from tests.cases.conftest import GROUP, INES, PAUL, add_staff, case, datas, family_with_case, pending


async def three_cases(core, centre, chat_for, clock):
    """Marie (not urgent, oldest), Sophie (urgent), Karim (not urgent, newest)."""
    ids = []
    for user_id, first_name, urgent in ((901, "Marie", False), (902, "Sophie", True), (903, "Karim", False)):
        ids.append(await family_with_case(core, chat_for(user_id, "en"), first_name, urgent))
        clock.advance(timedelta(minutes=30))
    return ids


async def test_cases_lists_the_open_cases_by_priority_then_age(core, centre, chat_for, clock):
    marie, sophie, karim = await three_cases(core, centre, chat_for, clock)
    await add_staff(core, centre.id, INES, "Inès")
    staff = chat_for(INES, "en")
    await staff.command("cases")
    text = staff.screen
    assert "Open cases" in text
    assert text.index(f"#{sophie}") < text.index(f"#{marie}") < text.index(f"#{karim}")
    assert "🔴 Urgent" in text and "Sophie (parent)" in text and "waiting for 1 hour" in text
    assert "waiting for 30 minutes" in text
    assert staff.labels()[:3] == [f"#{sophie} 🔴 Sophie (parent)", f"#{marie} 🟠 Marie (parent)",
                                  f"#{karim} 🟠 Karim (parent)"]

    await staff.press(f"#{marie} ")
    card = staff.last.replies[-1]
    assert card.chat_id == INES and f"<b>Case #{marie}</b>" in card.text and "Marie (parent)" in card.text
    assert "<b>Léo</b>, 12 years old" in card.text and "Asked to talk to someone (not urgent)" in card.text
    assert datas(card) == [f"case|take|{marie}", f"case|close|{marie}"]


async def test_take_works_from_the_private_card_too(core, centre, chat_for, clock):
    marie, _sophie, _karim = await three_cases(core, centre, chat_for, clock)
    ines = await add_staff(core, centre.id, INES, "Inès")
    staff = chat_for(INES, "en")
    await staff.command("case", str(marie))
    assert f"<b>Case #{marie}</b>" in staff.screen
    await staff.press("Take this case")
    assert staff.last.callback_text == f"You took case #{marie}."
    assert "Taken by <b>Inès, psychologist</b>" in staff.screen
    assert (await case(core, marie)).taken_by == ines.id
    rows = await pending(core)
    assert {r.chat_id for r in rows} == {901, GROUP}  # the family, and the case's topic where the card lives
    in_group = [r.payload for r in rows if r.chat_id == GROUP]
    assert {"type": "case_card", "case": marie} in in_group  # the card there is edited: taken
    assert any("Inès, psychologist took case" in p.get("text", "") for p in in_group)


async def test_case_n_is_only_for_the_staff_of_the_centre(core, centre, chat_for, clock):
    marie, _sophie, _karim = await three_cases(core, centre, chat_for, clock)
    async with core.store.unit_of_work() as uow:
        other = await uow.centres.add("Another centre", "Europe/Paris")
        await uow.commit()
    await add_staff(core, other.id, PAUL, "Paul")
    stranger = chat_for(PAUL, "en")
    await stranger.command("case", str(marie))
    assert "There is no case with this number in your centre" in stranger.screen
    await stranger.command("cases")
    assert "No open case in your centre" in stranger.screen
    await stranger.command("case", "abc")
    assert "There is no case with this number" in stranger.screen

    family = chat_for(901, "en")
    await family.command("cases")
    assert "I don't know this command" in family.screen
    await family.command("case", str(marie))
    assert "I don't know this command" in family.screen
    await family.press_data(f"case|take|{marie}")
    assert family.last.callback_text == "This button is for the centre's team only."
    assert (await case(core, marie)).taken_by is None


async def test_the_staff_menu_opens_the_cases(core, centre, chat_for, clock):
    await three_cases(core, centre, chat_for, clock)
    await add_staff(core, centre.id, INES, "Inès")
    staff = chat_for(INES, "en")
    await staff.command("menu")
    await staff.press("Open cases")
    assert "Open cases" in staff.screen and len(staff.labels()) == 5  # three cases, open one, menu
    assert "➕ Open a case for a family" in staff.labels()
    await staff.press("Menu")
    assert "Staff menu" in staff.screen
