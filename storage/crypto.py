"""Encryption at rest of what families write: AES-256-GCM, a key id in front of every value.

A stored value is either plain text (written before encryption was switched on, or by a store
without a key) or ``enc1:<key id>:<base64url(nonce + ciphertext + tag)>``. Reading accepts both,
so an existing database keeps working; `relier keys rotate` rewrites every value with the
current key. Columns say what they hold with the `EncryptedText` type, so the repositories see
plain strings and never change.

Where the key lives: a `Keyring` is handed to `storage.database.make_engine` by the composition
root and kept on the engine's dialect (one dialect object per engine), which is what SQLAlchemy
passes to a column type. There is no module-level key: two stores with two keys can live in one
process (the rotation tests do).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from typing import Any, Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text, TypeDecorator
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnClause

from storage.errors import StoreError

KEY_BYTES = 32
NONCE_BYTES = 12
PREFIX = "enc1:"
HEX = re.compile(r"[0-9a-f]{8}")
DIALECT_ATTRIBUTE = "relier_keyring"


class KeyProblem(StoreError):
    """A key setting that cannot be used; the message names the setting, never the value."""


class UnreadableValue(StoreError):
    """A stored value none of the given keys opens (its key is missing, or it was altered)."""


def new_key() -> str:
    """A fresh random key, as RELIER_DATA_KEY expects it (44 characters of URL-safe base64)."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def parse_key(text: str, setting: str = "RELIER_DATA_KEY") -> bytes:
    cleaned = text.strip().replace("+", "-").replace("/", "_")
    try:
        key = base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise KeyProblem(f"{setting} is not a key made by `relier keys new` (44 characters of base64)")
    return key


def key_id(key: bytes) -> str:
    """Eight hex digits naming a key in stored values and in `relier keys` output; reveals nothing of it."""
    return hashlib.sha256(b"relier-data-key:" + key).hexdigest()[:8]


class Keyring:
    """The current key (encrypts) and older ones (only decrypt, until a rotation is done).

    Without a current key nothing is encrypted: values are written as they are and encrypted
    values cannot be read. `relier run` refuses that unless RELIER_ALLOW_PLAINTEXT=1.
    """

    __slots__ = ("_current", "_ciphers")

    def __init__(self, current: bytes | None = None, old: Iterable[bytes] = ()) -> None:
        self._ciphers: dict[str, AESGCM] = {}
        self._current = key_id(current) if current is not None else None
        for key in ([current] if current is not None else []) + list(old):
            self._ciphers.setdefault(key_id(key), AESGCM(key))

    @classmethod
    def from_text(cls, current: str | None, old: str | None = None) -> "Keyring":
        """From RELIER_DATA_KEY and RELIER_DATA_KEYS_OLD (comma separated); empty means none."""
        current_key = parse_key(current) if current and current.strip() else None
        old_keys = [parse_key(part, "RELIER_DATA_KEYS_OLD") for part in (old or "").split(",") if part.strip()]
        if current_key is None and old_keys:
            raise KeyProblem("RELIER_DATA_KEYS_OLD is set but RELIER_DATA_KEY is not: set the current key too")
        return cls(current_key, old_keys)

    @classmethod
    def plaintext(cls) -> "Keyring":
        return cls()

    @property
    def encrypts(self) -> bool:
        return self._current is not None

    @property
    def current_id(self) -> str | None:
        return self._current

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(self._ciphers)

    def encrypt(self, text: str) -> str:
        if self._current is None:
            return text
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self._current].encrypt(nonce, text.encode("utf-8"), None)
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
        return f"{PREFIX}{self._current}:{body}"

    def decrypt(self, stored: str) -> str:
        kid = stored_key_id(stored)
        if kid is None:
            return stored  # written before encryption: `relier keys rotate` will encrypt it
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise UnreadableValue(
                f"a stored value was encrypted with key {kid}, which is not among the keys given "
                "(RELIER_DATA_KEY, RELIER_DATA_KEYS_OLD)"
            )
        body = stored[len(PREFIX) + 9:]
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError):
            raise UnreadableValue(f"a stored value under key {kid} does not open: it was altered") from None

    def is_current(self, stored: str) -> bool:
        return stored_key_id(stored) == self._current


def stored_key_id(stored: str) -> str | None:
    """The key id of an encrypted value, None for plain text."""
    if not stored.startswith(PREFIX) or len(stored) < 15 or stored[13] != ":":
        return None
    kid = stored[5:13]
    return kid if HEX.fullmatch(kid) else None


NO_KEYRING = Keyring.plaintext()


def keyring_of(dialect: Any) -> Keyring:
    return getattr(dialect, DIALECT_ATTRIBUTE, NO_KEYRING)


def attach_keyring(dialect: Any, keyring: Keyring) -> None:
    setattr(dialect, DIALECT_ATTRIBUTE, keyring)


SEARCHABLE = {operators.is_, operators.is_not}


class _NotSearchable(TypeDecorator.Comparator):
    """An encrypted column can be tested for NULL, never compared, searched or sorted in SQL:
    the ciphertext of the same text differs every time, so such a query would quietly find nothing."""

    def operate(self, op, *other, **kwargs):
        # Column against column is SQLAlchemy's own bookkeeping (mapper lookups), not a search.
        if op not in SEARCHABLE and not (other and all(isinstance(o, ColumnClause) for o in other)):
            raise TypeError(f"{self.expr} is encrypted: it cannot be compared, searched or sorted in SQL")
        return super().operate(op, *other, **kwargs)

    def reverse_operate(self, op, other, **kwargs):
        raise TypeError(f"{self.expr} is encrypted: it cannot be compared, searched or sorted in SQL")


class EncryptedText(TypeDecorator[str]):
    """Text encrypted with the engine's keyring on the way in, decrypted on the way out."""

    impl = Text
    cache_ok = True
    comparator_factory = _NotSearchable

    def process_bind_param(self, value: str | None, dialect) -> str | None:
        if value is None:
            return None
        return keyring_of(dialect).encrypt(value)

    def process_result_value(self, value: str | None, dialect) -> str | None:
        if value is None:
            return None
        return keyring_of(dialect).decrypt(value)

    def process_literal_param(self, value, dialect):
        raise TypeError("an encrypted value is never rendered into SQL text")
