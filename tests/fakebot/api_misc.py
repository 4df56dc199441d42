"""Bot API methods about the bot itself, updates, commands, chats and forum topics."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .model import ForumTopic, SimGroup, SimUser
from .registry import Handlers
from .spec import ApiError, bad_request
from .updates import Webhook

if TYPE_CHECKING:
    from .server import FakeTelegram

MEMBER_TYPES = {
    "creator": "ChatMemberOwner",
    "administrator": "ChatMemberAdministrator",
    "member": "ChatMemberMember",
    "restricted": "ChatMemberRestricted",
    "left": "ChatMemberLeft",
    "kicked": "ChatMemberBanned",
}
HANDLERS = Handlers()
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]+")
_COMMAND_RE = re.compile(r"[a-z0-9_]+")


@HANDLERS.on("getMe")
async def get_me(tg: FakeTelegram, p: dict) -> dict:
    return {**tg.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False, "can_connect_to_business": False,
            "has_main_web_app": False}


@HANDLERS.on("close")
async def close(tg: FakeTelegram, p: dict) -> bool:
    tg.closed = True
    return True


@HANDLERS.on("logOut")
async def log_out(tg: FakeTelegram, p: dict) -> bool:
    tg.logged_out = True
    return True


@HANDLERS.on("getFile")
async def get_file(tg: FakeTelegram, p: dict) -> dict:
    return tg.world.file(p["file_id"]).api()


# -- updates -----------------------------------------------------------------------------------
@HANDLERS.on("getUpdates")
async def get_updates(tg: FakeTelegram, p: dict) -> list[dict]:
    return await tg.updates.poll(p.get("offset"), p.get("limit"), p.get("timeout"),
                                 p.get("allowed_updates"))


@HANDLERS.on("setWebhook")
async def set_webhook(tg: FakeTelegram, p: dict) -> bool:
    url = p["url"]
    parts = urlsplit(url)
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get("secret_token")
    if secret is not None:
        bounds = tg.spec.limits["webhook_secret_token"]
        if not _SECRET_RE.fullmatch(secret) or len(secret) > bounds["max_chars"]:
            raise bad_request("secret token contains unallowed characters")
    if p.get("drop_pending_updates"):
        tg.updates.clear()
    webhook = Webhook(url=url, secret_token=secret, max_connections=p.get("max_connections", 40),
                      allowed_updates=p.get("allowed_updates"))
    tg.updates.set_webhook(webhook, tg.http_session())
    return True


@HANDLERS.on("deleteWebhook")
async def delete_webhook(tg: FakeTelegram, p: dict) -> bool:
    if p.get("drop_pending_updates"):
        tg.updates.clear()
    await tg.updates.delete_webhook()
    return True


@HANDLERS.on("getWebhookInfo")
async def get_webhook_info(tg: FakeTelegram, p: dict) -> dict:
    hook = tg.updates.webhook
    info: dict = {"url": hook.url if hook else "", "has_custom_certificate": False,
                  "pending_update_count": len(tg.updates.pending)}
    if hook is not None:
        info["max_connections"] = hook.max_connections
        if hook.allowed_updates is not None:
            info["allowed_updates"] = hook.allowed_updates
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


# -- commands ----------------------------------------------------------------------------------
def _commands_key(tg: FakeTelegram, p: dict) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    if "chat_id" in scope:
        tg.world.chat(scope["chat_id"])
    return json.dumps(scope, sort_keys=True), p.get("language_code") or ""


@HANDLERS.on("setMyCommands")
async def set_my_commands(tg: FakeTelegram, p: dict) -> bool:
    limits = tg.spec.limits["bot_command"]
    if len(p["commands"]) > limits["max_commands"]:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in p["commands"]:
        name = command["command"]
        if not _COMMAND_RE.fullmatch(name) or len(name) > limits["command_max_chars"]:
            raise bad_request("BOT_COMMAND_INVALID")
        if not command["description"].strip() or (
            len(command["description"]) > limits["description_max_chars"]
        ):
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    tg.world.commands[_commands_key(tg, p)] = [
        {"command": c["command"], "description": c["description"]} for c in p["commands"]
    ]
    return True


@HANDLERS.on("getMyCommands")
async def get_my_commands(tg: FakeTelegram, p: dict) -> list[dict]:
    return tg.world.commands.get(_commands_key(tg, p), [])


@HANDLERS.on("deleteMyCommands")
async def delete_my_commands(tg: FakeTelegram, p: dict) -> bool:
    tg.world.commands.pop(_commands_key(tg, p), None)
    return True


# -- chats -------------------------------------------------------------------------------------
def _filled(tg: FakeTelegram, type_name: str, obj: dict, flags: bool = False) -> dict:
    """Fill the required fields the spec lists that obj lacks (keeps us current with the spec)."""
    for name, field in tg.spec.types[type_name]["fields"].items():
        if not field["required"] or name in obj:
            continue
        kind = field["types"][0]
        if kind == "Boolean":
            obj[name] = flags and name.startswith("can_") and name != "can_be_edited"
        elif kind == "Integer":
            obj[name] = 0
        elif kind == "String":
            obj[name] = ""
        elif kind in tg.spec.types:
            obj[name] = _filled(tg, kind, {}, flags=True)
    return obj


@HANDLERS.on("getChat")
async def get_chat(tg: FakeTelegram, p: dict) -> dict:
    chat = tg.world.chat(p["chat_id"])
    info = {**chat.chat_api(), "max_reaction_count": 11}
    return _filled(tg, "ChatFullInfo", info)


def member_object(tg: FakeTelegram, user: dict, status: str) -> dict:
    """A ChatMember object of the type its status names, with the fields the spec requires."""
    return _filled(tg, MEMBER_TYPES[status], {"status": status, "user": user},
                   flags=status == "administrator")


@HANDLERS.on("getChatMember")
async def get_chat_member(tg: FakeTelegram, p: dict) -> dict:
    chat = tg.world.chat(p["chat_id"])
    user_id = p["user_id"]
    if user_id == tg.bot_user["id"]:
        user, status = tg.bot_user, "administrator" if isinstance(chat, SimGroup) else "member"
    elif user_id in tg.world.users:
        user = tg.world.users[user_id].api()
        if isinstance(chat, SimUser):
            if user_id != chat.id:
                raise bad_request("user not found")
            status = "kicked" if chat.blocked else "member"
        else:
            status = chat.members.get(user_id, "left")
    else:
        raise bad_request("user not found")
    return member_object(tg, user, status)


@HANDLERS.on("getChatAdministrators")
async def get_chat_administrators(tg: FakeTelegram, p: dict) -> list[dict]:
    """The group's creator and administrators, the bot itself included (it is an administrator of every
    group of the fake); other bots only with return_bots, as Telegram does."""
    chat = tg.world.chat(p["chat_id"])
    if not isinstance(chat, SimGroup):
        raise bad_request("there are no administrators in the private chat")
    admins = []
    for user_id, status in chat.members.items():
        user = tg.world.users[user_id]
        if status in ("creator", "administrator") and (not user.is_bot or p.get("return_bots")):
            admins.append(member_object(tg, user.api(), status))
    admins.append(member_object(tg, tg.bot_user, "administrator"))
    return admins


@HANDLERS.on("getChatMemberCount")
async def get_chat_member_count(tg: FakeTelegram, p: dict) -> int:
    """Everyone in the chat, bots and the bot itself included (Telegram counts them all)."""
    chat = tg.world.chat(p["chat_id"])
    if isinstance(chat, SimUser):
        return 2
    return 1 + sum(1 for status in chat.members.values() if status not in ("left", "kicked"))


# -- forum topics ------------------------------------------------------------------------------
def _forum(tg: FakeTelegram, p: dict) -> SimGroup:
    chat = tg.world.chat(p["chat_id"])
    if not isinstance(chat, SimGroup) or not chat.forum:
        raise bad_request("the chat is not a forum")
    return chat


def _topic(tg: FakeTelegram, p: dict) -> tuple[SimGroup, ForumTopic]:
    chat = _forum(tg, p)
    topic = chat.topics.get(p["message_thread_id"])
    if topic is None:
        raise bad_request("TOPIC_ID_INVALID")
    return chat, topic


def _check_topic_name(tg: FakeTelegram, name: str) -> None:
    bounds = tg.spec.limits["forum_topic_name"]
    if not bounds["min_chars"] <= len(name.strip()) <= bounds["max_chars"]:
        raise bad_request("TOPIC_TITLE_EMPTY" if not name.strip() else "TOPIC_TITLE_TOO_LONG")


@HANDLERS.on("createForumTopic")
async def create_forum_topic(tg: FakeTelegram, p: dict) -> dict:
    chat = _forum(tg, p)
    _check_topic_name(tg, p["name"])
    created = {"name": p["name"], "icon_color": p.get("icon_color", 0x6FB9F0)}
    service = tg.world.add_message(chat, tg.bot_user, kind="service",
                                   extra={"forum_topic_created": created})
    service.message_thread_id = service.message_id
    topic = ForumTopic(service.message_id, p["name"], created["icon_color"],
                       p.get("icon_custom_emoji_id"))
    chat.topics[topic.message_thread_id] = topic
    return topic.api()


@HANDLERS.on("editForumTopic")
async def edit_forum_topic(tg: FakeTelegram, p: dict) -> bool:
    _, topic = _topic(tg, p)
    name = p.get("name", topic.name)
    emoji = p.get("icon_custom_emoji_id", topic.icon_custom_emoji_id)
    _check_topic_name(tg, name)
    if (name, emoji) == (topic.name, topic.icon_custom_emoji_id):
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.name, topic.icon_custom_emoji_id = name, emoji
    return True


async def _set_closed(tg: FakeTelegram, p: dict, closed: bool) -> bool:
    _, topic = _topic(tg, p)
    if topic.closed == closed:
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.closed = closed
    return True


@HANDLERS.on("closeForumTopic")
async def close_forum_topic(tg: FakeTelegram, p: dict) -> bool:
    return await _set_closed(tg, p, True)


@HANDLERS.on("reopenForumTopic")
async def reopen_forum_topic(tg: FakeTelegram, p: dict) -> bool:
    return await _set_closed(tg, p, False)


@HANDLERS.on("deleteForumTopic")
async def delete_forum_topic(tg: FakeTelegram, p: dict) -> bool:
    chat, topic = _topic(tg, p)
    del chat.topics[topic.message_thread_id]
    for message in tg.world.history:
        if message.chat_id == chat.id and message.message_thread_id == topic.message_thread_id:
            message.deleted = True
    return True


def not_implemented(method: str, returns: list[str]) -> ApiError:
    return ApiError(
        501,
        f"fake Telegram: method {method} is not implemented (it returns {' or '.join(returns)}); "
        "extend tests/fakebot if the bot needs it",
    )
