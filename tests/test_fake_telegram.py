"""The fake Bot API server itself, over real HTTP: it must reject what Telegram rejects."""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
import pytest
from aiohttp import web
from yarl import URL

from tests.fakebot import TINY_PNG, FakeTelegram, load_spec, parse_html
from tests.fakebot.server import HANDLERS
from tests.fakebot.spec import FACTS_PATH

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
KEYBOARD = {"inline_keyboard": [[{"text": "Oui", "callback_data": "yes"},
                                 {"text": "Site", "url": "https://example.org"}]]}


@pytest.fixture
async def tg():
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def api(tg, http):
    async def call(method: str, *, form: bool = False, **params) -> tuple[int, dict]:
        if form:
            data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
            request = http.post(tg.api_url(method), data=data)
        else:
            request = http.post(tg.api_url(method), json=params)
        async with request as response:
            return response.status, await response.json()
    return call


@pytest.fixture
def refusal(api):
    """The description of a call that must fail."""
    async def call(method: str, **params) -> str:
        status, body = await api(method, **params)
        assert status != 200 and not body["ok"], body
        return body["description"]
    return call


# -- the committed facts ---------------------------------------------------------------------------
def test_facts_are_facts_only():
    facts = json.loads(FACTS_PATH.read_text(encoding="utf-8"))
    assert facts["version"] == "Bot API 10.3"
    assert set(facts) == {"version", "methods", "types", "limits", "sources"}
    # Bot API 10.1 from the spec file, what 10.2 and 10.3 added from aiogram 3.31's own types.
    assert facts["sources"]["spec"].startswith("Bot API 10.1")
    assert facts["sources"]["newer"].startswith("aiogram 3.31")
    from_aiogram = facts["sources"]["from_aiogram"]
    assert "ChatMemberAdministrator.can_send_welcome_messages" in from_aiogram["fields"]
    assert facts["types"]["ChatMemberAdministrator"]["fields"]["can_send_welcome_messages"] == {
        "required": True, "types": ["Boolean"]}
    assert all(name in facts["types"] for name in from_aiogram["types"])
    assert all(name in facts["methods"] for name in from_aiogram["methods"])
    for method in facts["methods"].values():
        assert set(method) == {"params", "returns"}
        assert all(set(p) == {"types", "required"} for p in method["params"].values())
    for type_facts in facts["types"].values():
        assert set(type_facts) <= {"fields", "subtypes"}
        assert all(set(f) == {"types", "required"} for f in type_facts["fields"].values())
    send = facts["methods"]["sendMessage"]["params"]
    assert send["chat_id"] == {"required": True, "types": ["Integer", "String"]}
    assert facts["limits"]["callback_data"]["max_bytes"] == 64
    assert set(HANDLERS) <= set(facts["methods"])  # every implemented method exists


# -- HTML parse mode -------------------------------------------------------------------------------
@pytest.mark.parametrize("source, text, entity_types", [
    ("<b>Bonjour</b> &lt;3 &amp; <i>à</i>", "Bonjour <3 & à", ["bold", "italic"]),
    ('<a href="https://x.org/?a=1&amp;b=2">lien</a>', "lien", ["text_link"]),
    ('<pre><code class="language-python">x = 1</code></pre>', "x = 1", ["pre"]),
    ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st", ["spoiler", "spoiler"]),
    ("<blockquote expandable>q</blockquote><u>u</u><s>s</s>", "qus",
     ["expandable_blockquote", "underline", "strikethrough"]),
    ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> R&D', "👍 R&D", ["custom_emoji"]),
])
def test_html_parses_like_telegram(source, text, entity_types):
    parsed = parse_html(source)
    assert parsed.text == text
    assert [e["type"] for e in parsed.entities] == entity_types


async def _cut_off(tg, method: str) -> None:
    """A client that starts a call and hangs up before its form is whole."""
    url = URL(tg.api_url(method))
    _, writer = await asyncio.open_connection(url.host, url.port)
    writer.write(f"POST {url.path} HTTP/1.1\r\nHost: {url.host}\r\n"
                 "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ntimeout=".encode())
    await writer.drain()
    await asyncio.sleep(0.1)
    writer.close()
    await writer.wait_closed()
    await asyncio.sleep(0.2)


async def test_a_long_poll_cut_off_by_a_stopping_bot_is_not_an_error(tg, caplog):
    """A bot that stops cancels its getUpdates, sometimes mid-request: Telegram sees nothing wrong. A sendMessage
    cut off the same way is a message the bot gave up, and stays an error the end-to-end tests fail on."""
    with caplog.at_level(logging.ERROR, logger="aiohttp.server"):
        await _cut_off(tg, "getUpdates")
        assert [r for r in caplog.records if r.name == "aiohttp.server"] == []
        await _cut_off(tg, "sendMessage")
        assert [r for r in caplog.records if r.name == "aiohttp.server"] != []


# -- rejections over HTTP --------------------------------------------------------------------------
async def test_unknown_method_and_wrong_token(tg, http, api):
    assert await api("sendTelepathy", chat_id=1) == (
        404, {"ok": False, "error_code": 404, "description": "Not Found"})
    async with http.post(f"{tg.base_url}/bot999:WRONG/getMe") as response:
        assert response.status == 401
        assert await response.json() == {"ok": False, "error_code": 401,
                                         "description": "Unauthorized"}
    async with http.get(f"{tg.base_url}/file/bot{tg.token}/nothing/here") as response:
        assert response.status == 404
    assert [c.status for c in tg.rejected] == [404, 401]


async def test_parameters_are_checked_against_the_spec(tg, api, refusal):
    user = tg.user()
    assert await refusal("sendMessage", text="hi") == "Bad Request: chat_id is empty"
    assert await refusal("sendMessage", chat_id=user.id) == "Bad Request: message text is empty"
    assert await refusal("getUpdates", form=True, limit="lots") == (
        'Bad Request: field "limit" must be of type Integer')
    assert "BotCommand" in await refusal("setMyCommands", commands=[{"command": "start"}])
    assert await refusal("sendMessage", chat_id=user.id, text="x", reply_markup="{oops") == (
        "Bad Request: can't parse reply keyboard markup JSON object")
    # form data: numbers, booleans and JSON objects arrive as strings, and are accepted
    status, body = await api("sendMessage", form=True, chat_id=str(user.id), text="ok",
                             disable_notification="true", reply_markup=KEYBOARD)
    assert status == 200 and body["result"]["reply_markup"] == KEYBOARD


async def test_text_limits_are_counted_after_html_parsing(tg, api, refusal):
    user = tg.user()
    too_long = await refusal("sendMessage", chat_id=user.id, text="a" * 4097)
    assert too_long == "Bad Request: message is too long"
    bold = "<b>" + "a" * 4096 + "</b>"
    assert (await api("sendMessage", chat_id=user.id, parse_mode="HTML", text=bold))[0] == 200
    empty = await refusal("sendMessage", chat_id=user.id, parse_mode="HTML", text="<b></b> ")
    assert empty == "Bad Request: message text is empty"
    caption = await refusal("sendPhoto", chat_id=user.id, photo="x", caption="c" * 1025)
    assert caption == "Bad Request: message caption is too long"


@pytest.mark.parametrize("text, error", [
    ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<div>block</div>", 'Unsupported start tag "div" at byte offset 0'),
    ("3 < 4", 'Unsupported start tag "" at byte offset 2'),
    ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ("&nbsp;", 'Unsupported HTML entity "&nbsp;" at byte offset 0'),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
])
async def test_malformed_html_is_rejected(tg, api, text, error):
    user = tg.user()
    expected = {"ok": False, "error_code": 400,
                "description": f"Bad Request: can't parse entities: {error}"}
    assert await api("sendMessage", chat_id=user.id, text=text, parse_mode="HTML") == (400, expected)


async def test_keyboards_are_checked(tg, api, refusal):
    user = tg.user()

    def markup(**button):
        return {"inline_keyboard": [[{"text": "B", **button}]]}

    wide = markup(callback_data="é" * 32)  # 64 bytes
    assert (await api("sendMessage", chat_id=user.id, text="x", reply_markup=wide))[0] == 200
    for button, error in [
        ({"callback_data": "a" * 65}, "BUTTON_DATA_INVALID"),
        ({"callback_data": "é" * 33}, "BUTTON_DATA_INVALID"),
        ({"callback_data": ""}, "BUTTON_DATA_INVALID"),
        ({}, "Text buttons are unallowed"),
        ({"callback_data": "a", "url": "https://x.org"}, "exactly one"),
        ({"text": "", "callback_data": "a"}, "Text must be non-empty"),
    ]:
        assert error in await refusal("sendMessage", chat_id=user.id, text="x",
                                      reply_markup=markup(**button))


async def test_chats_blocking_and_edits(tg, api, refusal):
    user = tg.user()
    assert await refusal("sendMessage", chat_id=424242, text="x") == "Bad Request: chat not found"
    _, sent = await api("sendMessage", chat_id=user.id, text="<b>Q</b>", parse_mode="HTML",
                        reply_markup=KEYBOARD)
    message_id = sent["result"]["message_id"]
    same = dict(chat_id=user.id, message_id=message_id, text="<b>Q</b>", parse_mode="HTML",
                reply_markup=KEYBOARD)
    assert await api("editMessageText", **same) == (
        400, {"ok": False, "error_code": 400, "description": NOT_MODIFIED})
    same_look = await refusal("editMessageText", **{**same, "text": "<strong> Q</strong>"})
    assert same_look == NOT_MODIFIED
    status, body = await api("editMessageText", **{**same, "reply_markup": None})
    assert status == 200 and "reply_markup" not in body["result"]  # no markup = keyboard removed
    assert tg.sent[0].edits == 1 and tg.sent[0].buttons == []
    assert await refusal("editMessageText", chat_id=user.id, message_id=999, text="x") == (
        "Bad Request: message to edit not found")
    tg.block(user)
    blocked = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
    assert await api("sendMessage", chat_id=user.id, text="x") == (403, blocked)
    tg.unblock(user)
    assert (await api("sendMessage", chat_id=user.id, text="x"))[0] == 200


async def test_injected_failures_and_flood_limits(tg, api, refusal):
    user, group = tg.user(), tg.group()
    tg.fail_next("sendMessage", retry_after=3)
    assert await api("sendMessage", chat_id=user.id, text="x") == (429, {
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3}})
    assert (await api("sendMessage", chat_id=user.id, text="x"))[0] == 200
    tg.fail_next("sendMessage", status=502, chat_id=group.id)
    assert (await api("sendMessage", chat_id=user.id, text="x"))[0] == 200
    assert await refusal("sendMessage", chat_id=group.id, text="x") == "Bad Gateway"
    assert tg.rejected == [] and [c.injected for c in tg.calls] == [True, False, False, True]
    tg.enforce_limits(per_chat_per_second=1)
    assert (await api("sendMessage", chat_id=group.id, text="one"))[0] == 200
    status, body = await api("sendMessage", chat_id=group.id, text="two")
    assert status == 429 and body["parameters"]["retry_after"] >= 1
    assert [s.chat_id for s in tg.send_log] == [user.id, user.id, group.id]


async def test_callback_queries(tg, api, refusal):
    user = tg.user()
    _, sent = await api("sendMessage", chat_id=user.id, text="Q", reply_markup=KEYBOARD)
    query = await tg.press(user, sent["result"], text="Oui")
    assert query["data"] == "yes" and query["message"]["text"] == "Q"
    updates = (await api("getUpdates"))[1]["result"]
    assert updates[-1]["callback_query"]["id"] == query["id"]
    assert (await api("answerCallbackQuery", callback_query_id=query["id"], text="Noté"))[0] == 200
    assert tg.callback_answers[query["id"]].text == "Noté"
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    assert await refusal("answerCallbackQuery", callback_query_id=query["id"]) == too_old
    assert await refusal("answerCallbackQuery", callback_query_id="123") == too_old
    with pytest.raises(AssertionError, match="no button"):
        await tg.press(user, sent["result"], text="Non")
    with pytest.raises(AssertionError, match="not a callback button"):
        await tg.press(user, sent["result"], text="Site")
    forged = await tg.press_raw(user, sent["result"], "admin:delete-all")
    assert forged["data"] == "admin:delete-all"
    await api("getUpdates", offset=updates[-1]["update_id"] + 1)
    with pytest.raises(AssertionError, match="never answered"):
        await tg.settle(timeout=0.1, quiet=0.01)


async def test_long_polling_wakes_on_update_and_respects_offset(tg, api):
    user = tg.user()
    poll = asyncio.create_task(api("getUpdates", timeout=10))
    await asyncio.sleep(0.05)
    assert not poll.done()
    loop = asyncio.get_running_loop()
    started = loop.time()
    await tg.send_text(user, "/start abc")
    status, body = await asyncio.wait_for(poll, 2)
    assert loop.time() - started < 1
    message = body["result"][0]["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    await tg.send_sticker(user)
    update_id = body["result"][0]["update_id"]
    body = (await api("getUpdates", offset=update_id + 1, allowed_updates=["message"]))[1]
    assert [u["message"].get("sticker", {}).get("type") for u in body["result"]] == ["regular"]
    tg.block(user)  # my_chat_member is not in allowed_updates: dropped
    assert (await api("getUpdates", offset=body["result"][0]["update_id"] + 1))[1]["result"] == []
    tg.unblock(user)
    await tg.open_deep_link(user, "https://t.me/relier_test_bot?start=inv_Ab-9")
    latest = (await api("getUpdates", timeout=1))[1]["result"][-1]
    assert latest["message"]["text"] == "/start inv_Ab-9"
    with pytest.raises(AssertionError, match="payload"):
        await tg.open_deep_link(user, "https://t.me/relier_test_bot?start=" + "x" * 65)


async def test_webhook_delivery_and_conflict(tg, api):
    received: list[tuple[str | None, dict]] = []
    arrived = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        received.append((secret, await request.json()))
        arrived.set()
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        assert (await api("setWebhook", url="http://example.org/hook"))[0] == 400  # not HTTPS
        assert (await api("setWebhook", url=url, secret_token="s3cret"))[0] == 200
        assert (await api("getUpdates"))[0] == 409
        await tg.send_text(tg.user(), "hello")
        await asyncio.wait_for(arrived.wait(), 2)
        assert received[0][0] == "s3cret" and received[0][1]["message"]["text"] == "hello"
        arrived.clear()  # a raw update goes out as it is, only its update_id is the fake's
        raw = tg.push_raw_update({"update_id": 1, "message": {"text": "no chat, no date"}})
        await asyncio.wait_for(arrived.wait(), 2)
        assert received[1][1] == raw == {"update_id": received[0][1]["update_id"] + 1,
                                         "message": {"text": "no chat, no date"}}
        assert (await api("getWebhookInfo"))[1]["result"]["url"] == url
        assert (await api("deleteWebhook"))[0] == 200
        assert (await api("getUpdates"))[1]["result"] == []
    finally:
        await runner.cleanup()


async def test_uploads_topics_copies_and_unimplemented(tg, http, api, refusal):
    async def upload(method: str, **fields) -> dict:
        form = aiohttp.FormData()
        for name, value in fields.items():
            if isinstance(value, tuple):
                form.add_field(name, value[0], filename=value[1])
            else:
                form.add_field(name, str(value))
        async with http.post(tg.api_url(method), data=form) as response:
            return await response.json()

    user, staff = tg.user(), tg.group(title="Staff", forum=True)
    photo = (await upload("sendPhoto", chat_id=user.id, caption="<i>Plan</i>", parse_mode="HTML",
                          photo="attach://pic", pic=(TINY_PNG, "plan.png")))["result"]
    assert photo["caption"] == "Plan" and len(photo["photo"]) == 2
    assert tg.sent[-1].kind == "photo" and tg.sent[-1].file_bytes == TINY_PNG
    sent = await upload("sendDocument", chat_id=user.id, document=(b"a;b\n1;2\n", "seats.csv"))
    document = sent["result"]["document"]
    assert document["mime_type"] == "text/csv" and tg.sent[-1].file_name == "seats.csv"
    file = (await api("getFile", file_id=document["file_id"]))[1]["result"]
    async with http.get(f"{tg.base_url}/file/bot{tg.token}/{file['file_path']}") as response:
        assert await response.read() == b"a;b\n1;2\n"

    topic = (await api("createForumTopic", chat_id=staff.id, name="Case 12"))[1]["result"]
    thread = topic["message_thread_id"]
    status, body = await api("sendMessage", chat_id=staff.id, message_thread_id=thread, text="new")
    assert body["result"]["is_topic_message"] and body["result"]["message_thread_id"] == thread
    assert await refusal("sendMessage", chat_id=staff.id, message_thread_id=thread + 50,
                         text="x") == "Bad Request: message thread not found"
    assert (await api("closeForumTopic", chat_id=staff.id, message_thread_id=thread))[0] == 200
    incoming = await tg.send_text(user, "Merci")
    copied = (await api("copyMessage", chat_id=staff.id, from_chat_id=user.id,
                        message_id=incoming["message_id"], message_thread_id=thread))[1]
    assert tg.chat_messages(staff)[-1].text == "Merci" and "message_id" in copied["result"]
    forwarded = (await api("forwardMessage", chat_id=staff.id, from_chat_id=user.id,
                           message_id=incoming["message_id"]))[1]["result"]
    assert forwarded["forward_origin"]["sender_user"]["id"] == user.id

    spec = load_spec()
    for result, type_name in [(photo, "Message"), (topic, "ForumTopic"), (forwarded, "Message")]:
        assert spec.check_value(type_name, result) is None
    assert (await api("setChatTitle", chat_id=staff.id, title="Équipe"))[1]["result"] is True
    options = [{"text": "a"}, {"text": "b"}]
    status, body = await api("sendPoll", chat_id=user.id, question="?", options=options)
    assert status == 501 and "not implemented" in body["description"]


async def test_responses_carry_what_the_spec_requires(tg, api):
    spec, user, staff = load_spec(), tg.user(), tg.group()
    tg.add_member(staff, user, status="administrator")
    await tg.send_voice(user)
    await tg.send_photo(user, caption="vu")
    await tg.send_document(user)
    checks = [
        ("getMe", {}, "User"),
        ("getChat", {"chat_id": user.id}, "ChatFullInfo"),
        ("getChat", {"chat_id": staff.id}, "ChatFullInfo"),
        ("getChatMember", {"chat_id": staff.id, "user_id": user.id}, "ChatMember"),
        ("getChatMember", {"chat_id": staff.id, "user_id": 123456}, "ChatMember"),
        ("getWebhookInfo", {}, "WebhookInfo"),
        ("sendMessage", {"chat_id": user.id, "text": "x", "reply_markup": KEYBOARD}, "Message"),
        ("getUpdates", {}, "Array of Update"),
    ]
    for method, params, type_name in checks:
        status, body = await api(method, **params)
        assert status == 200, body
        assert spec.check_value(type_name, body["result"]) is None, (method, body["result"])
    member = (await api("getChatMember", chat_id=staff.id, user_id=user.id))[1]["result"]
    assert member["status"] == "administrator" and member["can_manage_chat"] is True
    kinds = [next(k for k in ("voice", "photo", "document") if k in u["message"])
             for u in (await api("getUpdates"))[1]["result"]]
    assert kinds == ["voice", "photo", "document"]


async def test_commands_actions_deletes_and_people(tg, api, http, refusal):
    user, staff = tg.user(), tg.group()
    commands = [{"command": "start", "description": "Commencer"}]
    assert (await api("setMyCommands", commands=commands, language_code="fr"))[0] == 200
    assert (await api("getMyCommands", language_code="fr"))[1]["result"] == commands
    assert (await api("getMyCommands"))[1]["result"] == []
    bad = [{"command": "Start!", "description": "x"}]
    assert await refusal("setMyCommands", commands=bad) == "Bad Request: BOT_COMMAND_INVALID"
    assert (await api("deleteMyCommands", language_code="fr"))[0] == 200
    assert (await api("sendChatAction", chat_id=user.id, action="typing"))[0] == 200
    await refusal("sendChatAction", chat_id=user.id, action="dancing")
    assert tg.chat_actions == [(user.id, "typing")]
    sent = (await api("sendMessage", chat_id=user.id, text="x", reply_markup=KEYBOARD))[1]["result"]
    ids = {"chat_id": user.id, "message_id": sent["message_id"]}
    assert await refusal("editMessageReplyMarkup", **ids, reply_markup=KEYBOARD) == NOT_MODIFIED
    assert (await api("editMessageReplyMarkup", **ids))[0] == 200
    assert (await api("deleteMessage", **ids))[0] == 200
    assert await refusal("deleteMessage", **ids) == "Bad Request: message to delete not found"
    assert tg.sent[0].deleted and tg.chat_messages(user) == []
    with pytest.raises(AssertionError, match="does not exist"):
        await tg.press(user, sent, data="yes")
    with pytest.raises(AssertionError, match="not a member"):
        await tg.send_text(user, "bonjour", chat=staff)
    tg.add_member(staff, user)
    said = await tg.send_text(user, "bonjour", chat=staff)
    await tg.edit_user_message(user, said, "bonsoir")
    async with http.get(tg.api_url("getUpdates"), params={"offset": "-1"}) as response:
        last = (await response.json())["result"]
    assert last[0]["edited_message"]["text"] == "bonsoir" and last[0]["edited_message"]["edit_date"]
    assert (await api("logOut"))[0] == 200 and tg.logged_out


async def test_next_reply_follows_the_conversation(tg, api):
    user = tg.user()

    async def bot() -> None:  # a tiny bot answering over HTTP
        updates = (await api("getUpdates", timeout=5))[1]["result"]
        chat_id = updates[0]["message"]["chat"]["id"]
        await api("sendMessage", chat_id=chat_id, text="Bonjour")
        await api("sendMessage", chat_id=chat_id, text="Menu", reply_markup=KEYBOARD)
        await api("sendMessage", chat_id=chat_id, text="<oops>", parse_mode="HTML")

    task = asyncio.create_task(bot())
    await tg.send_text(user, "/start")
    assert (await tg.next_reply(user)).text == "Bonjour"
    menu = await tg.next_reply(user)
    assert menu.buttons == [[("Oui", "yes"), ("Site", "https://example.org")]]
    with pytest.raises(AssertionError, match="sendMessage was rejected"):
        await tg.next_reply(user, timeout=2)
    await task
    await tg.settle(quiet=0.01)
    assert [m.text for m in tg.replies(user)] == ["Bonjour", "Menu"]
    mark = tg.mark()
    with pytest.raises(AssertionError, match="no bot message"):
        await tg.wait_for_message(user, after=mark, timeout=0.05)


async def test_real_aiogram_bot_against_the_fake(tg):
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

    bot = Bot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
    try:
        user = tg.user(first_name="Nadia")
        me = await bot.get_me()
        assert me.username == "relier_test_bot"
        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.05)  # the long poll is waiting
        await tg.send_text(user, "/start")
        updates = await asyncio.wait_for(poll, 3)
        assert updates[0].message.text == "/start"
        button = InlineKeyboardButton(text="Oui", callback_data="yes")
        keyboard = InlineKeyboardMarkup(inline_keyboard=[[button]])
        sent = await bot.send_message(user.id, "<b>Ça va ?</b>", parse_mode="HTML",
                                      reply_markup=keyboard)
        assert tg.sent[-1].text == "Ça va ?" and tg.sent[-1].html == "<b>Ça va ?</b>"
        query = await tg.press(user, tg.sent[-1], text="Oui")
        assert await bot.answer_callback_query(query["id"], text="Merci")
        edited = await bot.edit_message_text("Merci !", chat_id=user.id, message_id=sent.message_id)
        assert edited.text == "Merci !" and tg.sent[-1].buttons == []
        photo = await bot.send_photo(user.id, BufferedInputFile(TINY_PNG, "p.png"), caption="Plan")
        assert photo.photo[-1].file_id and tg.sent[-1].file_bytes == TINY_PNG
        tg.assert_no_rejections()
    finally:
        await bot.session.close()
