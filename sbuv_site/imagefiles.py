"""Read the images posts and pages show: sizes from the files' headers, images beside posts.

The edge of the image feature: only files a post or page names are opened, under the same
rules as every other file of the site (sitefiles: inside the site, ordinary, bounded). Images
in static/ are already in memory. What comes out is plain values for the pure stages.
"""

from __future__ import annotations

import os
import struct
import warnings
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import cast
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from markdown_it import MarkdownIt
from PIL import Image

from sbuv_site.errors import SiteError, raise_all
from sbuv_site.images import (
    DECORATIVE,
    DocumentImages,
    FoundImage,
    ImagePlace,
    ImageSize,
    find_image_uses,
    is_remote,
    locate_image,
    shown_alt,
)
from sbuv_site.sitefiles import Scope, read_bounded
from sbuv_site.static import StaticFile
from sbuv_site.validate import PageFields, PostFields

MAX_IMAGE_BYTES = 100_000_000  # as a static file: every image copied is held in memory during the build
PILLOW_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")  # what every browser shows; SVG is read here
_FORMATS_TEXT = "PNG, JPEG, GIF, WebP or SVG"


def read_images(root: Path, content_dir: str, static_dir: str, base_path: str,
                documents: Sequence[PostFields | PageFields], static: Sequence[StaticFile],
                md: MarkdownIt) -> dict[Path, DocumentImages]:
    """The images of every post and page that shows one, by document path; all problems at once.

    A document without '![' and without `image` opens nothing and is not in the result.
    """
    reader = _Reader(root, content_dir, static_dir, base_path, static)
    found: dict[Path, DocumentImages] = {}
    for doc in documents:
        uses = find_image_uses(md, doc.body, doc.body_line)
        lead = doc.image if isinstance(doc, PostFields) else None
        if not uses and lead is None:
            continue
        sizes: dict[str, ImageSize] = {}
        beside: dict[str, bytes] = {}
        for use in uses:
            if not use.alt.strip():
                reader.errors.append(_no_alt(doc.path, use.line, use.src))
            size = reader.measure(use.src, doc.path, use.line, beside)
            if size is not None:
                sizes[use.src] = size
        found_lead = None
        if isinstance(doc, PostFields) and lead is not None:
            place = None if is_remote(lead.src) else reader.place(lead.src, doc.path, lead.line)
            size = reader.measure(lead.src, doc.path, lead.line, beside) if place else None
            if place is None or size is not None:
                found_lead = FoundImage(lead.src, shown_alt(lead.alt), place, size)
        found[doc.path] = DocumentImages(sizes, tuple(sorted(beside.items())), found_lead)
    raise_all(reader.errors)
    return found


def _no_alt(path: Path, line: int, src: str) -> SiteError:
    return SiteError(path, line, f"image '{src}' has no alt text",
                     "describe what the image shows, for readers who cannot see it (WCAG 1.1.1): "
                     f"![Två socialsekreterare vid ett bord]({src}); a purely decorative image takes "
                     f"the alt text '{DECORATIVE}': ![{DECORATIVE}]({src})")


class _Reader:
    """Finds and measures local images, each file once, gathering problems."""

    def __init__(self, root: Path, content_dir: str, static_dir: str, base_path: str,
                 static: Sequence[StaticFile]) -> None:
        self.root, self.static_dir, self.base_path = root, static_dir, base_path
        self.static: Mapping[str, bytes] = {f.relpath: f.data for f in static}
        self.scope = Scope.for_folder(root, content_dir)
        self.known: dict[PurePosixPath, tuple[ImageSize, bytes] | None] = {}  # None: reported
        self.errors: list[SiteError] = []

    def place(self, src: str, doc: Path, line: int) -> ImagePlace | None:
        """The file an address names, or None after reporting an address that leaves the folder."""
        place = locate_image(src, PurePosixPath(doc.as_posix()), self.static_dir, self.base_path)
        if place is None:
            self.errors.append(SiteError(
                doc, line, f"image '{src}' lies outside the post's folder",
                "put the image beside the post (or in a folder below it) and write its name, "
                f"'bild.png'; or put it in {self.static_dir}/ and write its address from the site's "
                "root, '/bilder/bild.png'"))
        return place

    def measure(self, src: str, doc: Path, line: int, beside: dict[str, bytes]) -> ImageSize | None:
        """The size of a local image (None for a remote one, or after reporting a problem).

        An image beside the document is added to beside, to be copied next to its page.
        """
        if is_remote(src):
            return None
        place = self.place(src, doc, line)
        if place is None:
            return None
        if place.file not in self.known:
            self.known[place.file] = self._read(place, src, doc, line)
        known = self.known[place.file]
        if known is None:
            return None
        size, data = known
        if place.beside is not None:
            beside[place.beside] = data
        return size

    def _read(self, place: ImagePlace, src: str, doc: Path, line: int) -> tuple[ImageSize, bytes] | None:
        try:
            data = self._data(place, src, doc, line)
            if data is None:
                return None
            return image_size(data, place.file.suffix.lower() == ".svg"), data
        except _Unreadable as exc:
            self.errors.append(SiteError(doc, line, f"image '{src}' cannot be read ({place.file}): {exc}",
                                         f"save it again as {_FORMATS_TEXT}; the file may be damaged, "
                                         "or not an image"))
        except SiteError as err:  # a link out of the site, a FIFO, a file too large
            self.errors.append(SiteError(doc, line, f"image '{src}': {err.message}",
                                         f"{place.file}: {err.hint}" if err.hint else str(place.file)))
        return None

    def _data(self, place: ImagePlace, src: str, doc: Path, line: int) -> bytes | None:
        hidden = any(part.startswith(".") for part in place.file.parts)
        if place.static_relpath is not None:
            data = None if hidden else self.static.get(place.static_relpath)
            if data is None:
                self._missing(src, doc, line, f"{place.file} (an address from the site's root is a file "
                              f"in {self.static_dir}/); put the image there, or check the spelling "
                              "(capitals count)")
            return data
        path = self.root / place.file
        if hidden or not os.path.lexists(path):
            self._missing(src, doc, line, f"{place.file} (beside the post); put the image there, check the "
                          f"spelling (capitals count), or put it in {self.static_dir}/ and write "
                          f"'/{place.file.name}'")
            return None
        too_big = partial(_too_big, path=place.file)
        return read_bounded(path, str(place.file), self.scope, MAX_IMAGE_BYTES, too_big)

    def _missing(self, src: str, doc: Path, line: int, hint: str) -> None:
        self.errors.append(SiteError(doc, line, f"image '{src}' is not found", f"looked for {hint}"))


def _too_big(size: int, path: PurePosixPath) -> SiteError:
    return SiteError(str(path), None, f"file is {size / 1e6:.1f} MB; an image may be at most "
                     f"{MAX_IMAGE_BYTES / 1e6:.0f} MB", "make the image smaller (2000 px wide is plenty)")


class _Unreadable(Exception):
    """An image file whose size cannot be read: the reason, in words."""


def image_size(data: bytes, svg: bool) -> ImageSize:
    """Width and height from an image's header: Pillow for PNG, JPEG, GIF and WebP; SVG's root element.

    Pillow reads only the header here (Image.open is lazy): no pixel is decoded, so a large
    image costs no more than a small one, and a decompression bomb is never expanded.
    """
    if svg:
        return svg_size(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # nothing is decoded
        try:
            with Image.open(BytesIO(data), formats=PILLOW_FORMATS) as image:
                width, height = image.size
        except Image.DecompressionBombError:
            raise _Unreadable(f"it has more than {2 * (Image.MAX_IMAGE_PIXELS or 0):,} pixels") from None
        except (OSError, SyntaxError, ValueError, EOFError, struct.error):
            raise _Unreadable(f"not a {_FORMATS_TEXT} image that can be read") from None
    return ImageSize(width, height)


def svg_size(data: bytes) -> ImageSize:
    """An SVG's size from its root element: width and height in px, else its viewBox; else none."""
    parser: XMLPullParser[Element] = XMLPullParser(events=("start",))
    root: Element | None = None
    try:
        for start in range(0, len(data), 1 << 16):
            parser.feed(data[start:start + (1 << 16)])
            root = next((item for item in _started(parser) if isinstance(item, Element)), None)
            if root is not None:
                break
    except ParseError as exc:
        raise _Unreadable(f"not well-formed XML ({exc})") from None
    if root is None or root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        raise _Unreadable("not an SVG image (its first element is not <svg>)")
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = _view_box(root.get("viewBox"))
    if width and height:
        return ImageSize(width, height)
    if box and width:
        return ImageSize(width, round(width * box[1] / box[0]))
    if box and height:
        return ImageSize(round(height * box[0] / box[1]), height)
    if box:
        return ImageSize(round(box[0]), round(box[1]))
    return ImageSize(None, None)


def _started(parser: XMLPullParser[Element]) -> Iterator[object]:
    for event in parser.read_events():
        yield cast(tuple[str, object], event)[1]


def _length(value: str | None) -> int | None:
    """A length in CSS pixels ('120', '120px', '120.5'); None for '%', 'em' or nothing."""
    text = (value or "").strip().removesuffix("px")
    try:
        number = float(text)
    except ValueError:
        return None
    return round(number) if 0 < number < 1e6 else None


def _view_box(value: str | None) -> tuple[float, float] | None:
    parts = (value or "").replace(",", " ").split()
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        return None
    if len(numbers) != 4 or not (0 < numbers[2] < 1e6 and 0 < numbers[3] < 1e6):
        return None
    return numbers[2], numbers[3]
