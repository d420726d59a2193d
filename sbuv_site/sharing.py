"""What a page tells search engines, link previews and the site's search: description, OG, JSON-LD."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from typing import Any

from markupsafe import Markup

from sbuv_site.images import Picture
from sbuv_site.model import Link, Post, Site
from sbuv_site.municipalities import Municipality
from sbuv_site.urls import Urls

DESCRIPTION_LIMIT = 160  # characters; search engines cut longer descriptions anyway
SCHEMA_ORG = "https://schema.org"
# '<', '>' and '&' as JSON escapes, so no title can close the <script> element or start a
# comment in it; U+2028/2029 too, for readers that treat the block as JavaScript.
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
_LOCALES = {"sv": "sv_SE", "en": "en_GB", "fi": "fi_FI"}


@dataclass(frozen=True, slots=True)
class PageMeta:
    """The <head> facts of one page beyond its title and canonical address."""

    description: str  # plain text, at most DESCRIPTION_LIMIT characters; "" means none
    og_type: str  # "article" for a post, else "website"
    locale: str  # Open Graph's form of the language: "sv_SE"
    published_time: str | None = None  # ISO 8601 with offset, posts only
    modified_time: str | None = None
    json_ld: tuple[Markup, ...] = ()  # ready to go between <script type="application/ld+json"> tags
    noindex: bool = False  # the 404 page: not a page to list in search results
    image: Picture | None = None  # a post's `image`: og:image and a large Twitter card


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


# HTML as markdown-it and the cleaner write it: text with whole character references, and start
# or end tags whose quoted values may hold '>'. No comment, declaration, bare '<' or '&', and no
# script or style (whose text HTMLParser reads raw): for such HTML a regex finds the tags exactly.
_TAG = re.compile(r"""</?[A-Za-z][^<>"']*+(?:(?:"[^"]*+"|'[^']*+')[^<>"']*+)*+>""")
_SIMPLE_HTML = re.compile(rf"""(?:[^<&]++|&#?\w++;|{_TAG.pattern})*+""")  # possessive: never backtracks
_RAW_TEXT = re.compile(r"<(?:script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)",
                       re.IGNORECASE)  # elements whose text some Python's HTMLParser reads raw


def plain_text(html: str) -> str:
    """The words of an HTML fragment (a summary) without tags, entities decoded, spaces collapsed.

    Every post page and the JSON Feed ask for it: HTML as the site writes it has its tags cut
    out by one regex, at half HTMLParser's cost; anything else goes through HTMLParser.
    """
    if "<" not in html and "&" not in html:
        return " ".join(html.split())
    if _SIMPLE_HTML.fullmatch(html) and not _RAW_TEXT.search(html):
        return " ".join(unescape(_TAG.sub("", html)).split())
    return parsed_text(html)


def parsed_text(html: str) -> str:
    """plain_text by HTMLParser, for any HTML at all."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def describe(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """text made to fit a meta description: cut at the last whole word before limit, with '…'."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    head, space, _ = cut.rpartition(" ")
    return (head if space and head else cut).rstrip(" ,;:–-") + "…"


def locale_of(language: str) -> str:
    """Open Graph's locale ('sv_SE') for a page language ('sv')."""
    return _LOCALES.get(language, language.replace("-", "_"))


def json_ld(data: Mapping[str, Any]) -> Markup:
    """data as JSON that is safe inside <script type="application/ld+json"> … </script>.

    The block is data, never run, but the HTML parser still ends the element at the first
    '</script', whatever the JSON means; escaping '<' keeps any title inside the element.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_SAFE:  # str.replace: far faster than str.translate with a dict
        text = text.replace(char, escaped)
    return Markup(text)


@lru_cache(maxsize=8)
def _origin(urls: Urls) -> str:
    return urls.absolute(urls.base_path)


def _absolute(urls: Urls, url: str) -> str:
    """urls.absolute(url) without a urljoin for each of a post's many site addresses."""
    if url.startswith(urls.base_path):
        return _origin(urls) + url[len(urls.base_path):]
    return urls.absolute(url)


def post_meta(post: Post, site: Site, trail: Sequence[Link]) -> PageMeta:
    """A post's head: its summary as description, article times, BlogPosting and BreadcrumbList."""
    description = describe(plain_text(post.summary_html)) or describe(site.config.description)
    published = post.published.isoformat() if post.published else None
    modified = post.updated.isoformat() if post.updated else published
    return PageMeta(description, "article", locale_of(site.config.language), published, modified,
                    (json_ld(blog_posting(post, site, description)), json_ld(breadcrumb_list(trail, site))),
                    image=post.image)


def blog_posting(post: Post, site: Site, description: str) -> dict[str, Any]:
    """schema.org BlogPosting for a post: who wrote and published it, when, about which places."""
    config, urls = site.config, site.urls
    url, home = _absolute(urls, post.url), _absolute(urls, urls.home())
    publisher = {"@type": "Organization", "name": config.author or config.title, "url": home}
    # The site's own author is the coordinator's office, not a private person; a post that
    # names someone else was written by that person.
    own = post.author in ("", config.author)
    author = publisher if own else {"@type": "Person", "name": post.author}
    data: dict[str, Any] = {
        "@context": SCHEMA_ORG,
        "@type": "BlogPosting",
        "headline": post.title,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": config.language,
        "isPartOf": {"@type": "Blog", "name": config.title, "url": home},
        "author": author,
        "publisher": publisher,
    }
    if description:
        data["description"] = description
    if post.image:
        data["image"] = post.image.absolute
    if post.published:
        data["datePublished"] = post.published.isoformat()
        data["dateModified"] = (post.updated or post.published).isoformat()
    places = [_place(m, _absolute(urls, link.url)) for m, link in
              zip(post.municipalities, post.municipality_links, strict=True)]
    if places:
        data["about"] = places
        data["contentLocation"] = places
    if post.tag_links:
        data["keywords"] = [link.name for link in post.tag_links]
    return data


def _place(municipality: Municipality, url: str) -> dict[str, Any]:
    # The plain name, as SCB writes it: "Göteborg", not the wrong "Göteborg kommun".
    return {"@type": "AdministrativeArea", "name": municipality.name, "url": url,
            "address": {"@type": "PostalAddress", "addressRegion": municipality.county,
                        "addressCountry": "SE"},
            "containedInPlace": {"@type": "AdministrativeArea", "name": municipality.county}}


def breadcrumb_list(trail: Sequence[Link], site: Site) -> dict[str, Any]:
    """schema.org BreadcrumbList: the same trail the page shows, with absolute addresses."""
    return {
        "@context": SCHEMA_ORG,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": link.name, "item": _absolute(site.urls, link.url)}
            for n, link in enumerate(trail, start=1)
        ],
    }


def page_meta(site: Site, description: str = "", noindex: bool = False) -> PageMeta:
    """Any other page's head: its own sentence, else the site's description."""
    text = describe(description) or describe(site.config.description)
    return PageMeta(text, "website", locale_of(site.config.language), noindex=noindex)


def search_filters(post: Post, tag_names: Mapping[str, str]) -> tuple[str, ...]:
    """The Pagefind filters of a post's page, 'Kommun:Vetlanda', in the order the filters are shown.

    tag_names maps a tag's address to its name on the tag index, so one tag is one filter value
    however each post spells it. Year and county come from the date and the municipalities.
    """
    found = [f"Kommun:{m.name}" for m in post.municipalities]
    found += [f"Län:{county}" for county in dict.fromkeys(m.county for m in post.municipalities)]
    found += [f"Tagg:{tag_names.get(link.url, link.name)}" for link in post.tag_links]
    if post.date and post.date.year:
        found.append(f"År:{post.date.year}")
    return tuple(found)
