"""Bot API facts (committed extract) and request parameter validation.

Parameters arrive as strings (query string, form data), native JSON values or uploaded files;
they are coerced to the types the spec declares, or rejected the way Telegram rejects them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

FACTS_PATH = Path(__file__).with_name("bot_api_facts.json")
SCALARS = frozenset({"Integer", "String", "Boolean", "Float"})
# Telegram's own wording when these required parameters are missing.
MISSING_MESSAGES = {
    "text": "message text is empty",
    "photo": "there is no photo in the request",
    "document": "there is no document in the request",
}
_NO_MATCH = object()
_INTEGER_RE = re.compile(r"-?[0-9]+")


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status and Telegram's description."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict:
        body: dict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Param:
    name: str
    types: tuple[str, ...]
    required: bool


class BotApiSpec:
    """Method and type facts of one Bot API version."""

    def __init__(self, facts: dict) -> None:
        self.version: str = facts["version"]
        self.limits: dict = facts["limits"]
        self.types: dict = facts["types"]
        self._methods: dict = facts["methods"]
        self._by_lower = {name.lower(): name for name in self._methods}

    def method_name(self, requested: str) -> str | None:
        """Telegram method names are case-insensitive; return the canonical one."""
        return self._by_lower.get(requested.lower())

    def params(self, method: str) -> dict[str, Param]:
        raw = self._methods[method]["params"]
        return {n: Param(n, tuple(f["types"]), f["required"]) for n, f in raw.items()}

    def returns(self, method: str) -> list[str]:
        return list(self._methods[method]["returns"])

    def returns_true(self, method: str) -> bool:
        return self.returns(method) == ["Boolean"]

    def field_names(self, type_name: str, required_only: bool = False) -> list[str]:
        fields = self.types[type_name]["fields"]
        return [n for n, f in fields.items() if f["required"] or not required_only]

    # -- request validation ------------------------------------------------------------------
    def validate(self, method: str, raw: dict[str, Any], files: dict[str, UploadedFile]) -> dict:
        """Coerce raw request parameters; raise ApiError(400) like Telegram would."""
        params = self.params(method)
        result: dict[str, Any] = {k: v for k, v in raw.items() if k not in params}
        for name, param in params.items():
            value = raw.get(name)
            if value is None or value == "":
                if param.required:
                    raise bad_request(MISSING_MESSAGES.get(name, f"{name} is empty"))
                continue
            result[name] = self._coerce(param, value, files)
        return result

    def _coerce(self, param: Param, value: Any, files: dict[str, UploadedFile]) -> Any:
        types = param.types
        if "InputFile" in types and isinstance(value, str) and value.startswith("attach://"):
            return _attachment(value, files)
        if isinstance(value, UploadedFile):
            if "InputFile" in types:
                return value
            raise bad_request(f'field "{param.name}" must be of type {" or ".join(types)}')
        for type_name in types:
            if type_name in SCALARS:
                converted = _scalar_from_request(type_name, value)
                if converted is not _NO_MATCH:
                    return converted
        objects = [t for t in types if t not in SCALARS and t != "InputFile"]
        if not objects:
            raise bad_request(f'field "{param.name}" must be of type {" or ".join(types)}')
        decoded = value
        if isinstance(value, str):
            try:
                decoded = json.loads(value)
            except ValueError:
                decoded = _NO_MATCH
        if decoded is not _NO_MATCH:
            problems = [(t, self.check_value(t, decoded)) for t in objects]
            if any(problem is None for _, problem in problems):
                return _resolve_attachments(decoded, files)
            relevant = [p for t, p in problems if self._looks_like(t, decoded)]
            if relevant:
                raise bad_request(relevant[0])
        if param.name == "reply_markup":
            raise bad_request("can't parse reply keyboard markup JSON object")
        raise bad_request(f"can't parse {param.name} JSON object")

    def _looks_like(self, type_name: str, value: Any) -> bool:
        """The value was meant as this type, so its detailed problem is worth reporting."""
        if type_name.startswith("Array of"):
            return isinstance(value, list)
        if not isinstance(value, dict):
            return False
        facts = self.types.get(type_name, {})
        if facts.get("subtypes"):
            return True
        required = [n for n, f in facts.get("fields", {}).items() if f["required"]]
        return not required or any(name in value for name in required)

    # -- object validation (JSON-serialized parameters, and our own responses in tests) -------
    def check_value(self, type_name: str, value: Any) -> str | None:
        """None if value fits the type, else a Telegram-like problem description."""
        if type_name.startswith("Array of "):
            inner = type_name.removeprefix("Array of ")
            if not isinstance(value, list):
                return f"can't parse {inner} array: an Array expected"
            for item in value:
                problem = self.check_value(inner, item)
                if problem is not None:
                    return problem
            return None
        if type_name in SCALARS:
            return None if _is_native(type_name, value) else f"expected {type_name}"
        facts = self.types.get(type_name)
        if facts is None or not isinstance(value, dict):
            return None if facts is None else f"can't parse {type_name}: an Object expected"
        if facts.get("subtypes"):
            problems = [self.check_value(sub, value) for sub in facts["subtypes"]]
            if any(p is None for p in problems):
                return None
            return f"can't parse {type_name}: {problems[0]}"
        for field_name, field in facts["fields"].items():
            if field_name not in value:
                if field["required"]:
                    return (f"can't parse {type_name}: Field \"{field_name}\" must be of type "
                            f"{' or '.join(field['types'])}")
                continue
            problems = [self.check_value(t, value[field_name]) for t in field["types"]]
            if all(problems):
                inner = problems[0]
                if len(problems) == 1 and inner.startswith("can't parse"):
                    return inner
                return (f"can't parse {type_name}: Field \"{field_name}\" must be of type "
                        f"{' or '.join(field['types'])}")
        return None


def _is_native(type_name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return type_name == "Boolean"
    if type_name == "Integer":
        return isinstance(value, int)
    if type_name == "Float":
        return isinstance(value, (int, float))
    if type_name == "String":
        return isinstance(value, str)
    return False


def _scalar_from_request(type_name: str, value: Any) -> Any:
    """Top-level parameters: Telegram accepts strings for numbers and booleans."""
    if _is_native(type_name, value):
        return float(value) if type_name == "Float" else value
    if isinstance(value, (dict, list, UploadedFile)):
        return _NO_MATCH
    if type_name == "String":
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        return str(value) if numeric else _NO_MATCH
    if not isinstance(value, str):
        return _NO_MATCH
    text = value.strip()
    if type_name == "Integer":
        return int(text) if _INTEGER_RE.fullmatch(text) else _NO_MATCH
    if type_name == "Float":
        try:
            return float(text)
        except ValueError:
            return _NO_MATCH
    lowered = text.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    return _NO_MATCH


def _resolve_attachments(value: Any, files: dict[str, UploadedFile]) -> Any:
    """Replace "attach://name" strings inside JSON objects (InputMedia) by the uploaded part."""
    if isinstance(value, dict):
        return {k: _resolve_attachments(v, files) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_attachments(v, files) for v in value]
    if isinstance(value, str) and value.startswith("attach://"):
        return _attachment(value, files)
    return value


def _attachment(reference: str, files: dict[str, UploadedFile]) -> UploadedFile:
    name = reference.removeprefix("attach://")
    if name not in files:
        raise bad_request(f'file "{reference}" is not attached to the request')
    return files[name]


@lru_cache(maxsize=4)
def load_spec(path: str | None = None) -> BotApiSpec:
    """Load the committed facts (tests never read ../shared)."""
    source = Path(path) if path else FACTS_PATH
    return BotApiSpec(json.loads(source.read_text(encoding="utf-8")))
