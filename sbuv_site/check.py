"""Check a built site before publishing: links, anchors, assets, feed, sitemap and page basics."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import xml.etree.ElementTree as ET
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal
from urllib.parse import SplitResult, unquote, urlsplit
from xml.parsers.expat import ErrorString

FEED = "atom.xml"
TERM_FEED_FOLDERS = ("kommuner", "taggar")  # each municipality's and tag's feed: kommuner/umea/atom.xml
SITEMAP = "sitemap.xml"
_ATOM = "{http://www.w3.org/2005/Atom}"

_PARALLEL_FROM = 1000  # pages; below this, starting worker processes costs more than it saves
_LINK_TAGS = frozenset({"a", "link", "area"})
_SRC_TAGS = frozenset({"img", "script", "source", "iframe", "audio", "video", "track", "embed"})
_SRCSET_TAGS = frozenset({"img", "source"})
_STRUCTURE_TAGS = frozenset({"html", "title", "h1", "svg"})
_REFERENCE_TAGS = _LINK_TAGS | _SRC_TAGS | _SRCSET_TAGS | {"image"}
_LOADING_RELS = frozenset({"stylesheet", "icon", "apple-touch-icon", "mask-icon", "preload",
                           "modulepreload", "prefetch", "manifest", "preconnect", "dns-prefetch"})


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong in the output, ordered by file and line so the report reads like the files."""

    path: str  # relative to the output folder, with forward slashes
    line: int  # 0 when the line is not known
    message: str
    hint: str = ""  # how to fix it, when the message alone does not say

    def format(self) -> str:
        """Render as `path:line: message` (the form editors' tools jump to), then any `  hint: …`."""
        text = f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


@dataclass(frozen=True, slots=True)
class Reference:
    """A URL in a page, kept with what holds it so a problem can name the tag and line."""

    line: int
    tag: str
    attr: str
    url: str
    loads: bool  # the browser fetches it with the page (src, srcset, stylesheet or icon link)

    def describe(self) -> str:
        """Show the reference as the editor wrote it, e.g. `<a href="/x/">`."""
        return f'<{self.tag} {self.attr}="{self.url}">'


@dataclass(frozen=True, slots=True)
class PageScan:
    """What one parse of a page yields: its anchors, its references and its own problems."""

    anchors: frozenset[str]  # every id, and the name of every <a name>
    references: tuple[Reference, ...]
    problems: tuple[tuple[int, str], ...]  # (line or 0, message)


@dataclass(frozen=True, slots=True)
class SiteAddress:
    """Where the site is published: its host (to tell internal from third-party) and base path."""

    host: str | None  # "example.org", lower case; None when neither feed nor sitemap says
    base_path: str = "/"  # "/" or "/blogg/", percent-decoded
    base_url: str = ""  # "https://example.org/blogg/", as the feed or sitemap gives it

    def outside(self, url: str) -> tuple[str, str]:
        """The message end and hint for a link that leaves the base path: base_url names the cause."""
        local = urlsplit(url)._replace(scheme="", netloc="").geturl()  # '/karta/' of 'https://host/karta/'
        fix = (f"write {self.base_path}{local.lstrip('/')} or a relative link" if local.startswith("/")
               else f"make it a link that stays under {self.base_path}")
        return (f"points outside base_url {self.base_url} (every page of this site is under "
                f"{self.base_path})",
                f"{fix} in the layout or static file that has it (links in posts get "
                f"{self.base_path} by themselves); if the site is published elsewhere, correct "
                "base_url in config.yaml and build again")


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a reference leads, found once per URL and reused for every page that has it."""

    kind: Literal["ignored", "third-party", "outside", "outside-base", "missing", "found"]
    detail: str = ""  # found: the file; missing: the files tried; third-party: the host
    fragment: str = ""


def check_site(output: Path) -> list[str]:
    """List every broken link, anchor, asset, feed and page problem, so a bad build is never published."""
    if not output.is_dir():
        return [f"{output}: no built site here; run sbuv-site build first"]
    files = list_files(output)
    problems: list[Problem] = []
    feed = _read_xml(output, FEED, files, problems)
    sitemap = _read_xml(output, SITEMAP, files, problems)
    site = find_site_address(feed, sitemap)
    resolver = _Resolver(site, files)
    if feed is not None:
        problems += _check_feed(FEED, feed, resolver)
    for rel in sorted(files):
        folder, _, name = rel.partition("/")
        if folder in TERM_FEED_FOLDERS and name.count("/") == 1 and name.endswith("/" + FEED):
            if (term_feed := _read_xml(output, rel, files, problems)) is not None:
                problems += _check_feed(rel, term_feed, resolver)
    if sitemap is not None:
        problems += _check_sitemap(sitemap, resolver)
    scans = scan_pages(output, sorted(rel for rel in files if rel.endswith(".html")))
    for rel, scan in scans.items():
        problems += (Problem(rel, line, message) for line, message in scan.problems)
        problems += _check_references(rel, scan, scans, resolver)
    return [problem.format() for problem in sorted(set(problems))]


def list_files(output: Path) -> frozenset[str]:
    """Every file under output as a relative POSIX path, read once so lookups need no disk."""
    found: list[str] = []
    for folder, _dirs, names in os.walk(output):
        prefix = Path(folder).relative_to(output).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        found.extend(prefix + name for name in names)
    return frozenset(found)


def find_site_address(feed: ET.Element | None, sitemap: ET.Element | None) -> SiteAddress:
    """Read host and base path from the feed's self link or the sitemap's first <loc>."""
    candidates: list[str] = []
    if feed is not None:
        candidates += [link.get("href", "") for link in feed.iter(_ATOM + "link")
                       if link.get("rel") == "self"]
    if sitemap is not None:
        candidates += [(loc.text or "").strip() for loc in sitemap.iter() if _local(loc.tag) == "loc"][:1]
    for url in candidates:
        parts = urlsplit(url)
        if parts.scheme and parts.netloc:
            path = unquote(parts.path)
            base = parts.path[: parts.path.rfind("/") + 1] or "/"
            return SiteAddress(parts.netloc.lower(), path[: path.rfind("/") + 1] or "/",
                               f"{parts.scheme}://{parts.netloc}{base}")
    return SiteAddress(None)


def scan_pages(output: Path, pages: list[str]) -> dict[str, PageScan]:
    """Scan every page once; big sites use all CPUs, since parsing is nearly all the work."""
    paths = [output / rel for rel in pages]
    workers = _count_workers(len(paths))
    if workers < 2:
        return dict(zip(pages, map(scan_file, paths), strict=True))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        chunk = max(1, len(paths) // (workers * 8))
        return dict(zip(pages, pool.map(scan_file, paths, chunksize=chunk), strict=True))


def _count_workers(pages: int) -> int:
    # Only fork, and only from a single thread: spawn and forkserver re-run the caller's
    # __main__ (breaking scripts without a main guard), and forking threads is unsafe.
    if pages < _PARALLEL_FROM or sys.platform != "linux" or threading.active_count() > 1:
        return 1
    return len(os.sched_getaffinity(0))


def scan_file(path: Path) -> PageScan:
    """Scan one page file; one that is not UTF-8 is reported, then scanned with replacements."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        scan = scan_page(data.decode("utf-8", errors="replace"))
        problem = (data.count(b"\n", 0, exc.start) + 1, f"not UTF-8 ({exc.reason})")
        return PageScan(scan.anchors, scan.references, (problem, *scan.problems))
    return scan_page(text)


def scan_page(text: str) -> PageScan:
    """Parse a page once, gathering all that the link check and page checks need."""
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser.result()


class _PageParser(HTMLParser):
    """Collects anchors, references, lang, titles and h1s in one pass over a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, int] = {}
        self.names: set[str] = set()
        self.references: list[Reference] = []
        self.problems: list[tuple[int, str]] = []
        self.svg_depth = 0
        self.html_line: int | None = None
        self.lang = ""
        self.titles: list[tuple[int, list[str]]] = []
        self.in_title = False
        self.h1_lines: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not attrs and tag not in _STRUCTURE_TAGS:
            return  # most tags: nothing to record, and this parser runs on every tag of the site
        line = self.getpos()[0]
        values = {name: value or "" for name, value in attrs}
        if ident := values.get("id"):
            if ident in self.ids:
                self.problems.append((line, f'duplicate id "{ident}" (first at line {self.ids[ident]})'))
            else:
                self.ids[ident] = line
        if tag in _STRUCTURE_TAGS:
            self._count(tag, values, line)
        if tag in _REFERENCE_TAGS:
            self._collect(tag, values, line)

    def _count(self, tag: str, values: dict[str, str], line: int) -> None:
        if tag == "svg":
            self.svg_depth += 1
        elif tag == "html" and self.html_line is None:
            self.html_line, self.lang = line, values.get("lang", "").strip()
        elif tag == "title" and not self.svg_depth:
            self.titles.append((line, []))
            self.in_title = True
        elif tag == "h1":
            self.h1_lines.append(line)

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self.svg_depth:
            self.svg_depth -= 1
        elif tag == "title":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.titles[-1][1].append(data)

    def _collect(self, tag: str, values: dict[str, str], line: int) -> None:
        def add(attr: str, url: str, loads: bool) -> None:
            if url.strip():
                self.references.append(Reference(line, tag, attr, url.strip(), loads))

        if tag == "a" and values.get("name"):
            self.names.add(values["name"])
        if tag in _LINK_TAGS or (tag == "image" and self.svg_depth):
            loads = tag == "image" or (tag == "link" and bool(
                _LOADING_RELS.intersection(values.get("rel", "").lower().split())))
            for attr in ("href", "xlink:href"):
                if attr in values:
                    add(attr, values[attr], loads)
        if tag in _SRC_TAGS and "src" in values:
            add("src", values["src"], True)
        if tag == "video" and "poster" in values:
            add("poster", values["poster"], True)
        if tag in _SRCSET_TAGS and "srcset" in values:
            for url in split_srcset(values["srcset"]):
                add("srcset", url, True)

    def result(self) -> PageScan:
        problems = list(self.problems)
        if self.html_line is None:
            problems.append((0, "no <html> element, so no lang"))
        elif not self.lang:
            problems.append((self.html_line, "<html> has no lang attribute"))
        if not self.titles:
            problems.append((0, "no <title>"))
        elif len(self.titles) > 1:
            problems.append((self.titles[1][0], f"{len(self.titles)} <title> elements; expected one"))
        elif not "".join(self.titles[0][1]).strip():
            problems.append((self.titles[0][0], "empty <title>"))
        if not self.h1_lines:
            problems.append((0, "no <h1>"))
        elif len(self.h1_lines) > 1:
            lines = ", ".join(map(str, self.h1_lines))
            problems.append((self.h1_lines[1], f"{len(self.h1_lines)} <h1> elements (lines {lines}); "
                                               "expected one"))
        return PageScan(frozenset(self.ids) | frozenset(self.names), tuple(self.references),
                        tuple(problems))


def split_srcset(srcset: str) -> list[str]:
    """The URLs of a srcset, split as browsers do: a URL runs to whitespace, candidates end at commas."""
    urls: list[str] = []
    position, size = 0, len(srcset)
    while position < size:
        while position < size and (srcset[position].isspace() or srcset[position] == ","):
            position += 1
        start = position
        while position < size and not srcset[position].isspace():
            position += 1
        url = srcset[start:position]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0  # skip the descriptors, up to the comma that ends this candidate
            while position < size and (srcset[position] != "," or depth):
                depth += {"(": 1, ")": -1}.get(srcset[position], 0)
                position += 1
        if url:
            urls.append(url)
    return urls


@dataclass(slots=True)
class _Resolver:
    """Maps URLs to output files for one site, remembering each answer across pages."""

    site: SiteAddress
    files: frozenset[str]
    cache: dict[tuple[str, str], Resolution] = field(default_factory=dict)

    def resolve(self, url: str, page: str) -> Resolution:
        """Where url, found on page (a relative file path), leads."""
        parts = urlsplit(url)
        if parts.netloc or parts.path.startswith("/"):
            key = ("", url)  # the same answer on every page
        elif parts.path:
            key = (page.rpartition("/")[0] + "/", url)  # the same answer within a folder
        else:
            key = (page, url)  # "#x": this very page
        if (answer := self.cache.get(key)) is None:
            answer = self.cache[key] = self._resolve(parts, page)
        return answer

    def _resolve(self, parts: SplitResult, page: str) -> Resolution:
        if parts.scheme and parts.scheme.lower() not in ("http", "https"):
            return Resolution("ignored")  # mailto:, tel:, data:, javascript:
        if parts.netloc and parts.netloc.lower() != self.site.host:
            return Resolution("third-party", parts.netloc)
        if not parts.netloc and not parts.path:
            return Resolution("found", page, parts.fragment)  # "#x" or "?q": this very page
        path = unquote(parts.path) or "/"
        if not path.startswith("/"):
            folder = page.rpartition("/")[0]
            path = self.site.base_path + (folder + "/" if folder else "") + path
        normal = normalize_path(path)
        if normal is None:
            return Resolution("outside")
        if normal + "/" == self.site.base_path:
            normal += "/"
        if not normal.startswith(self.site.base_path):
            return Resolution("outside-base")  # on the host, but not part of this site
        rel = normal[len(self.site.base_path):]
        tried = [rel + "index.html"] if rel == "" or rel.endswith("/") else [rel, rel + "/index.html"]
        for candidate in tried:
            if candidate in self.files:
                return Resolution("found", candidate, parts.fragment)
        return Resolution("missing", " or ".join(tried))


def normalize_path(path: str) -> str | None:
    """Remove '.' and '..' segments from an absolute URL path; None if '..' climbs above the root."""
    segments = path.split("/")
    kept: list[str] = []
    for segment in segments[1:-1]:
        if segment == "..":
            if not kept:
                return None
            kept.pop()
        elif segment != ".":
            kept.append(segment)
    last = segments[-1]
    if last == "..":
        if not kept:
            return None
        kept.pop()
        last = ""
    elif last == ".":
        last = ""
    return "/" + "".join(segment + "/" for segment in kept) + last


def _check_references(rel: str, scan: PageScan, scans: dict[str, PageScan],
                      resolver: _Resolver) -> list[Problem]:
    problems: list[Problem] = []
    for ref in scan.references:
        answer = resolver.resolve(ref.url, rel)
        message, hint = None, ""
        if answer.kind == "third-party" and ref.loads:
            message = (f"{ref.describe()} loads from another host ({answer.detail}); "
                       "the site must load nothing from third parties")
        elif answer.kind == "outside":
            message = f"{ref.describe()} points outside the output folder"
        elif answer.kind == "outside-base":
            where, hint = resolver.site.outside(ref.url)
            message = f"{ref.describe()} {where}"
        elif answer.kind == "missing":
            message = f"broken {ref.describe()}: no {answer.detail} in the output"
        elif answer.kind == "found" and answer.fragment:
            target = scans.get(answer.detail)
            if target is not None and not _has_anchor(target, answer.fragment):
                message = (f'missing anchor {ref.describe()}: no id "{unquote(answer.fragment)}" '
                           f"in {answer.detail}")
        if message:
            problems.append(Problem(rel, ref.line, message, hint))
    return problems


def _has_anchor(scan: PageScan, fragment: str) -> bool:
    decoded = unquote(fragment)
    return fragment in scan.anchors or decoded in scan.anchors or decoded.lower() == "top"


def _read_xml(output: Path, name: str, files: frozenset[str],
              problems: list[Problem]) -> ET.Element | None:
    if name not in files:
        problems.append(Problem(name, 0, "missing from the output"))
        return None
    try:
        return ET.parse(output / name).getroot()
    except ET.ParseError as exc:
        problems.append(Problem(name, exc.position[0], f"not well-formed XML: {ErrorString(exc.code)}"))
        return None


def _check_feed(name: str, feed: ET.Element, resolver: _Resolver) -> list[Problem]:
    if feed.tag != _ATOM + "feed":
        return [Problem(name, 0, f"root element is <{_local(feed.tag)}>, expected an Atom <feed>")]
    problems: list[Problem] = []
    for element in feed.iter(_ATOM + "id"):
        problems += _check_absolute(name, "<id>", (element.text or "").strip(), None)
    for element in feed.iter(_ATOM + "link"):
        problems += _check_absolute(name, "<link href>", element.get("href", ""), resolver)
    return problems


def _check_sitemap(sitemap: ET.Element, resolver: _Resolver) -> list[Problem]:
    if _local(sitemap.tag) not in ("urlset", "sitemapindex"):
        return [Problem(SITEMAP, 0, f"root element is <{_local(sitemap.tag)}>, expected <urlset>")]
    problems: list[Problem] = []
    for element in sitemap.iter():
        if _local(element.tag) == "loc":
            url = (element.text or "").strip()
            problems += _check_absolute(SITEMAP, "<loc>", url, resolver)
    return problems


def _check_absolute(name: str, what: str, url: str, resolver: _Resolver | None) -> list[Problem]:
    parts = urlsplit(url)
    if not (parts.scheme and parts.netloc):
        return [Problem(name, 0, f'{what} "{url}" is not an absolute URL')]
    if resolver is None or parts.netloc.lower() != resolver.site.host:
        return []
    answer = resolver.resolve(url, name)
    if answer.kind == "missing":
        return [Problem(name, 0, f'broken {what} "{url}": no {answer.detail} in the output')]
    if answer.kind == "outside":
        return [Problem(name, 0, f'{what} "{url}" points outside the output folder')]
    if answer.kind == "outside-base":
        where, hint = resolver.site.outside(url)
        return [Problem(name, 0, f'{what} "{url}" {where}', hint)]
    return []


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
