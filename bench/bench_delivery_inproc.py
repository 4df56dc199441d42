"""Fallback for bench_delivery.py: our Dispatcher alone, with a minimal aiohttp sender.

    python bench/bench_delivery_inproc.py --api http://127.0.0.1:PORT --token T --database-url URL

Used (with `bench_delivery.py --in-process`) when `relier run` does not start the dispatcher:
the same `bot.delivery.Dispatcher`, `Limits()` defaults and outbox rows, but sent by a bare
sendMessage over aiohttp instead of the bot's own sender, and no update handling. Calls getMe
first (so the benchmark sees it start like a bot), then runs until SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


async def serve(args: argparse.Namespace) -> None:
    import aiohttp

    from bot.bootstrap import build_core
    from bot.delivery import Dispatcher, Limits, SendResult
    from storage.repos.outbox import OutboxRow

    core = await build_core(args.database_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    base = f"{args.api}/bot{args.token}"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        async with session.post(f"{base}/getMe") as answer:
            answer.raise_for_status()

        async def send(row: OutboxRow) -> SendResult:
            body = {"chat_id": row.chat_id, "text": row.payload.get("text", ""), "parse_mode": "HTML"}
            try:
                async with session.post(f"{base}/sendMessage", json=body) as answer:
                    found = await answer.json()
            except aiohttp.ClientError:
                return SendResult.transient("network")
            if found.get("ok"):
                return SendResult.ok()
            code = found.get("error_code")
            if code == 429:
                return SendResult.retry_after(found.get("parameters", {}).get("retry_after", 1), "global")
            if code in (400, 403):
                return SendResult.permanent(str(code))
            return SendResult.transient(str(code))

        dispatcher = Dispatcher(core.store, send, Limits())
        try:
            await dispatcher.run(stop)
        finally:
            await core.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
