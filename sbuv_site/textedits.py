"""serve's quick path: a save that changed only the Markdown text of posts or pages, rebuilt in place.

An editor's usual save changes a post's text, not its front matter. Then the site keeps its
shape (the same pages at the same addresses, the same lists in the same order), so the
preview need not scan, check and assemble every source again: it reads the saved files,
swaps their new text into the last build's Site (siteedit.py) and makes only the files that
show that text (the post, the lists and feeds it is in), in place. Anything else (front
matter, a new or deleted file, a layout, config.yaml, an image, a problem in the file) is
left to the full build, which also gives the editor its messages.

The files made are the ones a full build would make (tests/test_textedits.py builds both and
compares the trees), and the cache is brought up to date the same way, so the next full
build reuses everything the quick path made.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt

from sbuv_site.buildkeys import job_keys, unchanged_record, whole_key
from sbuv_site.cache import BuildCache, OutputRecord, Parsed, SourceRecord
from sbuv_site.config import Config
from sbuv_site.errors import SiteError
from sbuv_site.load import SourceFile
from sbuv_site.model import Page, Post, Site, make_page, make_post
from sbuv_site.municipalities import Registry
from sbuv_site.outputguard import BUILD_MARK
from sbuv_site.render import Job, site_jobs
from sbuv_site.siteedit import further_mentions, with_texts
from sbuv_site.sitewriter import WritePlan, make_files
from sbuv_site.sources import may_show_images, read_one
from sbuv_site.static import StaticFile
from sbuv_site.validate import PostFields
from sbuv_site.write import claim_output


@dataclass(frozen=True)
class LastBuild:
    """What serve keeps of its last build, for the next save's quick path to start from."""

    root: Path
    config: Config
    registry: Registry
    md: MarkdownIt
    env: jinja2.Environment
    static: tuple[StaticFile, ...]
    epoch: datetime | None
    settings: str  # buildkeys.build_settings of that build
    base: str  # what every file's key starts from (settings and the site's notes)
    shape: str  # buildkeys.text_shape: base and every front matter, which a text edit leaves alone
    scanned: tuple[SourceFile, ...]
    by_file: Mapping[Path, int]  # a source's absolute path (as the watcher says it) -> index in scanned
    site: Site
    index_of: Mapping[str, int]  # every job's file -> its place in the build's order of jobs
    keys: tuple[str, ...]  # every job's key, in the same order
    readers: Mapping[str, tuple[int, ...]]  # a source -> the jobs that show its text
    every_text: tuple[int, ...]  # the jobs that show every source's text (uses None)
    mentions: Mapping[str, tuple[str, ...]]  # siteedit.further_mentions of site
    target: Path  # the output folder, resolved
    output: Path  # as the editor named it, for messages
    made_by: Mapping[str, str]
    copied: Mapping[str, str]


def last_build(*, root: Path, config: Config, registry: Registry, md: MarkdownIt, env: jinja2.Environment,
               static: Sequence[StaticFile], epoch: datetime | None, settings: str, base: str, shape: str,
               scanned: Sequence[SourceFile], site: Site, jobs: Sequence[Job], keys: Sequence[str],
               target: Path, output: Path, made_by: Mapping[str, str],
               copied: Mapping[str, str]) -> LastBuild:
    """The record of a full build, with the indexes the quick path looks things up in."""
    readers: dict[str, list[int]] = {}
    every_text = []
    for index, job in enumerate(jobs):
        if job.uses is None:
            every_text.append(index)
        else:
            for path in job.uses:
                readers.setdefault(path, []).append(index)
    _compile_layouts(env)
    return LastBuild(root, config, registry, md, env, tuple(static), epoch, settings, base, shape,
                     tuple(scanned),
                     {file.real.absolute(): index for index, file in enumerate(scanned)}, site,
                     {job.relpath: index for index, job in enumerate(jobs)}, tuple(keys),
                     {path: tuple(found) for path, found in readers.items()}, tuple(every_text),
                     further_mentions(site),
                     target, output, made_by, copied)


# The layouts of the files a text shows up in: the quick path renders them in this process.
QUICK_LAYOUTS = ("post.html", "page.html", "list.html", "tag.html", "municipality.html", "404.html",
                 "atom.xml")


def _compile_layouts(env: jinja2.Environment) -> None:
    """Compile those layouts now, after a full build, whose workers compiled them only in their
    own processes: else the first save after it pays about 0.1 s for it. A broken layout is left
    for rendering to report, with its file and line."""
    for name in QUICK_LAYOUTS:
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            continue


@dataclass(frozen=True)
class TextEdit:
    """What the quick path did: the record to start from next time, and how many files it rewrote."""

    last: LastBuild
    changed: int  # files rewritten (one made again with the same bytes is kept, and not counted)


def edit_texts(last: LastBuild, cache: BuildCache, changed: frozenset[Path], wait: float,
               now: datetime) -> TextEdit | None:
    """Rebuild in place for saves that changed only the text of known sources; None: build in full.

    None is also the answer whenever anything is unusual (a problem in a file, a changed front
    matter, an image, a file that is not what was scanned, a post coming due): the full build
    handles all of that, and says what is wrong.
    """
    outputs = cache.outputs.get(str(last.target))
    if not changed or outputs is None or not cache.parsed_loaded:
        return None
    if outputs.next_change is not None and now.timestamp() >= outputs.next_change:
        return None
    edits = _edited_files(last, cache, changed)
    if edits is None:
        return None
    with claim_output(last.target, wait, last.output):
        if not is_recorded(last.target, outputs):
            return None
        return _rebuild(last, cache, outputs, edits)


def _edited_files(last: LastBuild, cache: BuildCache, changed: frozenset[Path]
                  ) -> list[tuple[int, SourceFile]] | None:
    """Each changed path as the source it is, with its new fingerprint; None if one is anything else."""
    edits = []
    for path in sorted(changed):
        index = last.by_file.get(path)
        if index is None:
            return None  # not a post or page the last build read (new, or not a source at all)
        old = last.scanned[index]
        try:
            info = os.lstat(old.real)
        except OSError:
            return None  # deleted or moved away
        if not stat.S_ISREG(info.st_mode):
            return None  # replaced by a link or a folder: the full scan judges it
        file = SourceFile(old.path, old.real, old.kind, info.st_size, info.st_mtime_ns, info.st_ino)
        if unchanged_record(file, cache.sources.get(str(old.path))) is None:
            edits.append((index, file))
    return edits


def _rebuild(last: LastBuild, cache: BuildCache, outputs: OutputRecord,
             edits: Sequence[tuple[int, SourceFile]]) -> TextEdit | None:
    records: dict[str, SourceRecord] = dict(cache.sources)
    parsed: dict[str, Parsed] = dict(cache.parsed)
    posts: dict[Path, Post] = {}
    pages: dict[Path, Page] = {}
    for _, file in edits:
        key = str(file.path)
        before, kept = records.get(key), parsed.get(key)
        if before is None or kept is None:
            return None
        try:
            _, record, one = read_one(last.root, last.config, last.registry, last.md, file, cache)
        except (SiteError, ExceptionGroup):
            return None  # the full build reports it, with every other problem
        if record.front != before.front or kept.images is not None or may_show_images(one.fields):
            return None  # the site's shape, or images to read at the edge: a full build
        records[key], parsed[key] = record, one
        if record.body == before.body:
            continue
        fields = one.fields
        if isinstance(fields, PostFields):
            posts[fields.path] = make_post(fields, last.config, last.site.urls, last.md, one.rendered, None)
        else:
            pages[fields.path] = make_page(fields, last.site.urls, last.md, one.rendered, None)
    site = with_texts(last.site, posts.values(), pages.values(), last.mentions)
    shown: list[Post | Page] = [*posts.values(), *pages.values()]
    jobs = site_jobs(site, last.env, last.static, last.epoch, showing=shown) if shown else []
    todo = {i for path in map(str, (*posts, *pages)) for i in last.readers.get(path, ())}
    todo |= set(last.every_text if shown else ())
    if {last.index_of.get(job.relpath) for job in jobs} != todo:
        return None  # cannot happen when only texts changed; if it does, the full build is right
    jobs.sort(key=lambda job: (not _shows_one(job), last.index_of[job.relpath]))  # the saved page first
    keys = list(last.keys)
    for job, key in zip(jobs, job_keys(jobs, last.base, records, parsed, last.shape), strict=True):
        keys[last.index_of[job.relpath]] = key
    plan = WritePlan(jobs, [keys[last.index_of[job.relpath]] for job in jobs], outputs.files, last.target,
                     last.target, last.output, True, last.epoch.timestamp() if last.epoch else None,
                     last.made_by, last.copied)
    written = make_files(plan, range(len(jobs)))
    scanned = list(last.scanned)
    for index, file in edits:
        scanned[index] = file
    info = os.stat(last.target)
    cache.outputs[str(last.target)] = OutputRecord(info.st_dev, info.st_ino,
                                                   whole_key(last.settings, scanned, records),
                                                   outputs.next_change, {**outputs.files, **written})
    cache.sources, cache.parsed = records, parsed
    new = dataclasses.replace(last, scanned=tuple(scanned), site=site, keys=tuple(keys))
    return TextEdit(new, sum(1 for rel, one in written.items() if outputs.files.get(rel) != one))


def _shows_one(job: Job) -> bool:
    """A file that shows one text only: the post's (or page's) own page."""
    return job.uses is not None and len(job.uses) == 1


def is_recorded(target: Path, record: OutputRecord) -> bool:
    """The output folder is the very one the record describes (not replaced, not rebuilt by another)."""
    try:
        info = os.stat(target)
        mark = os.lstat(target / BUILD_MARK)
    except OSError:
        return False
    return (info.st_dev, info.st_ino) == (record.device, record.inode) and stat.S_ISREG(mark.st_mode)

