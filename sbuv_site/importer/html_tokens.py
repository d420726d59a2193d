"""A post's HTML as a flat list of tags and text, in one pass of linear time.

The standard library's html.parser rescans the rest of the input for every '<' that does not
start a complete tag, so a post of "<a <a <a …" or "<!--<!--…" takes minutes per 100 kB.
Here every scan moves forward: a tag, comment or quoted value that is never closed ends
the markup, and the rest of the post is kept as plain text (with its tags removed), as
much of it as an editor can still use. Names are lower-cased, entities decoded.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

_MARKUP = re.compile(r"<[A-Za-z/!?]")  # where a tag, end tag, comment or '<!…>' may start
_SPACE = re.compile(r"[\t\n\f\r ]*")
_TAG_NAME = re.compile(r"[^\t\n\f\r />]*")
_ATTRIBUTE_NAME = re.compile(r"[^\t\n\f\r />][^\t\n\f\r /=>]*")
_UNQUOTED = re.compile(r"[^\t\n\f\r >]*")
_TAG_LIKE = re.compile(r"<[^<>]*>")  # '[^<>]': a '<' without '>' is never rescanned
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Elements whose content is text up to their end tag, never markup (as browsers read them).
RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
                      "noscript"})


@dataclass(frozen=True, slots=True)
class StartTag:
    """<name attr="value">; the first of two attributes with one name wins, as in browsers."""

    name: str
    attrs: dict[str, str]
    closed: bool = False  # written '<br/>': no content follows


@dataclass(frozen=True, slots=True)
class EndTag:
    """</name>."""

    name: str


@dataclass(frozen=True, slots=True)
class Text:
    """Text between tags, entities decoded."""

    text: str


@dataclass(frozen=True, slots=True)
class Unclosed:
    """Markup that is never closed ('<a href="x' to the end): the rest followed as plain text."""

    shown: str  # the start of the markup, for the editor's report


Token = StartTag | EndTag | Text | Unclosed


def html_tokens(source: str) -> Iterator[Token]:
    """The tags and text of `source`; comments, doctypes and '<?…>' are left out."""
    size = len(source)
    position = text_from = 0
    never_closed: set[str] = set()  # raw-text elements with no end tag left: not searched again
    while True:
        found_markup = _MARKUP.search(source, position)  # a lone '<' ('a < b') is text
        if found_markup is None:
            break
        start = found_markup.start()
        after = source[start + 1]
        end: int | None
        token: StartTag | EndTag | None = None
        if after.isalpha():
            end, token = _tag(source, start + 1)
        elif after == "/" and source[start + 2:start + 3].isalpha() and source[start + 2].isascii():
            end, start_tag = _tag(source, start + 2)
            token = EndTag(start_tag.name) if start_tag is not None else None
        elif source.startswith("<!--", start):
            end = _comment(source, start)
        else:
            close = source.find(">", start + 2)  # '<!DOCTYPE …>', '<?php …>', '</ …>': no text
            end = close + 1 if close >= 0 else None
        if text_from < start:
            yield Text(html.unescape(source[text_from:start]))
        if end is None:
            yield Unclosed(" ".join(source[start:start + 40].split()))
            rest = _TAG_LIKE.sub(" ", source[start + 1:])
            yield Text(html.unescape(rest))
            return
        position = text_from = end
        if token is not None:
            yield token
        if isinstance(token, StartTag) and token.name in RAW_TEXT and not token.closed:
            close_tag = re.compile(rf"</{re.escape(token.name)}[\t\n\f\r />]", re.IGNORECASE)
            found = None if token.name in never_closed else close_tag.search(source, end)
            if found is None:  # never closed: only the tag itself is left out
                never_closed.add(token.name)
                yield EndTag(token.name)
                continue
            yield Text(source[end:found.start()])  # raw: '<' in a script is not a tag
            position = text_from = found.start()
    if text_from < size:
        yield Text(html.unescape(source[text_from:]))


def _tag(source: str, at: int) -> tuple[int | None, StartTag | None]:
    """The tag whose name starts at `at`: (index after its '>', tag), or (None, None) at the end."""
    size = len(source)
    found = _TAG_NAME.match(source, at)
    assert found is not None  # the pattern matches the empty string too
    name = found.group().translate(_ASCII_LOWER)
    attrs: dict[str, str] = {}
    position = found.end()
    while True:
        position = _skip_space(source, position)
        if position >= size:
            return None, None
        char = source[position]
        if char == ">":
            return position + 1, StartTag(name, attrs)
        if char == "/":
            if source.startswith("/>", position):
                return position + 2, StartTag(name, attrs, closed=True)
            position += 1
            continue
        found = _ATTRIBUTE_NAME.match(source, position)
        assert found is not None  # the first character is none of those handled above
        key = found.group().translate(_ASCII_LOWER)
        position = _skip_space(source, found.end())
        value = ""
        if position < size and source[position] == "=":
            position = _skip_space(source, position + 1)
            if position >= size:
                return None, None
            quote = source[position]
            if quote in "\"'":
                close = source.find(quote, position + 1)
                if close < 0:
                    return None, None
                value, position = source[position + 1:close], close + 1
            else:
                found = _UNQUOTED.match(source, position)
                assert found is not None
                value, position = found.group(), found.end()
        attrs.setdefault(key, html.unescape(value))


def _comment(source: str, start: int) -> int | None:
    """The index after a comment starting at `start`; '<!-->' and '<!--->' are empty ones."""
    for short in ("<!-->", "<!--->"):
        if source.startswith(short, start):
            return start + len(short)
    close = source.find("-->", start + 4)
    return close + 3 if close >= 0 else None


def _skip_space(source: str, position: int) -> int:
    found = _SPACE.match(source, position)
    return found.end() if found is not None else position
