"""Writing the planned posts: all or nothing, so a full disk or a read-only folder costs no post.

Every post is first written whole to a hidden temporary file beside its target; only when all
of them are on disk are they renamed into place. A failure on the way removes every temporary
file and every post this run created, and names the path in one SiteError.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from sbuv_site.errors import SiteError
from sbuv_site.importer.input_files import reason
from sbuv_site.importer.placement import Step
from sbuv_site.importer.post_file import render_post

_HINTS = {
    errno.ENOSPC: "the disk is full: free some space, then import again",
    errno.EDQUOT: "your disk quota is used up: free some space, then import again",
    errno.EROFS: "the disk is read-only: import into a folder on a writable disk (--into)",
    errno.EACCES: "sbuv-site may not write there: check the folder's permissions",
    errno.EPERM: "sbuv-site may not write there: check the folder's permissions",
    errno.EFBIG: "the file system refused the file as too large: check the disk's limits",
}


def folder_problem(into: Path) -> SiteError | None:
    """Why `into` cannot hold posts (it is a file, or lies inside one), or None."""
    existing = into
    while not os.path.lexists(existing):  # the nearest part of the path that exists
        if existing.parent == existing:
            return None
        existing = existing.parent
    if existing.is_dir():
        return None
    hint = "give --into a folder; a missing folder is made"
    what = "a broken symbolic link" if existing.is_symlink() else "a file"
    if existing == into:
        return SiteError(into, None, f"the folder for the posts is {what}, not a folder", hint)
    return SiteError(into, None, f"cannot make the folder for the posts: {existing} is {what}", hint)


def save_posts(steps: list[Step], into: Path) -> None:
    """Write every created or replaced post atomically; on any failure leave the folder as it was."""
    writes = [step for step in steps if step.action != "skip"]
    if not writes:
        return
    try:
        into.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _problem(into, "cannot make the folder", exc, "no post was written") from None
    temps: dict[int, str] = {}  # index in writes → temporary file not yet renamed
    done: list[Step] = []
    try:
        for index, step in enumerate(writes):
            data = render_post(step.post).encode("utf-8")
            try:
                handle, temps[index] = tempfile.mkstemp(dir=step.target.parent, prefix=".import-",
                                                        suffix=".tmp")
            except OSError as exc:
                raise _problem(step.target.parent, "cannot write in this folder", exc,
                               "no post was written") from None
            try:
                try:
                    _write_all(handle, data)
                finally:
                    os.close(handle)
            except OSError as exc:
                raise _problem(step.target, "cannot write the post", exc, "no post was written") from None
        for index, step in enumerate(writes):
            try:
                os.replace(temps[index], step.target)
            except OSError as exc:
                _undo(done)
                raise _problem(step.target, "cannot write the post", exc, _outcome(done)) from None
            del temps[index]
            done.append(step)
    finally:
        for temp in temps.values():
            _remove(temp)


def _write_all(handle: int, data: bytes) -> None:
    """Write every byte (os.write may write fewer), readable by all like any post, and flush to disk."""
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view):]
    os.fchmod(handle, 0o644)  # mkstemp makes 0600; a post is an ordinary readable file
    os.fsync(handle)


def _undo(done: list[Step]) -> None:
    """Remove the posts this run created (a replaced post keeps its new, complete text)."""
    for step in done:
        if step.action == "create":
            _remove(str(step.target))


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass  # gone already, or the folder turned read-only: the error being raised says why


def _outcome(done: list[Step]) -> str:
    replaced = sum(1 for step in done if step.action == "overwrite")
    if not replaced:
        return "no post was written"
    return (f"{replaced} earlier post{'s were' if replaced != 1 else ' was'} already replaced by "
            "the new import; no other post was written")


def _problem(path: Path, what: str, exc: OSError, outcome: str) -> SiteError:
    hint = _HINTS.get(exc.errno or 0, "check that the folder can be written")
    return SiteError(path, None, f"{what}: {reason(exc)}; {outcome}", hint)
