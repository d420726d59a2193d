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

from sbuv_site import search
from sbuv_site.buildkeys import (
    build_settings,
    job_keys,
    source_key,
    text_shape,
    unchanged_record,
    whole_key,
)
from sbuv_site.cache import (
    BuildCache,
    OutputRecord,
    digest_of,
    load_cache,
    load_parsed,
    program_version,
    save_cache,
)
from sbuv_site.config import Config, load_config
from sbuv_site.imagefiles import read_images
from sbuv_site.layoutfiles import layout_source
from sbuv_site.load import scan_inputs
from sbuv_site.markup import make_markdown
from sbuv_site.model import Site, build_site
from sbuv_site.municipalities import load_registry
from sbuv_site.outputguard import DEFAULT_WAIT, check_output_dir
from sbuv_site.parallel import frozen_heap, worker_count
from sbuv_site.progress import Progress, stage_counter
from sbuv_site.render import make_environment, site_jobs
from sbuv_site.sitewriter import WritePlan, write_site
from sbuv_site.sources import may_show_images, read_changed, with_image_sizes
from sbuv_site.static import StaticFile, check_static_addresses
from sbuv_site.textedits import LastBuild, edit_texts, is_recorded, last_build
from sbuv_site.validate import PageFields, PostFields
from sbuv_site.write import XML_SUFFIXES, claim_output

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
    cache: bool = True  # read and write .sbuv-cache/; off: build from nothing and leave no cache
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
    unchanged: bool = False  # nothing changed since the last build: output/ was left as it was
    changed: int = 0  # files rendered or rewritten (the rest were kept from the last build)
    reread: int = 0  # sources read and checked again (the rest came from the cache)

    def summary(self) -> str:
        total = sum(self.timings.values())
        if self.unchanged:
            return (f"Nothing changed: {self.output} is up to date ({self.posts} posts, {self.files} files; "
                    f"checked in {total * 1000:.0f} ms)")
        return (f"Built {self.posts} posts into {self.pages} pages ({self.files} files, {self.changed} "
                f"new or changed) in {self.output} in {total * 1000:.0f} ms")


@dataclass
class BuildState:
    """What `serve` keeps between rebuilds: the cache in memory, and whether to write in place."""

    cache: BuildCache | None = None
    in_place: bool = False  # update output/ file by file instead of swapping in a new tree
    last: LastBuild | None = None  # the last build, for a save that changed only texts (textedits)




def build(root: Path, options: BuildOptions | None = None, state: BuildState | None = None,
          progress: Progress | None = None) -> BuildReport:
    """Build the site in root; raises SiteError (or a group of them) and leaves output/ alone.

    Reads: config → load → validate → model → render → write, with `.sbuv-cache/` at the
    edges: unchanged sources are not read again, unchanged pages are not rendered again,
    and when nothing at all changed, nothing is done.
    """
    options = options or BuildOptions()
    clock: dict[str, float] = {}
    config = _timed(clock, "config", lambda: load_config(root))
    if not options.search:
        config = replace(config, search=False)  # no index: no search page or link either
    output = options.output or root / config.output_dir
    target = check_output_dir(output, root, config, options.force)
    with claim_output(target, options.wait, output) as lock:  # one build at a time, from here to the swap
        registry = load_registry()
        markdown_key = source_key(config)
        cache = _cache_for(root, markdown_key, options, state)
        scanned, static, beside = _timed(clock, "load", lambda: scan_inputs(root, config.content_dir,
                                                                            config.static_dir))
        now = options.now or datetime.now(UTC)
        epoch = source_date_epoch()
        choices = (options.drafts, options.future, options.search)
        settings = _timed(clock, "load", lambda: build_settings(root, config, static, choices, epoch, beside))
        known = {str(f.path): unchanged_record(f, cache.sources.get(str(f.path))) for f in scanned}
        previous = cache.outputs.get(str(target))
        old_root = target if previous is not None and is_recorded(target, previous) else None
        if (old_root is not None and previous is not None and all(known.values())
                and (state is None or state.last is not None)  # serve's first build: keep its site
                and previous.build_key == whole_key(settings, scanned, cache.sources)
                and (previous.next_change is None or now.timestamp() < previous.next_change)):
            return BuildReport(output=output, pages=sum(r.endswith(".html") for r in previous.files),
                               files=len(previous.files), posts=sum(f.kind == "posts" for f in scanned),
                               timings=clock, notes=(), unchanged=True)
        load_parsed(cache)
        records, parsed, fresh = _timed(clock, "validate", lambda: read_changed(
            root, config, registry, scanned, known, cache, options.workers,
            progress))
        md = make_markdown(config.markdown.allow_html, config.base_path)
        images = _timed(clock, "images", lambda: read_images(
            root, config.content_dir, config.static_dir, config.base_path,
            [p.fields for p in parsed.values() if may_show_images(p.fields)], static, md))
        parsed = _timed(clock, "images", lambda: with_image_sizes(md, parsed, images))
        posts = [p.fields for p in parsed.values() if isinstance(p.fields, PostFields)]
        pages = [p.fields for p in parsed.values() if isinstance(p.fields, PageFields)]
        with frozen_heap():  # the parsed sources outlive the model: no collection need walk them
            site = _timed(clock, "model", lambda: build_site(
                posts, pages, config, registry, md, drafts=options.drafts, future=options.future, now=now,
                bodies={p.fields.path: p.rendered for p in parsed.values()}, images=images))
        env = make_environment(str(root / config.layouts_dir), config.layouts_dir, str(root))
        jobs = site_jobs(site, env, static, epoch)
        relpaths = [job.relpath for job in jobs]
        check_static_addresses(static, relpaths, page_owner(site), config.static_dir)
        build_key = whole_key(settings, scanned, records)
        base = digest_of(settings, *site.notes)
        shape = text_shape(base, records)
        keys = job_keys(jobs, base, records, parsed, shape)
        made_by, copied = xml_sources(relpaths, static, partial(layout_source, env), config.static_dir)
        # In place only after this session's first build, whose record of the tree is exact.
        in_place = bool(state and state.in_place and state.cache is not None and old_root)
        plan = WritePlan(jobs, keys, previous.files if previous and old_root else {}, old_root,
                         target, output, in_place, epoch.timestamp() if epoch else None, made_by, copied)
        render_workers = worker_count(len(jobs), options.workers)
        # The search index is made in staging, before the swap; serve's in-place rebuilds keep the
        # index of its first build (Pagefind cannot add one page: it would take seconds per save).
        index = (partial(search.index_into, shown=output, mtime=plan.mtime)
                 if config.search and not in_place else None)
        written = _timed(clock, "render", lambda: write_site(
            plan, render_workers, lock, stage_counter(progress, "render", len(jobs)), before_swap=index))
        info = os.stat(target)
        cache.outputs[str(target)] = OutputRecord(info.st_dev, info.st_ino, build_key,
                                                  _next_change(posts, site, config, now), written)
        cache.sources, cache.parsed = records, parsed
        notes = site.notes
        # serve keeps the cache in memory and saves it once, at its first build: writing every
        # parsed post again after each save would cost more than the rebuild itself. A stale saved
        # cache is still a true record of that earlier moment, so the next build only rereads more.
        if options.cache and (state is None or state.cache is None):
            problem = _timed(clock, "cache", lambda: save_cache(root, cache, fresh > 0))
            notes += (problem,) if problem else ()
        if state is not None:
            state.cache = cache
            state.last = last_build(root=root, config=config, registry=registry, md=md, env=env,
                                    static=static, epoch=epoch, settings=settings, base=base, shape=shape,
                                    scanned=scanned, site=site, jobs=jobs, keys=keys, target=target,
                                    output=output, made_by=made_by, copied=copied)
    rendered = sum(1 for relpath, record in written.items()
                   if not (previous and old_root and previous.files.get(relpath) == record))
    return BuildReport(output=output, pages=sum(r.endswith(".html") for r in relpaths), files=len(written),
                       posts=len(site.posts), timings=clock, notes=notes, changed=rendered,
                       reread=fresh)


def rebuild_edited(options: BuildOptions, state: BuildState, changed: frozenset[Path]) -> BuildReport | None:
    """serve, after a save: rebuild in place just the files that show the saved texts, when only
    texts changed (textedits.py); None when the save needs the full build."""
    start = time.perf_counter()
    last = state.last
    if last is None or state.cache is None:
        return None
    done = edit_texts(last, state.cache, changed, options.wait, options.now or datetime.now(UTC))
    if done is None:
        return None
    state.last = done.last
    record = state.cache.outputs[str(last.target)]
    return BuildReport(output=last.output, pages=sum(r.endswith(".html") for r in record.files),
                       files=len(record.files), posts=len(done.last.site.posts),
                       timings={"edit": time.perf_counter() - start}, notes=done.last.site.notes,
                       unchanged=not done.changed, changed=done.changed, reread=len(changed))


def _cache_for(root: Path, key: str, options: BuildOptions, state: BuildState | None) -> BuildCache:
    if state is not None and state.cache is not None and state.cache.source_key == key:
        return state.cache
    if not options.cache:
        return BuildCache(program_version(), key, root=root)
    return load_cache(root, key)


def _next_change(posts: Sequence[PostFields], site: Site, config: Config, now: datetime) -> float | None:
    """When the first post left out as in the future comes due: a rebuild then is not a no-op."""
    starts = [p.date.starts(config.zone) for p in posts if p.date is not None]
    due = [when.timestamp() for when in starts if when is not None and when > now]
    return min(due, default=None)


def xml_sources(relpaths: Sequence[str], static: Sequence[StaticFile], layout: Callable[[str], str],
                static_dir: str) -> tuple[dict[str, str], dict[str, str]]:
    """Where each XML file comes from, for messages: its layout (atom.xml, sitemap.xml) or static file.

    layout names the file a layout is read from: the site's own or the built-in one. A made XML
    file is named for its layout: kommuner/umea/atom.xml comes from atom.xml.
    """
    copied = {f.relpath: f.shown(static_dir) for f in static}
    made_by = {relpath: layout(relpath.rsplit("/", 1)[-1]) for relpath in relpaths
               if relpath not in copied and relpath.endswith(XML_SUFFIXES)}  # the feeds and the sitemap
    return made_by, copied


def page_owner(site: Site) -> Callable[[str], str]:
    """Names the page a built file belongs to, for messages: 'the map (/karta/)'."""
    urls = site.urls
    named = {urls.home(): "the home page", urls.map(): "the map", urls.feed(): "the feed",
             urls.sitemap(): "the sitemap", urls.robots(): "robots.txt", urls.not_found(): "the 404 page",
             urls.archive(): "the archive", urls.tags(): "the tag index",
             urls.municipalities(): "the municipality list"}
    named[urls.json_feed()] = "the JSON Feed"
    named |= {t.feed_url: f"the feed of the tag '{t.name}'" for t in site.tags}
    named |= {p.feed_url: f"the feed of {p.municipality.name}" for p in site.places}
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
