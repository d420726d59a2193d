"""Make and write a site's files, reusing what the last build left in output/ wherever it still holds.

`build` fills a staging folder and swaps it in whole (write.py): a file whose job key is the
one recorded is hard-linked from the old tree instead of rendered, and a rendered file whose
bytes are the ones recorded is linked too, so the swap stays all-or-nothing without rewriting
the whole tree. `serve` updates output/ in place instead, file by file (each replaced by a
rename): a preview must show an edit in a fraction of a second, and its reader is the editor.

Rendering happens in the workers, which write their files themselves: only each file's small
record travels back to the parent, never the pages' bytes.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sbuv_site.cache import FileRecord
from sbuv_site.errors import SiteError, raise_all
from sbuv_site.outputguard import BUILD_MARK, KEPT, MARK_TEXT, OutputLock, disk_problem
from sbuv_site.parallel import run_chunks
from sbuv_site.render import Job, OutputFile
from sbuv_site.write import XML_SUFFIXES, attempt, check_well_formed, staged

_NO_LINK = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}


@dataclass(frozen=True, slots=True)
class WritePlan:
    """What every worker needs to make its share of the files; inherited at the fork, never sent."""

    jobs: Sequence[Job]
    keys: Sequence[str]
    previous: Mapping[str, FileRecord]  # the files the last build left in old_root
    old_root: Path | None  # the current output folder, when its record can be trusted
    dest: Path  # where new files go: a staging folder, or the output folder itself (in place)
    shown: Path  # the output folder as the editor named it, for messages
    in_place: bool
    mtime: float | None
    made_by: Mapping[str, str]  # XML file -> the layout that made it, for messages
    copied: Mapping[str, str]  # XML file -> the static file it was copied from


def write_site(plan: WritePlan, workers: int, lock: OutputLock,
               progress: Callable[[int], None] | None = None,
               before_swap: Callable[[Path, Path | None], None] | None = None) -> dict[str, FileRecord]:
    """Make every job's file into the output folder; returns the record of each file written or kept.

    before_swap(staging, previous output folder or None) runs when staging is complete (the
    search index is made there); in place there is no staging and it is not called.
    """
    if plan.in_place:
        records = _make_all(plan, workers, progress)
        _remove_gone(plan, records)
        return records
    result: dict[str, FileRecord] = {}

    def fill(staging: Path) -> int:
        staged = _with_dest(plan, staging)
        _make_folders(staging, [job.relpath for job in plan.jobs], plan.shown)
        result.update(_make_all(staged, workers, progress))
        attempt(plan.shown / BUILD_MARK, "write the built file",
                 lambda: (staging / BUILD_MARK).write_bytes(MARK_TEXT))
        if plan.mtime is not None:
            os.utime(staging / BUILD_MARK, (plan.mtime, plan.mtime))
        return len(result)

    staged(lock, plan.shown, fill, before_swap)
    return result


def _with_dest(plan: WritePlan, dest: Path) -> WritePlan:
    return WritePlan(plan.jobs, plan.keys, plan.previous, plan.old_root, dest, plan.shown, plan.in_place,
                     plan.mtime, plan.made_by, plan.copied)


def _make_all(plan: WritePlan, workers: int, progress: Callable[[int], None] | None) -> dict[str, FileRecord]:
    def share(chunk: range) -> list[tuple[str, FileRecord]]:
        made, errors = [], []
        for index in chunk:  # every file's problem is reported, not only a chunk's first
            try:
                made.append(_make_one(plan, index))
            except SiteError as err:
                errors.append(err)
        raise_all(errors)
        return made

    return dict(run_chunks(share, len(plan.jobs), workers, progress=progress))


def make_files(plan: WritePlan, indices: Sequence[int]) -> dict[str, FileRecord]:
    """Make only the jobs at these indices, in this order, in this process: serve's quick path.

    A handful of files is made faster here than a pool could start; every problem is raised.
    """
    made, errors = {}, []
    for index in indices:
        try:
            relpath, record = _make_one(plan, index)
        except SiteError as err:
            errors.append(err)
            continue
        made[relpath] = record
    raise_all(errors)
    return made


def _make_one(plan: WritePlan, index: int) -> tuple[str, FileRecord]:
    """One file: kept from the old tree when its key (or, once made, its bytes) is unchanged."""
    job, key = plan.jobs[index], plan.keys[index]
    relpath = job.relpath
    parts = PurePosixPath(relpath).parts
    if not parts or relpath.startswith("/") or ".." in parts or relpath == BUILD_MARK:
        raise AssertionError(f"output path escapes the output folder: {relpath}")
    before = plan.previous.get(relpath)
    if before is not None and before.key == key and _keep(plan, relpath, before):
        return relpath, before
    data = job.make()
    if relpath.endswith(XML_SUFFIXES):
        check_well_formed([OutputFile(relpath, data)], plan.made_by, plan.copied)
    digest = hashlib.sha256(data).hexdigest()
    if before is not None and before.digest == digest and _keep(plan, relpath, before):
        return relpath, FileRecord(key, digest, before.inode, before.size)
    inode = _write(plan, relpath, data)
    return relpath, FileRecord(key, digest, inode, len(data))


def _keep(plan: WritePlan, relpath: str, before: FileRecord) -> bool:
    """Reuse the old tree's file if it is still the one recorded: linked into staging, or left in place."""
    if plan.old_root is None:
        return False
    old = plan.old_root / relpath
    try:
        info = os.lstat(old)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_ino != before.inode or info.st_size != before.size:
        return False  # changed by hand, or not ours: make it again
    if plan.in_place:
        return True
    try:
        os.link(old, plan.dest / relpath)
    except OSError as exc:
        if exc.errno in _NO_LINK:
            return False  # a file system without hard links: write a copy
        raise disk_problem(exc, plan.shown / relpath, "write the built file", KEPT) from None
    return True


def _write(plan: WritePlan, relpath: str, data: bytes) -> int:
    """Write one file; in place, through a temporary name, so a reader never sees half of it."""
    shown = plan.shown / relpath
    target = plan.dest / relpath
    try:
        if plan.in_place:
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
            try:
                inode = _write_new(temp, data, plan.mtime)
                os.replace(temp, target)
            finally:
                if os.path.lexists(temp):
                    os.unlink(temp)
            return inode
        return _write_new(target, data, plan.mtime)
    except OSError as exc:
        raise disk_problem(exc, shown, "write the built file", KEPT) from None


def _write_new(path: Path, data: bytes, mtime: float | None) -> int:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if mtime is not None:
            os.utime(fd, (mtime, mtime))
        return os.fstat(fd).st_ino
    finally:
        os.close(fd)


def _make_folders(staging: Path, relpaths: Sequence[str], shown: Path) -> None:
    """Every folder the files need, made once here rather than checked by every worker."""
    folders = sorted({parent for relpath in relpaths for parent in _parents(relpath)},
                     key=lambda p: (p.count("/"), p))
    for folder in folders:
        try:
            os.mkdir(staging / folder)
        except FileExistsError:
            pass
        except OSError as exc:
            raise disk_problem(exc, shown / folder, "create the folder", KEPT) from None


def _parents(relpath: str) -> list[str]:
    parts = relpath.split("/")[:-1]
    return ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]


def _remove_gone(plan: WritePlan, records: Mapping[str, FileRecord]) -> None:
    """In place: delete the files of pages that are gone, and folders they leave empty."""
    for relpath in sorted(set(plan.previous) - set(records)):
        path = plan.dest / relpath
        try:
            os.unlink(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise SiteError(plan.shown / relpath, None, f"cannot remove this old file: {exc.strerror}",
                            "check that you may write to the output folder") from None
        for parent in reversed(_parents(relpath)):
            try:
                os.rmdir(plan.dest / parent)
            except OSError:
                break  # not empty, or gone: leave it
