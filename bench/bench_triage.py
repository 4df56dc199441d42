"""Times free-text triage on 10,000 messages, because it runs before anything else on every text a person sends.

Lemmatisation is on (the rules' base words find all their forms, read from simplemma's
dictionaries when the rules load), and so is the second stage (dialogs/triage/second_stage.py, its two models
read from the cache, or trained once in a child process, before timing); the target is under 1 ms a message at p99. The rules alone are timed on
other variations of the labelled messages (the same message timed twice would be read from the rules' caches the
second time), interleaved, so that a loaded machine weighs on both alike.

Usage, from the repository root: `python bench/bench_triage.py [--messages 10000] [--seed 7]`.
The messages are the labelled set of tests/triage, varied (case, stretched letters, accents
removed, emoji, filler words, long messages), so most of them are not in any cache.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.memory import settle  # noqa: E402
from dialogs.triage import assess_rules, assess_text  # noqa: E402
from dialogs.triage.rules import rules_for  # noqa: E402
from dialogs.triage.second_stage import RULE as SECOND_STAGE  # noqa: E402
from dialogs.triage.second_stage import model as second_stage  # noqa: E402
from tests.triage.cases import load_cases  # noqa: E402

FILLER = {
    "fr": ["bonjour", "franchement", "en vrai", "ce soir", "au collège", "avec mes potes", "jsp", "bref"],
    "en": ["hi", "honestly", "tonight", "at school", "with my friends", "idk", "anyway", "like"],
}
EMOJI = ["😭", "😂", "🙏", "💔", "!!!", "...", "??"]


def vary(text: str, lang: str, rng: random.Random) -> str:
    """One realistic variation of a labelled message."""
    choice = rng.randrange(6)
    if choice == 0:
        text = text.upper()
    elif choice == 1:
        text = "".join(c * 4 if c in "aeiouy" and rng.random() < 0.15 else c for c in text)
    elif choice == 2:
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    elif choice == 3:
        text = f"{rng.choice(FILLER[lang])} {text} {rng.choice(EMOJI)}"
    elif choice == 4:
        text = " ".join(rng.choice(FILLER[lang]) for _ in range(rng.randrange(20, 80))) + " " + text
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    cases = load_cases()
    messages, others = [], []  # others: other variations, for the rules alone (a message timed twice is in cache)
    for _ in range(args.messages):
        case = rng.choice(cases)
        messages.append((vary(case.text, case.lang, rng), case.lang))
        case = rng.choice(cases)
        others.append((vary(case.text, case.lang, rng), case.lang))

    started = time.perf_counter()
    for lang in ("fr", "en"):
        rules_for(lang)
    load_ms = (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    stage = second_stage()
    train_s = time.perf_counter() - started
    settle()  # as the bot does once started (bot/memory.py): what was loaded stays, the collector skips it

    timings: list[float] = []
    rules_only: list[float] = []
    levels: Counter[str] = Counter()
    raised = 0
    total_started = time.perf_counter()
    for (text, lang), (other, other_lang) in zip(messages, others):
        before = time.perf_counter_ns()
        result = assess_text(text, lang)
        timings.append((time.perf_counter_ns() - before) / 1000)
        levels[result.level] += 1
        raised += result.rule == SECOND_STAGE
        before = time.perf_counter_ns()
        assess_rules(other, other_lang)
        rules_only.append((time.perf_counter_ns() - before) / 1000)
    total = time.perf_counter() - total_started - sum(rules_only) / 1e6

    timings.sort()
    rules_only.sort()
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    rules_p99 = rules_only[min(len(rules_only) - 1, int(len(rules_only) * 0.99))]
    chars = statistics.mean(len(text) for text, _ in messages)
    print(f"triage benchmark: {len(messages):,} messages (mean {chars:.0f} characters), "
          f"Python {platform.python_version()} on {platform.machine()}")
    print(f"  rules loaded and compiled (fr + en): {load_ms:.1f} ms")
    print(f"  second stage ready (read from the cache, or trained in a child process): {train_s:.2f} s"
          + ("" if stage else " -- OFF (disabled, or no labelled files, or no scikit-learn)"))
    print(f"  throughput: {len(messages) / total:,.0f} messages/s ({total:.2f} s in all)")
    print(f"  per message: p50 {statistics.median(timings):.0f} µs, p99 {p99:.0f} µs, max {timings[-1]:.0f} µs"
          f" ({'under' if p99 < 1000 else 'OVER'} the 1 ms target at p99)")
    print(f"  the rules alone, other variations of the same set: p50 {statistics.median(rules_only):.0f} µs, p99 {rules_p99:.0f} µs")
    forms = sum(len(rules_for(lang).normaliser.forms) for lang in ("fr", "en"))
    print(f"  lemmatisation on: {forms:,} word forms lead to the rules' base words (fr + en)")
    print("  levels: " + ", ".join(f"{level} {levels[level]:,}" for level in ("none", "watch", "high", "urgent"))
          + f" ({raised:,} raised by the second stage)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
