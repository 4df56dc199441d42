"""A staff member's message as the family gets it: signed, and within Telegram's limits.

Telegram refuses a text over 4,096 characters and a caption over 1,024, counted in UTF-16 code units
once the HTML is read. A long text is cut into numbered parts on a paragraph, line, sentence or word
boundary, and each part is escaped on its own, so that no cut falls inside a tag or an entity; the
last part carries the signature. A caption too long once signed is refused (None): the caller says
so to the staff member. Call these in the family's locale: the signature names a role.
"""

from __future__ import annotations

from dialogs.cases.words import staff_name
from dialogs.events import esc
from storage.records import PersonRecord

TEXT_MAX = 4096  # Telegram's limit on a message's text, after its HTML is read
CAPTION_MAX = 1024  # and on a photo's or a document's caption
BREAKS = ("\n\n", "\n", ". ", "! ", "? ", "… ", " ")


def utf16(text: str) -> int:
    """Telegram counts in UTF-16 code units: an emoji counts twice."""
    return len(text.encode("utf-16-le")) // 2


def split_plain(text: str, room: int) -> list[str]:
    """Plain text cut into pieces of at most `room` UTF-16 units, on the best boundary in each."""
    pieces: list[str] = []
    rest = text.strip()
    while utf16(rest) > room:
        head = rest[:room]
        while utf16(head) > room:  # the longest prefix that fits (an emoji counts twice)
            head = head[: len(head) - max(1, (utf16(head) - room + 1) // 2)]
        cut = len(head)
        for mark in BREAKS:
            at = head.rfind(mark)
            if at >= len(head) // 3:  # not a tiny first piece
                cut = at + len(mark)
                break
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def signed_parts(text: str, staff: PersonRecord) -> list[str]:
    """The message as the family will get it (HTML): one part, or several numbered ones, the last signed."""
    signature = f"— <i>{esc(staff_name(staff))}</i>"
    shown = f"— {staff_name(staff)}"  # what the signature weighs once Telegram has read the HTML
    body = text.strip()
    if utf16(body) + utf16("\n\n" + shown) <= TEXT_MAX:
        return [f"{esc(body)}\n\n{signature}"]
    marker = " (99/99)"
    pieces = split_plain(body, TEXT_MAX - utf16("\n\n" + shown) - utf16(marker) - 2)
    count = len(pieces)
    parts = [f"{esc(piece)}\n\n<i>({number}/{count})</i>" for number, piece in enumerate(pieces[:-1], 1)]
    parts.append(f"{esc(pieces[-1])}\n\n<i>({count}/{count})</i> {signature}")
    return parts


def signed_caption(caption: str, staff: PersonRecord) -> str | None:
    """The caption, signed (HTML), or None when Telegram would refuse it as too long."""
    signature = f"— <i>{esc(staff_name(staff))}</i>"
    shown = f"— {staff_name(staff)}"
    caption = caption.strip()
    if not caption:
        return signature
    if utf16(caption) + utf16("\n\n" + shown) > CAPTION_MAX:
        return None
    return f"{esc(caption)}\n\n{signature}"
