"""Parser for Telegram's HTML parse_mode, strict enough to catch what Telegram rejects.

Returns the plain text (limits are checked after parsing, as Telegram does) and the message
entities with UTF-16 offsets. Deliberately stricter than Telegram on one point: an unknown
named entity such as ``&nbsp;`` is an error here (Telegram would show it verbatim, which is
always a bug in a bot that forgot to escape).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TAG_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}

NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_ENTITY_RE = re.compile(r"&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]*);")
_ATTR_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")
_SPACE = " \t\r\n"


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; str(error) is Telegram's wording after the colon."""


@dataclass
class ParsedText:
    text: str
    entities: list[dict] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    start: int  # UTF-16 offset in the output
    byte_offset: int
    attrs: dict[str, str]
    language: str | None = None


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict] = []

    # -- helpers -----------------------------------------------------------------------------
    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.utf16 += utf16_len(text)

    def decode_entity(self, text: str, index: int, where: int) -> tuple[str, int] | None:
        """Decode the entity at text[index]; None for a bare '&' (Telegram keeps it)."""
        match = _ENTITY_RE.match(text, index)
        if match is None:
            return None
        body = match.group(1)
        if body.startswith(("#x", "#X")):
            code = int(body[2:], 16)
        elif body.startswith("#"):
            code = int(body[1:])
        elif body in NAMED_ENTITIES:
            return NAMED_ENTITIES[body], match.end()
        else:
            raise HtmlParseError(
                f'Unsupported HTML entity "&{body};" at byte offset {self.byte_offset(where)}'
            )
        if code <= 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise HtmlParseError(
                f"Invalid character reference at byte offset {self.byte_offset(where)}"
            )
        return chr(code), match.end()

    def unescape(self, value: str, where: int) -> str:
        result, i = [], 0
        while i < len(value):
            decoded = self.decode_entity(value, i, where) if value[i] == "&" else None
            if decoded is None:
                result.append(value[i])
                i += 1
            else:
                result.append(decoded[0])
                i = decoded[1]
        return "".join(result)

    # -- main loop ---------------------------------------------------------------------------
    def parse(self) -> ParsedText:
        src = self.src
        while self.pos < len(src):
            char = src[self.pos]
            if char == "&":
                decoded = self.decode_entity(src, self.pos, self.pos)
                if decoded is not None:
                    self.emit(decoded[0])
                    self.pos = decoded[1]
                    continue
                self.emit("&")
                self.pos += 1
            elif char == "<":
                if src.startswith("</", self.pos):
                    self.end_tag()
                else:
                    self.start_tag()
            else:
                found = (src.find("<", self.pos), src.find("&", self.pos))
                nxt = min((p for p in found if p != -1), default=len(src))
                self.emit(src[self.pos:nxt])
                self.pos = nxt
        if self.stack:
            raise HtmlParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), self.entities)

    def start_tag(self) -> None:
        src, begin = self.src, self.pos
        i = begin + 1
        while i < len(src) and src[i] not in _SPACE and src[i] != ">":
            i += 1
        if i >= len(src):
            raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = src[begin + 1:i].lower()
        if name not in TAG_ENTITIES:
            raise HtmlParseError(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}'
            )
        attrs, i = self.attributes(name, i, begin)
        self.pos = i + 1
        self.check_start(name, attrs, begin)
        self.stack.append(_Open(name, self.utf16, self.byte_offset(begin), attrs))

    def attributes(self, tag: str, i: int, begin: int) -> tuple[dict[str, str], int]:
        src, attrs = self.src, {}
        while True:
            while i < len(src) and src[i] in _SPACE:
                i += 1
            if i >= len(src):
                raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            if src[i] == ">":
                return attrs, i
            match = _ATTR_NAME_RE.match(src, i)
            if match is None:
                offset = self.byte_offset(begin)
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {offset}'
                )
            name, i = match.group().lower(), match.end()
            while i < len(src) and src[i] in _SPACE:
                i += 1
            if i < len(src) and src[i] != "=":
                attrs[name] = ""
                continue
            i += 1
            while i < len(src) and src[i] in _SPACE:
                i += 1
            if i >= len(src):
                raise HtmlParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            if src[i] in "\"'":
                end = src.find(src[i], i + 1)
                if end == -1:
                    raise HtmlParseError(
                        f"Unclosed start tag at byte offset {self.byte_offset(begin)}"
                    )
                raw, i = src[i + 1:end], end + 1
            else:
                end = i
                while end < len(src) and src[end] not in _SPACE and src[end] != ">":
                    end += 1
                raw, i = src[i:end], end
            attrs[name] = self.unescape(raw, begin)

    def check_start(self, name: str, attrs: dict[str, str], begin: int) -> None:
        where = f"at byte offset {self.byte_offset(begin)}"
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" {where}')
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise HtmlParseError(f'Tag "tg-emoji" must have a numeric attribute "emoji-id" {where}')
        if name == "tg-time" and not attrs.get("unix", "").isdigit():
            raise HtmlParseError(f'Tag "tg-time" must have a numeric attribute "unix" {where}')

    def end_tag(self) -> None:
        begin = self.pos
        end = self.src.find(">", begin)
        if end == -1:
            raise HtmlParseError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        name = self.src[begin + 2:end].strip().lower()
        self.pos = end + 1
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        top = self.stack[-1]
        if name != top.tag:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {self.byte_offset(begin)}, '
                f'expected "</{top.tag}>", found "</{name}>"'
            )
        self.stack.pop()
        self.close_entity(top)

    def close_entity(self, tag: _Open) -> None:
        length = self.utf16 - tag.start
        kind = TAG_ENTITIES[tag.tag]
        parent = self.stack[-1] if self.stack else None
        if tag.tag == "code" and parent is not None and parent.tag == "pre":
            language = tag.attrs.get("class", "")
            if language.startswith("language-") and parent.start == tag.start:
                parent.language = language.removeprefix("language-")
                return
        if length <= 0:
            return
        entity: dict = {"type": kind, "offset": tag.start, "length": length}
        if tag.tag == "a":
            if not tag.attrs.get("href"):
                return
            entity["url"] = tag.attrs["href"]
        elif tag.tag == "pre" and tag.language:
            entity["language"] = tag.language
        elif tag.tag == "tg-emoji":
            entity["custom_emoji_id"] = tag.attrs["emoji-id"]
        elif tag.tag == "tg-time":
            entity["unix_time"] = int(tag.attrs["unix"])
            if tag.attrs.get("format"):
                entity["date_time_format"] = tag.attrs["format"]
        elif tag.tag == "blockquote" and "expandable" in tag.attrs:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML; raise HtmlParseError with Telegram-like wording on bad markup."""
    return _Parser(source).parse()


def escape_html(text: str) -> str:
    """Escape text for Telegram HTML (what a bot must do to user-provided strings)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
