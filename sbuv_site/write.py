"""Write the built files beside output/, then swap them in at once: all or nothing.

The staging folder sits beside the output folder's real path (for a link such as
output -> /srv/www/site: beside /srv/www/site), so the swap is a rename on one file system
and the link itself stays. Every step runs under the output folder's lock (outputguard).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import re
import secrets
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from xml.parsers import expat

from sbuv_site.errors import SiteError, raise_all
from sbuv_site.outputguard import (
    BUILD_MARK,
    DEFAULT_WAIT,
    KEPT,
    MARK_TEXT,
    OutputLock,
    disk_problem,
    lock_output,
)
from sbuv_site.render import OutputFile

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}
XML_SUFFIXES = (".xml", ".svg")


@contextlib.contextmanager
def claim_output(target: Path, wait: float = DEFAULT_WAIT, shown: Path | None = None) -> Iterator[OutputLock]:
    """Take the output folder's lock for a whole build, then tidy what killed builds left beside it.

    A build killed between the two renames of a swap left output/ aside: it comes back
    before the new build starts, so even a build that then fails leaves it in place.
    """
    with lock_output(target, wait, shown) as lock:
        _remove_leftovers(target)
        yield lock


def write_output(files: Iterable[OutputFile], output: Path, lock: OutputLock | None = None,
                 wait: float = DEFAULT_WAIT, mtime: float | None = None,
                 before_swap: Callable[[Path, Path | None], None] | None = None) -> int:
    """Write every file into a staging folder beside output, then swap it in atomically.

    A failure (or a kill) before the swap leaves the old output/ exactly as it was;
    files whose pages are gone are gone from the new tree. Without a held lock, the
    output folder's lock is taken (waiting up to `wait` seconds) for the whole write.
    mtime (SOURCE_DATE_EPOCH) is every built file's modification time, which servers send as
    Last-Modified: without it, that is the moment of the build.
    before_swap(staging, previous output folder or None) runs once every file is written and
    before the swap (the search index is made there): if it raises, output/ stays as it was.
    """
    if lock is None:
        with claim_output(output.resolve(), wait, output) as held:
            return write_output(files, output, held, mtime=mtime, before_swap=before_swap)
    return staged(lock, output, lambda staging: _fill(staging, files, output, mtime), before_swap)


def staged(lock: OutputLock, output: Path, fill: Callable[[Path], int],
            before_swap: Callable[[Path, Path | None], None] | None = None) -> int:
    """Fill a new staging folder beside the real output folder, then swap it in; or change nothing."""
    target = lock.target  # the real folder; `output` (a link, perhaps) names it in messages
    _remove_leftovers(target)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    except OSError as exc:
        raise disk_problem(exc, target.parent, "create a staging folder beside the output folder",
                           KEPT) from None
    try:
        count = fill(staging)
        if before_swap is not None:
            before_swap(staging, target if target.is_dir() else None)
        _swap(staging, target, output)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return count


def _fill(staging: Path, files: Iterable[OutputFile], shown: Path, mtime: float | None = None) -> int:
    """Write the files and the build mark into staging; a refused write names the file in output/."""
    count = 0
    made: set[Path] = set()
    for file in files:
        parts = PurePosixPath(file.relpath).parts
        if not parts or file.relpath.startswith("/") or ".." in parts or file.relpath == BUILD_MARK:
            raise AssertionError(f"output path escapes the output folder: {file.relpath}")
        target = staging.joinpath(*parts)
        if target.parent not in made:
            attempt(shown.joinpath(*parts[:-1]), "create the folder",
                     functools.partial(target.parent.mkdir, parents=True, exist_ok=True))
            made.add(target.parent)
        attempt(shown.joinpath(*parts), "write the built file",
                 functools.partial(target.write_bytes, file.data))
        if mtime is not None:
            attempt(shown.joinpath(*parts), "write the built file", functools.partial(
                os.utime, target, (mtime, mtime)))
        count += 1
    attempt(shown / BUILD_MARK, "write the built file",
             functools.partial((staging / BUILD_MARK).write_bytes, MARK_TEXT))
    if mtime is not None:
        os.utime(staging / BUILD_MARK, (mtime, mtime))
    return count


def attempt(shown: Path, doing: str, step: Callable[[], object], kept: str = KEPT) -> None:
    """Run one file-system step; its failure becomes one message naming the path the editor knows."""
    try:
        step()
    except OSError as exc:
        raise disk_problem(exc, shown, doing, kept) from None


def _swap(staging: Path, target: Path, shown: Path) -> None:
    """Put staging in target's place: one renameat2 exchange, or two renames where that is missing."""
    try:
        old = os.lstat(target) if os.path.lexists(target) else None
        staging.chmod(stat.S_IMODE(old.st_mode) if old and stat.S_ISDIR(old.st_mode) else 0o755)
        if old is None:
            os.rename(staging, target)
            return
        result = _exchange(staging, target)
        if result == 0:
            shutil.rmtree(staging, ignore_errors=True)  # staging now holds the previous build
            return
        if result not in _UNSUPPORTED:
            raise OSError(result, os.strerror(result), str(target))
        aside = target.parent / f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
        os.rename(target, aside)
        try:
            os.rename(staging, target)
        except OSError:
            os.rename(aside, target)
            raise
        shutil.rmtree(aside, ignore_errors=True)
    except OSError as exc:
        raise disk_problem(exc, shown, "swap the new build into place", KEPT) from None


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    try:
        function: Callable[..., int] = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    return function


def _exchange(a: Path, b: Path) -> int:
    """Swap two folders in one step with Linux renameat2(RENAME_EXCHANGE): 0, or the errno."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return errno.ENOSYS
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return 0
    return ctypes.get_errno() or errno.EINVAL


def _leftover_pattern(target: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(target.name)}\.(tmp|old)-\d+-[A-Za-z0-9_]+")


def _remove_leftovers(target: Path) -> None:
    """Clear staging folders of killed builds of this output; restore it if a swap was cut short.

    Runs only under the output folder's lock, which every build of it holds from before
    its staging folder exists until after its swap: a folder found here has no live owner.
    """
    pattern = _leftover_pattern(target)
    try:
        found = sorted(p for p in target.parent.iterdir() if pattern.fullmatch(p.name))
    except OSError:
        return
    for stale in found:
        if ".old-" in stale.name and not os.path.lexists(target):
            # killed between the two renames: the previous build returns
            attempt(target, "restore the previous build", functools.partial(os.replace, stale, target))
        else:
            shutil.rmtree(stale, ignore_errors=True)


def create_file(path: Path, data: bytes) -> None:
    """Write a new file whole or not at all, and never over an existing one (for `new`).

    The bytes go to a hidden temporary file beside it first; a hard link then gives it its
    name, which fails if the name is taken. A full disk leaves no half-written file.
    Raises FileExistsError when the name is taken, SiteError when the file system refuses.
    """
    kept = "no file was written"
    attempt(path.parent, "create the folder", functools.partial(path.parent.mkdir, parents=True,
                                                                 exist_ok=True), kept)
    temp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            raise
        except OSError as exc:  # a file system without hard links: check, then rename
            if exc.errno not in (*_UNSUPPORTED, errno.EPERM, errno.EMLINK):
                raise
            if os.path.lexists(path):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
            os.rename(temp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        raise disk_problem(exc, path, "write the new file", kept) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def check_well_formed(files: Iterable[OutputFile], layouts: Mapping[str, str],
                      copied: Mapping[str, str]) -> None:
    """Refuse to publish a feed, sitemap or other XML file that a feed reader would reject.

    `layouts` names the layout that made an output file ('layouts/atom.xml') and `copied`
    the static file it was copied from, so the message points at the file the editor can fix.
    """
    errors = []
    for file in files:
        if not file.relpath.endswith(XML_SUFFIXES):
            continue
        try:
            expat.ParserCreate().Parse(file.data, True)
        except expat.ExpatError as exc:
            reason = expat.errors.messages.get(exc.code, str(exc))
            errors.append(_xml_problem(file.relpath, layouts.get(file.relpath), copied.get(file.relpath),
                                       reason, exc.lineno, exc.offset))
    raise_all(errors)


def _xml_problem(relpath: str, layout: str | None, copied: str | None, reason: str, line: int,
                 column: int) -> SiteError:
    if layout is not None:
        return SiteError(layout, None,
                         f"this layout makes {relpath}, which is not well-formed XML ({reason} at line "
                         f"{line}, column {column} of {relpath})",
                         "check the layout's tags there; write values as {{ … }} (escaped), never "
                         "with |safe, and write a bare & as &amp;")
    return SiteError(copied or relpath, line, f"this file is not well-formed XML ({reason}, column {column})",
                     "fix the file (an XML or SVG editor shows where), or remove it")
