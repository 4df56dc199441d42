"""The composition root: every runtime (`relier run`, `relier demo`, the admin commands, the tests
and the benchmarks) is built here, each piece handed what it needs when it is made.

- `open_store`: the database (migrated first), with its keys and clock.
- `build_core`: the store and the dialogs (framework-neutral; the console demo needs nothing more).
- `make_client`: the Telegram client of the framework chosen (RELIER_FRAMEWORK: aiogram or ptb).
- `build_bot`: all of it for Telegram: core, client, app (updates in, replies out) and runtime
  (the outbox dispatcher and the planner). `relier run` and the end-to-end tests use it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.settings import keyring_from_environment
from dialogs import logids
from dialogs.commands import CommandTable
from dialogs.context import DialogConfig
from dialogs.doorbell import Doorbell
from dialogs.engine import Dialogs
from dialogs.flows import all_flows
from dialogs.triage.rules import LANGUAGES, rules_for
from dialogs.triage.second_stage import model as triage_second_stage
from storage.clock import Clock, SystemClock
from storage.crypto import Keyring
from storage.database import make_engine, upgrade
from storage.secrets import installation_secret
from storage.store import Store

if TYPE_CHECKING:
    from bot.runtime import DeliveryOptions, Runtime
    from bot.telegram.app import TelegramApp
    from bot.telegram.client import TelegramClient

LOG_KEY_NAME = "log_pseudonyms"
FRAMEWORKS = ("aiogram", "ptb")
# Updates handled side by side unless RELIER_UPDATES_AT_ONCE says otherwise: what bench/bench_updates.py
# found cheapest per update on each framework without making families wait behind one slow reply.
UPDATES_AT_ONCE = {"aiogram": 32, "ptb": 8}


@dataclass
class Core:
    store: Store
    dialogs: Dialogs
    doorbell: Doorbell

    async def close(self) -> None:
        await self.store.close()


async def open_store(database_url: str, *, clock: Clock | None = None, keyring: Keyring | None = None,
                     migrate: bool = True) -> Store:
    """The store, migrated to the newest schema first. `keyring` encrypts what families write
    (storage.crypto); without it, the keys RELIER_DATA_KEY and RELIER_DATA_KEYS_OLD name in the
    process environment are used (the tests set a test key there), or none."""
    engine = make_engine(database_url, keyring=keyring if keyring is not None else keyring_from_environment(os.environ))
    if migrate:
        await upgrade(engine)
    return Store(engine, clock or SystemClock())


async def build_core(
    database_url: str,
    *,
    bot_username: str = "relier_bot",
    default_locale: str = "fr",
    clock: Clock | None = None,
    migrate: bool = True,
    log_key: bytes | None = None,
    keyring: Keyring | None = None,
) -> Core:
    """Open the store and wire the dialogs to it. `log_key`: the key of the log pseudonyms (derived
    from RELIER_DATA_KEY); without it, the installation's own (storage.secrets)."""
    for lang in LANGUAGES:  # the triage rules and their word forms, read once now, not on a first message
        rules_for(lang)
    triage_second_stage()  # the triage second stage: read from its cache, or trained now in a child (about 20 s idle)
    store = await open_store(database_url, clock=clock, keyring=keyring, migrate=migrate)
    logids.configure(log_key or await installation_secret(store.engine, LOG_KEY_NAME, store.clock))
    config = DialogConfig(bot_username=bot_username, default_locale=default_locale)
    doorbell = Doorbell()
    dialogs = Dialogs(store, all_flows(), config, CommandTable(), doorbell)
    return Core(store, dialogs, doorbell)


def make_client(framework: str, token: str, api_url: str = "https://api.telegram.org") -> "TelegramClient":
    """The Telegram client of `framework` ("aiogram" or "ptb"); its package is imported only now."""
    if framework == "aiogram":
        from bot.aiogram.client import AiogramClient

        return AiogramClient(token, api_url)
    if framework == "ptb":
        try:
            from bot.ptb.client import PtbClient
        except ImportError as error:  # the ptb extra is not installed
            raise RuntimeError('RELIER_FRAMEWORK=ptb needs python-telegram-bot: pip install -e ".[ptb]"') from error
        return PtbClient(token, api_url)
    raise ValueError(f"unknown framework {framework!r}: one of {', '.join(FRAMEWORKS)}")


@dataclass
class TelegramBot:
    """Everything `relier run` runs: the core, the client, the app and the runtime."""

    core: Core
    client: "TelegramClient"
    app: "TelegramApp"
    runtime: "Runtime"

    async def close(self) -> None:
        await self.client.close()
        await self.core.close()


async def build_bot(
    core: Core,
    *,
    token: str,
    api_url: str = "https://api.telegram.org",
    framework: str = "aiogram",
    options: "DeliveryOptions | None" = None,
    worker_id: str | None = None,
    updates_at_once: int | None = None,
) -> TelegramBot:
    """The bot on Telegram around an open core (build_core), ready to `runtime.run_polling` or `run_webhook`."""
    from bot.runtime import Runtime
    from bot.telegram.app import TelegramApp

    client = make_client(framework, token, api_url)
    default_locale = core.dialogs.config.default_locale
    app = TelegramApp(core, client, core.store.clock, default_locale,
                      updates_at_once=updates_at_once or UPDATES_AT_ONCE[framework])
    runtime = Runtime(app, options, worker_id)
    return TelegramBot(core, client, app, runtime)
