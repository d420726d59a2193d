"""WordPress exports (WXR XML) → posts: published posts only; comments and attachments dropped."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from sbuv_site.errors import SiteError
from sbuv_site.importer.html_markdown import convert_html, title_text
from sbuv_site.importer.mentions import find_municipalities
from sbuv_site.importer.post_file import ImportedPost, file_stem
from sbuv_site.importer.stated_dates import read_timestamp
from sbuv_site.municipalities import Registry
from sbuv_site.slugs import slugify

# Matched by pattern, not spelled out: exports use http:// and https:// and versions 1.0-1.2.
_WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+(?:\.\d+)*/$")
_CONTENT_NAMESPACE = re.compile(r"^https?://purl\.org/rss/1\.0/modules/content/$")
_DC_NAMESPACE = re.compile(r"^https?://purl\.org/dc/elements/1\.1/$")
_DEFAULT_CATEGORIES = frozenset({"uncategorized", "okategoriserade", "okategoriserat"})
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_PREFIX_USE = re.compile(rb"</?([A-Za-z_][\w.-]*):[A-Za-z_]")
_PREFIX_DECLARED = re.compile(rb"xmlns:([A-Za-z_][\w.-]*)\s*=")
WXR_SOURCE_PREFIX = "WordPress-export "  # how every imported post's `source` starts


@dataclass(frozen=True, slots=True)
class WxrExport:
    """The posts of one export and a line on everything in it that was not imported."""

    posts: tuple[ImportedPost, ...]
    not_imported: str | None  # e.g. "4 × attachment, 4 × draft post; 4 comments dropped"
    attention: tuple[str, ...]  # about the export as a whole


def read_wxr(data: bytes, path: Path, registry: Registry) -> WxrExport:
    """Parse an export; malformed XML or a file that is not WXR raises SiteError."""
    root, attention = _parse(data, path)
    channel = root.find("channel")
    items = channel.findall("item") if channel is not None else []
    if root.tag != "rss" or channel is None or not any(_kind(el.tag) == "wp" for el in root.iter()):
        raise SiteError(path, None, "not a WordPress export (WXR): no <rss><channel> with wp: elements",
                        "export from WordPress with Tools → Export, or give a saved page as .txt")
    authors = _authors(channel)
    posts: list[ImportedPost] = []
    left_out: Counter[str] = Counter()
    comments = 0
    for item in items:
        fields = _Fields(item)
        comments += sum(1 for child in item if _kind(child.tag) == "wp" and _local(child.tag) == "comment")
        kind, status = fields.wp("post_type"), fields.wp("status")
        if kind != "post" or status != "publish":
            left_out[f"{status or 'no status'} post" if kind == "post" else (kind or "untyped item")] += 1
            continue
        posts.append(_post(fields, path.name, authors, registry))
    parts = [f"{n} × {label}" for label, n in sorted(left_out.items())]
    summary = ", ".join(parts) if parts else ""
    if comments:
        summary += ("; " if summary else "") + f"{comments} comment{'s' if comments != 1 else ''} dropped"
    return WxrExport(tuple(posts), summary or None, tuple(attention))


def _parse(data: bytes, path: Path) -> tuple[ET.Element, list[str]]:
    """Parse, repairing one known WordPress.com fault: a prefix (atom:) used but never declared."""
    attention: list[str] = []
    try:
        return ET.fromstring(data), attention
    except ET.ParseError as exc:
        first = exc
    missing = sorted({p.decode() for p in _PREFIX_USE.findall(data)}
                     - {p.decode() for p in _PREFIX_DECLARED.findall(data)} - {"xml", "xmlns"})
    if "unbound prefix" in str(first) and missing and re.search(rb"<rss\b", data):
        declarations = "".join(f' xmlns:{p}="urn:sbuv-site:undeclared:{p}"' for p in missing)
        repaired = re.sub(rb"<rss\b", b"<rss" + declarations.encode(), data, count=1)
        try:
            root = ET.fromstring(repaired)
        except ET.ParseError:
            pass
        else:
            names = ", ".join(f"'{p}:'" for p in missing)
            attention.append(f"the export uses the prefix {names} without declaring it; "
                             "read it anyway (those elements are not used)")
            return root, attention
    line = first.position[0] if first.position else None
    message = str(first).split(":", 1)[0]
    raise SiteError(path, line, f"malformed XML: {message}",
                    "the export is damaged or not XML; export it again from WordPress") from None


def _kind(tag: str) -> str:
    """Which namespace an element is in: 'wp', 'content', 'dc', '' (none) or 'other'."""
    if not tag.startswith("{"):
        return ""
    uri = tag[1:].split("}", 1)[0]
    for name, pattern in (("wp", _WP_NAMESPACE), ("content", _CONTENT_NAMESPACE), ("dc", _DC_NAMESPACE)):
        if pattern.match(uri):
            return name
    return "other"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Fields:
    """An <item>'s direct children, looked up by namespace kind and local name."""

    def __init__(self, item: ET.Element) -> None:
        self.item = item
        self.by_name: dict[tuple[str, str], str] = {}
        for child in item:
            self.by_name.setdefault((_kind(child.tag), _local(child.tag)), child.text or "")

    def wp(self, name: str) -> str:
        return self.by_name.get(("wp", name), "").strip()

    def get(self, kind: str, name: str) -> str:
        return self.by_name.get((kind, name), "")

    def terms(self, domain: str) -> list[str]:
        """Category or tag names, without WordPress's default 'Uncategorized'."""
        names = []
        for child in self.item:
            if _kind(child.tag) == "" and _local(child.tag) == "category" and child.get("domain") == domain:
                name = title_text(child.text or "")
                nicename = unquote(child.get("nicename") or "").casefold()
                default = {nicename, name.casefold()} & _DEFAULT_CATEGORIES
                if name and not default:
                    names.append(name)
        return names


def _visible(text: str) -> str:
    """Text without invisible format and control characters (a slug's U+202E, for instance)."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc")).strip()


def _authors(channel: ET.Element) -> Mapping[str, str]:
    """Author login → display name, from the export's <wp:author> list."""
    names = {}
    for author in channel:
        if _kind(author.tag) == "wp" and _local(author.tag) == "author":
            fields = _Fields(author)
            login, shown = fields.wp("author_login"), fields.wp("author_display_name")
            if login:
                names[login] = shown or login
    return names


def _post(fields: _Fields, export: str, authors: Mapping[str, str], registry: Registry) -> ImportedPost:
    attention: list[str] = []
    post_id = fields.wp("post_id") or "?"
    old_slug = unquote(fields.wp("post_name"))
    slug_words = slugify(old_slug, fallback="")
    title = title_text(fields.get("", "title"))
    if not title:
        title = slug_words or f"wordpress-{post_id}"
        attention.append(f"post {post_id} has no title; used '{title}': write a real title")
    if _BIDI_CONTROLS.search(title) or any(unicodedata.category(ch) == "Cc" for ch in title):
        attention.append(f"the title of post {post_id} holds invisible direction or control "
                         "characters; check how it reads")
    stem = file_stem(slug_words or title, f"wordpress-{post_id}", attention)
    stamp = read_timestamp(fields.wp("post_date")[:16])  # local time: the gmt date shifts days
    password = bool(fields.wp("post_password"))
    if password:
        attention.append(f"post {post_id} was password-protected; imported as a draft")
    if stamp is None:
        attention.append(f"post {post_id} has no valid post_date "
                         f"('{fields.wp('post_date')}'); imported as a draft")
    converted = convert_html(fields.get("content", "encoded"))
    if converted.dropped:
        attention.append("not imported: " + ", ".join(dict.fromkeys(converted.dropped)))
    attention += [f"post {post_id}: {note}" for note in converted.notes]
    if not converted.markdown.strip():
        attention.append(f"post {post_id} has no content")
    terms = fields.terms("category") + fields.terms("post_tag")
    known = {m.name.casefold(): m.name for m in registry.municipalities}
    places = [known[t.casefold()] for t in terms if t.casefold() in known]
    tags: dict[str, str] = {}  # by slug: 'Edge Case' and 'edge case' are one tag on the site
    for term in terms:
        word = slugify(term, fallback="")
        if not word:
            attention.append(f"tag '{term}' has no letters or digits; left out")
        elif term.casefold() not in known:
            tags.setdefault(word, term)
    if not places:
        mentions = find_municipalities(title, [converted.text], registry)
        places = list(mentions.names)
        if mentions.problem:
            attention.append(mentions.problem)
    creator = fields.get("dc", "creator").strip()
    link = fields.get("", "link").strip()
    return ImportedPost(
        origin=export,
        source=f"{WXR_SOURCE_PREFIX}{export}, post {post_id} ({_visible(old_slug) or stem})"
               + (f": {link}" if link else ""),
        stem=stem, title=title, body=converted.markdown, date=stamp,
        draft=password or stamp is None, municipalities=tuple(dict.fromkeys(places)),
        tags=tuple(tags.values()), author=authors.get(creator, creator) or None,
        slug=stem, attention=tuple(attention),
    )
