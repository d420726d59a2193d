"""An imported post and its file text: front matter in a fixed order, then the Markdown body."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import yaml

from sbuv_site.slugs import slugify
from sbuv_site.validate import RESERVED_SLUGS, alias_problem  # RESERVED_SLUGS: never an imported slug
from sbuv_site.yamltext import INVISIBLE

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


@dataclass(frozen=True, slots=True)
class ImportedPost:
    """One post read from an old-blog file, ready to be written as Markdown."""

    origin: str  # the input file's name, e.g. "000_6f41a436e1ce6a14.txt"
    source: str  # the `source` front-matter value; also how a re-import recognises the post
    stem: str  # file name without '.md'
    title: str
    body: str  # Markdown
    date: str | None  # 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM'; None only for a draft
    draft: bool
    municipalities: tuple[str, ...]
    tags: tuple[str, ...]
    author: str | None
    slug: str | None  # written only when the old site had its own slug (WordPress)
    attention: tuple[str, ...]  # what an editor must look at, one reason each
    aliases: tuple[str, ...] = ()  # the old addresses ('/2015/12/01/slug/', '/?p=12'): redirects


def file_stem(text: str, fallback: str, attention: list[str]) -> str:
    """A safe file name (and URL word) from a title or old slug; never a reserved page name."""
    stem = slugify(text, fallback=fallback)
    if stem in RESERVED_SLUGS:
        attention.append(f"'{stem}' is the name of one of the site's own pages; saved as '{stem}-inlagg'")
        return f"{stem}-inlagg"
    return stem


def render_post(post: ImportedPost) -> str:
    """The file's text; the same post always gives the same bytes."""
    lines = ["---", _pair("title", post.title)]
    if post.date is not None:
        if not (_DATE.match(post.date) or _DATE_TIME.match(post.date)):
            raise ValueError(f"importer produced a malformed date {post.date!r}")  # a bug, not input
        lines.append(f"date: {post.date}" if _DATE.match(post.date) else f"date: '{post.date}'")
    if post.draft:
        lines.append("draft: true")
    if post.municipalities:
        value: str | list[str] = (
            post.municipalities[0] if len(post.municipalities) == 1 else list(post.municipalities))
        lines.append(_pair("municipality", value))
    if post.tags:
        lines.append(_pair("tags", list(post.tags)))
    if post.author:
        lines.append(_pair("author", post.author))
    if post.slug:
        lines.append(_pair("slug", post.slug))
    if post.aliases:
        lines.append(_pair("aliases", list(post.aliases)))
    lines.append(_pair("source", post.source))
    lines.append("---")
    return "\n".join(lines) + "\n\n" + post.body


def old_addresses(addresses: list[str], attention: list[str]) -> tuple[str, ...]:
    """The paths of a post's old addresses, as 'aliases:' takes them; an unusable one is said, not kept.

    'https://blog.example/2015/12/01/slug/' gives '/2015/12/01/slug/'; 'https://blog.example/?p=12'
    gives '/?p=12'. The host is dropped: the old blog's addresses are paths on this site now.
    """
    kept: list[str] = []
    for address in addresses:
        parts = urlsplit(address.strip())
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        problem = alias_problem(path)
        if problem:
            attention.append(f"old address {address!r} not kept as an alias: it {problem}")
        elif path not in kept:
            kept.append(path)
    return tuple(kept)


def _pair(key: str, value: str | list[str]) -> str:
    """One key in YAML, quoted by PyYAML itself wherever the text needs it (':', '#', quotes)."""
    dumped: str = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=10**6,
                            default_flow_style=False)
    return dumped.rstrip("\n")


def without_invisible(post: ImportedPost) -> ImportedPost:
    """The post with the control and direction characters the build refuses taken out, and said so.

    Old exports hold them (WordPress's own test export has a RIGHT-TO-LEFT OVERRIDE in a title);
    an import must never write a post that the next build rejects, and they show nothing anyway.
    """
    fields = (post.title, post.body, post.author or "", *post.tags)
    found = sorted({ch for text in fields for ch in INVISIBLE.findall(text)})
    if not found:
        return post
    names = ", ".join(f"U+{ord(ch):04X}" for ch in found)

    def clean(text: str) -> str:
        return INVISIBLE.sub("", text)

    return replace(post, title=clean(post.title), body=clean(post.body),
                   author=clean(post.author) if post.author else post.author,
                   tags=tuple(clean(t) for t in post.tags),
                   attention=(*post.attention, f"invisible control characters removed ({names}): "
                              "check the text reads as intended"))


def one_owner_each(posts: Sequence[ImportedPost]) -> list[ImportedPost]:
    """An old address goes to the first post of the run that claims it; later claims are said, not kept.

    The build refuses one alias on two posts, and real inputs hold that: two published posts with one
    post_id in one export, and '/?p=8' in two exports of different blogs imported together.
    """
    owner: dict[str, int] = {}
    kept: list[ImportedPost] = []
    for index, post in enumerate(posts):
        mine = tuple(a for a in post.aliases if owner.setdefault(a, index) == index)
        taken = [f"old address {a} is also the address of '{posts[owner[a]].stem}'; kept only there"
                 for a in post.aliases if a not in mine]
        kept.append(replace(post, aliases=mine, attention=(*post.attention, *taken)) if taken else post)
    return kept
