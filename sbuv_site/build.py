"""The whole pipeline, top to bottom: config → load → validate → model → render → write."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import stat
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from markdown_it import MarkdownIt

from sbuv_site import search
from sbuv_site.cache import (
    BuildCache,
    OutputRecord,
    Parsed,
    SourceRecord,
    digest_of,
    dumps_records,
    load_cache,
    load_parsed,
    program_version,
    save_cache,
)
from sbuv_site.config import CONFIG_FILE, Config, load_config
from sbuv_site.errors import SiteError, flatten, raise_all
from sbuv_site.imagefiles import read_images
from sbuv_site.images import DocumentImages
from sbuv_site.layoutfiles import layout_source
from sbuv_site.load import SourceFile, read_scanned, scan_inputs
from sbuv_site.markup import make_markdown, render_markdown
from sbuv_site.model import Site, build_site
from sbuv_site.municipalities import Registry, load_registry
from sbuv_site.outputguard import BUILD_MARK, DEFAULT_WAIT, check_output_dir
from sbuv_site.parallel import frozen_heap, run_chunks, worker_count
from sbuv_site.render import Job, make_environment, site_jobs
from sbuv_site.sitefiles import Scope
from sbuv_site.sitewriter import WritePlan, write_site
from sbuv_site.static import StaticFile, check_static_addresses
from sbuv_site.validate import PageFields, PostFields, check_document
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


Progress = Callable[[str, int, int], None]  # (stage, items done, items in all)


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
        settings = _timed(clock, "load", lambda: build_settings(root, config, static, options, epoch, beside))
        known = {str(f.path): _unchanged(f, cache.sources.get(str(f.path))) for f in scanned}
        previous = cache.outputs.get(str(target))
        old_root = target if previous is not None and _is_recorded(target, previous) else None
        if (old_root is not None and previous is not None and all(known.values())
                and previous.build_key == _build_key(settings, scanned, cache.sources)
                and (previous.next_change is None or now.timestamp() < previous.next_change)):
            return BuildReport(output=output, pages=sum(r.endswith(".html") for r in previous.files),
                               files=len(previous.files), posts=sum(f.kind == "posts" for f in scanned),
                               timings=clock, notes=(), unchanged=True)
        load_parsed(cache)
        records, parsed, fresh = _timed(clock, "validate", lambda: read_changed(
            root, config, registry, scanned, known, cache, options.workers, progress))
        md = make_markdown(config.markdown.allow_html, config.base_path)
        images = _timed(clock, "images", lambda: read_images(
            root, config.content_dir, config.static_dir, config.base_path,
            [p.fields for p in parsed.values() if _may_show_images(p.fields)], static, md))
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
        build_key = _build_key(settings, scanned, records)
        keys = job_keys(jobs, digest_of(settings, *site.notes), records, parsed)
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
            plan, render_workers, lock, _counter(progress, "render", len(jobs)), before_swap=index))
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
    rendered = sum(1 for relpath, record in written.items()
                   if not (previous and old_root and previous.files.get(relpath) == record))
    return BuildReport(output=output, pages=sum(r.endswith(".html") for r in relpaths), files=len(written),
                       posts=len(site.posts), timings=clock, notes=notes, changed=rendered,
                       reread=fresh)


def source_key(config: Config) -> str:
    """The settings a source's checked fields and HTML depend on; other config changes keep them."""
    return digest_of(program_version(), repr(sorted(config.aliases.items())), str(config.zone),
                     repr(config.markdown.allow_html), config.base_path)


def build_settings(root: Path, config: Config, static: Sequence[StaticFile], options: BuildOptions,
                   epoch: datetime | None, beside: Sequence[tuple[str, int, int]] = ()) -> str:
    """A digest of everything besides the posts that decides the output: program, config, layouts,
    static files, images beside posts (by size and time) and the build's options."""
    parts: list[bytes | str] = [program_version(), (root / CONFIG_FILE).read_bytes(),
                                repr((options.drafts, options.future, options.search)), repr(epoch),
                                repr(beside)]
    for relpath, data in layout_files(root, config.layouts_dir):
        parts += [relpath, data]
    for file in static:
        parts += [file.relpath, hashlib.sha256(file.data).digest()]
    return digest_of(*parts)


def layout_files(root: Path, layouts_dir: str) -> list[tuple[str, bytes]]:
    """Every file of the layouts folder with its bytes (or its error, which rendering reports)."""
    folder = root / layouts_dir
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath, name)
            try:  # only ordinary files are read: a FIFO would stall the build (rendering names it)
                info = os.stat(path)
                regular = stat.S_ISREG(info.st_mode)
                data = path.read_bytes() if regular else f"not a file: {info.st_mode}".encode()
            except OSError as exc:
                data = f"unreadable: {exc}".encode()
            found.append((path.relative_to(folder).as_posix(), data))
    return found


def read_changed(root: Path, config: Config, registry: Registry, scanned: Sequence[SourceFile],
                 known: Mapping[str, SourceRecord | None], cache: BuildCache, wanted: int | None,
                 progress: Progress | None) -> tuple[dict[str, SourceRecord], dict[str, Parsed], int]:
    """Every source's record and parsed form: from the cache where unchanged, else read, checked and
    rendered on `workers` processes. All problems of all files are raised together."""
    records: dict[str, SourceRecord] = {}
    parsed: dict[str, Parsed] = {}
    todo: list[SourceFile] = []
    for file in scanned:
        path = str(file.path)
        record = known.get(path)
        kept = cache.parsed.get(path)
        if record is not None and kept is not None and kept.digest == record.digest:
            records[path], parsed[path] = record, kept
        else:
            todo.append(file)
    md = make_markdown(config.markdown.allow_html, config.base_path)
    scope = Scope.for_folder(root, config.content_dir)  # once, not per file (scan_inputs used the same)

    def share(chunk: range) -> list[tuple[str, SourceRecord, Parsed]]:
        errors: list[SiteError] = []
        done = []
        for index in chunk:
            try:
                done.append(_read_one(root, config, registry, md, todo[index], cache, scope))
            except SiteError as err:
                errors.append(err)
            except ExceptionGroup as group:
                errors.extend(flatten(group))
        raise_all(errors)
        return done

    fresh = run_chunks(share, len(todo), worker_count(len(todo), wanted),
                       progress=_counter(progress, "read", len(todo)))
    for path, record, one in fresh:
        records[path], parsed[path] = record, one
    order = [str(f.path) for f in scanned]  # the order load_sources reads them in
    return {p: records[p] for p in order}, {p: parsed[p] for p in order}, len(fresh)


def _read_one(root: Path, config: Config, registry: Registry, md: MarkdownIt, file: SourceFile,
              cache: BuildCache, scope: Scope | None = None) -> tuple[str, SourceRecord, Parsed]:
    """Read one source; check and render it unless the cache holds the same bytes already."""
    path = str(file.path)
    raw, doc = read_scanned(root, config.content_dir, file, scope)
    digest = hashlib.sha256(raw).hexdigest()
    old, kept = cache.sources.get(path), cache.parsed.get(path)
    if old is not None and kept is not None and old.digest == digest == kept.digest:  # touched only
        return path, SourceRecord(file.kind, file.size, file.mtime_ns, file.inode, digest, old.front,
                                  old.body), kept
    errors: list[SiteError] = []
    fields = check_document(doc, registry, config.aliases, config.zone, errors)
    raise_all(errors)
    assert fields is not None
    rendered = render_markdown(md, fields.body)
    front = digest_of(dumps_records(dataclasses.replace(fields, body="")))
    return path, SourceRecord(file.kind, file.size, file.mtime_ns, file.inode, digest, front,
                              digest_of(fields.body)), Parsed(fields, rendered, digest)


def job_keys(jobs: Sequence[Job], base: str, records: Mapping[str, SourceRecord],
             parsed: Mapping[str, Parsed]) -> list[str]:
    """Each file's key: what every page depends on (base, the front matter of all sources), and the
    text of the sources it shows. An unchanged key means the file the last build made is still right.

    A text's images count as part of it: their sizes are in its HTML, the files beside it are copied.
    """
    paths = sorted(records)
    shape = digest_of(base, *(f"{path}\0{records[path].front}" for path in paths))
    texts = {path: records[path].body if parsed[path].images is None else digest_of(
        records[path].body, pickle.dumps(parsed[path].images, protocol=5)) for path in paths}
    every_body = digest_of(*(texts[path] for path in paths))
    keys = []
    for job in jobs:
        bodies = (every_body,) if job.uses is None else tuple(texts.get(path, "-") for path in job.uses)
        keys.append(digest_of(shape, job.relpath, *bodies))
    return keys


def _may_show_images(fields: PostFields | PageFields) -> bool:
    """A text without '![' and without `image` shows no image: imagefiles need not look at it."""
    return "![" in fields.body or (isinstance(fields, PostFields) and fields.image is not None)


def with_image_sizes(md: MarkdownIt, parsed: Mapping[str, Parsed],
                     images: Mapping[Path, DocumentImages]) -> dict[str, Parsed]:
    """Each text that shows images rendered with their sizes; kept as it was where they are unchanged.

    Workers render every text without sizes (most have no image); the few that have one are
    rendered again here, now that the edge has read the image files.
    """
    result = {}
    for path, one in parsed.items():
        found = images.get(one.fields.path)
        if found != one.images:
            sizes = found.sizes if found else None
            one = Parsed(one.fields, render_markdown(md, one.fields.body, sizes), one.digest, found)
        result[path] = one
    return result


def _cache_for(root: Path, key: str, options: BuildOptions, state: BuildState | None) -> BuildCache:
    if state is not None and state.cache is not None and state.cache.source_key == key:
        return state.cache
    if not options.cache:
        return BuildCache(program_version(), key, root=root)
    return load_cache(root, key)


def _unchanged(file: SourceFile, record: SourceRecord | None) -> SourceRecord | None:
    """The cache's record of a file when size, modification time and inode all match, else None."""
    if record is not None and (record.kind, record.size, record.mtime_ns, record.inode) == (
            file.kind, file.size, file.mtime_ns, file.inode):
        return record
    return None


def _build_key(settings: str, scanned: Sequence[SourceFile], records: Mapping[str, SourceRecord]) -> str:
    return digest_of(settings, *(f"{f.path}\0{records[str(f.path)].digest}" if str(f.path) in records
                                 else f"{f.path}\0?" for f in scanned))


def _is_recorded(target: Path, record: OutputRecord) -> bool:
    """The output folder is the very one the record describes (not replaced, not rebuilt by another)."""
    try:
        info = os.stat(target)
        mark = os.lstat(target / BUILD_MARK)
    except OSError:
        return False
    return (info.st_dev, info.st_ino) == (record.device, record.inode) and stat.S_ISREG(mark.st_mode)


def _next_change(posts: Sequence[PostFields], site: Site, config: Config, now: datetime) -> float | None:
    """When the first post left out as in the future comes due: a rebuild then is not a no-op."""
    starts = [p.date.starts(config.zone) for p in posts if p.date is not None]
    due = [when.timestamp() for when in starts if when is not None and when > now]
    return min(due, default=None)


def _counter(progress: Progress | None, stage: str, total: int) -> Callable[[int], None] | None:
    if progress is None:
        return None
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        progress(stage, done, total)

    return step


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
