"""Who is in a centre's staff chat, asked of the Bot API: on linking, and when someone joins.

Everyone in the staff chat reads every case card. Telegram lets a bot list a group's administrators
(getChatAdministrators), count its members (getChatMemberCount) and ask about one person
(getChatMember), not list the members: on linking, the administrators who are not staff are named,
the registered staff are looked up one by one, and the members left over are counted. Someone joining
later comes as a chat_member update (the bot is an administrator) and as a « joined » message (it is
not): either is enough, and a person is told about once. What is found is worded and queued by
dialogs.cases.members. Written once against bot.telegram.TelegramClient, for both frameworks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from bot.telegram.client import Member as ChatMember, TelegramClient
from bot.telegram.errors import TelegramError
from dialogs import logids
from dialogs.cases import members
from dialogs.cases.members import Member
from storage.store import Store

log = logging.getLogger("relier.telegram")

TOLD_AGAIN_AFTER = 600.0  # seconds: the chat_member update and the « joined » message are one event


class StaffChatWatch:
    def __init__(self, client: TelegramClient, store: Store, default_locale: str,
                 on_queued: Callable[[], None]) -> None:
        self._bot = client
        self._store = store
        self._default_locale = default_locale
        self._on_queued = on_queued  # the doorbell (dialogs.doorbell): the outbox has something
        self._told: dict[tuple[int, int], float] = {}

    async def linked(self, chat_id: int) -> int:
        """The group was just linked: tell the centre about members who are not its staff."""
        async with self._store.unit_of_work() as uow:
            place = await members.staff_chat(uow, chat_id)
        if place is None:
            return 0
        try:
            admins = await self._bot.get_chat_administrators(chat_id)
            count = await self._bot.get_chat_member_count(chat_id)
            present = {user_id for user_id in place.staff_ids if await self._is_member(chat_id, user_id)}
        except TelegramError as error:
            log.warning("staff chat members not checked chat=%s: %s", logids.chat(chat_id), type(error).__name__)
            return 0
        known = {a.user_id for a in admins} | present | {self._bot.bot_id}
        outsiders = [_member(a) for a in admins if a.user_id != self._bot.bot_id and a.user_id not in place.staff_ids]
        return await self._tell(chat_id, place, outsiders, max(0, count - len(known)))

    async def joined(self, chat_id: int, users: Sequence[ChatMember]) -> int:
        """Someone joined (or was added to) a group: if it is a staff chat and they are not staff, say so."""
        fresh = [u for u in users if u.user_id != self._bot.bot_id and not self._recently_told(chat_id, u.user_id)]
        if not fresh:
            return 0
        for user in fresh:  # before any await: the other update of the same arrival, handled meanwhile, finds it
            self._told[(chat_id, user.user_id)] = time.monotonic()
        async with self._store.unit_of_work() as uow:
            place = await members.staff_chat(uow, chat_id)
        if place is None:
            return 0
        outsiders = [_member(u) for u in fresh if u.user_id not in place.staff_ids]
        return await self._tell(chat_id, place, outsiders, 0)

    async def _is_member(self, chat_id: int, user_id: int) -> bool:
        try:
            member = await self._bot.get_chat_member(chat_id, user_id)
        except TelegramError:  # « user not found »: never met Telegram's servers as this id
            return False
        return member.present

    def _recently_told(self, chat_id: int, user_id: int) -> bool:
        now = time.monotonic()
        if len(self._told) > 1000:
            self._told = {k: t for k, t in self._told.items() if now - t < TOLD_AGAIN_AFTER}
        told = self._told.get((chat_id, user_id))
        return told is not None and now - told < TOLD_AGAIN_AFTER

    async def _tell(self, chat_id: int, place, outsiders: list[Member], unnamed: int) -> int:
        if not outsiders and not unnamed:
            return 0
        async with self._store.unit_of_work() as uow:
            queued = await members.tell_outsiders(uow, chat_id, place, outsiders, unnamed, self._default_locale)
            await uow.commit()
        if queued:
            self._on_queued()
        return queued


def _member(user: ChatMember) -> Member:
    return Member(user.user_id, user.first_name, user.is_bot)
