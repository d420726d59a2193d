"""The XML of a WordPress export, read as a stream: one <item> in memory at a time.

A 50 MB export parsed whole would take gigabytes of element objects; here each <item> is
reduced to its fields when it ends and removed from the tree, and no part of the file may
hold more than MAX_ELEMENTS elements at once. Entity declarations (<!ENTITY>), which
WordPress never writes, are refused before parsing: they are how an XML file expands into
gigabytes ("billion laughs") or reads other files (XXE).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from sbuv_site.errors import SiteError

# Matched by pattern, not spelled out: exports use http:// and https:// and versions 1.0-1.2.
_WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+(?:\.\d+)*/$")
_CONTENT_NAMESPACE = re.compile(r"^https?://purl\.org/rss/1\.0/modules/content/$")
_DC_NAMESPACE = re.compile(r"^https?://purl\.org/dc/elements/1\.1/$")
_PREFIX_USE = re.compile(rb"</?([A-Za-z_][\w.-]*):[A-Za-z_]")
_PREFIX_DECLARED = re.compile(rb"xmlns:([A-Za-z_][\w.-]*)\s*=")
MAX_ELEMENTS = 200_000  # in one <item> (a post with 5,000 comments has about 75,000)
MAX_ITEMS = 100_000  # items and authors in one export (the old blog has about a hundred posts)
_CHUNK = 1 << 20
_EXPORT_AGAIN = "the export is damaged or not XML; export it again from WordPress"


@dataclass(frozen=True, slots=True)
class Category:
    """A <category domain="…" nicename="…">name</category> of an item."""

    domain: str
    name: str
    nicename: str


@dataclass(slots=True)
class ItemFields:
    """An <item>'s direct children by namespace kind and local name; the first of each wins."""

    by_name: dict[tuple[str, str], str] = field(default_factory=dict)
    categories: list[Category] = field(default_factory=list)
    comments: int = 0

    def wp(self, name: str) -> str:
        """A wp: field, stripped ('' when missing)."""
        return self.by_name.get(("wp", name), "").strip()

    def get(self, kind: str, name: str) -> str:
        """A field of a namespace kind ('', 'content', 'dc'), as written."""
        return self.by_name.get((kind, name), "")


@dataclass(slots=True)
class ExportXml:
    """What the importer needs of an export's XML."""

    is_wxr: bool = False  # <rss><channel> with at least one wp: element
    items: list[ItemFields] = field(default_factory=list)
    authors: dict[str, str] = field(default_factory=dict)  # login → display name
    attention: list[str] = field(default_factory=list)


def kind_of(tag: str) -> str:
    """Which namespace an element is in: 'wp', 'content', 'dc', '' (none) or 'other'."""
    if not tag.startswith("{"):
        return ""
    uri = tag[1:].split("}", 1)[0]
    for name, pattern in (("wp", _WP_NAMESPACE), ("content", _CONTENT_NAMESPACE), ("dc", _DC_NAMESPACE)):
        if pattern.match(uri):
            return name
    return "other"


def local_name(tag: str) -> str:
    """The tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def read_export_xml(data: bytes, path: Path) -> ExportXml:
    """Parse, repairing one known WordPress.com fault: a prefix (atom:) used but never declared."""
    _refuse_entities(data, path)
    try:
        return _stream(data, path)
    except ET.ParseError as exc:
        first = exc
    missing = sorted({p.decode() for p in _PREFIX_USE.findall(data)}
                     - {p.decode() for p in _PREFIX_DECLARED.findall(data)} - {"xml", "xmlns"})
    if "unbound prefix" in str(first) and missing and re.search(rb"<rss\b", data):
        declarations = "".join(f' xmlns:{p}="urn:sbuv-site:undeclared:{p}"' for p in missing)
        repaired = re.sub(rb"<rss\b", b"<rss" + declarations.encode(), data, count=1)
        try:
            export = _stream(repaired, path)
        except ET.ParseError:
            pass
        else:
            names = ", ".join(f"'{p}:'" for p in missing)
            export.attention.append(f"the export uses the prefix {names} without declaring it; "
                                    "read it anyway (those elements are not used)")
            return export
    line = first.position[0] if first.position else None
    message = str(first).split(":", 1)[0]
    raise SiteError(path, line, f"malformed XML: {message}", _EXPORT_AGAIN) from None


class _EntityDeclared(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _PrologRead(Exception):
    """The first element has started: no entity can be declared after it."""


def _refuse_entities(data: bytes, path: Path) -> None:
    """Read the prolog with expat alone and stop at the first element or entity declaration."""
    parser = expat.ParserCreate()

    def declared(name: str, *_: object) -> None:
        raise _EntityDeclared(name)

    def started(*_: object) -> None:
        raise _PrologRead

    parser.EntityDeclHandler = declared
    parser.StartElementHandler = started
    try:
        parser.Parse(data, True)
    except _EntityDeclared as found:
        raise SiteError(path, parser.CurrentLineNumber,
                        f"the export declares an XML entity ('{found.name}'), which WordPress never does",
                        "export it again from WordPress: entity declarations are not read, since they "
                        "can expand a file to gigabytes or read other files") from None
    except (_PrologRead, expat.ExpatError):
        return  # a malformed prolog is reported by the real parse, with its line


def _stream(data: bytes, path: Path) -> ExportXml:
    """One pass: each element of depth 2 or 3 is read when it ends, then removed from the tree."""
    export = ExportXml()
    stack: list[ET.Element] = []
    channel: ET.Element | None = None
    rss = saw_wp = False
    elements = 0  # in the depth-2 or depth-3 element being read
    for event, element in _events(data):
        if event == "start":
            stack.append(element)
            depth = len(stack)
            if depth == 1:
                rss = element.tag == "rss"
            elif depth == 2 and element.tag == "channel" and channel is None:
                channel = element
            saw_wp = saw_wp or kind_of(element.tag) == "wp"
            elements = 0 if depth <= 3 else elements + 1
            if elements > MAX_ELEMENTS:
                raise SiteError(path, None, f"one element of the export holds more than "
                                f"{MAX_ELEMENTS:,} XML elements; a WordPress post holds a few dozen",
                                "this is not an export WordPress wrote; export it again") from None
            continue
        stack.pop()
        if len(stack) in (1, 2) and element is not channel:
            if stack[-1] is channel and _read_child(element, export) > MAX_ITEMS:
                raise SiteError(path, None, f"the export holds more than {MAX_ITEMS:,} items",
                                "export one date range at a time (Tools → Export in WordPress)")
            del stack[-1][-1]  # the element just ended is its parent's last child
    export.is_wxr = rss and channel is not None and saw_wp
    return export


def _events(data: bytes) -> Iterator[tuple[str, ET.Element]]:
    """The parser's start and end events, fed a chunk at a time; ParseError where the XML breaks."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    for offset in range(0, len(data), _CHUNK):
        parser.feed(data[offset:offset + _CHUNK])
        yield from _elements(parser)
    parser.close()
    yield from _elements(parser)


def _elements(parser: ET.XMLPullParser[ET.Element]) -> Iterator[tuple[str, ET.Element]]:
    for event in parser.read_events():
        element = event[-1]
        if isinstance(element, ET.Element):  # only start and end are asked for, never namespaces
            yield event[0], element


def _read_child(element: ET.Element, export: ExportXml) -> int:
    """Keep what the importer needs of one child of <channel> (an <item> or a <wp:author>);
    return how many of those the export has held so far."""
    kind, name = kind_of(element.tag), local_name(element.tag)
    if kind == "" and name == "item":
        export.items.append(_item_fields(element))
    elif kind == "wp" and name == "author":
        fields = _item_fields(element)
        login, shown = fields.wp("author_login"), fields.wp("author_display_name")
        if login:
            export.authors[login] = shown or login
    return len(export.items) + len(export.authors)


def _item_fields(item: ET.Element) -> ItemFields:
    fields = ItemFields()
    for child in item:
        kind, name = kind_of(child.tag), local_name(child.tag)
        fields.by_name.setdefault((kind, name), child.text or "")
        if kind == "wp" and name == "comment":
            fields.comments += 1
        elif kind == "" and name == "category":
            fields.categories.append(Category(child.get("domain") or "", child.text or "",
                                              child.get("nicename") or ""))
    return fields
