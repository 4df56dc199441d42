"""Everything the fake Bot API server sends, both frameworks can read.

A bot whose framework cannot parse one update stops answering everyone (aiogram fetches the same
batch again and again), so the fake must send every field that aiogram 3.31 (Bot API 10.3) and
python-telegram-bot 22.8 require. This drives the fake to produce every kind of update it can send
and every answer to the methods the bot uses, then parses each with aiogram (`Update.model_validate`,
the method's `__returning__` type) and with python-telegram-bot (`de_json` of the matching class).
"""

from __future__ import annotations

import inspect
import json
import typing

import aiohttp
import aiogram
import aiogram.methods
import aiogram.types
import pytest
import telegram
from aiogram.methods.base import Response, TelegramMethod
from aiogram.types.base import TelegramObject

from tests.fakebot import TINY_PNG, FakeTelegram
from tests.fakebot.spec import FACTS_PATH
from tests.fakebot.updates import update_type

KEYBOARD = {"inline_keyboard": [[{"text": "Oui", "callback_data": "yes"},
                                 {"text": "Site", "url": "https://example.org"}]]}
# What python-telegram-bot makes of each method's answer (the class its Bot method builds).
PTB_RESULT: dict[str, typing.Callable[[typing.Any, telegram.Bot], typing.Any]] = {
    "getMe": telegram.User.de_json,
    "sendMessage": telegram.Message.de_json,
    "editMessageText": telegram.Message.de_json,
    "sendPhoto": telegram.Message.de_json,
    "sendDocument": telegram.Message.de_json,
    "copyMessage": telegram.MessageId.de_json,
    "getUpdates": telegram.Update.de_list,
    "getChat": telegram.ChatFullInfo.de_json,
    "getChatAdministrators": telegram.ChatMember.de_list,
    "getChatMember": telegram.ChatMember.de_json,
    "createForumTopic": telegram.ForumTopic.de_json,
    "getChatMemberCount": lambda result, bot: result if isinstance(result, int) else None,
}
TRUE_RESULTS = {"answerCallbackQuery", "setMyCommands", "deleteWebhook", "setWebhook",
                "editForumTopic"}
USED_METHODS = set(PTB_RESULT) | TRUE_RESULTS
AIOGRAM_METHODS = {cls.__api_method__: cls
                   for _, cls in inspect.getmembers(aiogram.methods, inspect.isclass)
                   if issubclass(cls, TelegramMethod) and cls is not TelegramMethod}


@pytest.fixture
async def tg():
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def bots(tg):
    """An aiogram Bot and a python-telegram-bot Bot, for the objects' bot references only."""
    aiogram_bot = aiogram.Bot(tg.token)
    try:
        yield aiogram_bot, telegram.Bot(tg.token)
    finally:
        await aiogram_bot.session.close()


@pytest.fixture
async def api(tg):
    """Raw JSON calls to the fake, recording every successful answer as (method, result)."""
    answers: list[tuple[str, typing.Any]] = []

    async with aiohttp.ClientSession() as http:
        async def call(method: str, **params) -> typing.Any:
            async with http.post(tg.api_url(method), json=params) as response:
                body = await response.json()
            assert body["ok"], (method, body)
            answers.append((method, body["result"]))
            return body["result"]

        async def upload(method: str, field: str, data: bytes, filename: str, **params) -> dict:
            form = aiohttp.FormData()
            for name, value in params.items():
                form.add_field(name, value if isinstance(value, str) else json.dumps(value))
            form.add_field(field, data, filename=filename)
            async with http.post(tg.api_url(method), data=form) as response:
                body = await response.json()
            assert body["ok"], (method, body)
            answers.append((method, body["result"]))
            return body["result"]

        call.answers = answers  # type: ignore[attr-defined]
        call.upload = upload  # type: ignore[attr-defined]
        yield call


async def every_update(tg: FakeTelegram, api) -> None:
    """Make the fake produce each kind of update it can send."""
    parent = tg.user(first_name="Nadia", last_name="B.", username="nadia_b")
    youth = tg.user(first_name="Léo", language_code=None)
    staff = tg.user(first_name="Inès", language_code="en")
    owner = tg.user(first_name="Claire")
    group = tg.group(title="Parents", forum=False)
    forum = tg.group(title="Staff", forum=True)
    tg.add_member(forum, owner, status="creator")
    tg.add_member(forum, staff, status="administrator")
    tg.add_member(group, parent, status="restricted")

    await tg.send_text(parent, "/start")
    await tg.open_deep_link(youth, f"https://t.me/{tg.bot_username}?start=abc_123")
    said = await tg.send_text(parent, "Bonjour, mon fils ne va plus à l'école 😢")
    await tg.edit_user_message(parent, said, "Bonjour, ma fille ne va plus à l'école")
    await tg.send_photo(parent, caption="le mot du collège")
    await tg.send_photo(parent)
    await tg.send_document(parent, caption="certificat")
    await tg.send_document(parent, b"a;b\n", "notes.csv", "text/csv")
    await tg.send_sticker(parent)
    await tg.send_voice(youth, duration=7)
    await tg.send_text(parent, "hello", chat=group)

    menu = await api("sendMessage", chat_id=parent.id, text="<b>Menu</b>", parse_mode="HTML",
                     reply_markup=KEYBOARD)
    await tg.send_text(parent, "une réponse", reply_to=menu)
    await tg.press(parent, menu, text="Oui")
    topic = await api("createForumTopic", chat_id=forum.id, name="#12 Nadia")
    thread = topic["message_thread_id"]
    card = await api("sendMessage", chat_id=forum.id, message_thread_id=thread, text="Carte",
                     reply_markup=KEYBOARD)
    await tg.press(staff, card, data="yes")
    await tg.send_text(staff, "Je m'en occupe", chat=forum, message_thread_id=thread)
    await tg.send_text(staff, "//entre nous", chat=forum, message_thread_id=thread, reply_to=card)
    await tg.send_photo(staff, chat=forum, message_thread_id=thread, caption="plan")
    await tg.send_voice(staff, chat=forum, message_thread_id=thread)
    await tg.send_sticker(staff, chat=forum)
    await tg.send_text(owner, "général", chat=forum)
    tg.join(forum, tg.user(first_name="Paul"))
    tg.join(forum, tg.user(first_name="Zoé"), status="administrator", added_by=owner)
    tg.block(youth)
    tg.unblock(youth)


async def every_answer(tg: FakeTelegram, api) -> None:
    """Make the fake answer each method the bot uses, in each shape the answer can take."""
    user = tg.user(first_name="Nadia")
    other = tg.user(first_name="Paul")
    gone = tg.user(first_name="Ana")
    banned = tg.user(first_name="Bob")
    group = tg.group(title="Parents")
    forum = tg.group(title="Staff", forum=True)
    for person, status in [(user, "creator"), (other, "administrator"), (gone, "left"),
                           (banned, "kicked")]:
        tg.add_member(forum, person, status=status)
    tg.add_member(group, other, status="restricted")
    tg.add_member(group, user)

    await api("getMe")
    await api("deleteWebhook", drop_pending_updates=False)
    await api("setMyCommands", commands=[{"command": "start", "description": "Commencer"}])
    await api("setMyCommands", commands=[{"command": "menu", "description": "Menu"}],
              language_code="en", scope={"type": "all_private_chats"})
    await tg.send_text(user, "/start")
    await api("getUpdates", allowed_updates=["message", "callback_query"])
    sent = await api("sendMessage", chat_id=user.id, text="Bonjour <i>Nadia</i>",
                     parse_mode="HTML", reply_markup=KEYBOARD)
    await api("sendMessage", chat_id=user.id, text="Suite", reply_parameters={
        "message_id": sent["message_id"]})
    query = await tg.press(user, sent, text="Oui")
    await api("getUpdates", offset=0)
    await api("answerCallbackQuery", callback_query_id=query["id"], text="Merci")
    await api("editMessageText", chat_id=user.id, message_id=sent["message_id"], text="Merci !")
    await api("editMessageText", chat_id=user.id, message_id=sent["message_id"], text="Merci",
              reply_markup=KEYBOARD)
    await api.upload("sendPhoto", "photo", TINY_PNG, "chart.png", chat_id=str(user.id),
                     caption="<b>12 semaines</b>", parse_mode="HTML")
    await api.upload("sendDocument", "document", b"BEGIN:VCALENDAR\r\n", "atelier.ics",
                     chat_id=str(user.id), caption="Atelier")
    topic = await api("createForumTopic", chat_id=forum.id, name="#1 Nadia",
                      icon_color=0xFFD67E)
    thread = topic["message_thread_id"]
    await api("editForumTopic", chat_id=forum.id, message_thread_id=thread, name="#1 Nadia ✅")
    await api("sendMessage", chat_id=forum.id, message_thread_id=thread, text="Carte")
    incoming = await tg.send_photo(user, caption="une photo")
    await api("copyMessage", chat_id=forum.id, from_chat_id=user.id,
              message_id=incoming["message_id"], message_thread_id=thread)
    await api.upload("sendDocument", "document", b"a;b\n", "inscrits.csv",
                     chat_id=str(forum.id), message_thread_id=str(thread))
    for chat in (user, group, forum):
        await api("getChat", chat_id=chat.id)
        await api("getChatMemberCount", chat_id=chat.id)
    for chat in (group, forum):
        await api("getChatAdministrators", chat_id=chat.id)
    for person in (user, other, gone, banned):
        await api("getChatMember", chat_id=forum.id, user_id=person.id)
    await api("getChatMember", chat_id=forum.id, user_id=tg.bot_user["id"])
    await api("getChatMember", chat_id=group.id, user_id=other.id)
    await api("getChatMember", chat_id=user.id, user_id=user.id)
    tg.block(gone)
    await api("getUpdates", allowed_updates=["message", "my_chat_member", "chat_member"])
    await api("setWebhook", url="https://bot.example.org/hook", secret_token="s3cret")


def aiogram_problem(bot: aiogram.Bot, returning: typing.Any, value: typing.Any) -> str | None:
    try:
        Response[returning].model_validate({"ok": True, "result": value}, context={"bot": bot})
    except Exception as error:  # noqa: BLE001 - any failure to parse is the finding
        return f"aiogram: {type(error).__name__}: {str(error)[:600]}"
    return None


def ptb_problem(parse: typing.Callable, value: typing.Any, bot: telegram.Bot) -> str | None:
    try:
        parsed = parse(value, bot)
    except Exception as error:  # noqa: BLE001
        return f"python-telegram-bot: {type(error).__name__}: {str(error)[:600]}"
    return None if parsed is not None else "python-telegram-bot: parsed to None"


async def test_every_update_the_fake_sends_parses_with_both_frameworks(tg, api, bots):
    aiogram_bot, ptb_bot = bots
    await every_update(tg, api)
    updates = tg.update_log
    kinds = {update_type(u) for u in updates}
    assert kinds == {"message", "edited_message", "callback_query", "my_chat_member",
                     "chat_member"}
    messages = [u[k] for u in updates for k in ("message", "edited_message") if k in u]
    contents = {next(k for k in ("text", "photo", "document", "sticker", "voice",
                                 "new_chat_members") if k in m) for m in messages}
    assert contents == {"text", "photo", "document", "sticker", "voice", "new_chat_members"}
    assert any(m.get("is_topic_message") for m in messages)
    assert any("reply_to_message" in m for m in messages)

    problems = []
    for update in updates:
        for problem in (aiogram_problem(aiogram_bot, aiogram.types.Update, update),
                        ptb_problem(telegram.Update.de_json, update, ptb_bot)):
            if problem:
                problems.append(f"{update_type(update)} {json.dumps(update)[:300]}\n  {problem}")
    assert problems == [], "\n".join(problems)


async def test_every_answer_the_fake_gives_parses_with_both_frameworks(tg, api, bots):
    aiogram_bot, ptb_bot = bots
    await every_answer(tg, api)
    answered = {method for method, _ in api.answers}
    assert answered == USED_METHODS
    problems = []
    for method, result in api.answers:
        problem = aiogram_problem(aiogram_bot, AIOGRAM_METHODS[method].__returning__, result)
        if method in TRUE_RESULTS:
            ptb = None if result is True else f"python-telegram-bot expects True, got {result!r}"
        else:
            ptb = ptb_problem(PTB_RESULT[method], result, ptb_bot)
        problems += [f"{method} {json.dumps(result)[:300]}\n  {p}" for p in (problem, ptb) if p]
    assert problems == [], "\n".join(problems)
    kinds = {m["status"] for method, r in api.answers if method == "getChatMember" for m in [r]}
    assert kinds == {"creator", "administrator", "member", "restricted", "left", "kicked"}


async def test_a_raw_update_is_delivered_as_it_is(tg, api, bots):
    """push_raw_update queues anything, even what no framework can parse (a poisoned update)."""
    aiogram_bot, ptb_bot = bots
    user = tg.user()
    poisoned = tg.push_raw_update({"message": {"message_id": 1, "chat": {"id": user.id}}})
    await tg.send_text(user, "ok")
    delivered = await api("getUpdates")
    assert delivered[0] == poisoned and delivered[0]["update_id"] < delivered[1]["update_id"]
    assert aiogram_problem(aiogram_bot, aiogram.types.Update, poisoned)
    assert ptb_problem(telegram.Update.de_json, poisoned, ptb_bot)
    assert aiogram_problem(aiogram_bot, aiogram.types.Update, delivered[1]) is None


def _required_by_aiogram() -> dict[str, set[str]]:
    required: dict[str, set[str]] = {}
    for name, cls in inspect.getmembers(aiogram.types, inspect.isclass):
        if not issubclass(cls, TelegramObject) or name != cls.__name__:
            continue
        fields = {f.alias or n for n, f in cls.model_fields.items() if f.is_required()}
        if fields:
            required[name] = fields
    return required


def test_the_facts_require_every_field_aiogram_requires():
    """The fake fills what the facts require, so the facts must require at least what aiogram does."""
    facts = json.loads(FACTS_PATH.read_text(encoding="utf-8"))
    assert facts["version"] == f"Bot API {aiogram.__api_version__}"
    missing = []
    for name, fields in _required_by_aiogram().items():
        known = facts["types"].get(name)
        if known is None or known.get("subtypes"):
            continue  # aiogram's own objects (ErrorEvent), and abstract types (one of their subtypes)
        missing += [f"{name}.{f}" for f in sorted(fields)
                    if not known["fields"].get(f, {}).get("required")]
    assert missing == []


def test_the_facts_require_every_field_python_telegram_bot_requires():
    """python-telegram-bot 22.8 follows Bot API 10.0: its required arguments must be required facts."""
    facts = json.loads(FACTS_PATH.read_text(encoding="utf-8"))
    missing = []
    for name, cls in inspect.getmembers(telegram, inspect.isclass):
        known = facts["types"].get(name)
        if not issubclass(cls, telegram.TelegramObject) or known is None or known.get("subtypes"):
            continue
        for arg, param in inspect.signature(cls.__init__).parameters.items():
            if arg in ("self", "api_kwargs") or param.default is not inspect.Parameter.empty:
                continue
            field = {"from_user": "from"}.get(arg, arg)
            if not known["fields"].get(field, {}).get("required"):
                missing.append(f"{name}.{field}")
    assert missing == []
