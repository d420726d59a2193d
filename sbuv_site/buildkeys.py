"""The cache's keys: what a build's output depends on, as digests, so an unchanged key means reuse.

A source's checked fields and HTML depend on `source_key`; the whole output on `build_settings`
and every source's bytes (`build_key`); each built file on `job_keys`. Computed from what the
build already read: nothing here reads a post.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from sbuv_site.cache import Parsed, SourceRecord, digest_of, program_version
from sbuv_site.config import CONFIG_FILE, Config
from sbuv_site.load import SourceFile
from sbuv_site.render import Job
from sbuv_site.static import StaticFile


def source_key(config: Config) -> str:
    """The settings a source's checked fields and HTML depend on; other config changes keep them."""
    return digest_of(program_version(), repr(sorted(config.aliases.items())), str(config.zone),
                     repr(config.markdown.allow_html), config.base_path)


def build_settings(root: Path, config: Config, static: Sequence[StaticFile], choices: tuple[bool, ...],
                   epoch: datetime | None, beside: Sequence[tuple[str, int, int]] = ()) -> str:
    """A digest of everything besides the posts that decides the output: program, config, layouts,
    static files, images beside posts (by size and time) and the build's choices (drafts, …)."""
    parts: list[bytes | str] = [program_version(), (root / CONFIG_FILE).read_bytes(),
                                repr(choices), repr(epoch), repr(beside)]
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


def text_shape(base: str, records: Mapping[str, SourceRecord]) -> str:
    """What every file depends on: base (settings, notes) and the front matter of every source."""
    return digest_of(base, *(f"{path}\0{records[path].front}" for path in sorted(records)))


def job_keys(jobs: Sequence[Job], base: str, records: Mapping[str, SourceRecord],
             parsed: Mapping[str, Parsed], shape: str | None = None) -> list[str]:
    """Each file's key: what every page depends on (base, the front matter of all sources), and the
    text of the sources it shows. An unchanged key means the file the last build made is still right.

    A text's images count as part of it: their sizes are in its HTML, the files beside it are copied.
    shape is text_shape(base, records) when the caller has it (serve's quick path keeps it): only
    the texts the jobs show are looked at then, so a few keys cost little however large the site.
    """
    shape = text_shape(base, records) if shape is None else shape
    texts: dict[str, str] = {}

    def text(path: str) -> str:
        found = texts.get(path)
        if found is None:
            record, images = records[path], parsed[path].images
            found = texts[path] = record.body if images is None else digest_of(
                record.body, pickle.dumps(images, protocol=5))
        return found

    every_body: str | None = None
    keys = []
    for job in jobs:
        if job.uses is None:
            every_body = every_body or digest_of(*(text(path) for path in sorted(records)))
            bodies: tuple[str, ...] = (every_body,)
        else:
            bodies = tuple(text(path) if path in records else "-" for path in job.uses)
        keys.append(digest_of(shape, job.relpath, *bodies))
    return keys


def whole_key(settings: str, scanned: Sequence[SourceFile], records: Mapping[str, SourceRecord]) -> str:
    """Everything that decides the whole output: equal to the last build's means nothing to do."""
    return digest_of(settings, *(f"{f.path}\0{records[str(f.path)].digest}" if str(f.path) in records
                                 else f"{f.path}\0?" for f in scanned))


def unchanged_record(file: SourceFile, record: SourceRecord | None) -> SourceRecord | None:
    """The cache's record of a file when size, modification time and inode all match, else None."""
    if record is not None and (record.kind, record.size, record.mtime_ns, record.inode) == (
            file.kind, file.size, file.mtime_ns, file.inode):
        return record
    return None
