"""Markdown blocks the importer writes, escaped so that imported text renders as itself."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Characters that start inline structure anywhere in a line (emphasis, code, links, raw
# HTML, strikethrough, table cells, footnote references): always escaped in imported text.
_INLINE_SPECIAL = {ord(char): "\\" + char for char in "\\`*_[]<|~"}  # for str.translate: one pass in C
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# Line starts that open a block: ATX heading, quote, bullet, setext underline, ordered item.
_BLOCK_START = re.compile(r"^([#>+=-])")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
HARD_BREAK = "\\\n"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Running text; lines inside `text` are joined by HARD_BREAK."""

    text: str  # inline Markdown, already escaped


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading inside a post."""

    level: int  # 1 = a section of the post (the site shows '#' as <h2> under the title's <h1>)
    text: str  # inline Markdown, already escaped


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A bullet or numbered list; each item holds its own blocks."""

    ordered: bool
    items: tuple[tuple[Block, ...], ...]
    start: int = 1


@dataclass(frozen=True, slots=True)
class Quote:
    """A block quotation."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """Preformatted text, kept character for character."""

    text: str  # raw, not escaped


@dataclass(frozen=True, slots=True)
class Rule:
    """A thematic break (<hr>)."""


Block = Paragraph | Heading | ListBlock | Quote | CodeBlock | Rule


def escape_text(text: str) -> str:
    """Escape plain text for use inside a line, so no character starts Markdown structure."""
    return _ENTITY_LIKE.sub(r"\\&", text.translate(_INLINE_SPECIAL))


def guard_line_start(line: str) -> str:
    """Escape a line's first character when it would open a block (heading, list, quote…)."""
    line = line.lstrip(" \t")
    ordered = _ORDERED_START.match(line)
    if ordered:
        return f"{ordered[1]}\\{ordered[2]}{line[ordered.end():]}"
    return _BLOCK_START.sub(r"\\\1", line)


def code_span(text: str) -> str:
    """Inline code with a backtick fence longer than any run inside it."""
    text = text.replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_blocks(blocks: Sequence[Block]) -> str:
    """The Markdown text of a post body: blocks separated by one blank line."""
    chunks: list[str] = []
    previous: Block | None = None
    for block in blocks:
        alternate = (
            isinstance(block, ListBlock) and isinstance(previous, ListBlock)
            and previous.ordered == block.ordered
        )
        chunk = _render(block, alternate)
        if chunk:
            chunks.append(chunk)
            previous = block
    return "\n\n".join(chunks) + "\n" if chunks else ""


def _render(block: Block, alternate: bool) -> str:
    if isinstance(block, Paragraph):
        return _paragraph(block.text)
    if isinstance(block, Heading):
        text = " ".join(block.text.split()).replace("#", "\\#")
        return f"{'#' * max(1, min(6, block.level))} {guard_line_start(text)}" if text else ""
    if isinstance(block, ListBlock):
        return _list(block, alternate)
    if isinstance(block, Quote):
        inner = render_blocks(block.blocks).rstrip("\n")
        return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n")) if inner else ""
    if isinstance(block, CodeBlock):
        longest = max((len(run) for run in re.findall(r"^`{3,}", block.text, re.M)), default=2)
        fence = "`" * (longest + 1)
        return f"{fence}\n{block.text.rstrip(chr(10))}\n{fence}"
    return "* * *"


def _paragraph(text: str) -> str:
    """Guard every line (a line after a hard break can open a block too) and trim breaks."""
    lines = [guard_line_start(line).rstrip(" \t") for line in text.split(HARD_BREAK)]
    # str.strip() also drops no-break spaces: a line of only U+00A0 would leave a bare '\\' at
    # the end of the paragraph, which CommonMark prints as a backslash.
    kept = [line for line in lines if line.strip()]
    return HARD_BREAK.join(kept)


def _list(block: ListBlock, alternate: bool) -> str:
    """Items one per line; a list right after another of its kind gets the other marker."""
    rendered = []
    for number, item in enumerate(block.items, start=block.start):
        if block.ordered:
            marker = f"{number}{')' if alternate else '.'} "
        else:
            marker = "* " if alternate else "- "
        body = render_blocks(item).rstrip("\n")
        indent = " " * len(marker)
        lines = body.split("\n") if body else [""]
        first = (marker + lines[0]).rstrip()
        rest = [indent + line if line else "" for line in lines[1:]]
        rendered.append("\n".join([first, *rest]))
    return "\n".join(rendered)
