"""The python-telegram-bot 22 adapter: bot.telegram.TelegramClient on PTB's Bot (RELIER_FRAMEWORK=ptb)."""
