"""A staff group (a forum supergroup) and families, driven without Telegram.

The staff chat's messages and buttons are events with private=False; the family talks through the
Chat driver. The card is "posted" by writing where it lives (uow.cases.set_card), as the delivery
of cards to the staff chat does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select, update

from bot.bootstrap import build_core
from dialogs.events import Event, Kind, Response
from storage.models import OutboxMessage
from tests.conftest import onboard_parent

GROUP = -100123
TOPIC = 77
CARD = 500
INES, PAUL, STRANGER = 7001, 7002, 9999
PARENT = 901


@pytest.fixture
async def core(db_url, clock):
    core = await build_core(db_url, bot_username="relier_test_bot", default_locale="en", clock=clock)
    yield core
    await core.close()


@dataclass
class Group:
    """The staff group: who says what, in which topic."""

    core: object
    clock: object
    chat_id: int = GROUP
    last: Response = field(default_factory=Response)
    _next_id: int = 1000

    async def _send(self, user_id: int, kind: Kind, **values) -> Response:
        self._next_id += 1
        values.setdefault("message_id", self._next_id)
        event = Event(user_id=user_id, chat_id=self.chat_id, kind=kind, at=self.clock.now(), language_code="en",
                      private=False, **values)
        self.last = await self.core.dialogs.handle(event)
        return self.last

    async def press(self, user_id: int, data: str, message_id: int = CARD) -> Response:
        return await self._send(user_id, Kind.BUTTON, data=data, message_id=message_id)

    async def say(self, user_id: int, text: str, thread_id: int | None = TOPIC, **values) -> Response:
        return await self._send(user_id, Kind.TEXT, text=text, thread_id=thread_id, **values)

    async def media(self, user_id: int, media: str = "photo", thread_id: int | None = TOPIC, **values) -> Response:
        return await self._send(user_id, Kind.MEDIA, media=media, thread_id=thread_id, **values)

    async def command(self, user_id: int, name: str, argument: str = "") -> Response:
        return await self._send(user_id, Kind.COMMAND, command=name, text=argument)


@pytest.fixture
def group(core, clock) -> Group:
    return Group(core, clock)


async def add_staff(core, centre_id: int, telegram_id: int, name: str, role: str = "psychologist"):
    async with core.store.unit_of_work() as uow:
        person = await uow.people.add_staff(telegram_id, centre_id, name, role)
        await uow.commit()
    return person


async def name(core, telegram_id: int, first_name: str) -> None:
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(telegram_id)
        await uow.people.note_name(person.id, first_name)
        await uow.commit()


async def ask_for_talk(chat, urgent: bool = False) -> None:
    await chat.command("menu")
    await chat.press("Talk to someone")
    await chat.press("Talk to a psychologist")
    await chat.press("Yes, it's urgent" if urgent else "No, it can wait a few days")
    await chat.press("Skip")
    await chat.press("Send my request")


async def family_with_case(core, chat, first_name: str = "Marie", urgent: bool = False) -> int:
    """A parent (child Léo, 12) who asked to talk; the case's card is in the group's topic. The case id."""
    await onboard_parent(chat)
    await name(core, chat.user_id, first_name)
    await ask_for_talk(chat, urgent)
    async with core.store.unit_of_work() as uow:
        person = await uow.people.by_telegram_id(chat.user_id)
        case = await uow.cases.open_for(person.id)
        await uow.cases.set_card(case.id, GROUP, CARD + case.id - 1, TOPIC + case.id - 1)
        await uow.commit()
    await pending(core)  # what onboarding queued is not what the tests look at
    return case.id


async def pending(core) -> list[OutboxMessage]:
    """The pending outbox rows (payload decoded), in order; marked sent so the next call sees only new ones."""
    async with core.store.engine.begin() as conn:
        rows = (await conn.execute(select(OutboxMessage).where(OutboxMessage.state == "pending")
                                   .order_by(OutboxMessage.id))).all()
        await conn.execute(update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows])).values(state="sent"))
    return [Row(r.chat_id, r.thread_id, json.loads(r.payload), bool(r.urgent), r.kind) for r in rows]


@dataclass(frozen=True)
class Row:
    chat_id: int
    thread_id: int | None
    payload: dict
    urgent: bool
    kind: str


async def close(group, who: int, case_id: int, outcome: str) -> None:
    """Choose the outcome, then confirm (a request to talk is a high case: closing it asks to confirm)."""
    await group.press(who, f"case|out|{case_id}|{outcome}")
    assert f"case|ok|{case_id}|{outcome}" in datas(group.last.replies[0])
    await group.press(who, f"case|ok|{case_id}|{outcome}")


async def case(core, case_id: int):
    async with core.store.unit_of_work() as uow:
        return await uow.cases.get(case_id)


async def trail(core, case_id: int) -> list[tuple]:
    async with core.store.unit_of_work() as uow:
        return [(actor, action, detail) for _at, actor, action, detail in await uow.cases.audit_trail(case_id)]


def labels(reply) -> list[str]:
    return [b.text for row in reply.buttons for b in row]


def datas(reply) -> list[str]:
    return [b.data for row in reply.buttons for b in row]
