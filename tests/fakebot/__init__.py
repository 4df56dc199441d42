"""A fake Telegram Bot API server for end-to-end tests (real HTTP on 127.0.0.1).

It validates every call against the committed Bot API facts (bot_api_facts.json, written by
tools/extract_bot_api.py) and answers like Telegram, errors included. The facts are Bot API 10.3:
10.1 from the spec file (shared/telegram-bot-api.json), and what 10.2 and 10.3 added from
aiogram 3.31's own types and methods; the extract's "sources" lists what came from aiogram.
Everything it sends carries the fields aiogram 3.31 and python-telegram-bot 22.8 require
(tests/test_bot_api_parsing.py parses it all with both).
"""

from .actions import TINY_PNG
from .model import ApiCall, CallbackQueryRecord, ChatMessage, ForumTopic, SimGroup, SimUser
from .server import FakeTelegram
from .spec import ApiError, BotApiSpec, UploadedFile, load_spec
from .telegram_html import HtmlParseError, ParsedText, escape_html, parse_html

__all__ = [
    "TINY_PNG",
    "ApiCall",
    "ApiError",
    "BotApiSpec",
    "CallbackQueryRecord",
    "ChatMessage",
    "FakeTelegram",
    "ForumTopic",
    "HtmlParseError",
    "ParsedText",
    "SimGroup",
    "SimUser",
    "UploadedFile",
    "escape_html",
    "load_spec",
    "parse_html",
]
