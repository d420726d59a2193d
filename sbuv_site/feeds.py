"""The site's feeds as data: Atom contexts (the whole site, each municipality, each tag) and a JSON Feed.

Pure: render lays the Atom contexts out with layouts/atom.xml and writes the JSON Feed's bytes.
Every feed holds at most config.feed.limit posts, newest first, with absolute addresses in their
text (a reader shows it away from the site).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sbuv_site.dates import to_rfc3339
from sbuv_site.markup import absolute_links
from sbuv_site.model import Place, Post, Site, Term
from sbuv_site.sharing import plain_text

ATOM_TYPE = "application/atom+xml"
JSON_FEED_TYPE = "application/feed+json"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
FEED_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # 'updated' of an empty feed without SOURCE_DATE_EPOCH


@dataclass(frozen=True, slots=True)
class Alternate:
    """A feed a page names in its head: <link rel="alternate" type=… title=… href=…>."""

    type: str
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One post as every feed shows it; made once, however many feeds hold the post."""

    title: str
    url: str  # absolute; also the entry's id, which stays when the feed is moved or renamed
    id: str
    published: str  # RFC 3339; "" when the post is not known to the day (no time that is not invented)
    updated: str  # RFC 3339 of the last change, else of publication; "" as published
    modified: str  # RFC 3339 of the last change only (the post's 'edited'); "" when there is none
    author: str
    summary: str  # HTML, addresses absolute
    content: str  # the whole text as HTML, addresses absolute
    categories: tuple[str, ...]  # the post's tags


class FeedMaker:
    """Makes the feed contexts of one site; each post's entry is made once and then reused."""

    def __init__(self, site: Site, built_at: datetime | None) -> None:
        self.site, self.urls, self.config = site, site.urls, site.config
        self.built_at = built_at
        self.entries: dict[str, FeedEntry] = {}  # by post URL: a post is in its places' and tags' feeds

    def entry(self, post: Post) -> FeedEntry:
        """The post as a feed entry, with every address in its text made absolute."""
        found = self.entries.get(post.url)
        if found is None:
            url = self.urls.absolute(post.url)
            published = post.published
            found = self.entries[post.url] = FeedEntry(
                title=post.title, url=url, id=url,
                published=to_rfc3339(published) if published else "",
                updated=to_rfc3339(post.updated or published) if published else "",
                modified=to_rfc3339(post.updated) if post.updated else "",
                author=post.author, summary=absolute_links(post.summary_html, url),
                content=absolute_links(post.body_html, url),
                categories=tuple(t.name for t in post.tag_links))
        return found

    def site_atom(self) -> dict[str, Any]:
        """The context of /atom.xml: the newest posts of the whole site."""
        return self._atom(self.config.title, self.config.description, self.urls.home(), self.urls.feed(),
                          self.site.posts)

    def tag_atom(self, term: Term) -> dict[str, Any]:
        """The context of a tag's feed: only the posts with that tag."""
        return self._atom(tag_feed_title(self.site, term),
                          f"Inlägg med taggen {term.name} på {self.config.title}.",
                          term.url, term.feed_url, term.posts)

    def place_atom(self, place: Place) -> dict[str, Any]:
        """The context of a municipality's feed: only the posts about it (none yet is a valid feed)."""
        return self._atom(place_feed_title(self.site, place),
                          f"Inlägg om {place.municipality.name} på {self.config.title}.",
                          place.url, place.feed_url, place.posts)

    def _atom(self, title: str, subtitle: str, page_url: str, self_url: str,
              posts: Iterable[Post]) -> dict[str, Any]:
        """An Atom context; home_url is the page the feed stands for (the home page or the term's).

        Atom needs each entry's time of publication and change; a post whose day no source
        states has none that is not invented, so it is left out (README, "Feeds"). Only the
        newest `limit` posts are looked at, so a big tag costs no more than a small one.
        """
        chosen = list(islice((p for p in posts if p.published), self.config.feed.limit))
        entries = [self.entry(p) for p in chosen]
        stamps = [p.updated or p.published for p in chosen if p.published]
        newest = max(stamps, default=self.built_at or FEED_EPOCH)
        page = self.urls.absolute(page_url)
        return {
            "title": title, "subtitle": subtitle, "feed_id": page,
            "self_url": self.urls.absolute(self_url), "home_url": page, "updated": to_rfc3339(newest),
            "author": self.config.author or self.config.title,
            "full_content": self.config.feed.full_content, "entries": entries,
        }

    def json_feed(self) -> bytes:
        """The whole site's JSON Feed 1.1 (jsonfeed.org/version/1.1), for /feed.json.

        It holds the newest `limit` posts in the site's order, as the lists do. Unlike Atom,
        JSON Feed lets a post go without a date: one known only to its year or month (or
        'okänt') is in it with no date_published, never with an invented one.
        """
        config, urls = self.config, self.urls
        feed: dict[str, Any] = {
            "version": JSON_FEED_VERSION,
            "title": config.title,
            "home_page_url": urls.absolute(urls.home()),
            "feed_url": urls.absolute(urls.json_feed()),
        }
        if config.description:
            feed["description"] = config.description
        feed["language"] = config.language
        feed["authors"] = [{"name": config.author or config.title}]
        feed["items"] = [self._json_item(post) for post in self.site.posts[: config.feed.limit]]
        return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def _json_item(self, post: Post) -> dict[str, Any]:
        entry = self.entry(post)
        item: dict[str, Any] = {"id": entry.id, "url": entry.url, "title": entry.title,
                                "content_html": entry.content if self.config.feed.full_content
                                else entry.summary}
        summary = plain_text(post.summary_html)
        if summary:
            item["summary"] = summary
        if entry.published:
            item["date_published"] = entry.published
        if entry.modified:
            item["date_modified"] = entry.modified
        if entry.author:
            item["authors"] = [{"name": entry.author}]
        if entry.categories:
            item["tags"] = list(entry.categories)
        return item


def tag_feed_title(site: Site, term: Term) -> str:
    """A tag feed's name, in a reader's list of feeds and in the tag page's head."""
    return f"Tagg: {term.name} – {site.config.title}"


def place_feed_title(site: Site, place: Place) -> str:
    """A municipality feed's name, in a reader's list of feeds and in the municipality page's head."""
    return f"{place.municipality.name} – {site.config.title}"
