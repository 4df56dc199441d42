"""python-telegram-bot 22's requests, against the fake Bot API server over real HTTP.

PTB sends form-encoded parameters with JSON-encoded nested values (keyboards, commands, scopes,
lists) and multipart for files; aiogram sends the same calls its own way. The fake must accept
both as Telegram does, record the same thing, and still refuse what Telegram refuses.
"""

from __future__ import annotations

import asyncio

import pytest
import telegram
from telegram import BotCommand, BotCommandScopeAllPrivateChats, InlineKeyboardButton
from telegram import InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden

from tests.fakebot import TINY_PNG, FakeTelegram

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Oui", callback_data="yes"),
                                  InlineKeyboardButton("Site", url="https://example.org")]])


@pytest.fixture
async def tg():
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def bot(tg):
    """A PTB bot pointed at the fake: PTB appends the token to a base_url ending in /bot."""
    ptb = telegram.Bot(tg.token, base_url=f"{tg.base_url}/bot",
                       base_file_url=f"{tg.base_url}/file/bot")
    await ptb.initialize()  # getMe
    try:
        yield ptb
    finally:
        await ptb.shutdown()


def last_call(tg: FakeTelegram, method: str) -> dict:
    calls = tg.calls_to(method)
    assert calls and calls[-1].ok, (method, calls[-1:])
    return calls[-1].params


async def test_messages_buttons_and_edits(tg, bot):
    user = tg.user(first_name="Nadia")
    assert bot.username == tg.bot_username and tg.calls_to("getMe")[-1].ok
    sent = await bot.send_message(user.id, "<b>Ça va ?</b>", parse_mode="HTML",
                                  reply_markup=KEYBOARD)
    message = tg.last_message(user)
    assert (message.text, message.html) == ("Ça va ?", "<b>Ça va ?</b>")
    assert message.buttons == [[("Oui", "yes"), ("Site", "https://example.org")]]
    assert sent.message_id == message.message_id and sent.reply_markup == KEYBOARD
    assert last_call(tg, "sendMessage")["chat_id"] == user.id

    query = await tg.press(user, message, text="Oui")
    assert await bot.answer_callback_query(query["id"], text="Merci", show_alert=True)
    answer = tg.callback_answers[query["id"]]
    assert (answer.text, answer.show_alert) == ("Merci", True)

    edited = await bot.edit_message_text("Merci !", chat_id=user.id, message_id=sent.message_id)
    assert edited.text == "Merci !" and tg.last_message(user).buttons == []
    assert tg.last_message(user).edits == 1

    reply = await bot.send_message(user.id, "Suite", reply_parameters=telegram.ReplyParameters(
        sent.message_id), disable_notification=True, protect_content=False)
    assert reply.reply_to_message.message_id == sent.message_id
    assert last_call(tg, "sendMessage")["disable_notification"] is True
    tg.assert_no_rejections()


async def test_files_copies_and_topics(tg, bot):
    user, staff = tg.user(), tg.group(title="Staff", forum=True)
    photo = await bot.send_photo(user.id, TINY_PNG, caption="<i>12 semaines</i>",
                                 parse_mode="HTML", reply_markup=KEYBOARD)
    assert tg.last_message(user).kind == "photo" and tg.last_message(user).file_bytes == TINY_PNG
    assert tg.last_message(user).text == "12 semaines" and photo.caption == "12 semaines"
    ics = InputFile(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", filename="atelier.ics")
    document = await bot.send_document(user.id, ics, caption="Atelier")
    assert tg.last_message(user).file_name == "atelier.ics"
    assert document.document.file_name == "atelier.ics"

    topic = await bot.create_forum_topic(staff.id, "#12 Nadia", icon_color=0xFFD67E)
    thread = topic.message_thread_id
    assert staff.topics[thread].name == "#12 Nadia" and topic.icon_color == 0xFFD67E
    assert await bot.edit_forum_topic(staff.id, thread, name="#12 Nadia ✅")
    assert staff.topics[thread].name == "#12 Nadia ✅"
    card = await bot.send_message(staff.id, "Carte", message_thread_id=thread,
                                  reply_markup=KEYBOARD)
    assert card.is_topic_message and tg.last_message(staff).message_thread_id == thread
    csv = await bot.send_document(staff.id, InputFile(b"a;b\n", filename="inscrits.csv"),
                                  message_thread_id=thread)
    assert csv.message_thread_id == thread

    incoming = await tg.send_text(user, "Merci pour tout")
    copied = await bot.copy_message(staff.id, user.id, incoming["message_id"],
                                    message_thread_id=thread)
    copy = tg.last_message(staff)
    assert copy.message_id == copied.message_id and copy.text == "Merci pour tout"
    assert copy.message_thread_id == thread
    tg.assert_no_rejections()


async def test_chats_and_members(tg, bot):
    user, admin, staff = tg.user(first_name="Nadia"), tg.user(first_name="Inès"), tg.group()
    tg.add_member(staff, admin, status="creator")
    tg.add_member(staff, user)
    chat = await bot.get_chat(staff.id)
    assert (chat.id, chat.title) == (staff.id, staff.title)
    assert (await bot.get_chat(user.id)).first_name == "Nadia"
    admins = await bot.get_chat_administrators(staff.id)
    assert {(a.user.id, a.status) for a in admins} == {(admin.id, "creator"),
                                                       (tg.bot_user["id"], "administrator")}
    helper = tg.user(first_name="HelperBot")
    helper.is_bot = True
    tg.add_member(staff, helper, status="administrator")
    assert len(await bot.get_chat_administrators(staff.id)) == 2  # other bots only when asked
    # return_bots is Bot API 10.1, newer than PTB 22's 10.0: it goes as a raw form field.
    with_bots = await bot.get_chat_administrators(staff.id, api_kwargs={"return_bots": True})
    assert helper.id in {a.user.id for a in with_bots}
    assert last_call(tg, "getChatAdministrators")["return_bots"] is True
    assert await bot.get_chat_member_count(staff.id) == 4
    member = await bot.get_chat_member(staff.id, user.id)
    assert member.status == "member" and member.user.id == user.id
    me = await bot.get_chat_member(staff.id, bot.id)
    assert me.status == "administrator" and me.api_kwargs == {"can_send_welcome_messages": True}
    assert last_call(tg, "getChatMember")["user_id"] == bot.id
    tg.assert_no_rejections()


async def test_commands_polling_and_webhook(tg, bot):
    commands = [BotCommand("start", "Commencer"), BotCommand("menu", "Le menu")]
    assert await bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats(),
                                     language_code="fr")
    assert tg.world.commands == {('{"type": "all_private_chats"}', "fr"): [
        {"command": "start", "description": "Commencer"},
        {"command": "menu", "description": "Le menu"}]}
    assert await bot.delete_webhook(drop_pending_updates=True)

    user = tg.user()
    await tg.send_text(user, "/start")
    updates = await bot.get_updates(timeout=1, allowed_updates=["message", "callback_query",
                                                                "my_chat_member"])
    assert [u.message.text for u in updates] == ["/start"]
    assert last_call(tg, "getUpdates")["allowed_updates"] == ["message", "callback_query",
                                                              "my_chat_member"]
    poll = asyncio.create_task(bot.get_updates(offset=updates[-1].update_id + 1, timeout=5))
    await tg.send_text(user, "bonjour")
    assert [u.message.text for u in await asyncio.wait_for(poll, 4)] == ["bonjour"]

    assert await bot.set_webhook("https://bot.example.org/hook", secret_token="s3cret_-x",
                                 allowed_updates=["message"], max_connections=10)
    assert (tg.webhook.url, tg.webhook.secret_token) == ("https://bot.example.org/hook",
                                                         "s3cret_-x")
    assert (tg.webhook.allowed_updates, tg.webhook.max_connections) == (["message"], 10)
    assert await bot.delete_webhook()
    assert tg.webhook is None
    tg.assert_no_rejections()


async def test_the_fake_still_refuses_what_telegram_refuses(tg, bot):
    user = tg.user()
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 40)]])
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(user.id, "x", reply_markup=too_long)
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(user.id, "<b>oops", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(424242, "x")
    with pytest.raises(BadRequest, match="(?i)message thread not found"):
        await bot.send_message(tg.group(forum=True).id, "x", message_thread_id=99)
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start!", "x")])
    with pytest.raises(BadRequest, match="(?i)https url must be provided"):
        await bot.set_webhook("http://bot.example.org/hook")
    with pytest.raises(BadRequest, match="(?i)image_process_failed"):
        await bot.send_photo(user.id, InputFile(b"not an image", filename="x.png"))
    tg.block(user)
    with pytest.raises(Forbidden, match="(?i)blocked by the user"):
        await bot.send_message(user.id, "x")
    assert {c.method for c in tg.rejected} == {"sendMessage", "setMyCommands", "setWebhook",
                                               "sendPhoto"}


async def test_ptb_sends_forms_and_multipart(tg, bot):
    """What the tests above went through: form fields with JSON inside, multipart for files."""
    user = tg.user()
    await bot.send_message(user.id, "x", reply_markup=KEYBOARD)
    await bot.send_photo(user.id, TINY_PNG, reply_markup=KEYBOARD)
    await bot.get_me()
    encodings = {c.method: c.content_type for c in tg.calls}
    assert encodings == {"getMe": "",  # no parameters, no body
                         "sendMessage": "application/x-www-form-urlencoded",
                         "sendPhoto": "multipart/form-data"}
    assert tg.calls_to("sendPhoto")[-1].params["reply_markup"] == KEYBOARD.to_dict()
