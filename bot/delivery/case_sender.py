"""The Telegram side of case rows (dialogs.cases.render): topics, the card first, never a lost message.

In the staff chat, for a case:
- With topics (getChat once per chat: is_forum), a case without a topic gets one
  (createForumTopic, named « #12 · 🔴 Urgent · Léo »), stored at once, and the card is posted in it
  before anything else; the card's message id is stored. Without topics (or without the right to
  manage them), the card is posted in the chat and the case's later messages reply to it.
- A message to a topic deleted or closed by hand (« message thread not found », TOPIC_CLOSED,
  TOPIC_DELETED) forgets the topic, opens a fresh one, posts the card again, then the message.
  A card deleted by hand is posted again. A group that became a supergroup (its id changed) is
  followed: the centres' staff chat is updated and the message sent there. A group the bot can
  no longer write to (removed from it): the message goes privately to whoever took the case,
  else to each on-duty psychologist, and the row fails with code 400_staff_group_gone_sent
  (`relier outbox status`).
- A card row for a case whose card is posted edits it (and renames the topic): its level rose.
Privately (a psychologist without a staff chat, a family), the message is simply sent; photos and
voice notes are copies (copyMessage). Other Telegram errors are raised, for OutboxSender to map
to a SendResult. Written once against bot.telegram.TelegramClient, for both frameworks. Logs carry ids only, never a text.

Length and refusals: a text longer than Telegram's 4096 is sent in parts cut on text boundaries,
never through a tag or an entity (dialogs.cases.fit), its buttons on the last part; the card is
written to fit in one message, and shortened on a line if it still does not. A card or message
that Telegram refuses as HTML (any 400 other than a lost topic, card or group) is logged at
WARNING with the case id and sent again as plain text, with its buttons: an urgent card never
fails silently. Refused even then, it is logged at ERROR and the row fails.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any

from bot.telegram.client import TelegramClient
from bot.telegram.errors import BadRequest, Forbidden, Migrated, TelegramError
from dialogs.cases.fit import TEXT_MAX, plain_text, shorten_html, shorten_plain, split_html
from dialogs import logids
from dialogs.cases.render import CASE_TYPES, CaseMessage, card_and_topic, render_case_row
from dialogs.events import Reply
from storage.repos.outbox import OutboxRow
from storage.store import Store

log = logging.getLogger("relier.delivery")

THREAD_LOST = ("message thread not found", "topic_closed", "topic_deleted", "topic_id_invalid")
CARD_LOST = ("message to be replied not found", "replied message not found", "message to edit not found")
NOT_MODIFIED = ("message is not modified", "topic_not_modified")
GROUP_GONE = ("chat not found", "peer_id_invalid")
NOT_CONTENT = THREAD_LOST + CARD_LOST + NOT_MODIFIED + GROUP_GONE + (
    "user not found", "not enough rights", "have no rights", "chat_write_forbidden", "need administrator rights",
    "bot is not a member", "chat is deactivated",
)  # refusals that say nothing about the text: plain text would not help
ATTEMPTS = 4  # a lost topic, then a lost card, then a migrated chat: each found out once

__all__ = ["CASE_TYPES", "CasePrepared", "CaseSender"]


@dataclass(frozen=True)
class CasePrepared:
    row: OutboxRow = field(repr=False)
    message: CaseMessage = field(repr=False)
    forum: bool | None  # None: not known yet (getChat failed while preparing)

    @property
    def reply(self) -> Reply:
        """What OutboxSender reads of a prepared message (its chat), whatever its kind."""
        return self.message.reply or Reply(self.message.chat_id, "")


@dataclass
class Place:
    """Where a case is in one chat: its topic and its card (None: not there yet)."""

    chat_id: int
    thread: int | None
    card: int | None
    card_now: bool = False  # the card was posted by this send


def _code(error: TelegramError) -> str:
    """Telegram's reason in a few words, for a log line (never any of the message's text)."""
    return "_".join(error.message.lower().replace("bad request:", "").split()[:5])[:40]


def matches(error: TelegramError, markers: tuple[str, ...]) -> bool:
    return error.says(*markers)


class CaseSender:
    def __init__(self, client: TelegramClient, store: Store, default_locale: str = "fr") -> None:
        self._client = client
        self._store = store
        self._default_locale = default_locale
        self._forums: dict[int, bool] = {}  # chat id -> is_forum, asked once per chat
        # What this process last showed, so that an unchanged card or topic name is not edited again
        # (Telegram answers 400 "not modified"): (chat, card message) -> (text, buttons); (chat, topic) -> name.
        self._shown: dict[tuple[int, int], tuple[str, Any]] = {}
        self._names: dict[tuple[int, int], str] = {}

    async def prepare(self, row: OutboxRow) -> CasePrepared | None:
        forum: bool | None = None
        if row.chat_id < 0 and row.payload.get("type") != "copy":
            try:
                forum = await self.is_forum(row.chat_id)
            except TelegramError:  # asked again when sending, where the error counts
                forum = None
        async with self._store.unit_of_work() as uow:
            message = await render_case_row(uow, row, self._default_locale, bool(forum))
        return None if message is None else CasePrepared(row, message, forum)

    async def is_forum(self, chat_id: int) -> bool:
        if chat_id not in self._forums:
            chat = await self._client.get_chat(chat_id)
            self._forums[chat_id] = chat.is_forum
        return self._forums[chat_id]

    async def send(self, prepared: CasePrepared) -> None:
        message = prepared.message
        if not message.staff_chat:
            await self._post(message, Place(message.chat_id, None, None))
            return
        try:
            await self._send_to_group(prepared)
        except (Forbidden, BadRequest) as error:
            if not (isinstance(error, Forbidden) or matches(error, GROUP_GONE)):
                raise
            await self._fall_back(prepared.row, message.case)
            # Failed and visible, but not "unreachable": the group's next rows fall back one by one.
            raise BadRequest("Bad Request: staff group gone, sent privately", error.method) from error

    async def _send_to_group(self, prepared: CasePrepared) -> None:
        message = prepared.message
        case, chat_id = message.case, message.chat_id
        here = case.card_chat_id == chat_id
        place = Place(chat_id, case.topic_id if here else None, case.card_message_id if here else None)
        forum = prepared.forum
        for _attempt in range(ATTEMPTS):
            try:
                if forum is None:
                    forum = await self.is_forum(place.chat_id)
                message = await self._ensure(message, place, forum)
                if message.kind == "card":
                    if not place.card_now:
                        await self._edit_card(message, place, prepared.row.payload.get("refresh") is True)
                else:
                    await self._post(message, place)
                return
            except Migrated as error:
                await self._migrated(place.chat_id, error.new_chat_id)
                place, forum = Place(error.new_chat_id, None, None), None
            except BadRequest as error:
                if matches(error, THREAD_LOST) and place.thread is not None:
                    log.warning("case topic lost case=%s chat=%s topic=%s", case.id, logids.chat(place.chat_id),
                                place.thread)
                    await self._store_place(case.id, place.chat_id, None, None, "topic_lost")
                    place = Place(place.chat_id, None, None)
                elif matches(error, CARD_LOST) and place.card is not None and not place.card_now:
                    log.warning("case card lost case=%s chat=%s", case.id, logids.chat(place.chat_id))
                    await self._store_place(case.id, place.chat_id, None, place.thread, "card_lost")
                    place = Place(place.chat_id, place.thread, None)
                else:
                    raise
        raise BadRequest("Bad Request: case topic kept being lost")

    # -- the case's topic and card ---------------------------------------------------------

    async def _ensure(self, message: CaseMessage, place: Place, forum: bool) -> CaseMessage:
        """Open the case's topic if it has none (forum), post its card if this chat has none."""
        case = message.case
        if (forum and place.thread is None and not message.topic) or (place.card is None and message.card is None):
            message = await self._placement(message, place.chat_id, forum)  # not rendered: it was not needed
        if forum and place.thread is None:
            try:
                thread = await self._client.create_forum_topic(place.chat_id, message.topic)
            except BadRequest as error:  # no right to manage topics, or no topics any more
                log.warning("case topic refused case=%s chat=%s code=%s: posting in the chat", case.id,
                            logids.chat(place.chat_id), error.message.split(":")[-1].strip()[:40])
                self._forums[place.chat_id] = forum = False
                message = await self._placement(message, place.chat_id, forum)  # the card's wording changes
            else:
                place.thread, place.card = thread, None
                self._names[(place.chat_id, place.thread)] = message.topic
                await self._store_place(case.id, place.chat_id, None, place.thread, "topic")
        if place.card is None:
            card = message.card or message.reply
            assert card is not None
            sent = await self._send_text(case.id, place.chat_id, shorten_html(card.text, TEXT_MAX), card.buttons,
                                         place.thread, None, "card")
            place.card, place.card_now = sent.message_id, True
            self._shown[(place.chat_id, sent.message_id)] = (shorten_html(card.text, TEXT_MAX), card.buttons)
            await self._store_place(case.id, place.chat_id, sent.message_id, place.thread, "card")
        return message

    async def _edit_card(self, message: CaseMessage, place: Place, refresh: bool = False) -> None:
        """The card edited to what it says now (and its topic renamed). `refresh`: the card is brought up
        to date after a message, so it is left alone when this process already showed the same."""
        card = message.reply
        assert card is not None and place.card is not None
        text = shorten_html(card.text, TEXT_MAX)
        if not (refresh and self._shown.get((place.chat_id, place.card)) == (text, card.buttons)):
            try:
                try:
                    await self._client.edit_message_text(place.chat_id, place.card, text, buttons=card.buttons)
                except BadRequest as error:
                    if matches(error, NOT_CONTENT):
                        raise
                    self._refused(message.case.id, place.chat_id, "card_edit", error)
                    await self._client.edit_message_text(place.chat_id, place.card, shorten_plain(plain_text(text)),
                                                      buttons=card.buttons, html=False)
            except BadRequest as error:
                if not matches(error, NOT_MODIFIED):
                    raise
            self._shown[(place.chat_id, place.card)] = (text, card.buttons)
        if place.thread is not None and message.topic and not (
                refresh and self._names.get((place.chat_id, place.thread)) == message.topic):
            try:
                await self._client.edit_forum_topic(place.chat_id, place.thread, message.topic)
            except BadRequest as error:  # the name is a nicety: the card is what matters
                if not matches(error, NOT_MODIFIED):
                    log.info("case topic not renamed case=%s chat=%s", message.case.id, logids.chat(place.chat_id))
            self._names[(place.chat_id, place.thread)] = message.topic

    async def _post(self, message: CaseMessage, place: Place) -> None:
        """The message itself: in the case's topic, or in reply to its card, or simply to the chat."""
        answer = None
        if place.thread is None and place.card is not None:
            answer = place.card
        if message.kind == "copy":
            assert message.from_chat is not None and message.message_id is not None
            await self._client.copy_message(place.chat_id, message.from_chat, message.message_id,
                                         thread_id=place.thread, caption=message.caption, reply_to=answer)
            return
        reply = message.reply
        assert reply is not None
        parts = split_html(reply.text, TEXT_MAX) or [reply.text]
        for number, part in enumerate(parts):
            last = number == len(parts) - 1
            await self._send_text(message.case.id if message.case is not None else None, place.chat_id, part,
                                  reply.buttons if last else (), place.thread, answer if number == 0 else None,
                                  message.kind)

    async def _send_text(self, case_id: int | None, chat_id: int, text: str, buttons, thread: int | None,
                         answer: int | None, what: str):
        """One message in HTML; refused for its content, the same as plain text, with its buttons."""
        try:
            return await self._client.send_message(chat_id, text, buttons=buttons, thread_id=thread, reply_to=answer)
        except BadRequest as error:
            if matches(error, NOT_CONTENT):
                raise
            self._refused(case_id, chat_id, what, error)
        try:
            return await self._client.send_message(chat_id, shorten_plain(plain_text(text)), buttons=buttons,
                                                thread_id=thread, reply_to=answer, html=False)
        except BadRequest as error:
            if not matches(error, NOT_CONTENT):
                log.error("case %s refused even as plain text case=%s chat=%s code=%s", what, case_id,
                          logids.chat(chat_id), _code(error))
            raise

    @staticmethod
    def _refused(case_id: int | None, chat_id: int, what: str, error: BadRequest) -> None:
        log.warning("case %s refused as HTML case=%s chat=%s code=%s: sent again as plain text", what, case_id,
                    logids.chat(chat_id), _code(error))

    async def _placement(self, message: CaseMessage, chat_id: int, forum: bool) -> CaseMessage:
        """The case's card and topic name for this chat, rendered now."""
        async with self._store.unit_of_work() as uow:
            card, topic = await card_and_topic(uow, message.case.id, chat_id, forum, self._default_locale)
        if card is None:
            return message
        return replace(message, card=card, topic=topic, reply=card if message.kind == "card" else message.reply)

    async def _fall_back(self, row: OutboxRow, case) -> None:
        """The bot cannot write to the staff group any more (removed from it, the group deleted):
        the same message goes privately to whoever took the case, else to each on-duty psychologist."""
        async with self._store.unit_of_work() as uow:
            taker = await uow.people.get(case.taken_by) if case.taken_by is not None else None
            people = [taker] if taker is not None else await uow.cases.staff(case.centre_id)
            for person in people:
                if person.unreachable_at is None:
                    await uow.outbox.enqueue(person.telegram_user_id, row.payload, uow.clock.now(), urgent=True,
                                             key=f"{row.key or row.id}:fallback:{person.telegram_user_id}"[:160],
                                             kind="alert", person_id=person.id)
            await uow.commit()
        log.warning("staff group unreachable case=%s chat=%s: sent privately to %d", case.id,
                    logids.chat(row.chat_id), len(people))

    async def _store_place(self, case_id: int, chat_id: int, card: int | None, thread: int | None,
                           what: str) -> None:
        async with self._store.unit_of_work() as uow:
            await uow.cases.set_card(case_id, chat_id, card, thread)
            await uow.cases.audit(case_id, None, what)
            await uow.commit()

    async def _migrated(self, old: int, new: int) -> None:
        """The staff group became a supergroup (turning topics on does that): follow it."""
        self._forums.pop(old, None)
        async with self._store.unit_of_work() as uow:
            for centre in await uow.centres.all():
                if centre.staff_chat_id == old:
                    await uow.centres.set_staff_chat(centre.id, new)
                    log.warning("staff chat migrated centre=%s chat=%s new_chat=%s", centre.id, logids.chat(old),
                                logids.chat(new))
            await uow.commit()
