"""/link in a group: an administrator or a coordinator makes it the centre's staff chat."""

from __future__ import annotations

from tests.cases.conftest import GROUP, INES, PAUL, STRANGER, add_staff


async def staff_chat(core, centre_id: int):
    async with core.store.unit_of_work() as uow:
        return (await uow.centres.get(centre_id)).staff_chat_id


async def test_an_admin_links_the_group(core, centre, group):
    await add_staff(core, centre.id, PAUL, "Paul", "admin")
    await group.command(PAUL, "link")
    (reply,) = group.last.replies
    assert reply.chat_id == GROUP and "is now the staff chat of <b>Centre Relier Test</b>" in reply.text
    assert await staff_chat(core, centre.id) == GROUP


async def test_a_psychologist_or_a_stranger_cannot_link(core, centre, group):
    await add_staff(core, centre.id, INES, "Inès", "psychologist")
    await group.command(INES, "link")
    assert "Only an administrator or a coordinator" in group.last.replies[0].text
    await group.command(STRANGER, "link")
    assert "Only an administrator or a coordinator" in group.last.replies[0].text
    assert await staff_chat(core, centre.id) is None


async def test_other_group_messages_are_ignored(core, centre, group):
    await add_staff(core, centre.id, INES, "Inès")
    await group.command(INES, "menu")
    await group.say(INES, "hello", thread_id=None)
    await group.say(STRANGER, "hello", thread_id=12)
    assert group.last.replies == []
