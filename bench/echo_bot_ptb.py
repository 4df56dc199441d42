"""The floor on python-telegram-bot: a bare PTB 22 `Application` echo bot, run by bench_updates.py.

The same work as bench/echo_bot.py (aiogram): every text is sent back with sendMessage, every
button press is answered (answerCallbackQuery) and its message edited (editMessageText). No
database, no dialogs, no HTML. Whatever our bot costs above this, on PTB, is ours.

    BOT_TOKEN=123456:TOKEN python bench/echo_bot_ptb.py --api http://127.0.0.1:PORT [--concurrent N]

`--concurrent` is PTB's `concurrent_updates`: 1 (PTB's default, `False`) handles one update at a
time, in order; N > 1 handles up to N side by side (`True` means 256). Otherwise PTB's defaults:
`ApplicationBuilder`, `run_polling()`. It stops cleanly on SIGTERM or SIGINT (PTB's own handlers).
"""

from __future__ import annotations

import argparse
import logging
import os

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await context.bot.send_message(message.chat_id, message.text)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    if query.message is not None:
        # The text changes with every press of the walk, so Telegram accepts the edit.
        await context.bot.edit_message_text(
            f"Pressed: {query.data}", chat_id=query.message.chat.id, message_id=query.message.message_id,
        )


def build(token: str, api: str, concurrent: int) -> Application:
    api = api.rstrip("/")
    builder = ApplicationBuilder().token(token).base_url(f"{api}/bot").base_file_url(f"{api}/file/bot")
    if concurrent > 1:
        builder = builder.concurrent_updates(concurrent)
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(pressed))
    return application


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", required=True, help="Bot API server base URL")
    parser.add_argument("--concurrent", type=int, default=1,
                        help="PTB's concurrent_updates: 1 = one at a time (PTB's default), N = up to N at once")
    args = parser.parse_args()
    logging.basicConfig(level=os.environ.get("ECHO_LOG_LEVEL", "WARNING"))
    # httpx logs every request at INFO, with the token in the URL.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    build(os.environ["BOT_TOKEN"], args.api, args.concurrent).run_polling()


if __name__ == "__main__":
    main()
