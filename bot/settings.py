"""Settings from RELIER_* environment variables or a .env file."""

from __future__ import annotations

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

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("bot_token", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value
