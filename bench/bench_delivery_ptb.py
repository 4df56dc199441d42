"""The reference for bench_delivery.py: a broadcast with python-telegram-bot's AIORateLimiter.

    python bench/bench_delivery_ptb.py --api http://127.0.0.1:PORT --token T --first ID --count N

Run by bench/bench_delivery.py in its own process (so its memory is measured alone), against the
benchmark's fake Bot API server. It does what PTB's documentation suggests for a broadcast: an
`Application` built with `AIORateLimiter()` at its default settings (30 messages per second
overall, 20 per minute per group, no per-chat limit, `max_retries=0`), then one
`bot.send_message` per chat, all at once with `asyncio.gather`. Chats are FIRST .. FIRST+N-1.

Prints one JSON line on stdout: when the sends started (time.time(), the "due" time), how many
calls ended in each outcome, the peak resident memory (ru_maxrss) and the library versions.
Exit status 3 when python-telegram-bot (with its rate-limiter extra) is not installed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import sys
import time
from collections import Counter
from importlib import metadata

TEXT = "Rappel : votre séance de groupe « Parler du harcèlement » commence aujourd'hui à 18:00. (n° {i})"


async def broadcast(args: argparse.Namespace) -> dict:
    from telegram.error import RetryAfter, TelegramError
    from telegram.ext import AIORateLimiter, ApplicationBuilder

    limiter = AIORateLimiter(max_retries=args.max_retries)
    application = (
        ApplicationBuilder().token(args.token).base_url(f"{args.api}/bot").rate_limiter(limiter).build()
    )
    outcomes: Counter[str] = Counter()
    async with application:  # initialize(): getMe, as every PTB bot does
        bot = application.bot
        chats = range(args.first, args.first + args.count)
        started, cpu = time.time(), time.process_time()
        results = await asyncio.gather(
            *(bot.send_message(chat, TEXT.format(i=i)) for i, chat in enumerate(chats)),
            return_exceptions=True,
        )
        finished, cpu = time.time(), time.process_time() - cpu
    for result in results:
        if not isinstance(result, BaseException):
            outcomes["sent"] += 1
        elif isinstance(result, RetryAfter):
            outcomes["RetryAfter"] += 1
        elif isinstance(result, TelegramError):
            outcomes[type(result).__name__] += 1
        else:
            outcomes[f"other:{type(result).__name__}"] += 1
    return {
        "started": started,
        "finished": finished,
        "outcomes": dict(outcomes),
        "max_retries": args.max_retries,
        "cpu_s": cpu,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "versions": {name: _version(name) for name in ("python-telegram-bot", "httpx", "aiolimiter")},
    }


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", required=True, help="the fake server's base URL")
    parser.add_argument("--token", required=True)
    parser.add_argument("--first", type=int, required=True, help="first chat id")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--max-retries", type=int, default=0, help="AIORateLimiter(max_retries=...) (0, its default)")
    args = parser.parse_args()
    try:
        from telegram.ext import AIORateLimiter

        AIORateLimiter()  # raises RuntimeError without aiolimiter (the rate-limiter extra)
    except (ImportError, RuntimeError) as missing:
        print(json.dumps({"missing": str(missing)}))
        return 3
    # PTB logs every RetryAfter it gives up on with a traceback: keep stderr readable.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    print(json.dumps(asyncio.run(broadcast(args))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
