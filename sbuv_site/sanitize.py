"""An allow-list HTML cleaner (nh3, Ammonia's html5ever parser), for sites that let editors write raw HTML.

Two steps, because a browser-grade parser reads an unclosed `<textarea>`, `<select>`, `<!--` or a
stray quote as "everything after this is inside me": `confine` is applied to each piece of raw
HTML on its own, and `clean_html` to the whole rendered text once.
"""

from __future__ import annotations

import functools
import html
import re
from urllib.parse import unquote, urlsplit

import nh3

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "div",
    "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    "section",  # Markdown's footnote list
})
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript",
                               "svg", "math", "form", "textarea", "select", "button", "frame", "frameset"})
GLOBAL_ATTRS = frozenset({"id", "class", "title", "lang", "aria-label", "aria-labelledby", "aria-hidden",
                          "role"})
ALLOWED_ATTRS: dict[str, frozenset[str]] = {
    "*": GLOBAL_ATTRS,
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height", "loading", "decoding"}),
    "blockquote": frozenset({"cite"}), "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}), "ins": frozenset({"cite", "datetime"}),
    "time": frozenset({"datetime"}),
    "ol": frozenset({"start", "reversed"}),
    "th": frozenset({"colspan", "rowspan", "scope", "style"}),
    "td": frozenset({"colspan", "rowspan", "style"}),
}
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # and relative addresses


def is_safe_url(url: str) -> bool:
    """False for javascript:, vbscript:, data: and other schemes a reader's browser would run."""
    cleaned = "".join(ch for ch in html.unescape(url) if ch > " " and ch != "\x7f")
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    return scheme == "" or scheme in SAFE_SCHEMES


URL_ATTRS = frozenset({"href", "src", "cite"})  # the allowed attributes that hold an address


def rebase_link(url: str, base_path: str) -> str:
    """A root-relative link ('/karta/') moved under the site's base path ('/blogg/karta/').

    Editors write links for a site at the host's root; a site published under a sub-path would
    otherwise send them out of it. A link already under the base path ('/blogg/karta/', or just
    '/blogg') is left as written, so rebasing twice is rebasing once. Addresses with a host
    ('https://…', '//host/…', and '/\\host', which browsers read as '//host') and relative ones
    ('bild.png', '#rubrik', '?q') are never changed.
    """
    if base_path == "/" or not url.startswith("/") or url[1:2] in ("/", "\\"):
        return url
    path = unquote(url.partition("#")[0].partition("?")[0])
    base = unquote(base_path)
    if path.startswith(base) or path == base[:-1]:
        return url
    return base_path + url[1:]


def _check_cite(tag: str, name: str, value: str) -> str | None:
    """Ammonia checks href and src itself but not cite: give cite the same scheme rule."""
    if name == "cite" and not is_safe_url(value):
        return None
    return value


def _make_cleaner(base_path: str) -> nh3.Cleaner:
    def check(tag: str, name: str, value: str) -> str | None:
        checked = _check_cite(tag, name, value)
        return rebase_link(checked, base_path) if checked is not None and name in URL_ATTRS else checked

    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRS,
        attribute_filter=_check_cite if base_path == "/" else check,
        url_schemes=SAFE_SCHEMES,
        link_rel=None,  # links keep the markup Markdown gives them; nothing here may set target=
        filter_style_properties=frozenset({"text-align"}),  # Markdown's aligned table columns
    )


_CLEANER = _make_cleaner("/")


@functools.lru_cache(maxsize=4)
def _cleaner_for(base_path: str) -> nh3.Cleaner:
    """One cleaner per base path (a site has one), made once: building a Cleaner is not free."""
    return _CLEANER if base_path == "/" else _make_cleaner(base_path)

# Text that stands for "the rest of the post" after a piece of raw HTML: an inline word, then a
# paragraph. A piece is harmless to the rest if both come out of the cleaner as they went in.
_WORD, _PARAGRAPH = "\ue000", "\ue001"
_PROBE = f"{_WORD}<p>{_PARAGRAPH}</p>"
_PROBE_SURVIVED = re.compile(f"{_WORD}.*<p>(?:<[a-z][^>]*>)*{_PARAGRAPH}", re.DOTALL)


def clean_html(fragment: str, base_path: str = "/") -> str:
    """Keep only allow-listed tags and attributes; drop scripts, frames, comments and unsafe URLs.

    Root-relative href, src and cite are moved under base_path (see rebase_link), so raw HTML
    links follow the same rule as Markdown links.
    """
    return _cleaner_for(base_path).clean(fragment)


def confine(raw: str) -> str:
    """One piece of raw HTML as written if what follows it stays intact, else cleaned on its own.

    An unclosed `<textarea>`, `<svg>`, `<select>`, `<template>`, `<!--` or attribute quote would
    otherwise take the rest of the post into itself, and clean_html would remove or flatten it.
    Cleaned alone, the piece closes what it opened. Pieces that pass, such as a `<details>` whose
    `</details>` comes after some Markdown, are left for clean_html to see whole.
    """
    if _WORD in raw or _PARAGRAPH in raw or not _PROBE_SURVIVED.search(_CLEANER.clean(raw + _PROBE)):
        return _CLEANER.clean(raw)
    return raw
