"""The composition root: every runtime (Telegram, console, tests) is wired here."""

from __future__ import annotations

import os
from dataclasses import dataclass

from bot.settings import keyring_from_environment
from dialogs import logids
from dialogs.commands import CommandTable
from dialogs.context import DialogConfig
from dialogs.engine import Dialogs
from dialogs.flows import all_flows
from dialogs.triage.rules import LANGUAGES, rules_for
from dialogs.triage.second_stage import model as triage_second_stage
from storage.clock import Clock, SystemClock
from storage.crypto import Keyring
from storage.database import make_engine, upgrade
from storage.secrets import installation_secret
from storage.store import Store

LOG_KEY_NAME = "log_pseudonyms"


@dataclass
class Core:
    store: Store
    dialogs: Dialogs

    async def close(self) -> None:
        await self.store.close()


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
    """Open the store (migrating it first) and wire the dialogs to it. `log_key`: the key of the log
    pseudonyms (derived from RELIER_DATA_KEY); without it, the installation's own (storage.secrets).
    `keyring` encrypts what families write (storage.crypto); `relier run` passes its settings' keys.
    Without it, the keys RELIER_DATA_KEY and RELIER_DATA_KEYS_OLD name in the process environment
    are used (the tests set a test key there), or none."""
    for lang in LANGUAGES:  # the triage rules and their word forms, read once now, not on a first message
        rules_for(lang)
    triage_second_stage()  # the second stage of triage, trained once now (about a second), not on a first message
    engine = make_engine(database_url, keyring=keyring if keyring is not None else keyring_from_environment(os.environ))
    if migrate:
        await upgrade(engine)
    store = Store(engine, clock or SystemClock())
    logids.configure(log_key or await installation_secret(engine, LOG_KEY_NAME, store.clock))
    config = DialogConfig(bot_username=bot_username, default_locale=default_locale)
    dialogs = Dialogs(store, all_flows(), config, CommandTable())
    return Core(store, dialogs)
