"""/link in a group: an administrator of the centre makes it the staff chat, once they confirmed."""

from __future__ import annotations

from tests.cases.conftest import GROUP, INES, PAUL, STRANGER, add_staff, datas, labels

OTHER_ADMIN = 7010


async def staff_chat(core, centre_id: int):
    async with core.store.unit_of_work() as uow:
        return (await uow.centres.get(centre_id)).staff_chat_id


async def link_log(core) -> list[tuple]:
    from sqlalchemy import select

    from storage.models_cases import AuditEntry

    async with core.store.engine.connect() as conn:
        rows = await conn.execute(select(AuditEntry.actor_id, AuditEntry.action).where(AuditEntry.action == "link"))
        return [tuple(r) for r in rows.all()]


async def test_an_admin_is_told_what_linking_means_and_links_once_they_confirm(core, centre, group):
    paul = await add_staff(core, centre.id, PAUL, "Paul", "admin")
    await group.command(PAUL, "link")
    (ask,) = group.last.replies
    assert "Make this group the staff chat of <b>Centre Relier Test</b>?" in ask.text
    assert "read every case card" in ask.text
    assert labels(ask) == ["✅ Yes, link this group", "✖️ Cancel"]
    assert await staff_chat(core, centre.id) is None  # nothing yet

    await group.press(PAUL, datas(ask)[0], message_id=42)
    (done,) = group.last.replies
    assert done.chat_id == GROUP and done.edit_message_id == 42
    assert "is now the staff chat of <b>Centre Relier Test</b>" in done.text
    assert await staff_chat(core, centre.id) == GROUP
    assert await link_log(core) == [(paul.id, "link")]

    await group.command(PAUL, "link")
    assert "already the staff chat of <b>Centre Relier Test</b>" in group.last.replies[0].text


async def test_cancel_links_nothing(core, centre, group):
    await add_staff(core, centre.id, PAUL, "Paul", "admin")
    await group.command(PAUL, "link")
    await group.press(PAUL, datas(group.last.replies[0])[1])
    assert "Nothing was changed" in group.last.replies[0].text
    assert await staff_chat(core, centre.id) is None


async def test_a_coordinator_a_psychologist_or_a_stranger_cannot_link(core, centre, group):
    await add_staff(core, centre.id, INES, "Inès", "psychologist")
    await add_staff(core, centre.id, 7003, "Chloé", "coordinator")
    for who in (INES, 7003, STRANGER):
        await group.command(who, "link")
        (reply,) = group.last.replies
        assert "Only an administrator of the centre can link this group." in reply.text and not reply.buttons
    assert await staff_chat(core, centre.id) is None


async def test_the_confirmation_is_checked_again_when_pressed(core, centre, group):
    """Someone else pressing the admin's button, or forged data for another centre, links nothing."""
    async with core.store.unit_of_work() as uow:
        other = await uow.centres.add("Autre centre", "Europe/Paris")
        await uow.commit()
    await add_staff(core, centre.id, PAUL, "Paul", "admin")
    await add_staff(core, other.id, OTHER_ADMIN, "Zoé", "admin")
    await add_staff(core, centre.id, INES, "Inès", "psychologist")
    await group.command(PAUL, "link")
    yes = datas(group.last.replies[0])[0]
    for who, data in ((INES, yes), (STRANGER, yes), (OTHER_ADMIN, yes), (PAUL, f"link|yes|{other.id}"),
                      (PAUL, "link|yes|x"), (PAUL, "link|maybe|1")):
        await group.press(who, data)
        assert group.last.replies == [] and group.last.callback_alert, (who, data)
    assert await staff_chat(core, centre.id) is None and await staff_chat(core, other.id) is None

    await group.press(PAUL, yes)  # the group becomes Paul's centre's: another centre cannot take it over
    await group.command(OTHER_ADMIN, "link")
    assert "already the staff chat of another centre" in group.last.replies[0].text
    await group.press(OTHER_ADMIN, f"link|yes|{other.id}")
    assert group.last.callback_alert and await staff_chat(core, other.id) is None
    assert await staff_chat(core, centre.id) == GROUP


async def test_other_group_messages_are_ignored(core, centre, group):
    await add_staff(core, centre.id, INES, "Inès")
    await group.command(INES, "menu")
    await group.say(INES, "hello", thread_id=None)
    await group.say(STRANGER, "hello", thread_id=12)
    assert group.last.replies == []
