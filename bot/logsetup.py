"""Logging of the bot: its own lines carry ids (pseudonymous for people), and the libraries' loggers
that would print what people wrote are kept above the level where they do.

RELIER_LOG_LEVEL sets the root level (INFO by default). Whatever it is, these loggers stay at the
level given here: see configure_loggers.
"""

from __future__ import annotations

import logging
import sys

from dialogs.logids import key_from_data_key

# name -> the lowest level at which the logger may print (it says more, or more often, below).
KEPT_ABOVE = {
    "alembic": logging.WARNING,  # a line per migration at every start
    "apscheduler": logging.WARNING,  # a line per job run
    "aiosqlite": logging.INFO,  # at DEBUG: every SQL statement with its parameters (names, messages)
    "sqlalchemy": logging.WARNING,  # at INFO: statements; at DEBUG: the rows read (names, messages)
    "aiogram.scene": logging.INFO,  # at DEBUG: a conversation's stored data (unused by the bot, kept shut)
    "telegram": logging.INFO,  # python-telegram-bot at DEBUG: every call's parameters and answer (texts, names)
    "httpx": logging.WARNING,  # at INFO: every request's URL, and the URL carries the bot's token
    "httpcore": logging.WARNING,  # at DEBUG: every connection's trace
}


def configure_loggers(level: int) -> list[str]:
    """Raise the libraries' loggers listed in KEPT_ABOVE to their floor when `level` is lower; the
    names of the loggers set."""
    touched = []
    for name, floor in KEPT_ABOVE.items():
        logging.getLogger(name).setLevel(max(level, floor))
        touched.append(name)
    return touched


def configure_logging(level_name: str) -> None:
    """What `relier` does at start: lines to stderr at RELIER_LOG_LEVEL, libraries kept quiet."""
    level = logging.getLevelName(level_name.upper())
    if not isinstance(level, int):
        raise ValueError(f"unknown log level {level_name!r}: DEBUG, INFO, WARNING or ERROR")
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    configure_loggers(level)


def pseudonym_key(settings) -> bytes | None:
    """The key of the log pseudonyms, derived from RELIER_DATA_KEY (its first key when it lists several);
    None without a data key: the installation's own random secret is used (bot.bootstrap)."""
    value = getattr(settings, "data_key", None)
    if value is None:
        return None
    raw = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    first = raw.split(",")[0].strip()
    return key_from_data_key(first) if first else None
