"""A Site with the texts of a few posts and pages replaced: serve's answer to one saved edit.

When only the Markdown text of a post changed (its front matter did not), the site keeps its
shape: the same posts in the same order, tags, municipalities, archives and addresses. So
instead of assembling 10,000 posts again, the new Post takes the old one's place wherever the
site holds it, and every other object is shared with the old Site. The result equals what
model.build_site makes from the edited sources (tests/test_siteedit.py checks that).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from types import MappingProxyType
from typing import TypeVar

from sbuv_site.model import (
    ArchiveMonth,
    ArchiveYear,
    FurtherReading,
    Page,
    Place,
    Post,
    Site,
    Term,
)
from sbuv_site.pagination import Pager

T = TypeVar("T")


def with_texts(site: Site, posts: Iterable[Post], pages: Iterable[Page],
               mentions: Mapping[str, Sequence[str]] | None = None) -> Site:
    """site with each post and page at the address of one given replaced by it.

    A given post or page the site does not show (a draft left out, a future post) changes
    nothing. The new ones must keep their address, title, date and terms: only a change of
    text, summary and contents list is carried through here; build_site makes anything else.
    mentions (from further_mentions(site)) saves looking through every post's further reading.
    """
    by_url = {post.url: post for post in posts}
    swap: dict[int, Post] = {id(old): by_url[old.url] for old in (*site.posts, *site.undated_drafts)
                             if old.url in by_url}
    page_by_url = {page.url: page for page in pages}
    new_pages = tuple(page_by_url.get(p.url, p) for p in site.pages)
    if not swap:
        return dataclasses.replace(site, pages=new_pages) if page_by_url else site
    swapped = swap.keys()

    def each(items: tuple[Post, ...]) -> tuple[Post, ...]:
        if swapped.isdisjoint(map(id, items)):  # at C speed: most lists do not hold the post
            return items
        found = list(items)
        for index in [i for i, key in enumerate(map(id, items)) if key in swapped]:
            found[index] = swap[id(found[index])]
        return tuple(found)

    return dataclasses.replace(
        site,
        posts=each(site.posts),
        undated=each(site.undated),
        undated_drafts=each(site.undated_drafts),
        pages=new_pages,
        home_pagers=_pagers(site.home_pagers, each),
        tags=tuple(_term(term, each) for term in site.tags),
        places=tuple(_place(place, each) for place in site.places),
        archive=tuple(_year(year, each) for year in site.archive),
        further=_further(site.further, each, swapped,
                         None if mentions is None else [m for url in by_url for m in mentions.get(url, ())]),
    )


def _pagers(pagers: tuple[Pager[Post], ...], each: Callable[[tuple[Post, ...]], tuple[Post, ...]]
            ) -> tuple[Pager[Post], ...]:
    return tuple(_changed(pager, items=each(pager.items)) for pager in pagers)


def _term(term: Term, each: Callable[[tuple[Post, ...]], tuple[Post, ...]]) -> Term:
    posts = each(term.posts)
    if posts is term.posts:
        return term  # its pages list only its posts
    return _changed(term, posts=posts, pagers=_pagers(term.pagers, each))


def _place(place: Place, each: Callable[[tuple[Post, ...]], tuple[Post, ...]]) -> Place:
    return _changed(place, posts=each(place.posts))


def _year(year: ArchiveYear, each: Callable[[tuple[Post, ...]], tuple[Post, ...]]) -> ArchiveYear:
    months = tuple(_month(month, each) for month in year.months)
    return _changed(year, months=months)


def _month(month: ArchiveMonth, each: Callable[[tuple[Post, ...]], tuple[Post, ...]]) -> ArchiveMonth:
    return _changed(month, posts=each(month.posts))


def further_mentions(site: Site) -> Mapping[str, tuple[str, ...]]:
    """For each post's address, the posts whose further reading lists it (by address)."""
    found: dict[str, list[str]] = {}
    for url, item in site.further.items():
        for other in (*item.related, *(p for about in item.more for p in about.posts)):
            found.setdefault(other.url, []).append(url)
    return {url: tuple(dict.fromkeys(urls)) for url, urls in found.items()}


def _further(further: Mapping[str, FurtherReading], each: Callable[[tuple[Post, ...]], tuple[Post, ...]],
             swapped: AbstractSet[int], listing: Sequence[str] | None) -> Mapping[str, FurtherReading]:
    """Only the few entries that list a replaced post are made again; the rest are shared.

    listing names those entries when known (further_mentions); else every entry is looked at.
    """
    found = dict(further)
    for url in further if listing is None else listing:
        item = further[url]
        if swapped.isdisjoint(map(id, item.related)) and all(
                swapped.isdisjoint(map(id, about.posts)) for about in item.more):
            continue
        more = tuple(_changed(about, posts=each(about.posts)) for about in item.more)
        found[url] = _changed(item, more=more, related=each(item.related))
    return MappingProxyType(found)


def _changed(item: T, **fields: object) -> T:
    """item itself when every field given holds the very objects it holds, else a copy with them.

    Sharing what did not change keeps an edit's cost to the few lists that hold the post.
    """
    if all(_same(getattr(item, name), value) for name, value in fields.items()):
        return item
    return dataclasses.replace(item, **fields)  # type: ignore[type-var]


def _same(old: object, new: object) -> bool:
    if old is new:
        return True
    if isinstance(old, tuple) and isinstance(new, tuple):
        return len(old) == len(new) and all(a is b for a, b in zip(old, new, strict=True))
    return old is new

