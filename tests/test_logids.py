"""Log pseudonyms: a keyed hash of the Telegram id, the same all along one installation, never the id."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from pydantic import SecretStr

from bot.bootstrap import build_core
from bot.logsetup import configure_loggers, pseudonym_key
from dialogs import logids

PERSON = 700_000_123


async def test_a_person_is_a_short_keyed_hash_and_a_group_keeps_its_id(db_url, clock):
    core = await build_core(db_url, clock=clock)
    await core.close()
    name = logids.user(PERSON)
    assert name.startswith("u") and len(name) == 11 and int(name[1:], 16) >= 0
    assert str(PERSON) not in name
    assert logids.user(PERSON) == name and logids.user(PERSON + 1) != name
    assert logids.chat(PERSON) == name  # a private chat is its person
    assert logids.chat(-1001900000001) == "-1001900000001"  # the staff group is the centre's
    assert logids.user(None) == logids.chat(None) == "-"


async def test_the_installation_keeps_its_key_across_restarts(db_url, tmp_path, clock):
    core = await build_core(db_url, clock=clock)
    await core.close()
    first = logids.user(PERSON)
    core = await build_core(db_url, clock=clock)  # the bot restarted: the same pseudonyms
    await core.close()
    assert logids.user(PERSON) == first
    core = await build_core(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}", clock=clock)
    await core.close()
    assert logids.user(PERSON) != first  # another installation: its own key


async def test_with_a_data_key_the_pseudonyms_come_from_it(db_url, clock):
    key = pseudonym_key(SimpleNamespace(data_key=SecretStr("a-data-key-of-this-centre,an-older-key")))
    assert key == logids.key_from_data_key("a-data-key-of-this-centre")  # the current key, not the old one
    assert pseudonym_key(SimpleNamespace(data_key=None)) is None
    assert b"a-data-key" not in key and len(key) == 32
    core = await build_core(db_url, clock=clock, log_key=key)
    await core.close()
    with_key = logids.user(PERSON)
    core = await build_core(db_url, clock=clock)
    await core.close()
    assert logids.user(PERSON) != with_key
    with pytest.raises(ValueError):
        logids.configure(b"short")


def test_libraries_that_print_contents_stay_above_debug():
    before = {name: logging.getLogger(name).level for name in ("aiosqlite", "sqlalchemy", "apscheduler")}
    try:
        configure_loggers(logging.DEBUG)
        assert not logging.getLogger("aiosqlite").isEnabledFor(logging.DEBUG)  # SQL with its parameters
        assert not logging.getLogger("sqlalchemy.engine").isEnabledFor(logging.INFO)
    finally:
        for name, level in before.items():
            logging.getLogger(name).setLevel(level)
