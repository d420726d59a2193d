"""The validate stage's reading: every source read, checked and rendered, or taken from the cache.

Sources whose fingerprint and bytes the cache knows are not read again; the rest are read,
checked and rendered to HTML on worker processes, every problem of every file raised together.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from markdown_it import MarkdownIt

from sbuv_site.cache import BuildCache, Parsed, SourceRecord, digest_of, dumps_records
from sbuv_site.config import Config
from sbuv_site.errors import SiteError, flatten, raise_all
from sbuv_site.images import DocumentImages
from sbuv_site.load import SourceFile, read_scanned
from sbuv_site.markup import make_markdown, render_markdown
from sbuv_site.municipalities import Registry
from sbuv_site.parallel import run_chunks, worker_count
from sbuv_site.progress import Progress, stage_counter
from sbuv_site.sitefiles import Scope
from sbuv_site.validate import PageFields, PostFields, check_document


def read_changed(root: Path, config: Config, registry: Registry, scanned: Sequence[SourceFile],
                 known: Mapping[str, SourceRecord | None], cache: BuildCache, wanted: int | None,
                 progress: Progress | None) -> tuple[dict[str, SourceRecord], dict[str, Parsed], int]:
    """Every source's record and parsed form: from the cache where unchanged, else read, checked and
    rendered on `workers` processes (progress counts them). All problems of all files are raised together."""
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
                done.append(read_one(root, config, registry, md, todo[index], cache, scope))
            except SiteError as err:
                errors.append(err)
            except ExceptionGroup as group:
                errors.extend(flatten(group))
        raise_all(errors)
        return done

    fresh = run_chunks(share, len(todo), worker_count(len(todo), wanted),
                       progress=stage_counter(progress, "read", len(todo)))
    for path, record, one in fresh:
        records[path], parsed[path] = record, one
    order = [str(f.path) for f in scanned]  # the order load_sources reads them in
    return {p: records[p] for p in order}, {p: parsed[p] for p in order}, len(fresh)


def read_one(root: Path, config: Config, registry: Registry, md: MarkdownIt, file: SourceFile,
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


def may_show_images(fields: PostFields | PageFields) -> bool:
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
