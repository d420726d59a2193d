"""Images in posts and pages: which file an address names, alt text, sizes; no I/O here.

The sizes are read at the edge (imagefiles.py) and come in as plain values, by address, so
Markdown can be rendered with width and height without touching the disk.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

DECORATIVE = "-"  # the alt text that marks a purely decorative image: `![-](linje.png)` → alt=""
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")  # compared in lower case


@dataclass(frozen=True, slots=True)
class ImageSize:
    """An image's intrinsic size in CSS pixels; None for an SVG that states none."""

    width: int | None
    height: int | None


@dataclass(frozen=True, slots=True)
class ImageUse:
    """An image a text shows: its address as the Markdown parser read it, alt text, file line."""

    src: str
    alt: str  # as the reader would hear it, before DECORATIVE is turned into ""
    line: int


@dataclass(frozen=True, slots=True)
class ImagePlace:
    """Where the file of a local image lies."""

    file: PurePosixPath  # relative to the site root: static/bilder/x.png, content/posts/bild.png
    static_relpath: str | None  # 'bilder/x.png' when the address is from the site's root (static/)
    beside: str | None  # 'bild.png', 'bilder/x.png': below the document's folder, copied beside its page


@dataclass(frozen=True, slots=True)
class FoundImage:
    """A post's `image` as the edge found it: the address written, alt text, file and size."""

    written: str
    alt: str  # "" for a decorative image
    place: ImagePlace | None  # None: an image on another host
    size: ImageSize | None  # None: an image on another host


@dataclass(frozen=True, slots=True)
class DocumentImages:
    """What one post or page needs of its images: sizes for the renderer, files to copy, `image`."""

    sizes: Mapping[str, ImageSize] = field(default_factory=dict)  # by address, as the parser read it
    beside: tuple[tuple[str, bytes], ...] = ()  # (path below the document's folder, bytes), sorted
    lead: FoundImage | None = None


@dataclass(frozen=True, slots=True)
class Picture:
    """An image ready to lay out: its address on the page (or another host), alt text, size."""

    url: str
    alt: str  # "" for a decorative image
    width: int | None
    height: int | None
    absolute: str  # the full address, for Open Graph


def is_remote(src: str) -> bool:
    """An address on another host ('https://…', '//host/…'): left as it is, never looked for."""
    return src.startswith("//") or bool(urlsplit(src).scheme)


def is_image_file(name: str) -> bool:
    """A file an image address may name beside a post: PNG, JPEG, GIF, WebP or SVG."""
    return name.lower().endswith(IMAGE_SUFFIXES)


def shown_alt(alt: str) -> str:
    """The alt attribute for the alt text written: '' for the decorative mark, else the text."""
    return "" if alt.strip() == DECORATIVE else alt


def locate_image(src: str, document: PurePosixPath, static_dir: str, base_path: str) -> ImagePlace | None:
    """The file a local address names, or None when it leaves the document's folder ('../x.png').

    '/bilder/x.png' (from the site's root, also when Markdown moved it under base_path) is
    static/bilder/x.png; 'bild.png' and 'bilder/x.png' lie beside the document, in its folder.
    """
    path = unquote(urlsplit(src).path)
    if path.startswith("/"):
        rel = path[len(base_path):] if path.startswith(base_path) else path.lstrip("/")
        rel = posixpath.normpath(rel or ".")
        if rel in (".", "..") or rel.startswith("../"):
            return None
        return ImagePlace(PurePosixPath(static_dir) / rel, rel, None)
    rel = posixpath.normpath(path or ".")
    if rel in (".", "..") or rel.startswith("../"):
        return None
    return ImagePlace(document.parent / rel, None, rel)


def find_image_uses(md: MarkdownIt, text: str, first_line: int) -> tuple[ImageUse, ...]:
    """Every Markdown image of a text, with its line in the file (the text starts at first_line).

    Parsed with the site's own parser, so the addresses are those the renderer will see.
    A text without '![' has no image, and costs nothing.
    """
    if "![" not in text:
        return ()
    env: dict[str, Any] = {}
    found: list[ImageUse] = []
    line = 0
    for block in md.parse(text, env):
        if block.map:
            line = block.map[0]
        if block.type == "inline":
            _collect(md, block.children or [], line, env, found, first_line)
    return tuple(found)


def _collect(md: MarkdownIt, children: list[Token], line: int, env: dict[str, Any],
             found: list[ImageUse], first_line: int) -> int:
    """Images among inline tokens; each line break moves the line on. Returns the line after them."""
    for token in children:
        if token.type == "image":
            alt = cast(RendererHTML, md.renderer).renderInlineAsText(token.children or [], md.options, env)
            found.append(ImageUse(str(token.attrGet("src") or ""), alt, first_line + line))
            line = _collect(md, token.children or [], line, env, [], first_line)
        elif token.type in ("softbreak", "hardbreak"):
            line += 1
        elif token.type in ("html_inline", "text"):
            line += token.content.count("\n")
    return line


def image_attributes(token: Token, sizes: Mapping[str, ImageSize]) -> None:
    """A local image gets its size (no layout shift when it loads) and loads lazily, off the main thread."""
    size = sizes.get(str(token.attrGet("src") or ""))
    if size is None:
        return
    if size.width is not None and size.height is not None:
        token.attrSet("width", str(size.width))
        token.attrSet("height", str(size.height))
    token.attrSet("loading", "lazy")
    token.attrSet("decoding", "async")
