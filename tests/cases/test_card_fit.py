"""Telegram HTML cut to Telegram's length: every part parses, fits, and nothing is lost but spaces."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.cases.fit import TEXT_MAX, plain_text, shorten_html, shorten_plain, size, split_html
from dialogs.events import esc
from tests.fakebot.telegram_html import parse_html

WORDS = st.text(alphabet=st.sampled_from(list("ab &<>\"'éÉ🙂👨‍👩‍👧\n")), min_size=1, max_size=80)


def html_of(pieces: list[tuple[str, str]]) -> str:
    """Our kind of HTML: escaped outside values inside simple tags."""
    out = []
    for tag, text in pieces:
        value = esc(text)
        if tag == "a":
            out.append(f'<a href="tg://user?id=42">{value}</a>')
        elif tag:
            out.append(f"<{tag}>{value}</{tag}>")
        else:
            out.append(value)
    return "".join(out)


PIECES = st.lists(st.tuples(st.sampled_from(["", "b", "i", "code", "a"]), WORDS), min_size=1, max_size=120)


def squeeze(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=150, deadline=None)
@given(PIECES, st.integers(min_value=20, max_value=600))
def test_every_part_parses_and_fits_and_the_words_are_all_there(pieces, limit):
    source = html_of(pieces)
    parts = split_html(source, limit)
    seen = []
    for part in parts:
        parsed = parse_html(part)  # raises on a tag or an entity cut in two
        assert size(parsed.text) <= limit
        assert parsed.text.strip()
        seen.append(parsed.text)
    assert squeeze("".join(seen)) == squeeze(plain_text(source))


@settings(max_examples=60, deadline=None)
@given(PIECES)
def test_a_short_text_is_left_alone(pieces):
    source = html_of(pieces)
    if size(plain_text(source)) <= TEXT_MAX and plain_text(source).strip():
        assert split_html(source) == [source]
        assert shorten_html(source) == source


def test_lines_are_kept_whole_when_they_can_be():
    lines = [f"<b>line {n}</b> &amp; more words here" for n in range(400)]
    parts = split_html("\n".join(lines), 1000)
    assert len(parts) > 1
    for part in parts:
        assert all(line in lines for line in part.split("\n"))


def test_a_long_word_in_bold_is_cut_with_its_tag_closed_and_opened_again():
    source = "<b>" + "&amp;" * 5000 + "</b>"
    first, second = split_html(source)
    assert first == "<b>" + "&amp;" * TEXT_MAX + "</b>" and second == "<b>" + "&amp;" * 904 + "</b>"


def test_shortened_html_says_it_goes_on():
    source = "\n".join(f"<i>{'x' * 50}</i>" for _ in range(200))
    short = shorten_html(source)
    assert short.endswith("…") and size(parse_html(short).text) <= TEXT_MAX


def test_plain_text_and_its_length():
    assert plain_text('<b>Tom &amp; Léa</b> <a href="tg://user?id=1">&lt;3</a>') == "Tom & Léa <3"
    assert size("🙂") == 2
    long = "word " * 2000
    assert size(shorten_plain(long)) <= TEXT_MAX and shorten_plain(long).endswith("word…")
