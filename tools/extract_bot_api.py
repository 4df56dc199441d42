"""Write the facts-only Bot API extract that the fake Telegram server reads in tests.

Usage: python tools/extract_bot_api.py [path/to/telegram-bot-api.json]

The source spec lives outside the repository (../shared/telegram-bot-api.json). Only facts
are kept: method and type names, parameter/field names, their types, required flags, return
types and subtype lists. No description text is copied. The limits below are numeric facts
the fake server enforces.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "telegram-bot-api.json"
TARGET = REPO_ROOT / "tests" / "fakebot" / "bot_api_facts.json"

LIMITS = {
    "message_text": {"min_chars": 1, "max_chars": 4096},
    "caption": {"min_chars": 0, "max_chars": 1024},
    "callback_data": {"min_bytes": 1, "max_bytes": 64},
    "inline_button_text": {"min_chars": 1},
    "callback_answer_text": {"min_chars": 0, "max_chars": 200},
    "forum_topic_name": {"min_chars": 1, "max_chars": 128},
    "webhook_secret_token": {"min_chars": 1, "max_chars": 256, "alphabet": "A-Za-z0-9_-"},
    "deep_link_payload": {"min_chars": 0, "max_chars": 64, "alphabet": "A-Za-z0-9_-"},
    "get_updates_limit": {"min": 1, "max": 100, "default": 100},
    "bot_command": {"command_max_chars": 32, "alphabet": "a-z0-9_", "description_max_chars": 256,
                    "max_commands": 100},
}


def _fields(entry: dict) -> dict[str, dict]:
    return {
        field["name"]: {"types": list(field["types"]), "required": bool(field["required"])}
        for field in entry.get("fields", [])
    }


def extract(spec: dict) -> dict:
    """Keep only machine facts from the full spec (no prose)."""
    methods = {
        name: {"params": _fields(entry), "returns": list(entry.get("returns", []))}
        for name, entry in spec["methods"].items()
    }
    types = {}
    for name, entry in spec["types"].items():
        facts: dict = {"fields": _fields(entry)}
        if entry.get("subtypes"):
            facts["subtypes"] = list(entry["subtypes"])
        types[name] = facts
    return {"version": spec["version"], "methods": methods, "types": types, "limits": LIMITS}


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    if not source.is_file():
        print(f"spec not found: {source}", file=sys.stderr)
        return 1
    facts = extract(json.loads(source.read_text(encoding="utf-8")))
    text = json.dumps(facts, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    print(
        f"wrote {TARGET.relative_to(REPO_ROOT)}: {facts['version']}, "
        f"{len(facts['methods'])} methods, {len(facts['types'])} types"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
