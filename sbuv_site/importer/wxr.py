"""WordPress exports (WXR XML) → posts: published posts only; comments and attachments dropped."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from sbuv_site.errors import SiteError, raise_all
from sbuv_site.importer.html_markdown import convert_html, title_text
from sbuv_site.importer.mentions import find_municipalities
from sbuv_site.importer.post_file import ImportedPost, file_stem, old_addresses, one_owner_each
from sbuv_site.importer.stated_dates import read_timestamp
from sbuv_site.importer.wxr_xml import ItemFields, read_export_xml
from sbuv_site.municipalities import Registry
from sbuv_site.slugs import slugify

_DEFAULT_CATEGORIES = frozenset({"uncategorized", "okategoriserade", "okategoriserat"})
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
WXR_SOURCE_PREFIX = "WordPress-export "  # how every imported post's `source` starts
MAX_POST_HTML = 1_000_000  # characters of one post's HTML: the build's limit for a post is 1 MB


@dataclass(frozen=True, slots=True)
class WxrExport:
    """The posts of one export and a line on everything in it that was not imported."""

    posts: tuple[ImportedPost, ...]
    not_imported: str | None  # e.g. "4 × attachment, 4 × draft post; 4 comments dropped"
    attention: tuple[str, ...]  # about the export as a whole


def read_wxr(data: bytes, path: Path, registry: Registry) -> WxrExport:
    """Read an export; malformed XML, a file that is not WXR or an oversized post raises SiteError."""
    xml = read_export_xml(data, path)
    if not xml.is_wxr:
        raise SiteError(path, None, "not a WordPress export (WXR): no <rss><channel> with wp: elements",
                        "export from WordPress with Tools → Export, or give a saved page as .txt")
    posts: list[ImportedPost] = []
    errors: list[SiteError] = []
    left_out: Counter[str] = Counter()
    comments = 0
    for fields in xml.items:
        comments += fields.comments
        kind, status = fields.wp("post_type"), fields.wp("status")
        if kind != "post" or status != "publish":
            left_out[f"{status or 'no status'} post" if kind == "post" else (kind or "untyped item")] += 1
            continue
        content = fields.get("content", "encoded")
        if len(content) > MAX_POST_HTML:
            errors.append(SiteError(path, None, f"post {fields.wp('post_id') or '?'} holds "
                                    f"{len(content) / 1e6:.1f} MB of HTML; a post may be at most 1 MB",
                                    "shorten the post in WordPress and export again, or remove its "
                                    "<item> from the export"))
            continue
        posts.append(_post(fields, path.name, xml.authors, registry))
    raise_all(errors)
    parts = [f"{n} × {label}" for label, n in sorted(left_out.items())]
    summary = ", ".join(parts) if parts else ""
    if comments:
        summary += ("; " if summary else "") + f"{comments} comment{'s' if comments != 1 else ''} dropped"
    return WxrExport(tuple(one_owner_each(posts)), summary or None, tuple(xml.attention))


def _terms(fields: ItemFields, domain: str) -> list[str]:
    """Category or tag names, without WordPress's default 'Uncategorized'."""
    names = []
    for category in fields.categories:
        if category.domain == domain:
            name = title_text(category.name)
            nicename = unquote(category.nicename).casefold()
            default = {nicename, name.casefold()} & _DEFAULT_CATEGORIES
            if name and not default:
                names.append(name)
    return names


def _visible(text: str) -> str:
    """Text without invisible format and control characters (a slug's U+202E, for instance)."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc")).strip()


def _post(fields: ItemFields, export: str, authors: Mapping[str, str], registry: Registry) -> ImportedPost:
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
    link = fields.get("", "link").strip()
    converted = convert_html(fields.get("content", "encoded"),
                             base=link if link.startswith(("http://", "https://")) else "")
    if converted.dropped:
        attention.append("not imported: " + ", ".join(dict.fromkeys(converted.dropped)))
    attention += [f"post {post_id}: {note}" for note in converted.notes]
    if not converted.markdown.strip():
        attention.append(f"post {post_id} has no content")
    terms = _terms(fields, "category") + _terms(fields, "post_tag")
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
    old = [link] if link.startswith(("http://", "https://", "/")) else []
    aliases = old_addresses(old + ([f"/?p={post_id}"] if post_id.isdigit() else []), attention)
    return ImportedPost(
        origin=export,
        source=f"{WXR_SOURCE_PREFIX}{export}, post {post_id} ({_visible(old_slug) or stem})"
               + (f": {link}" if link else ""),
        stem=stem, title=title, body=converted.markdown, date=stamp,
        draft=password or stamp is None, municipalities=tuple(dict.fromkeys(places)),
        tags=tuple(tags.values()), author=authors.get(creator, creator) or None,
        slug=stem, attention=tuple(attention), aliases=aliases,
    )
