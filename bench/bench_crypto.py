"""What encryption at rest costs: per value, and per update (a conversation read and written).

    python bench/bench_crypto.py            # about 15 seconds
    python bench/bench_crypto.py --updates 5000

Every update reads and writes the person's conversation (an encrypted column); some also write a
name, a check-in, a case message or an outbox row. The "per update" figure is the store's unit of
work that every update pays (load the conversation with the person, save it, commit) on SQLite,
with and without a key, in this process; the difference is the overhead of encryption.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from storage.clock import FakeClock  # noqa: E402
from storage.crypto import Keyring, new_key  # noqa: E402
from storage.database import make_engine, upgrade  # noqa: E402
from storage.records import ConversationRecord  # noqa: E402
from storage.store import Store  # noqa: E402

SIZES = {  # typical stored values, in characters
    "name (12)": "Camille Dupré",
    "conversation data (~300)": json.dumps({"child": 3, "answers": {"mood": 2, "school": "some", "sleep": "bad"},
                                            "draft": "il ne veut plus aller au collège depuis lundi " * 4}),
    "outbox payload (~1,500)": json.dumps({"type": "reply", "text": "Rappel : groupe de parole demain à 18 h. " * 36}),
}


def per_value(keyring: Keyring, rounds: int) -> dict[str, tuple[float, float]]:
    found = {}
    for label, text in SIZES.items():
        start = time.perf_counter()
        for _ in range(rounds):
            sealed = keyring.encrypt(text)
        middle = time.perf_counter()
        for _ in range(rounds):
            keyring.decrypt(sealed)
        end = time.perf_counter()
        found[label] = ((middle - start) / rounds * 1e6, (end - middle) / rounds * 1e6)
    return found


async def per_update(keyring: Keyring, updates: int, people: int, directory: str, name: str) -> list[float]:
    store = Store(make_engine(f"sqlite+aiosqlite:///{directory}/{name}.db", keyring=keyring), FakeClock())
    await upgrade(store.engine)
    draft = json.loads(SIZES["conversation data (~300)"])
    timings = []
    try:
        for i in range(updates):
            user = 1000 + i % people
            start = time.perf_counter()
            async with store.unit_of_work() as uow:
                _person, conversation = await uow.conversations.load_with_person(user)
                if not conversation.stored:
                    conversation = ConversationRecord(user, "checkin", "mood", draft)
                conversation.data = {**draft, "step": i}
                await uow.conversations.save(conversation)
                await uow.commit()
            timings.append((time.perf_counter() - start) * 1e6)
    finally:
        await store.close()
    return timings[people:]  # the first write of each person is an insert: not the steady state


async def main_async(args: argparse.Namespace) -> None:
    keyring = Keyring.from_text(new_key())
    print("per value (AES-256-GCM, microseconds)      encrypt   decrypt")
    for label, (enc, dec) in per_value(keyring, args.rounds).items():
        print(f"  {label:<38} {enc:8.1f}  {dec:8.1f}")
    with tempfile.TemporaryDirectory(prefix="relier-bench-crypto-") as directory:
        results = {}
        for round_ in range(2):  # alternate, so that a busy machine hurts both sides alike
            for label, ring in (("plain", Keyring.plaintext()), ("encrypted", keyring)):
                timings = await per_update(ring, args.updates, args.people, directory, f"{label}{round_}")
                results.setdefault(label, []).extend(timings)
    print(f"\nper update: load conversation + save + commit, SQLite, {args.updates} x 2 updates, {args.people} people")
    print("                       median    p90   (microseconds)")
    for label, timings in results.items():
        cuts = statistics.quantiles(timings, n=10)
        print(f"  {label:<18} {statistics.median(timings):8.0f} {cuts[8]:7.0f}")
    overhead = statistics.median(results["encrypted"]) - statistics.median(results["plain"])
    print(f"  overhead (median)  {overhead:8.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Cost of encryption at rest (see the module docstring).")
    parser.add_argument("--rounds", type=int, default=20_000, help="encryptions per value size (20,000)")
    parser.add_argument("--updates", type=int, default=3_000, help="updates per side and round (3,000)")
    parser.add_argument("--people", type=int, default=200, help="distinct people (200)")
    asyncio.run(main_async(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
