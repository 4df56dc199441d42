"""Settings from RELIER_* environment variables or a .env file."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RELIER_", env_file=".env", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite+aiosqlite:///relier.db"
    framework: Literal["aiogram", "ptb"] = "aiogram"
    default_locale: Literal["fr", "en"] = "fr"
    bot_username: str | None = Field(default=None, description="used for invite links when the bot is not running")
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8080
    webhook_secret: SecretStr | None = None
    log_level: str = "INFO"
    # Durable delivery (the outbox): see bot.runtime.
    session_reminders: str = Field(default="24h,2h", description="before a session: e.g. 1d, 24h, 2h, 90m; empty: none")
    send_per_second: float = Field(default=30, gt=0, le=1000, description="messages per second, all chats together")
    send_per_chat_per_second: float = Field(default=1, gt=0, le=100)
    send_per_group_per_minute: float = Field(default=20, gt=0, le=6000)
    outbox_lease_seconds: float = Field(default=120, ge=3, le=3600, description="a claimed row's lease")

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("session_reminders")
    @classmethod
    def _durations(cls, value: str) -> str:
        parse_durations(value)  # refused at start, not at the first reminder
        return value

    def reminder_offsets(self) -> tuple[timedelta, ...]:
        return parse_durations(self.session_reminders)

    @field_validator("bot_token", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value


DURATION = re.compile(r"^\s*(\d+)\s*([dhm])\s*$")
UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_durations(value: str) -> tuple[timedelta, ...]:
    """"24h,2h" -> (24 h, 2 h), longest first; units d, h, m; "" -> no reminder at all."""
    found = set()
    for part in filter(None, (p.strip() for p in value.split(","))):
        match = DURATION.match(part)
        if match is None or int(match.group(1)) == 0:
            raise ValueError(f"{part!r} is not a duration such as 1d, 24h, 2h or 90m")
        found.add(timedelta(**{UNITS[match.group(2)]: int(match.group(1))}))
    return tuple(sorted(found, reverse=True))
