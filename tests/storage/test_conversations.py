"""Where a person is in a dialog, on SQLite and PostgreSQL: saved with an optimistic version, so that of
two writers who read the same version only the first is kept and the second is told to read again;
on PostgreSQL, two instances on one database carry one dialog on."""

from __future__ import annotations

import asyncio

import pytest

from bot.bootstrap import build_core
from storage.errors import ConversationChanged
from tests.conftest import onboard_parent
from tests.support.chat import Chat

USER = 4242


async def load(store):
    async with store.unit_of_work() as uow:
        return (await uow.conversations.load_with_person(USER))[1]


async def save(store, record, step: str) -> None:
    async with store.unit_of_work() as uow:
        record.step = step
        await uow.conversations.save(record)
        await uow.commit()


async def test_a_save_from_a_stale_version_is_refused_and_the_other_kept(store):
    first = await load(store)
    assert (first.stored, first.version) == (False, 0)
    await save(store, first, "name")
    mine, theirs = await load(store), await load(store)
    assert mine.version == theirs.version == 1
    await save(store, theirs, "age")
    with pytest.raises(ConversationChanged):
        await save(store, mine, "school")
    now = await load(store)
    assert (now.step, now.version) == ("age", 2)


async def test_of_two_first_saves_the_second_is_told_the_conversation_changed(store):
    one, two = await load(store), await load(store)  # both find no conversation yet
    await save(store, one, "welcome")
    with pytest.raises(ConversationChanged):  # not a duplicate key error: the engine reads again and retries
        await save(store, two, "language")
    assert (await load(store)).step == "welcome"


async def two_stores(postgres_url, clock):
    one = await build_core(postgres_url, bot_username="relier_test_bot", clock=clock)
    two = await build_core(postgres_url, bot_username="relier_test_bot", clock=clock, migrate=False)
    return one, two


@pytest.mark.parametrize("first_save", [True, False])
async def test_on_postgresql_two_instances_saving_at_once_keep_one_and_tell_the_other(postgres_url, clock,
                                                                                     first_save):
    one, two = await two_stores(postgres_url, clock)
    try:
        if not first_save:
            await save(one.store, await load(one.store), "welcome")
        async with one.store.unit_of_work() as a, two.store.unit_of_work() as b:  # both open at once
            mine = (await a.conversations.load_with_person(USER))[1]
            theirs = (await b.conversations.load_with_person(USER))[1]
            mine.step, theirs.step = "mine", "theirs"
            await a.conversations.save(mine)  # holds the row (or the new key) until it commits
            waiting = asyncio.create_task(b.conversations.save(theirs))
            await a.commit()
            with pytest.raises(ConversationChanged):
                await asyncio.wait_for(waiting, timeout=10)
        kept = await load(two.store)
        assert (kept.step, kept.version) == ("mine", mine.version)
    finally:
        await one.close()
        await two.close()


class Alternating:
    """Updates of one person handed to two instances in turn, as a load balancer would."""

    def __init__(self, *instances) -> None:
        self.instances, self.count = instances, 0

    async def handle(self, event):
        self.count += 1
        return await self.instances[self.count % len(self.instances)].dialogs.handle(event)


async def test_on_postgresql_a_dialog_started_on_one_instance_goes_on_on_the_other(postgres_url, clock):
    one, two = await two_stores(postgres_url, clock)
    try:
        async with one.store.unit_of_work() as uow:
            await uow.centres.add("Centre Relier Test", "Europe/Paris")
            await uow.commit()
        chat = Chat(Alternating(one, two), clock, USER, "en")
        await onboard_parent(chat, children=(("Léo", "12", "middle"), ("Inès", "9", "primary")))
        assert chat.dialogs.count >= 10
        async with two.store.unit_of_work() as uow:
            person = await uow.people.by_telegram_id(USER)
            children = await uow.families.children(person.family_id)
        assert person.role == "parent" and [c.first_name for c in children] == ["Léo", "Inès"]
        # Both instances at once, for a person they have never seen: both answer, one conversation.
        newcomer = [Chat(instance.dialogs, clock, USER + 1, "en") for instance in (one, two)]
        answers = await asyncio.gather(*(c.command("start") for c in newcomer))
        assert all(answer.replies for answer in answers)
        started = await load_user(two.store, USER + 1)
        assert started.stored and (started.flow, started.step) == ("onb", "welcome")
    finally:
        await one.close()
        await two.close()


async def load_user(store, user_id):
    async with store.unit_of_work() as uow:
        return (await uow.conversations.load_with_person(user_id))[1]
