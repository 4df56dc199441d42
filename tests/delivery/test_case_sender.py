"""The Telegram side of case rows, with a stub client (bot.telegram.TelegramClient): what is asked
of Telegram, in which order."""

from __future__ import annotations

from bot.delivery.case_sender import CasePrepared, CaseSender
from bot.telegram.client import ChatInfo, Sent
from bot.telegram.errors import BadRequest, Migrated
from dialogs.cases.announce import open_or_raise

OLD, NEW = -4_900_001, -1_001_900_000_777


class StubBot:
    """A TelegramClient that answers like Telegram; `fail` maps (method, chat) to the error raised once."""

    def __init__(self, forums: set[int], fail: dict | None = None) -> None:
        self.forums, self.fail, self.calls, self._ids = forums, dict(fail or {}), [], 100

    def _call(self, method: str, chat_id: int, **details) -> int:
        """A new id (topic or message) for each call that succeeds."""
        self.calls.append((method, chat_id, details))
        error = self.fail.pop((method, chat_id), None)
        if error is not None:
            raise error
        self._ids += 1
        return self._ids

    async def get_chat(self, chat_id):
        self.calls.append(("getChat", chat_id, {}))
        return ChatInfo(chat_id, "supergroup", chat_id in self.forums)

    async def create_forum_topic(self, chat_id, name):
        return self._call("createForumTopic", chat_id, name=name)

    async def send_message(self, chat_id, text, *, buttons=(), thread_id=None, reply_to=None, html=True):
        return Sent(self._call("sendMessage", chat_id, thread=thread_id, reply_to=reply_to))

    async def edit_message_text(self, chat_id, message_id, text, *, buttons=(), html=True):
        self._call("editMessageText", chat_id, message_id=message_id)

    async def edit_forum_topic(self, chat_id, thread_id, name):
        self._call("editForumTopic", chat_id, thread=thread_id)


async def a_case(store, staff_chat: int):
    async with store.unit_of_work() as uow:
        centre = await uow.centres.add("Centre Test", "Europe/Paris", staff_chat_id=staff_chat)
        youth = await uow.people.add_youth(501, centre.id, None, None, "fr", uow.clock.now())
        case = await open_or_raise(uow, centre.id, youth.id, None, "urgent", "rule", "text", {"message": "help"})
        await uow.commit()
    return centre, case


async def claim(store):
    async with store.unit_of_work() as uow:
        rows = await uow.outbox.claim(10, 60, "test")
        await uow.commit()
    return rows


async def send_all(sender, store) -> None:
    for row in await claim(store):
        prepared = await sender.prepare(row)
        assert isinstance(prepared, CasePrepared)
        await sender.send(prepared)
        async with store.unit_of_work() as uow:  # recorded, as the dispatcher does: the chat's next rows may go
            await uow.outbox.mark_sent(row.id, "test")
            await uow.commit()


async def test_the_card_opens_a_topic_first_and_getchat_is_asked_once_per_chat(store):
    bot = StubBot({NEW})
    sender = CaseSender(bot, store, "fr")
    _centre, case = await a_case(store, NEW)
    await send_all(sender, store)
    async with store.unit_of_work() as uow:
        await open_or_raise(uow, case.centre_id, case.person_id, None, "urgent", "rule", "text", {})  # joins
        await uow.outbox.enqueue(NEW, {"type": "relay_in", "case": case.id, "text": "👤 Jo: hello"}, uow.clock.now())
        await uow.commit()
    await send_all(sender, store)
    assert [(m, c) for m, c, _d in bot.calls] == [("getChat", NEW), ("createForumTopic", NEW), ("sendMessage", NEW),
                                                  ("sendMessage", NEW)]
    topic = bot.calls[1][2]["name"]
    assert topic.startswith(f"#{case.id} · 🔴 ") and bot.calls[3][2]["thread"] == 101  # the relay in the topic


async def test_a_group_that_became_a_supergroup_is_followed(store):
    """Turning topics on makes a group a supergroup with a new id: Telegram says so once."""
    moved = Migrated(NEW, "Bad Request: group chat was upgraded to a supergroup chat")
    bot = StubBot({NEW}, {("sendMessage", OLD): moved})
    sender = CaseSender(bot, store, "fr")
    centre, case = await a_case(store, OLD)
    await send_all(sender, store)
    assert [(m, c) for m, c, _d in bot.calls] == [("getChat", OLD), ("sendMessage", OLD), ("getChat", NEW),
                                                  ("createForumTopic", NEW), ("sendMessage", NEW)]
    async with store.unit_of_work() as uow:
        assert (await uow.centres.get(centre.id)).staff_chat_id == NEW
        found = await uow.cases.get(case.id)
    assert (found.card_chat_id, found.topic_id, found.card_message_id) == (NEW, 101, 102)


async def test_a_card_deleted_by_hand_is_posted_again_in_its_topic(store):
    gone = BadRequest("Bad Request: message to edit not found")
    bot = StubBot({NEW})
    sender = CaseSender(bot, store, "fr")
    _centre, case = await a_case(store, NEW)
    await send_all(sender, store)
    bot.fail[("editMessageText", NEW)] = gone
    async with store.unit_of_work() as uow:  # the level rose: the card is edited, or posted again
        await uow.outbox.enqueue(NEW, {"type": "case_card", "case": case.id}, uow.clock.now(), key="again")
        await uow.commit()
    await send_all(sender, store)
    assert [(m, d.get("thread")) for m, _c, d in bot.calls[3:]] == [("editMessageText", None), ("sendMessage", 101)]
    async with store.unit_of_work() as uow:
        found = await uow.cases.get(case.id)
    assert (found.topic_id, found.card_message_id) == (101, 103)
