"""Write the facts-only Bot API extract that the fake Telegram server reads in tests.

Usage: python tools/extract_bot_api.py [path/to/telegram-bot-api.json]

The source spec lives outside the repository (../shared/telegram-bot-api.json). Only facts
are kept: method and type names, parameter/field names, their types, required flags, return
types and subtype lists. No description text is copied. The limits below are numeric facts
the fake server enforces.

When the spec file is older than the Bot API that the installed aiogram follows
(`aiogram.__api_version__`), the missing facts are taken from aiogram's own types and methods
(`aiogram.types`, `aiogram.methods`): new types and methods, new fields and parameters with
whether they are required, and fields that became required. Deprecated fields, which aiogram
keeps and Telegram no longer documents, are left out. What came from aiogram is listed under
"sources" in the extract, so a reader can tell the two apart.
"""

from __future__ import annotations

import datetime
import enum
import inspect
import json
import sys
import types as pytypes
import typing
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "telegram-bot-api.json"
TARGET = REPO_ROOT / "tests" / "fakebot" / "bot_api_facts.json"
# aiogram's internal objects, not Bot API types.
NOT_BOT_API = frozenset({"ErrorEvent", "TelegramObject", "MutableTelegramObject"})

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


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.removeprefix("Bot API ").split("."))


# -- aiogram's own types, for a Bot API newer than the spec file -----------------------------------
class _AiogramReader:
    """Bot API facts read back from aiogram's pydantic models."""

    def __init__(self, facts: dict) -> None:
        import aiogram.methods
        import aiogram.types
        from aiogram.methods.base import TelegramMethod
        from aiogram.types.base import TelegramObject
        from aiogram.types.input_file import InputFile

        self.input_file = InputFile
        self.object_base = TelegramObject
        self.objects = {
            name: cls for name, cls in inspect.getmembers(aiogram.types, inspect.isclass)
            if issubclass(cls, TelegramObject) and name not in NOT_BOT_API
            and name == cls.__name__ and ".. deprecated::" not in (cls.__doc__ or "")
        }
        self.methods = {
            cls.__api_method__: cls
            for _, cls in inspect.getmembers(aiogram.methods, inspect.isclass)
            if issubclass(cls, TelegramMethod) and cls is not TelegramMethod
        }
        self.abstract = {name: set(t["subtypes"]) for name, t in facts["types"].items()
                         if t.get("subtypes")}
        # New abstract types are aiogram base classes; a known one gains its new subclasses.
        for name, cls in self.objects.items():
            children = {sub for sub, c in self.objects.items()
                        if cls in c.__bases__ and sub not in facts["types"]}
            if children and (name in self.abstract or name not in facts["types"]):
                self.abstract.setdefault(name, set()).update(children)

    def fields(self, model: type) -> dict[str, dict]:
        facts = {}
        own = model.__dict__.get("__annotations__", {})  # not what an aiogram base class adds
        for name, field in model.model_fields.items():
            if name not in own:
                continue
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            if extra.get("deprecated"):
                continue
            literal = typing.get_origin(field.annotation) is typing.Literal
            facts[field.alias or name] = {"types": self.type_names(field.annotation),
                                          "required": field.is_required() or literal}
        return facts

    def type_names(self, annotation: object) -> list[str]:
        """Bot API type names ("Integer", "Array of Message", "ChatMember") of an annotation."""
        if type(annotation).__name__ == "TypeAliasType":  # aiogram's XUnion aliases
            base = annotation.__name__.removesuffix("Union")
            return [base] if base in self.abstract else self.type_names(annotation.__value__)
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            return self.type_names(typing.get_args(annotation)[0])
        if origin is typing.Literal:
            value = typing.get_args(annotation)[0]
            value = value.value if isinstance(value, enum.Enum) else value
            return ["Boolean" if isinstance(value, bool)
                    else "Integer" if isinstance(value, int) else "String"]
        if origin is list:
            return [f"Array of {name}" for name in self.type_names(typing.get_args(annotation)[0])]
        if origin in (typing.Union, pytypes.UnionType):
            names: list[str] = []
            for arg in typing.get_args(annotation):
                for name in self.type_names(arg):
                    if name not in names:
                        names.append(name)
            return self._grouped(names)
        return self._scalar(annotation)

    def _scalar(self, annotation: object) -> list[str]:
        if annotation is type(None) or getattr(annotation, "__name__", "") == "Default":
            return []
        if annotation in (datetime.datetime, datetime.timedelta, int):
            return ["Integer"]
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            return ["String"]
        simple = {str: "String", bool: "Boolean", float: "Float"}
        if annotation in simple:
            return [simple[annotation]]
        if isinstance(annotation, type) and issubclass(annotation, self.input_file):
            return ["InputFile"]
        if isinstance(annotation, type) and issubclass(annotation, self.object_base):
            return [annotation.__name__]
        raise ValueError(f"no Bot API type for {annotation!r}")

    def _grouped(self, names: list[str]) -> list[str]:
        """A union of all the subtypes of an abstract type is that type, as the spec names it."""
        for abstract, subtypes in self.abstract.items():
            if len(subtypes) > 1 and set(names) == subtypes:
                return [abstract]
        return names

    def returns(self, method: type) -> list[str]:
        return self.type_names(method.__returning__)


def newer_from_aiogram(facts: dict) -> dict:
    """Add to the spec's facts what aiogram's Bot API knows and the spec does not."""
    import aiogram

    reader = _AiogramReader(facts)
    added: dict[str, list[str]] = {"types": [], "fields": [], "required": [], "subtypes": [],
                                   "methods": [], "params": []}
    types, methods = facts["types"], facts["methods"]
    for name, cls in sorted(reader.objects.items()):
        new_type = name not in types
        known = types.setdefault(name, {"fields": {}})
        if new_type:
            added["types"].append(name)
        subtypes = sorted(reader.abstract.get(name, set()) - set(known.get("subtypes", [])))
        if subtypes:
            known["subtypes"] = known.get("subtypes", []) + subtypes
            if not new_type:
                added["subtypes"] += [f"{name}.{sub}" for sub in subtypes]
        if name in reader.abstract:
            continue  # an abstract type has no fields of its own in the Bot API
        for field, fact in reader.fields(cls).items():
            current = known["fields"].get(field)
            if current is None:
                known["fields"][field] = fact
                if not new_type:
                    added["fields"].append(f"{name}.{field}")
            elif fact["required"] and not current["required"]:
                current["required"] = True
                added["required"].append(f"{name}.{field}")
    for api_name, cls in sorted(reader.methods.items()):
        if api_name not in methods:
            methods[api_name] = {"params": reader.fields(cls), "returns": reader.returns(cls)}
            added["methods"].append(api_name)
            continue
        for param, fact in reader.fields(cls).items():
            if param not in methods[api_name]["params"]:
                methods[api_name]["params"][param] = fact
                added["params"].append(f"{api_name}.{param}")
    spec_version = facts["version"]
    facts["version"] = f"Bot API {aiogram.__api_version__}"
    facts["sources"] = {
        "spec": f"{spec_version} (shared/telegram-bot-api.json)",
        "newer": f"aiogram {aiogram.__version__} types and methods (Bot API {aiogram.__api_version__})",
        "from_aiogram": {key: sorted(values) for key, values in added.items()},
    }
    return facts


def build(spec: dict) -> dict:
    facts = extract(spec)
    facts["sources"] = {"spec": f"{facts['version']} (shared/telegram-bot-api.json)"}
    try:
        import aiogram
    except ImportError:
        return facts
    if _version_key(aiogram.__api_version__) > _version_key(facts["version"]):
        return newer_from_aiogram(facts)
    return facts


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    if not source.is_file():
        print(f"spec not found: {source}", file=sys.stderr)
        return 1
    facts = build(json.loads(source.read_text(encoding="utf-8")))
    text = json.dumps(facts, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    print(
        f"wrote {TARGET.relative_to(REPO_ROOT)}: {facts['version']}, "
        f"{len(facts['methods'])} methods, {len(facts['types'])} types "
        f"(from {facts['sources']['spec']}"
        + (f", newer facts from {facts['sources']['newer']})" if "newer" in facts["sources"] else ")")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
