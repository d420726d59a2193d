"""The only place that turns model objects into site URLs and output file paths."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urljoin

from sbuv_site.config import Config
from sbuv_site.dates import PostDate

_FIELD = re.compile(r"{(\w+)}")
# A site address urljoin would keep exactly as written: '/' or '/'-led segments of plain characters,
# none empty, '.' or '..' (the first character is never a dot), at most a closing '/'; no query,
# fragment, ';' params or spaces, which urljoin would reparse or strip.
_PLAIN_PATH = re.compile(r"/|(?:/[A-Za-z0-9_~%-][A-Za-z0-9_~%.-]*)+/?")


@dataclass(frozen=True, slots=True)
class Urls:
    """URL scheme of one site: Swedish words, trailing slashes, all under base_path."""

    base_url: str
    base_path: str  # "/" or "/blogg/"
    permalink: str

    @classmethod
    def for_config(cls, config: Config) -> Urls:
        return cls(config.base_url, config.base_path, config.permalink)

    def _at(self, path: str) -> str:
        return self.base_path + path.lstrip("/")

    def home(self, page: int = 1) -> str:
        return self._at("/" if page == 1 else f"/sida/{page}/")

    def post(self, slug: str, when: PostDate | None) -> str:
        """The permalink; a part of the path that needs what the date does not know is left out.

        With /{year}/{month}/{slug}/ a post of '2017' lives at /2017/slug/ and one of 'okänt'
        at /slug/: the address never holds an invented number.
        """
        if when is None:
            return self._at(f"/utkast/{slug}/")  # a draft with no date, seen only with --drafts
        values = {"slug": slug}
        if when.year is not None:
            values["year"] = f"{when.year:04d}"
        if when.month is not None:
            values["month"] = f"{when.month:02d}"
        if when.day is not None:
            values["day"] = f"{when.day:02d}"
        kept = [part for part, names in _permalink_parts(self.permalink) if names <= values.keys()]
        return self._at("/".join(kept).format(**values))

    def page(self, slug: str) -> str:
        return self._at(f"/{slug}/")

    def tags(self) -> str:
        return self._at("/taggar/")

    def tag_feed(self, slug: str) -> str:
        """The Atom feed of one tag's posts, beside the tag's first page."""
        return self._at(f"/taggar/{slug}/atom.xml")

    def tag(self, slug: str, page: int = 1) -> str:
        return self._at(f"/taggar/{slug}/" if page == 1 else f"/taggar/{slug}/sida/{page}/")

    def municipalities(self) -> str:
        return self._at("/kommuner/")

    def municipality(self, slug: str) -> str:
        return self._at(f"/kommuner/{slug}/")

    def municipality_feed(self, slug: str) -> str:
        """The Atom feed of one municipality's posts, beside its page."""
        return self._at(f"/kommuner/{slug}/atom.xml")

    def archive(self) -> str:
        return self._at("/arkiv/")

    def archive_year(self, year: int) -> str:
        return self._at(f"/arkiv/{year}/")

    def map(self) -> str:
        return self._at("/karta/")

    def accessibility(self) -> str:
        return self._at("/tillganglighet/")

    def search(self) -> str:
        """The search page (Pagefind's UI); the index itself lies in /pagefind/ beside it."""
        return self._at("/sok/")

    def search_bundle(self) -> str:
        """The folder Pagefind writes its index and UI files into (search.SEARCH_DIR)."""
        return self._at("/pagefind/")

    def feed(self) -> str:
        return self._at("/atom.xml")

    def json_feed(self) -> str:
        """The whole site's JSON Feed 1.1, for readers that prefer JSON to Atom."""
        return self._at("/feed.json")

    def subscribe(self) -> str:
        """The page that explains the feed in words; the feed itself is feed()."""
        return self._at("/prenumerera/")

    def sitemap(self) -> str:
        return self._at("/sitemap.xml")

    def robots(self) -> str:
        return self._at("/robots.txt")

    def not_found(self) -> str:
        return self._at("/404.html")

    def redirects(self) -> str:
        """The `_redirects` file (Netlify, Cloudflare Pages): old addresses → new, with 301."""
        return self._at("/_redirects")

    def alias(self, path: str) -> str:
        """An old address on this site: '/2015/12/01/slug/' → '/blogg/2015/12/01/slug/'; '/?p=1' kept."""
        return self._at(path)

    def alias_key(self, url: str) -> str:
        """What two addresses share when they are one: the file they are served from, or the query form."""
        if "?" in url:
            return url
        return self.redirect_path(url)

    def redirect_path(self, url: str) -> str:
        """The file a redirect page is written to: '/a/b' and '/a/b/' → 'a/b/index.html' (decoded).

        An address whose last part has a dot ('/om.html') is served from that very file.
        """
        path = unquote(url)
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if not path.endswith("/") and "." not in last:
            path += "/"
        return self.output_path(path)

    def static(self, relpath: str) -> str:
        return self._at("/" + relpath)

    def absolute(self, url: str) -> str:
        """Full address for feeds and sitemaps.

        Every page asks for its canonical address, and the sitemap and feeds for thousands: a
        plain path from the root is put after the site's origin directly, which is what urljoin
        makes of it, at a tenth of the cost; anything else goes through urljoin.
        """
        if _PLAIN_PATH.fullmatch(url):
            return _origin(self.base_url) + url
        return urljoin(self.base_url, url)

    def output_path(self, url: str) -> str:
        """Where a URL's file lives under output/: '/a/b/' → 'a/b/index.html'."""
        assert url.startswith(self.base_path), url
        rel = url[len(self.base_path):]
        return rel + "index.html" if rel == "" or rel.endswith("/") else rel


@lru_cache(maxsize=8)
def _permalink_parts(permalink: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each part of a permalink with the fields it names, read once rather than once per post."""
    return tuple((part, frozenset(_FIELD.findall(part))) for part in permalink.split("/"))


@lru_cache(maxsize=8)
def _origin(base_url: str) -> str:
    """'https://example.org' for 'https://example.org/blogg/': urljoin's scheme and host as it writes them."""
    return urljoin(base_url, "/").removesuffix("/")
