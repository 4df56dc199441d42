"""Pseudonymous ids for log lines: a Telegram id never appears in a log, only its keyed hash.

`user(telegram_id)` is « u » and the first 10 hex digits of HMAC-SHA256(key, id): the same person
gets the same pseudonym in every line of one installation, so a run of lines can be followed, but
a log alone cannot be turned back into Telegram ids (nor checked against a guessed id without the
key). `chat(chat_id)` is the same pseudonym for a private chat (its id is the person's id) and the
plain id for a group (the staff chat is the centre's, not a person's). Internal database ids
(person=, case=, session=) are logged as they are: they mean nothing outside the database.

The key is set once at start by the composition root (bot.bootstrap): derived from
RELIER_DATA_KEY when it is set, otherwise a random secret made at the first start and kept in the
database (storage.secrets). Until then (unit tests, tools), a random key of this process is used,
so a raw id is never logged even then.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

LENGTH = 10  # hex digits: 40 bits, enough to tell the people of one centre apart in a log
_key: bytes = secrets.token_bytes(32)


def configure(key: bytes) -> None:
    """Use this installation's key from now on (called once at start)."""
    global _key
    if len(key) < 16:
        raise ValueError("the log pseudonym key must have at least 16 bytes")
    _key = bytes(key)


def key_from_data_key(data_key: str) -> bytes:
    """A key for log pseudonyms derived from the data key (never the data key itself)."""
    return hmac.new(data_key.encode(), b"relier log pseudonyms v1", hashlib.sha256).digest()


def user(telegram_id: int | None) -> str:
    """A person's Telegram id as it may appear in a log line."""
    if telegram_id is None:
        return "-"
    digest = hmac.new(_key, str(int(telegram_id)).encode(), hashlib.sha256).hexdigest()
    return "u" + digest[:LENGTH]


def chat(chat_id: int | None) -> str:
    """A chat id for a log line: a private chat is its person's pseudonym, a group its own id."""
    if chat_id is None:
        return "-"
    return str(chat_id) if int(chat_id) < 0 else user(chat_id)
