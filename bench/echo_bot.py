"""The floor: a bare aiogram 3 echo bot, run as a subprocess by bench_updates.py.

It does the least any aiogram bot can do for the benchmark's load: every text is sent back
with sendMessage, every button press is answered (answerCallbackQuery) and its message edited
(editMessageText). No database, no dialogs, no HTML. Whatever our bot costs above this is ours.

    BOT_TOKEN=123456:TOKEN python bench/echo_bot.py --api http://127.0.0.1:PORT

It polls with aiogram's default settings and stops cleanly on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message


def build(token: str, api: str) -> tuple[Bot, Dispatcher]:
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message, bot: Bot) -> None:
        if message.text:
            await bot.send_message(message.chat.id, message.text)

    @dispatcher.callback_query()
    async def pressed(query: CallbackQuery, bot: Bot) -> None:
        await query.answer()
        if query.message is not None:
            # The text changes with every press of the walk, so Telegram accepts the edit.
            await bot.edit_message_text(
                text=f"Pressed: {query.data}",
                chat_id=query.message.chat.id,
                message_id=query.message.message_id,
            )

    return bot, dispatcher


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", required=True, help="Bot API server base URL")
    args = parser.parse_args()
    logging.basicConfig(level=os.environ.get("ECHO_LOG_LEVEL", "WARNING"))
    bot, dispatcher = build(os.environ["BOT_TOKEN"], args.api)
    asyncio.run(dispatcher.start_polling(bot))


if __name__ == "__main__":
    main()
