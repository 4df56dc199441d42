"""Checks on what a message contains: formatted text, captions and keyboards."""

from __future__ import annotations

from typing import Any

from .spec import ApiError, bad_request
from .telegram_html import HtmlParseError, ParsedText, parse_html, utf16_len

BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
URL_SCHEMES = ("http://", "https://", "tg://")


def render(value: str, parse_mode: str | None, entities: list | None) -> ParsedText:
    """Apply parse_mode (only HTML is implemented) and return the plain text."""
    if not parse_mode:
        return ParsedText(value, list(entities or []))
    mode = parse_mode.lower()
    if mode == "html":
        try:
            return parse_html(value)
        except HtmlParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    if mode in ("markdown", "markdownv2"):
        raise ApiError(501, f"fake Telegram: parse_mode {parse_mode} is not implemented; use HTML")
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


def trimmed(parsed: ParsedText) -> ParsedText:
    """Telegram strips surrounding whitespace from texts and captions, entities follow."""
    text = parsed.text.strip()
    if text == parsed.text:
        return parsed
    lead = utf16_len(parsed.text[: len(parsed.text) - len(parsed.text.lstrip())])
    size = utf16_len(text)
    entities = []
    for entity in parsed.entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return ParsedText(text, entities)


def render_text(limits: dict, params: dict) -> ParsedText:
    text, mode = params.get("text") or "", params.get("parse_mode")
    parsed = trimmed(render(text, mode, params.get("entities")))
    if not parsed.text.strip():
        raise bad_request("message text is empty")
    if len(parsed.text) > limits["message_text"]["max_chars"]:
        raise bad_request("message is too long")
    return parsed


def render_caption(limits: dict, params: dict) -> ParsedText:
    caption = params.get("caption") or ""
    parsed = trimmed(render(caption, params.get("parse_mode"), params.get("caption_entities")))
    if len(parsed.text) > limits["caption"]["max_chars"]:
        raise bad_request("message caption is too long")
    return parsed


def check_reply_markup(limits: dict, markup: Any) -> None:
    """Reject keyboards Telegram would reject (spec shape was already checked)."""
    if not isinstance(markup, dict):
        return
    if "inline_keyboard" in markup:
        for row in markup["inline_keyboard"]:
            for button in row:
                _check_inline_button(limits, button)
    elif "keyboard" in markup:
        for row in markup["keyboard"]:
            for button in row:
                text = button if isinstance(button, str) else button.get("text")
                if not text:
                    raise bad_request("keyboard button text must be non-empty")


def _check_inline_button(limits: dict, button: dict) -> None:
    if len(button.get("text", "")) < limits["inline_button_text"]["min_chars"]:
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    actions = [key for key in BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be "
            f"used, found {', '.join(actions)}"
        )
    if "callback_data" in button:
        size = len(button["callback_data"].encode("utf-8"))
        bounds = limits["callback_data"]
        if not bounds["min_bytes"] <= size <= bounds["max_bytes"]:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not button["url"].startswith(URL_SCHEMES):
        raise bad_request("BUTTON_URL_INVALID")
