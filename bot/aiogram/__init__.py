"""The aiogram 3 adapter: bot.telegram.TelegramClient on aiogram's Bot (RELIER_FRAMEWORK=aiogram, the default)."""
