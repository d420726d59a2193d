"""The site as frozen data: posts, pages, tags, municipalities, archives; built once by build_site()."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from urllib.parse import quote, urlsplit

from markdown_it import MarkdownIt

from sbuv_site.config import Config
from sbuv_site.dates import PostDate, month_name_sv, swedish_dates_in
from sbuv_site.errors import SiteError, raise_all
from sbuv_site.images import DocumentImages, FoundImage, Picture
from sbuv_site.markup import Rendered, TocEntry, absolute_links, make_toc, render_inline, render_markdown
from sbuv_site.municipalities import LookupProblem, Municipality, Registry
from sbuv_site.pagination import Pager, paginate
from sbuv_site.related import KeyIndex
from sbuv_site.slugs import slugify
from sbuv_site.statement import Statement, make_statement
from sbuv_site.static import StaticFile
from sbuv_site.urls import Urls
from sbuv_site.validate import Alias, PageFields, PostFields

MORE_PER_PLACE = 3  # "Fler inlägg om X": how many other posts about X are listed under a post
RELATED_COUNT = 3  # "Relaterade inlägg": how many are listed under a post

_SV_ORDER = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "é": "e", "ü": "y"})


def sort_key_sv(text: str) -> str:
    """Swedish alphabetical order: å, ä, ö come after z."""
    return text.casefold().translate(_SV_ORDER)


def posts_count_sv(count: int) -> str:
    """'inga inlägg', '1 inlägg', '12 inlägg', '1 200 inlägg': never '0 inlägg'."""
    return "inga inlägg" if count == 0 else f"{count:,} inlägg".replace(",", "\u00a0")


def link_name(url: str) -> str:
    """What a link to another site is called: its host without 'www.' ('kalix.se')."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


@dataclass(frozen=True, slots=True)
class Source:
    """Where something came from, for messages about it later."""

    path: Path
    line: int


@dataclass(frozen=True, slots=True)
class Link:
    """A name and where it links to."""

    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Post:
    """A blog post ready to be laid out."""

    slug: str
    title: str
    date: PostDate | None  # as far as known; None only for a draft with no date yet (--drafts)
    updated: datetime | None
    municipalities: tuple[Municipality, ...]
    municipality_links: tuple[Link, ...]
    tag_links: tuple[Link, ...]
    body_html: str
    summary_html: str  # inline HTML, no <p>
    author: str
    byline: str | None  # the author, when not the site's own: shown as "Text: …"
    image: Picture | None  # the post's `image`, shown at its top and in link previews
    origin: Link | None  # where the post was first published, when 'source' is its address
    draft: bool
    source: Source
    url: str
    toc: tuple[TocEntry, ...]  # empty unless the post has enough h2/h3 headings (markup.make_toc)

    @property
    def published(self) -> datetime | None:
        """The moment of publication, in the site's zone, when the date is known to the day."""
        return self.date.moment if self.date else None

    @property
    def date_text(self) -> str:
        """The date in Swedish: '17 november 2015', '2017', 'datum okänt'; 'datum saknas' for a draft."""
        return self.date.text if self.date else "datum saknas"


@dataclass(frozen=True, slots=True)
class MoreAbout:
    """'Fler inlägg om X' under a post: X's page and a few of its other posts, newest first."""

    name: str
    url: str  # the municipality's page
    posts: tuple[Post, ...]  # at most MORE_PER_PLACE, never the post itself
    total: int  # all posts about X, the post itself included


@dataclass(frozen=True, slots=True)
class FurtherReading:
    """Where a reader can go on from one post, besides the newer and older post."""

    more: tuple[MoreAbout, ...]  # one per municipality of the post that has other posts
    related: tuple[Post, ...]  # at most RELATED_COUNT, none of them already in `more`


NO_FURTHER_READING = FurtherReading((), ())


@dataclass(frozen=True, slots=True)
class Redirect:
    """An old address that leads to a post or page: a redirect page and a `_redirects` line."""

    url: str  # '/blogg/2015/12/01/slug/' under base_path, or '/blogg/?p=123' (only in _redirects)
    target: str  # the post's or page's URL
    title: str  # the post's or page's title, for the redirect page
    source: Source  # the alias line, for messages

    @property
    def query(self) -> str | None:
        """'p=123' for the WordPress form: hosts match it by query, no file can live there."""
        return self.url.split("?", 1)[1] if "?" in self.url else None


@dataclass(frozen=True, slots=True)
class Page:
    """A standalone page ('Om bloggen')."""

    slug: str
    title: str
    summary_html: str
    body_html: str
    updated: datetime | None
    menu: int | None
    source: Source
    url: str


@dataclass(frozen=True, slots=True)
class Term:
    """One tag with its posts, newest first, and their pages."""

    name: str
    slug: str
    url: str
    posts: tuple[Post, ...]
    pagers: tuple[Pager[Post], ...]
    feed_url: str  # its Atom feed (urls.tag_feed)


@dataclass(frozen=True, slots=True)
class Visit:
    """One visit from config.yaml, resolved to a municipality."""

    municipality: Municipality
    dates: tuple[date, ...]
    kind: str  # besök, återbesök or extrabesök
    source: str  # the source in words, dates in Swedish ("Värmlandsbygden 19 januari 2017")
    links: tuple[Link, ...]  # the sources' addresses, named by their host


@dataclass(frozen=True, slots=True)
class Place:
    """A visited municipality: its visits (from config) and its posts."""

    municipality: Municipality
    url: str
    visits: tuple[Visit, ...]
    posts: tuple[Post, ...]
    feed_url: str  # its Atom feed (urls.municipality_feed), even before it has posts


@dataclass(frozen=True, slots=True)
class ArchiveMonth:
    year: int
    month: int | None  # None: the posts known only to the year
    name: str  # "november", or "månad okänd"
    title: str  # heading: "November 2015", "2017, månad okänd"
    posts: tuple[Post, ...]


@dataclass(frozen=True, slots=True)
class ArchiveYear:
    year: int
    url: str
    months: tuple[ArchiveMonth, ...]  # newest first; the posts known only to the year last
    count: int


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the renderer needs, computed once."""

    config: Config
    urls: Urls
    registry: Registry
    posts: tuple[Post, ...]  # listed posts, newest first (see PostDate.sort_key), ties broken by slug
    undated: tuple[Post, ...]  # listed posts whose date is 'okänt': the archive's own section
    undated_drafts: tuple[Post, ...]  # only with --drafts: pages of their own, in no list
    pages: tuple[Page, ...]
    home_pagers: tuple[Pager[Post], ...]
    tags: tuple[Term, ...]  # Swedish alphabetical order
    places: tuple[Place, ...]  # visited municipalities, Swedish alphabetical order
    archive: tuple[ArchiveYear, ...]  # newest year first
    visit_count: int  # visits listed in config.yaml
    statement: Statement | None  # the accessibility statement, when config.yaml has 'accessibility:'
    notes: tuple[str, ...]  # things the build left out on purpose (future posts, drafts)
    further: Mapping[str, FurtherReading]  # by post URL, for every listed post
    redirects: tuple[Redirect, ...] = ()  # old addresses of the built posts and pages, by address
    attachments: tuple[StaticFile, ...] = ()  # images beside posts and pages, copied next to their pages


def build_site(posts_fields: Sequence[PostFields], pages_fields: Sequence[PageFields], config: Config,
               registry: Registry, md: MarkdownIt, *, drafts: bool = False, future: bool = False,
               now: datetime, bodies: Mapping[Path, Rendered] | None = None,
               images: Mapping[Path, DocumentImages] | None = None) -> Site:
    """Assemble the site; cross-file problems (same address twice, unknown visits) raise here.

    bodies may hold Markdown already rendered (by path), e.g. on several cores; the rest is
    rendered here. images holds what imagefiles read of the documents that show images.
    """
    bodies = bodies or {}
    images = images or {}
    urls = Urls.for_config(config)
    notes: list[str] = []
    chosen: list[PostFields] = []
    for fields in posts_fields:
        if fields.draft and not drafts:
            notes.append(f"{fields.path}: draft left out (build with --drafts to see it)")
        elif _in_future(fields.date, now, config) and not future:
            notes.append(f"{fields.path}: dated {_written(fields.date)}, in the future; "
                         "left out (build with --future to include it)")
        else:
            chosen.append(fields)
    all_posts = [make_post(f, config, urls, md, bodies.get(f.path), images.get(f.path)) for f in chosen]
    pages = tuple(make_page(f, urls, md, bodies.get(f.path), images.get(f.path))
                  for f in pages_fields if drafts or not f.draft)
    listed = sorted((p for p in all_posts if p.date), key=lambda p: p.slug)
    posts = tuple(sorted(listed, key=lambda p: p.date.sort_key() if p.date else (), reverse=True))
    undated = tuple(sorted((p for p in all_posts if not p.date), key=lambda p: p.slug))
    visits = _resolve_visits(config, registry)
    home_pagers = paginate(posts, config.per_page, urls.home)
    tags = _make_tags(posts, urls, config.per_page)
    places = _make_places(posts, visits, urls)
    archive = _make_archive(posts, urls)
    statement, statement_notes = make_statement(config, urls.accessibility())
    notes.extend(statement_notes)
    own = {pager.url: "a page of the post list" for pager in home_pagers}
    own |= {pager.url: f"the tag page '{t.name}'" for t in tags for pager in t.pagers}
    own |= {p.url: f"the page of {p.municipality.name}" for p in places}
    own |= {y.url: f"the archive of {y.year}" for y in archive}
    own |= {t.feed_url: f"the feed of the tag '{t.name}'" for t in tags}
    own |= {p.feed_url: f"the feed of {p.municipality.name}" for p in places}
    own |= {statement.url: "the accessibility statement"} if statement else {}
    own |= {urls.tags(): "the tag index", urls.municipalities(): "the municipality list",
            urls.map(): "the map", urls.archive(): "the archive", urls.not_found(): "the 404 page",
            urls.subscribe(): "the page about the feed"}
    _check_collisions(all_posts, pages, own)
    redirects = _make_redirects(all_posts, pages, chosen, pages_fields, urls, own)
    return Site(
        statement=statement,
        config=config, urls=urls, registry=registry, posts=posts,
        undated=tuple(p for p in posts if p.date and not p.date.known), undated_drafts=undated,
        pages=tuple(sorted(pages, key=lambda p: (p.menu if p.menu is not None else 999, p.slug))),
        home_pagers=home_pagers, tags=tags, places=places, archive=archive,
        visit_count=len(visits), notes=tuple(notes), further=make_further_reading(posts),
        redirects=redirects, attachments=_attachments([*all_posts, *pages], images, urls),
    )


def _in_future(when: PostDate | None, now: datetime, config: Config) -> bool:
    """A post whose date (or the period it names: '2030') begins after now."""
    starts = when.starts(config.zone) if when else None
    return starts is not None and starts > now


def _written(when: PostDate | None) -> str:
    """The date for a note, as an editor writes it: 2099-01-01, 2099-05, 2099."""
    return (when.iso or "") if when else ""


def _local(when: PostDate | None, config: Config) -> PostDate | None:
    """The date in the site's zone: its day, month and year are the ones the address uses."""
    if when is None or when.moment is None:
        return when
    return PostDate.exact(when.moment.astimezone(config.zone))


def _origin(source: str | None, config: Config) -> str | None:
    """The address a post was first published at, to link to: 'source' when it is an address.

    Any other 'source' (the importer's note naming a saved file) is not for readers. Neither is
    an address on the site's own host: the old blog's pages there are this site now.
    """
    if not source or not source.casefold().startswith("http"):
        return None
    if link_name(source) == link_name(config.base_url):
        return None
    return source


def make_post(fields: PostFields, config: Config, urls: Urls, md: MarkdownIt,
               rendered: Rendered | None, found: DocumentImages | None) -> Post:
    """One post from its checked fields and its text (rendered here unless given)."""
    rendered = rendered or render_markdown(md, fields.body, found.sizes if found else None)
    summary = render_inline(md, fields.summary) if fields.summary else _unwrap(rendered.first_paragraph)
    when = _local(fields.date, config)
    url = urls.post(fields.slug, when)
    if found and found.beside:  # 'bild.png' beside the post: lists show the summary at other addresses
        summary = absolute_links(summary, url)
    author = fields.author or config.author
    origin = _origin(fields.source, config)
    return Post(
        slug=fields.slug,
        title=fields.title,
        date=when,
        updated=fields.updated,
        municipalities=fields.municipalities,
        municipality_links=tuple(Link(m.name, urls.municipality(m.slug)) for m in fields.municipalities),
        tag_links=tuple(Link(t, urls.tag(slugify(t))) for t in fields.tags),
        body_html=rendered.html,
        summary_html=summary,
        author=author,
        byline=author if author and author != config.author else None,
        image=_picture(found.lead, url, urls) if found and found.lead else None,
        origin=Link(link_name(origin), origin) if origin else None,
        draft=fields.draft,
        source=Source(fields.path, fields.slug_line),
        url=url,
        toc=make_toc(rendered.headings),
    )


def _picture(lead: FoundImage, page_url: str, urls: Urls) -> Picture:
    """A post's image with its address: on another host as written, else where the build puts it."""
    size = lead.size
    width, height = (size.width, size.height) if size else (None, None)
    if lead.place is None:
        return Picture(lead.written, lead.alt, width, height, lead.written)
    if lead.place.beside is not None:
        url = page_url + quote(lead.place.beside)
    else:
        url = urls.static(quote(lead.place.static_relpath or ""))
    return Picture(url, lead.alt, width, height, urls.absolute(url))


def _attachments(items: Sequence[Post | Page], images: Mapping[Path, DocumentImages],
                 urls: Urls) -> tuple[StaticFile, ...]:
    """The images beside each built post and page, as files in the folder of its page."""
    files: dict[str, bytes] = {}
    for item in items:
        found = images.get(item.source.path)
        folder = urls.output_path(item.url).removesuffix("index.html")
        for relpath, data in found.beside if found else ():
            files[folder + relpath] = data
    return tuple(StaticFile(relpath, data) for relpath, data in sorted(files.items()))


def _unwrap(paragraph: str) -> str:
    text = paragraph.strip()
    return text[3:-4] if text.startswith("<p>") and text.endswith("</p>") else text


def make_page(fields: PageFields, urls: Urls, md: MarkdownIt, rendered: Rendered | None,
               found: DocumentImages | None) -> Page:
    """One page from its checked fields and its text (rendered here unless given)."""
    rendered = rendered or render_markdown(md, fields.body, found.sizes if found else None)
    summary = render_inline(md, fields.summary) if fields.summary else _unwrap(rendered.first_paragraph)
    return Page(fields.slug, fields.title, summary, rendered.html, fields.updated, fields.menu,
                Source(fields.path, fields.slug_line), urls.page(fields.slug))


def _check_collisions(posts: Iterable[Post], pages: Iterable[Page], own: Mapping[str, str]) -> None:
    """Two files, or a file and one of the site's own pages, may not claim one address.

    After Zola's find_path_collisions: otherwise one page silently replaces the other.
    """
    owners: dict[str, list[Source]] = defaultdict(list)
    claims: list[Post | Page] = [*posts, *pages]
    errors = []
    for item in claims:
        owners[item.url].append(item.source)
        if item.url in own:
            errors.append(SiteError(item.source.path, item.source.line,
                                    f"address {item.url} is {own[item.url]}, made by the site itself",
                                    "give this file another title or a 'slug: …'"))
    for url, sources in sorted(owners.items()):
        if len(sources) > 1:
            for source in sources:
                others = ", ".join(str(s.path) for s in sources if s != source)
                errors.append(SiteError(source.path, source.line,
                                        f"address {url} is also used by {others}",
                                        "give one of them another title or a 'slug: …'"))
    raise_all(errors)


def _make_redirects(posts: Sequence[Post], pages: Sequence[Page], posts_fields: Sequence[PostFields],
                    pages_fields: Sequence[PageFields], urls: Urls,
                    own: Mapping[str, str]) -> tuple[Redirect, ...]:
    """Each alias of a built post or page as a redirect; an alias that takes an address in use fails.

    Compared by output file, so '/om' and '/om/' (one file, om/index.html) are the same address.
    """
    aliases: dict[Path, tuple[Alias, ...]] = {f.path: f.aliases for f in posts_fields}
    aliases |= {f.path: f.aliases for f in pages_fields}
    items: list[Post | Page] = [*posts, *pages]
    taken: dict[str, str] = {urls.alias_key(url): f"{what}, made by the site itself"
                             for url, what in own.items()}
    files = {urls.home(): "the home page", urls.feed(): "the feed", urls.sitemap(): "the sitemap",
             urls.robots(): "robots.txt", urls.redirects(): "the _redirects file",
             urls.json_feed(): "the JSON Feed"}
    taken |= {urls.alias_key(url): f"{what}, made by the site itself" for url, what in files.items()}
    taken |= {urls.alias_key(item.url): f"the address of {item.source.path}:{item.source.line}"
              for item in items}
    redirects: list[Redirect] = []
    errors: list[SiteError] = []
    for item in sorted(items, key=lambda i: (str(i.source.path), i.url)):
        for alias in aliases.get(item.source.path, ()):
            redirect = Redirect(urls.alias(alias.path), item.url, item.title,
                                Source(item.source.path, alias.line))
            key = urls.alias_key(redirect.url)
            if key == urls.alias_key(item.url):
                continue  # the old address is the new one: nothing to lead anywhere
            if key in taken:
                errors.append(SiteError(item.source.path, alias.line,
                                        f"alias {alias.path} is {taken[key]}",
                                        "remove the alias, or change the address it collides with"))
                continue
            taken[key] = f"also an alias in {item.source.path}:{alias.line}"
            redirects.append(redirect)
    raise_all(errors)
    return tuple(sorted(redirects, key=lambda r: r.url))


def _make_tags(posts: Sequence[Post], urls: Urls, per_page: int) -> tuple[Term, ...]:
    by_slug: dict[str, list[Post]] = defaultdict(list)
    names: dict[str, str] = {}
    for post in posts:
        for link in post.tag_links:
            slug = link.url.rstrip("/").rsplit("/", 1)[-1]
            by_slug[slug].append(post)
            names.setdefault(slug, link.name)  # the newest post's spelling names the tag
    terms = [
        Term(names[slug], slug, urls.tag(slug), tuple(tagged),
             paginate(tagged, per_page, lambda n, s=slug: urls.tag(s, n)),  # type: ignore[misc]
             urls.tag_feed(slug))
        for slug, tagged in by_slug.items()
    ]
    return tuple(sorted(terms, key=lambda t: (sort_key_sv(t.name), t.slug)))


def _resolve_visits(config: Config, registry: Registry) -> tuple[Visit, ...]:
    visits, errors = [], []
    for item in config.visits:
        try:
            place = registry.lookup(item.municipality, config.aliases)
        except LookupProblem as exc:
            errors.append(SiteError("config.yaml", item.line, exc.message, exc.hint))
            continue
        visits.append(Visit(place, item.dates, item.kind, swedish_dates_in(item.source),
                            tuple(Link(link_name(url), url) for url in item.url)))
    raise_all(errors)
    return tuple(visits)


def _make_places(posts: Sequence[Post], visits: Sequence[Visit], urls: Urls) -> tuple[Place, ...]:
    """The visited set: municipalities with a visit in config.yaml or with posts."""
    by_code: dict[str, Municipality] = {}
    posts_of: dict[str, list[Post]] = defaultdict(list)
    visits_of: dict[str, list[Visit]] = defaultdict(list)
    for visit in visits:
        by_code[visit.municipality.code] = visit.municipality
        visits_of[visit.municipality.code].append(visit)
    for post in posts:
        for place in post.municipalities:
            by_code[place.code] = place
            posts_of[place.code].append(post)
    places = [
        Place(m, urls.municipality(m.slug), tuple(sorted(visits_of[code], key=_visit_order)),
              tuple(posts_of[code]), urls.municipality_feed(m.slug))
        for code, m in by_code.items()
    ]
    return tuple(sorted(places, key=lambda p: sort_key_sv(p.municipality.name)))


def _visit_order(visit: Visit) -> tuple[int, date]:
    kinds = ("besök", "återbesök", "extrabesök")
    first = visit.dates[0] if visit.dates else date.max
    return (kinds.index(visit.kind) if visit.kind in kinds else 9, first)


def _make_archive(posts: Sequence[Post], urls: Urls) -> tuple[ArchiveYear, ...]:
    """Years, newest first, with their months; a year's posts of unknown month come last.

    Posts whose date is 'okänt' are in no year: Site.undated lists them.
    """
    grouped: dict[int, dict[int, list[Post]]] = defaultdict(lambda: defaultdict(list))
    for post in posts:
        if post.date and post.date.year is not None:
            grouped[post.date.year][post.date.month or 0].append(post)  # 0: month unknown
    return tuple(
        ArchiveYear(
            year=year,
            url=urls.archive_year(year),
            months=tuple(_archive_month(year, month, grouped[year][month])
                         for month in sorted(grouped[year], reverse=True)),
            count=sum(len(v) for v in grouped[year].values()),
        )
        for year in sorted(grouped, reverse=True)
    )



def make_further_reading(posts: Sequence[Post]) -> Mapping[str, FurtherReading]:
    """For each post (newest first in `posts`): more about its municipalities, and related posts.

    Related means, in this order: about the same municipality, then in the same county, then
    sharing a tag; within each, the posts closest in time first (the newer one on a tie).
    """
    by_place = KeyIndex([m.code for m in p.municipalities] for p in posts)
    by_county = KeyIndex([m.county_code for m in p.municipalities] for p in posts)
    by_tag = KeyIndex([link.url for link in p.tag_links] for p in posts)
    further: dict[str, FurtherReading] = {}
    for index, post in enumerate(posts):
        shown = {index}
        more = []
        for place, link in zip(post.municipalities, post.municipality_links, strict=True):
            about = by_place.positions(place.code)
            others = [i for i in about[: MORE_PER_PLACE + 1] if i != index][:MORE_PER_PLACE]
            shown.update(others)
            if others:
                more.append(MoreAbout(link.name, link.url, tuple(posts[i] for i in others), len(about)))
        related: list[int] = []
        for keyed, keys in ((by_place, [m.code for m in post.municipalities]),
                             (by_county, [m.county_code for m in post.municipalities]),
                             (by_tag, [link.url for link in post.tag_links])):
            found = keyed.nearest(index, keys, shown, RELATED_COUNT - len(related))
            related += found
            shown.update(found)
        further[post.url] = FurtherReading(tuple(more), tuple(posts[i] for i in related))
    return MappingProxyType(further)


def _archive_month(year: int, month: int, posts: Sequence[Post]) -> ArchiveMonth:
    if month == 0:
        return ArchiveMonth(year, None, "månad okänd", f"{year}, månad okänd", tuple(posts))
    name = month_name_sv(month)
    return ArchiveMonth(year, month, name, f"{name.capitalize()} {year}", tuple(posts))
