"""`relier keys new|status|rotate`: the key that encrypts what families write (storage.crypto).

Only key ids (eight hex digits naming a key) and counts are printed, never a key or a value,
except by `keys new`, whose whole point is to print a fresh key once.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any, Callable

from bot.admin import Admin
from storage.crypto import Keyring, UnreadableValue, new_key
from storage.rekey import PLAIN, census, rotate, unknown_keys

NO_KEY = (
    "No data key: what families write is encrypted with RELIER_DATA_KEY. Make one with `relier keys new`, "
    "set RELIER_DATA_KEY to it and keep a copy somewhere safe (without it nothing stored can be read again), "
    "or set RELIER_ALLOW_PLAINTEXT=1 to store it unencrypted."
)


NEEDS_KEY = ("relier: set RELIER_DATA_KEY to the new key (from `relier keys new`) and RELIER_DATA_KEYS_OLD "
             "to the keys used so far (comma separated), then run `relier keys rotate` again")


def add_arguments(sub: Any, number: Callable[[str], int]) -> None:
    keys = sub.add_parser("keys", help="the data key: make one, see what it holds, rotate it")
    actions = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    new = actions.add_parser("new", help="print a fresh key for RELIER_DATA_KEY (keep a copy somewhere safe)")
    new.add_argument("--json", action="store_true", help="print one JSON object")
    status = actions.add_parser("status", help="how many stored values each key holds, and how many are plain text")
    status.add_argument("--json", action="store_true")
    rotate_ = actions.add_parser(
        "rotate", help="re-encrypt every stored value with RELIER_DATA_KEY (older keys in RELIER_DATA_KEYS_OLD); "
                       "plain text left by an older version is encrypted too")
    rotate_.add_argument("--batch", type=number, default=500, metavar="N", help="values per transaction (500)")
    rotate_.add_argument("--json", action="store_true")


def print_new(args: argparse.Namespace) -> int:
    key = new_key()
    print(json.dumps({"key": key}) if args.json else key)
    return 0


async def command(database_url: str, keyring: Keyring, args: argparse.Namespace) -> int:
    if args.keys_command == "rotate" and not keyring.encrypts:
        print(NEEDS_KEY, file=sys.stderr)
        return 2
    async with Admin(database_url, keyring=keyring) as tool:
        if args.keys_command == "status":
            counts = await census(tool.engine)
            return show_status(counts, keyring, args.json)
        report = await rotate(tool.store, keyring, batch=max(1, args.batch))
    if args.json:
        print(json.dumps(report.as_json()))
    else:
        for name, c in report.columns.items():
            print(f"{name}: {c.reencrypted} re-encrypted, {c.encrypted} encrypted (were plain text), "
                  f"{c.current} already under key {report.key}"
                  + (f", {c.changed_meanwhile} changed by the bot meanwhile" if c.changed_meanwhile else ""))
        print(f"total: {report.total('reencrypted')} re-encrypted, {report.total('encrypted')} encrypted, "
              f"{report.total('current')} already under key {report.key}")
        if report.left == 0:
            print("every value is under the current key: the old keys are no longer needed "
                  "(remove RELIER_DATA_KEYS_OLD once every running instance has the new RELIER_DATA_KEY)")
    if report.left:
        print(f"relier: {report.left} values are still under another key or in plain text: is a bot still running "
              "with the old RELIER_DATA_KEY? Restart it with the new one, then run `relier keys rotate` again",
              file=sys.stderr)
        return 1
    return 0


def show_status(counts: dict[str, dict[str, int]], keyring: Keyring, as_json: bool) -> int:
    totals: dict[str, int] = {}
    for per_column in counts.values():
        for kid, n in per_column.items():
            totals[kid] = totals.get(kid, 0) + n
    unknown = sorted(k for k in totals if k != PLAIN and k not in keyring.ids)
    if as_json:
        print(json.dumps({"current_key": keyring.current_id, "totals": totals, "columns": counts,
                          "unknown_keys": unknown}))
        return 0 if not unknown else 1
    print(f"current key: {keyring.current_id or 'none (values are written in plain text)'}")
    for name, per_column in counts.items():
        described = ", ".join(f"{n} {'plain text' if k == PLAIN else 'under key ' + k}"
                              for k, n in sorted(per_column.items())) or "empty"
        print(f"{name}: {described}")
    if unknown:
        print(f"keys not given (RELIER_DATA_KEY, RELIER_DATA_KEYS_OLD): {', '.join(unknown)}")
        return 1
    return 0


async def check_keys(engine, keyring: Keyring, log: logging.Logger | None = None) -> None:
    """Refuse to work on a database written with keys not given; say what is still plain text."""
    counts = await census(engine)
    unknown = unknown_keys(counts, keyring)
    if unknown:
        raise UnreadableValue(
            f"the database holds values encrypted with key {', '.join(sorted(unknown))}, which is not given: set "
            "RELIER_DATA_KEY (and RELIER_DATA_KEYS_OLD) to the keys it was written with (`relier keys status`)"
        )
    plain = sum(per_column.get(PLAIN, 0) for per_column in counts.values())
    if log is None:
        return
    if not keyring.encrypts:
        log.warning("RELIER_ALLOW_PLAINTEXT=1: what families write is stored unencrypted")
    elif plain:
        log.warning("%d stored values are still plain text (written before encryption): run `relier keys rotate`",
                    plain)
