"""The whole pipeline, top to bottom: config → load → validate → model → render → write."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from markdown_it import MarkdownIt

from sbuv_site import search
from sbuv_site.config import load_config
from sbuv_site.load import load_inputs
from sbuv_site.markup import Rendered, make_markdown, render_markdown
from sbuv_site.model import Site, build_site
from sbuv_site.municipalities import load_registry
from sbuv_site.outputguard import DEFAULT_WAIT, check_output_dir
from sbuv_site.parallel import run_shared, split, worker_count
from sbuv_site.render import OutputFile, make_environment, render_site
from sbuv_site.static import StaticFile, check_static_addresses
from sbuv_site.validate import PageFields, PostFields, validate
from sbuv_site.write import check_well_formed, claim_output, write_output

T = TypeVar("T")


@dataclass(frozen=True)
class BuildOptions:
    """What the command line can change about one build."""

    drafts: bool = False
    future: bool = False
    output: Path | None = None  # default: config.output_dir under the site root
    now: datetime | None = None  # "today", for leaving out future posts; default: the clock
    workers: int | None = None  # processes for Markdown and rendering; default: by site size
    force: bool = False  # replace an output folder that holds files no build made
    wait: float = DEFAULT_WAIT  # seconds to wait for another build of the same output folder
    search: bool = True  # index with Pagefind (and make /sok/) when config.yaml has search on


@dataclass
class BuildReport:
    """What a build did, for the one-line summary and for tests."""

    output: Path
    pages: int = 0
    files: int = 0
    posts: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        total = sum(self.timings.values())
        return (f"Built {self.posts} posts into {self.pages} pages ({self.files} files) "
                f"in {self.output} in {total * 1000:.0f} ms")


def build(root: Path, options: BuildOptions | None = None) -> BuildReport:
    """Build the site in root; raises SiteError (or a group of them) and leaves output/ alone."""
    options = options or BuildOptions()
    clock: dict[str, float] = {}
    config = _timed(clock, "config", lambda: load_config(root))
    if not options.search:
        config = replace(config, search=False)  # no index: no search page or link either
    output = options.output or root / config.output_dir
    target = check_output_dir(output, root, config, options.force)
    with claim_output(target, options.wait, output) as lock:  # one build at a time, from here to the swap
        registry = load_registry()
        documents, static = _timed(clock, "load",
                                   lambda: load_inputs(root, config.content_dir, config.static_dir))
        posts, pages = _timed(clock, "validate",
                              lambda: validate(documents, registry, config.aliases, config.zone))
        now = options.now or datetime.now(UTC)
        md = make_markdown(config.markdown.allow_html, config.base_path)
        workers = worker_count(len(posts) + len(pages), options.workers)
        bodies = _timed(clock, "markdown", lambda: render_bodies(md, [*posts, *pages], workers))
        site = _timed(clock, "model", lambda: build_site(
            posts, pages, config, registry, md, drafts=options.drafts, future=options.future, now=now,
            bodies=bodies))
        env = make_environment(str(root / config.layouts_dir), config.layouts_dir, str(root))
        epoch = source_date_epoch()
        files = _timed(clock, "render", lambda: sorted(run_shared(
            lambda k, n: render_site(site, env, static, epoch, (k, n)), workers), key=lambda f: f.relpath))
        check_static_addresses(static, [f.relpath for f in files], page_owner(site), config.static_dir)
        made_by, copied = xml_sources(files, static, config.layouts_dir, config.static_dir)
        _timed(clock, "check", lambda: check_well_formed(files, made_by, copied))  # feed, sitemap, SVG
        mtime = epoch.timestamp() if epoch else None
        index = partial(search.index_into, shown=output, mtime=mtime) if config.search else None
        written = _timed(clock, "write", lambda: write_output(files, output, lock, mtime=mtime,
                                                              before_swap=index))
    return BuildReport(output=output, pages=sum(f.relpath.endswith(".html") for f in files),
                       files=written, posts=len(site.posts), timings=clock, notes=site.notes)


def xml_sources(files: Sequence[OutputFile], static: Sequence[StaticFile], layouts_dir: str,
                static_dir: str) -> tuple[dict[str, str], dict[str, str]]:
    """Where each XML file comes from, for messages: its layout (atom.xml, sitemap.xml) or static file."""
    copied = {f.relpath: f"{static_dir.rstrip('/')}/{f.relpath}" for f in static}
    made_by = {f.relpath: f"{layouts_dir.rstrip('/')}/{f.relpath}" for f in files
               if f.relpath not in copied and "/" not in f.relpath}  # the feed and sitemap layouts
    return made_by, copied


def render_bodies(md: MarkdownIt, documents: Sequence[PostFields | PageFields],
                  workers: int) -> dict[Path, Rendered]:
    """Every post's and page's Markdown as HTML, by path, on `workers` processes."""

    def share(k: int, n: int) -> list[tuple[Path, Rendered]]:
        return [(doc.path, render_markdown(md, doc.body)) for doc in split(documents, k, n)]

    return dict(run_shared(share, workers))


def page_owner(site: Site) -> Callable[[str], str]:
    """Names the page a built file belongs to, for messages: 'the map (/karta/)'."""
    urls = site.urls
    named = {urls.home(): "the home page", urls.map(): "the map", urls.feed(): "the feed",
             urls.sitemap(): "the sitemap", urls.robots(): "robots.txt", urls.not_found(): "the 404 page",
             urls.archive(): "the archive", urls.tags(): "the tag index",
             urls.municipalities(): "the municipality list"}
    named |= {p.url: f"the post {p.source.path}" for p in (*site.posts, *site.undated_drafts)}
    named |= {p.url: f"the page {p.source.path}" for p in site.pages}
    by_path = {urls.output_path(url): f"{what} ({url})" for url, what in named.items()}
    return lambda relpath: by_path.get(
        relpath, f"the page {urls.base_path}{relpath.removesuffix('index.html')}")


def source_date_epoch() -> datetime | None:
    """The reproducible-builds clock, if SOURCE_DATE_EPOCH is set; else no clock in the output."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(value), UTC) if value.isdigit() else None


def _timed(clock: dict[str, float], stage: str, step: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = step()
    clock[stage] = clock.get(stage, 0.0) + time.perf_counter() - start
    return result
