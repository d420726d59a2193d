"""Lay the Site out with Jinja: one precomputed context per page kind, no disk I/O."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import jinja2
from markupsafe import Markup

from sbuv_site import model
from sbuv_site.dates import format_date_sv
from sbuv_site.errors import SiteError
from sbuv_site.feeds import ATOM_TYPE, JSON_FEED_TYPE, Alternate, FeedMaker, place_feed_title, tag_feed_title
from sbuv_site.hosting import HEADERS_FILE, NGINX_FILE, headers_file, nginx_file
from sbuv_site.layoutfiles import (
    layout_loader,
    layout_source,
    missing_layout,
    shown_layout_file,
    template_frame,
)
from sbuv_site.model import NO_FURTHER_READING, Link, Page, Place, Post, Redirect, Site, posts_count_sv
from sbuv_site.sharing import PageMeta, page_meta, plain_text, post_meta, search_filters
from sbuv_site.static import StaticFile
from sbuv_site.visitmap import PlaceFact, locator_svg, map_facts, visit_map_svg

SEARCH_SCRIPT = "search.js"  # in the static folder: starts Pagefind's UI on /sok/


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site: where it goes under output/ and its bytes."""

    relpath: str
    data: bytes


@dataclass(frozen=True, slots=True)
class NavLink:
    """A main-navigation item: 'current' is this very page, 'in_section' a page below it."""

    name: str
    url: str
    current: bool
    in_section: bool


def hashed_name(relpath: str, data: bytes) -> str:
    """'css/site.css' → 'css/site.1a2b3c4d.css', so browsers may cache it for ever."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    stem, _, ext = relpath.rpartition(".")
    return f"{stem}.{digest}.{ext}"


ALL_SOURCES = None  # a job's `uses` when it shows every post's text (or does not say which)


@dataclass(frozen=True, slots=True)
class Job:
    """One output file to make later: where it goes, what it shows, and how to make it.

    `uses` names the sources (by path) whose Markdown text the file shows, in full or as a
    summary, beyond what every page depends on (the front matter of all posts, config,
    layouts). The build cache keys the file by them, so an edit to one post's text re-renders
    only the files that show it. None means every source's text: always safe.
    """

    relpath: str
    uses: tuple[str, ...] | None
    make: Callable[[], bytes]


def site_jobs(site: Site, env: jinja2.Environment, static: Sequence[StaticFile],
              built_at: datetime | None = None, showing: Collection[Post | Page] | None = None) -> list[Job]:
    """Every output file of the site as a job, in a fixed order; nothing is rendered yet.

    With `showing`, only the jobs whose `uses` name one of those posts or pages (or every
    text): serve's quick path wants the few files that show an edited text, and finding them
    among 10,000 posts must cost far less than making every job.
    """
    assets = {f.relpath: hashed_name(f.relpath, f.data) if f.relpath.endswith(".css") else f.relpath
              for f in static}
    only = None if showing is None else frozenset(id(item) for item in showing)
    renderer = _Renderer(site, env, assets, built_at, only)
    jobs = []
    if only is None:  # static files and images beside posts show no text
        jobs += [Job(assets[f.relpath], (), partial(_bytes_of, f.data)) for f in static]
        jobs += [Job(f.relpath, (), partial(_bytes_of, f.data)) for f in site.attachments]  # beside posts
    jobs.extend(job for job in renderer.jobs() if job is not None)
    return jobs


def _bytes_of(data: bytes) -> bytes:
    return data


class _Renderer:
    def __init__(self, site: Site, env: jinja2.Environment, assets: Mapping[str, str],
                 built_at: datetime | None, only: AbstractSet[int] | None = None) -> None:
        self.site, self.env, self.urls = site, env, site.urls
        self.only = only  # ids of the posts and pages whose jobs are wanted; None: every job
        self.feeds = FeedMaker(site, built_at)
        self.facts = map_facts(site)
        self.assets = assets
        self.tag_names = {term.url: term.name for term in site.tags}
        self.css = css = [self.urls.static(name) for rel, name in sorted(assets.items())
                          if rel.endswith(".css")]  # hashed: cached for ever (hosting)
        self.common = {
            "site_title": site.config.title,
            "site_description": site.config.description,
            "language": site.config.language,
            "css_urls": css,
            "feed_url": self.urls.feed(),
            "home_url": self.urls.home(),
            "archive_url": self.urls.archive(),
            "map_url": self.urls.map(),
            "subscribe_url": self.urls.subscribe(),
            "favicon_url": self.urls.static("favicon.svg") if "favicon.svg" in assets else None,
            "accessibility_url": site.statement.url if site.statement else None,
            "alternates": [],  # feeds of this very page, named in its head after the site's
            "search_url": self.urls.search() if site.config.search else None,  # None: no search
        }
        self.nav_items = [("Start", self.urls.home()), ("Karta", self.urls.map()),
                          ("Kommuner", self.urls.municipalities())]
        if site.tags:  # a menu entry that leads to "no tags" only wastes the reader's time
            self.nav_items.append(("Taggar", self.urls.tags()))
        self.nav_items.append(("Arkiv", self.urls.archive()))
        self.nav_items += [(p.title, p.url) for p in site.pages if p.menu is not None]
        self.navs: dict[tuple[str | None, str], tuple[NavLink, ...]] = {}

    def _nav(self, url: str, section: str) -> list[NavLink]:
        """The main navigation as one page shows it, made once per kind of page (not per post)."""
        key = (url if any(link == url for _, link in self.nav_items) else None, section)
        links = self.navs.get(key)
        if links is None:
            links = self.navs[key] = tuple(NavLink(name, link, link == url, link == section)
                                           for name, link in self.nav_items)
        return list(links)

    def _page(self, template: str, url: str, title: str, section: str, *, description: str = "",
              head: PageMeta | None = None, **context: Any) -> bytes:
        """One HTML page; `description` is its own sentence for search results (else the site's)."""
        full = {**self.common, "nav": self._nav(url, section), "page_title": title, "url": url,
                "canonical_url": self.urls.absolute(url),
                "head": head or page_meta(self.site, description), **context}
        return self._render(template, full)

    def _render(self, template: str, context: Mapping[str, Any]) -> bytes:
        try:
            return self.env.get_template(template).render(context).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            where = shown_layout_file(self.env, exc.filename) if exc.filename else None
            raise SiteError(where or layout_source(self.env, exc.name or template), exc.lineno,
                            f"layout syntax error: {exc.message}",
                            "check the {% %} and {{ }} tags on this line") from None
        except jinja2.TemplateNotFound as exc:
            raise missing_layout(exc, template, self.env) from None
        except jinja2.UndefinedError as exc:
            name, line = template_frame(exc, self.env)
            message, hint = _explain_undefined(exc.message or "", template, context)
            raise SiteError(name or layout_source(self.env, template), line, message, hint) from None

    def _shows(self, items: Sequence[Post | Page] | None) -> bool:
        """Whether a job that shows these texts (None: every text) is wanted."""
        return self.only is None or items is ALL_SOURCES or not self.only.isdisjoint(map(id, items))

    def _file(self, relpath: str, shows: Sequence[Post | Page] | None,
              make: Callable[[], bytes]) -> Job | None:
        """A job that shows `shows` (their paths are its `uses`), or None when it is not wanted."""
        if not self._shows(shows):
            return None
        return Job(relpath, None if shows is None else _sources(shows), make)

    def jobs(self) -> Iterator[Job | None]:
        """Every page as a job to run later, in a fixed order, so the work can be split up.

        A job that is not wanted (see site_jobs' `showing`) is None, made no further.
        """
        site, urls, page = self.site, self.urls, self._job
        name = site.config.title
        for pager in site.home_pagers:
            yield page("list.html", pager.url,
                       site.config.title if pager.number == 1 else f"Sida {pager.number}",
                       urls.home(), shows=pager.items, pager=pager, intro=pager.number == 1,
                       facts=self.facts,
                       alternates=[Alternate(JSON_FEED_TYPE, f"{name} (JSON Feed)", urls.json_feed())]
                       if pager.number == 1 else [],
                       description="" if pager.number == 1 else
                       f"Alla inlägg på {name}, nyast först: sida {pager.number} av {pager.total}.")
        posts = site.posts
        for index, post in enumerate(posts):
            if self.only is None or id(post) in self.only:
                newer = posts[index - 1] if index > 0 else None
                older = posts[index + 1] if index + 1 < len(posts) else None
                yield self._post(post, newer, older)
        for post in site.undated_drafts:
            if self.only is None or id(post) in self.only:
                yield self._post(post, None, None)
        for item in site.pages:
            yield page("page.html", item.url, item.title, item.url, shows=(item,),
                       page=item, description=plain_text(item.summary_html))
        yield page("tags.html", urls.tags(), "Taggar", urls.tags(), shows=(), terms=site.tags,
                   description=f"Alla taggar på {name}, med antalet inlägg för varje tagg.")
        for term in site.tags:
            if self.only is not None and not self._shows(term.posts):
                continue  # a term's pages show only its posts: one look instead of one per page
            for pager in term.pagers:
                part = f", sida {pager.number} av {pager.total}" if pager.total > 1 else ""
                title = f"Tagg: {term.name}" + (f" – sida {pager.number}" if pager.number > 1 else "")
                yield page("tag.html", pager.url, title, urls.tags(), shows=pager.items,
                           term=term, pager=pager,
                           alternates=[Alternate(ATOM_TYPE, tag_feed_title(site, term), term.feed_url)],
                           description=f"Inlägg med taggen {term.name} på {name}{part}.")
        yield from self._municipality_pages()
        yield page("archive.html", urls.archive(), "Arkiv", urls.archive(), shows=(),
                   years=site.archive, year=None, all_years=site.archive, undated=site.undated,
                   description=f"Alla inlägg på {name}, ordnade efter år och månad.")
        for year in site.archive:
            yield page("archive.html", year.url, f"Arkiv {year.year}", urls.archive(), shows=(),
                       years=(year,), year=year, all_years=site.archive, undated=site.undated,
                       description=f"Inlägg från {year.year} på {name}, ordnade efter månad.")
        yield page("subscribe.html", urls.subscribe(), "Prenumerera på nya inlägg", urls.subscribe(),
                   shows=(), feed_address=urls.absolute(urls.feed()), feed=site.config.feed,
                   json_feed_address=urls.absolute(urls.json_feed()),
                   example_feeds=[urls.absolute(p.feed_url) for p in site.places[:1]]
                   + [urls.absolute(t.feed_url) for t in site.tags[:1]],
                   description=f"Så följer du {name} med en flödesläsare: vad ett flöde är, "
                               "hur du prenumererar och flödets adress.")
        yield page("404.html", urls.not_found(), "Sidan finns inte", "", shows=site.posts[:3],
                   head=page_meta(site, f"Sidan finns inte på {name}.", noindex=True),
                   municipalities_url=urls.municipalities(), tags_url=urls.tags() if site.tags else None,
                   latest=site.posts[:3])
        if site.config.search:
            yield self._file(urls.output_path(urls.search()), (), self._search_page)
        feed_entries = [p for p in site.posts if p.published][: site.config.feed.limit]
        yield self._file("atom.xml", feed_entries, partial(self._atom, self.feeds.site_atom))
        yield self._file(urls.output_path(urls.json_feed()), site.posts[: site.config.feed.limit],
                         self.feeds.json_feed)  # the newest posts, as FeedMaker.json_feed takes them
        for term in site.tags:  # a term's feed shows the text of its newest posts: all of them is safe
            yield self._file(urls.output_path(term.feed_url), term.posts,
                      partial(self._atom, partial(self.feeds.tag_atom, term)))
        for place in site.places:
            yield self._file(urls.output_path(place.feed_url), place.posts,
                      partial(self._atom, partial(self.feeds.place_atom, place)))
        if self.only is not None:
            return  # what follows shows no text
        yield Job("sitemap.xml", (), self._sitemap)
        if site.statement:
            yield page("accessibility.html", site.statement.url, "Tillgänglighetsredogörelse", "",
                       shows=(), statement=site.statement,
                       description=f"Hur tillgänglig {name} är, kända brister och hur du rapporterar "
                                   "problem med tillgängligheten.")
        for redirect in site.redirects:
            if redirect.query is None:
                yield Job(urls.redirect_path(redirect.url), (), partial(self._redirect_page, redirect))
        if site.redirects:
            yield Job(urls.output_path(urls.redirects()), (), partial(redirects_file, site))
        robots = f"User-agent: *\nAllow: /\nSitemap: {urls.absolute(urls.sitemap())}\n".encode()
        yield Job("robots.txt", (), partial(_bytes_of, robots))
        types = {urls.json_feed(): JSON_FEED_TYPE}  # served as application/json, else
        headers = headers_file(urls.base_path, self.css, types)
        nginx = nginx_file(urls.base_path, self.css, types)
        yield Job(HEADERS_FILE, (), partial(_bytes_of, headers.encode()))
        yield Job(NGINX_FILE, (), partial(_bytes_of, nginx.encode()))

    def _redirect_page(self, redirect: Redirect) -> bytes:
        """A page at an old address that sends the reader on: meta refresh, canonical, a plain link."""
        context = {"language": self.site.config.language, "site_title": self.site.config.title,
                   "title": redirect.title, "target": self.urls.absolute(redirect.target)}
        return self._render("redirect.html", context)

    def _job(self, template: str, url: str, title: str, section: str, *,
             shows: Sequence[Post | Page] | None = ALL_SOURCES, **context: Any) -> Job | None:
        if not self._shows(shows):
            return None
        make = partial(self._page, template, url, title, section, **context)
        return self._file(self.urls.output_path(url), shows, make)

    def _search_page(self) -> bytes:
        """/sok/: Pagefind's own UI from /pagefind/, started by the static folder's search.js."""
        site, urls = self.site, self.urls
        if SEARCH_SCRIPT not in self.assets:
            raise SiteError(f"{site.config.static_dir.rstrip('/')}/{SEARCH_SCRIPT}", None,
                            f"search is on, but {SEARCH_SCRIPT}, which starts the search page, is missing",
                            f"copy {SEARCH_SCRIPT} from the static folder of sbuv-site's repository, "
                            "or write 'search: false' in config.yaml")
        bundle = urls.search_bundle()
        return self._page("search.html", urls.search(), "Sök", urls.search(),
                          description=f"Sök bland alla inlägg och sidor på {site.config.title}, "
                                      "efter kommun, län, tagg och år.",
                          tags_url=urls.tags() if site.tags else None,
                          search_css_url=bundle + "pagefind-ui.css", search_ui_url=bundle + "pagefind-ui.js",
                          search_script_url=urls.static(self.assets[SEARCH_SCRIPT]),
                          bundle_url=bundle)

    def _post(self, post: Post, newer: Post | None, older: Post | None) -> Job:
        return Job(self.urls.output_path(post.url), (str(post.source.path),),
                   partial(self._post_page, post, newer, older))

    def _post_page(self, post: Post, newer: Post | None, older: Post | None) -> bytes:
        trail = self._trail(post)
        return self._page("post.html", post.url, post.title, self.urls.archive() if post.date else "",
                          head=post_meta(post, self.site, trail), breadcrumbs=trail,
                          search_filters=search_filters(post, self.tag_names),
                          post=post, newer=newer, older=older,
                          further=self.site.further.get(post.url, NO_FURTHER_READING),
                          updated_text=format_date_sv(post.updated.date()) if post.updated else None)

    def _trail(self, post: Post) -> tuple[Link, ...]:
        """Start › Arkiv › 2015 › the post, through the archive, where every published post is listed.

        A post known only to its year is in that year's archive; one of unknown date is under
        "Datum okänt" on the archive page; a draft without a date is in no archive.
        """
        urls = self.urls
        if post.date is None:
            return (Link("Start", urls.home()), Link(post.title, post.url))
        if post.date.year is None:
            return (Link("Start", urls.home()), Link("Arkiv", urls.archive()), Link(post.title, post.url))
        year = post.date.year
        return (Link("Start", urls.home()), Link("Arkiv", urls.archive()),
                Link(str(year), urls.archive_year(year)), Link(post.title, post.url))

    def _municipality_pages(self) -> Iterator[Job | None]:
        site, urls, facts = self.site, self.urls, self.facts
        counted = f"{facts.visited} av {facts.total} kommuner har besök eller inlägg på {site.config.title}"
        yield self._file(urls.output_path(urls.map()), (), lambda: self._page(
            "map.html", urls.map(), "Karta över besökta kommuner", urls.map(),
            map_svg=Markup(visit_map_svg(site, facts)), facts=facts,
            description=f"Karta över Sveriges kommuner: {counted}."))
        yield self._job("municipalities.html", urls.municipalities(), "Besökta kommuner",
                        urls.municipalities(), shows=(), facts=facts,
                        description=f"Besökta kommuner per län: {counted}.")
        for place, fact in zip(site.places, facts.places, strict=True):
            yield self._file(urls.output_path(place.url), place.posts,
                      partial(self._municipality_page, place, fact))

    def _municipality_page(self, place: Place, fact: PlaceFact) -> bytes:
        where = place.municipality
        feed = Alternate(ATOM_TYPE, place_feed_title(self.site, place), place.feed_url)
        return self._page("municipality.html", place.url, where.name,
                          self.urls.municipalities(), place=place, fact=fact, alternates=[feed],
                          description=f"Besök och inlägg om {where.name} i {where.county} "
                                      f"på {self.site.config.title}.",
                          locator_svg=Markup(locator_svg(self.site, place.municipality)))

    def _atom(self, context: Callable[[], Mapping[str, Any]]) -> bytes:
        """An Atom feed (the site's, a tag's or a municipality's): one layout for all of them."""
        return self._render("atom.xml", context())

    def _sitemap(self) -> bytes:
        site, urls = self.site, self.urls
        entries: list[tuple[str, str | None]] = [(urls.absolute(urls.home()), None)]
        entries += [(urls.absolute(p.url), _last_change(p)) for p in site.posts]
        entries += [(urls.absolute(p.url), None) for p in site.pages]
        for url in (urls.tags(), urls.municipalities(), urls.map(), urls.archive(), urls.subscribe()):
            entries.append((urls.absolute(url), None))
        if site.config.search:
            entries.append((urls.absolute(urls.search()), None))
        entries += [(urls.absolute(t.url), None) for t in site.tags]
        entries += [(urls.absolute(p.url), None) for p in site.places]
        entries += [(urls.absolute(y.url), None) for y in site.archive]
        if site.statement:
            entries.append((urls.absolute(site.statement.url), site.statement.changed.iso))
        return self._render("sitemap.xml", {"entries": entries})


def _sources(posts: Sequence[Post | Page]) -> tuple[str, ...]:
    """The source paths of some posts (or pages), for a job's `uses`."""
    return tuple(str(p.source.path) for p in posts)


def redirects_file(site: Site) -> bytes:
    """`_redirects` in Netlify's syntax: 'old new 301', and '/ p=123 new 301' for WordPress's /?p=123.

    Cloudflare Pages reads the same file but cannot match a query: it skips those lines.
    """
    lines = []
    for redirect in site.redirects:
        if redirect.query is not None:
            lines.append(f"{redirect.url.split('?', 1)[0]} {redirect.query} {redirect.target} 301")
        else:
            lines.append(f"{redirect.url} {redirect.target} 301")
    return ("\n".join(lines) + "\n").encode()


def _last_change(post: Post) -> str | None:
    """A post's lastmod for the sitemap: its update, else its day; none when neither is known."""
    moment = post.updated or post.published
    return moment.date().isoformat() if moment else None


_NO_ATTRIBUTE = re.compile(r"'(?:[\w.]+\.)?(\w+) object' has no attribute '(\w+)'")
_UNDEFINED = re.compile(r"'(\w+)' is undefined")


def _explain_undefined(text: str, template: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """Say which name or field a layout asked for, and what it could have used instead."""
    missing_field = _NO_ATTRIBUTE.search(text)
    if missing_field:
        kind, field = missing_field.groups()
        known = sorted(getattr(getattr(model, kind, None), "__dataclass_fields__", {}))
        hint = f"a {kind} has: {', '.join(known)}" if known else "check the spelling"
        return f"layout asks for '{field}', which a {kind} does not have", hint
    missing_name = _UNDEFINED.search(text)
    name = missing_name.group(1) if missing_name else text
    return (f"layout uses '{name}', which the {template} page does not get",
            f"available: {', '.join(sorted(context))}")


def make_environment(layouts: str, label: str = "layouts", root: str | None = None) -> jinja2.Environment:
    """The Jinja environment: strict (a missing variable is an error), autoescaped HTML/XML/SVG.

    A layout is the site's own when its layouts folder has it, else the built-in one, so a
    site overrides single files and `{% extends %}`/`{% include %}` pick the site's version
    first. The site's layouts are read only from inside root (the site), or from the layouts
    folder itself when config.yaml puts it outside the site; without root, only from that folder.

    Compiled layouts are kept in a plain dict, not Jinja's LRU: every page and every
    `{% include %}` looks one up, and the LRU's lock and reordering cost more than the lookup.
    """
    env = jinja2.Environment(
        loader=layout_loader(layouts, label, root),
        cache_size=-1,  # unbounded: a plain dict of the few layouts there are
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date_sv"] = format_date_sv
    env.filters["posts_count"] = posts_count_sv
    return env
