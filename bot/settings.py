"""Settings from RELIER_* environment variables or a .env file."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Literal, Mapping

from dotenv import dotenv_values
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.crypto import Keyring


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
    updates_at_once: int | None = Field(default=None, ge=1, le=1000,
                                        description="updates handled side by side (a person's stay in order); "
                                                    "1: one at a time; unset: 32 on aiogram, 8 on python-telegram-bot")
    # Durable delivery (the outbox): see bot.runtime.
    session_reminders: str = Field(default="24h,2h", description="before a session: e.g. 1d, 24h, 2h, 90m; empty: none")
    send_per_second: float = Field(default=30, gt=0, le=1000, description="messages per second, all chats together")
    send_per_chat_per_second: float = Field(default=1, gt=0, le=100)
    send_per_group_per_minute: float = Field(default=20, gt=0, le=6000)
    outbox_lease_seconds: float = Field(default=120, ge=3, le=3600, description="a claimed row's lease")
    shutdown_grace_seconds: float = Field(default=10, ge=0, le=600,
                                          description="at SIGTERM, time for the updates and sends under way")
    health_port: int | None = Field(default=None, description="polling mode: serve /healthz and /metrics here")
    # Encryption at rest (storage.crypto; README "Encryption at rest and keys").
    data_key: SecretStr | None = Field(default=None, description="from `relier keys new`")
    data_keys_old: SecretStr | None = Field(default=None, description="keys before a rotation, comma separated")
    allow_plaintext: bool = Field(default=False, description="let `relier run` store families' words unencrypted")
    cache_dir: Path | None = Field(default=None, description="where the triage second stage's trained model is kept; "
                                                             "unset: $XDG_CACHE_HOME/relier or ~/.cache/relier")

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

    def keyring(self) -> Keyring:
        """The keys as storage uses them; KeyProblem (naming the setting, never the value) if one is malformed."""
        return Keyring.from_text(_secret(self.data_key), _secret(self.data_keys_old))

    @field_validator("bot_token", "data_key", "data_keys_old", "health_port", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value in ("", None) else value


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def keyring_from_environment(environ: Mapping[str, str]) -> Keyring:
    """The keys RELIER_DATA_KEY and RELIER_DATA_KEYS_OLD name, for callers without settings (tests, benchmarks)."""
    return Keyring.from_text(environ.get("RELIER_DATA_KEY"), environ.get("RELIER_DATA_KEYS_OLD"))


def unknown_settings(environ: Mapping[str, str], env_file: str | Path | None = ".env") -> list[str]:
    """RELIER_* names, in the environment or the .env file, that no setting reads (a typo is silent otherwise)."""
    known = {f"RELIER_{name}".upper() for name in Settings.model_fields}
    names = {key.upper() for key in environ}
    if env_file is not None and Path(env_file).is_file():
        names |= {key.upper() for key in dotenv_values(env_file)}
    return sorted(name for name in names if name.startswith("RELIER_") and name not in known)


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
