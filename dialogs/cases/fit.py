"""Telegram HTML cut to Telegram's length, on text boundaries, never through a tag or an entity.

Telegram counts a message's length after parsing (tags do not count, `&amp;` counts one), and
refuses more than 4096. `split_html` cuts a text into parts that each fit, at a line break when
one is near enough, else at a space, else between two characters; a tag open at a cut is closed
at the end of the part and opened again at the start of the next one. `shorten_html` keeps the
first part and says it goes on. `plain_text` is the text as the reader sees it (no tags, entities
decoded), for a message Telegram refused as HTML. Lengths are counted in UTF-16 code units, as
Telegram does for its limits, so an emoji counts two.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TEXT_MAX = 4096
MORE = "…"

_TOKEN = re.compile(
    r"<(?P<close>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>[^<>]*)>"
    r"|&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]*);"
    r"|.",
    re.S,
)
_VOID = frozenset({"br"})


def size(text: str) -> int:
    """Length of plain text as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class _Token:
    source: str
    visible: int  # UTF-16 code units once parsed
    tag: str = ""  # "b" for <b ...> and </b>
    closing: bool = False

    @property
    def opening(self) -> bool:
        return bool(self.tag) and not self.closing


def _tokens(source: str) -> list[_Token]:
    found = []
    for match in _TOKEN.finditer(source):
        piece = match.group(0)
        if match.group("tag"):
            found.append(_Token(piece, 0, match.group("tag").lower(), bool(match.group("close"))))
        elif piece.startswith("&") and len(piece) > 1:
            found.append(_Token(piece, size(html.unescape(piece))))
        else:
            found.append(_Token(piece, size(piece)))
    return found


def _apply(stack: list[_Token], token: _Token) -> None:
    if token.opening and token.tag not in _VOID:
        stack.append(token)
    elif token.closing:
        for index in range(len(stack) - 1, -1, -1):
            if stack[index].tag == token.tag:
                del stack[index:]
                break


def _closing(stack: list[_Token]) -> str:
    return "".join(f"</{t.tag}>" for t in reversed(stack))


def _opening(stack: list[_Token]) -> str:
    return "".join(t.source for t in stack)


def split_html(source: str, limit: int = TEXT_MAX) -> list[str]:
    """Parts of `source`, each at most `limit` long once parsed, each valid on its own; none empty."""
    if limit < 2:
        raise ValueError("a limit of at least 2")
    tokens = _tokens(source)
    parts: list[str] = []
    start, opened = 0, []
    while start < len(tokens):
        length, stack, index = 0, list(opened), start
        line = space = None  # (index, stack, length) of the last line break / space seen
        while index < len(tokens) and length + tokens[index].visible <= limit:
            token = tokens[index]
            if token.source == "\n" and index > start:
                line = (index, list(stack), length)
            elif token.source in (" ", "\t") and index > start:
                space = (index, list(stack), length)
            length += token.visible
            _apply(stack, token)
            index += 1
        if index >= len(tokens):
            parts.append(_opening(opened) + "".join(t.source for t in tokens[start:]))
            break
        if line is not None and line[2] >= limit // 2:
            cut, at_cut, skip = line[0], line[1], 1
        elif space is not None and space[2] >= limit // 2:
            cut, at_cut, skip = space[0], space[1], 1
        elif line is not None or space is not None:
            best = max((c for c in (line, space) if c is not None), key=lambda c: c[0])
            cut, at_cut, skip = best[0], best[1], 1
        else:
            cut, at_cut, skip = index, stack, 0
            while cut > start + 1 and tokens[cut - 1].opening:  # no empty <b></b> at the end of a part
                cut -= 1
                at_cut = list(at_cut)
                _unapply_last(at_cut, tokens[cut])
        parts.append(_opening(opened) + "".join(t.source for t in tokens[start:cut]) + _closing(at_cut))
        opened, start = at_cut, cut + skip
    return [p for p in parts if plain_text(p).strip()]


def _unapply_last(stack: list[_Token], token: _Token) -> None:
    if stack and stack[-1] is token:
        stack.pop()


def shorten_html(source: str, limit: int = TEXT_MAX) -> str:
    """`source` if it fits, else its beginning, cut on a text boundary, followed by « … »."""
    parts = split_html(source, limit)
    if len(parts) <= 1:
        return parts[0] if parts else source
    return split_html(source, limit - 2)[0] + "\n" + MORE


def plain_text(source: str) -> str:
    """What the reader sees of Telegram HTML: no tags, entities decoded."""
    return "".join(html.unescape(t.source) if not t.tag else "" for t in _tokens(source))


def shorten_plain(text: str, limit: int = TEXT_MAX) -> str:
    """Plain text cut to `limit` (UTF-16) at a space or a line break when possible, with « … »."""
    if size(text) <= limit:
        return text
    kept, length = [], 0
    for char in text:
        if length + size(char) > limit - 1:
            break
        kept.append(char)
        length += size(char)
    cut = "".join(kept)
    boundary = max(cut.rfind("\n"), cut.rfind(" "))
    if boundary >= len(cut) // 2:
        cut = cut[:boundary]
    return cut.rstrip() + MORE
