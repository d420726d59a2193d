"""What keeps the editor's files safe around output/: which folder may be replaced, one build at a time.

A build replaces its whole output folder, so the folder is checked by what it is and holds
(never by its name) before anything is written; an OS lock beside it lets one build at a time
use it; and a file-system failure becomes one plain message naming the path.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shlex
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sbuv_site.config import Config
from sbuv_site.errors import SiteError

BUILD_MARK = ".sbuv-site-build"  # written into every build's root: the sign that a build made the folder
MARK_TEXT = b"This folder is built by sbuv-site; each build replaces all of it.\n"
VCS_NAMES = frozenset({".git", ".hg", ".svn"})
DEFAULT_WAIT = 30.0  # seconds a build waits for another build of the same output folder
KEPT = "the output folder was left as it was"
_OWN_FOLDER = "set output_dir in config.yaml (or --output) to a folder of its own, e.g. output"
_DESTROY = "a build replaces the whole output folder and would destroy it"


def check_output_dir(output: Path, root: Path, config: Config, force: bool = False) -> Path:
    """Refuse an output folder whose replacement would destroy the editor's files; return its real path.

    The real path (every symbolic link resolved) is where the build goes: a link such as
    output -> /srv/www/site stays, and its target receives the build.
    """
    try:
        target = output.resolve()
    except ValueError:  # a NUL character, which no file name may hold
        raise SiteError(repr(str(output)), None, "the output path holds a character no file name may have",
                        _OWN_FOLDER) from None
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise SiteError(output, None, "the output path is a loop of symbolic links",
                        "remove the link, or point it at a real folder") from None
    _refuse_version_control(target, output)
    _refuse_file(target, output)
    folders = (("the site folder", root, False), ("the content folder", root / config.content_dir, True),
               ("the layouts folder", root / config.layouts_dir, True),
               ("the static folder", root / config.static_dir, True))
    for label, folder, inside_too in folders:
        real = folder.resolve()
        relation = _relation(target, real, folder.absolute(), inside_too)
        if relation:
            named = real if folder == root else folder
            raise SiteError(output, None, f"the output folder {relation} {label} ({named}); {_DESTROY}",
                            _OWN_FOLDER)
    if target.is_dir():
        _check_contents(target, output, force)
    return target


def _same(a: Path, b: Path) -> bool:
    """The same folder: by device and inode when both exist (case-insensitive disks, bind mounts)."""
    try:
        first, second = os.stat(a), os.stat(b)
    except OSError:
        return a == b
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def _relation(target: Path, folder: Path, as_given: Path, inside_too: bool) -> str | None:
    """How the output folder stands to a folder of the site: is it, holds it, lies inside it."""
    if _same(target, folder):
        return "is"
    if any(_same(target, parent) for parent in (*folder.parents, *as_given.parents)):
        return "holds"  # as_given: a folder holding a link on the way to the site holds it too
    if inside_too and any(_same(parent, folder) for parent in target.parents):
        return "lies inside"
    return None


def _is_repository(folder: Path) -> bool:
    """A version-control folder by name, or a bare git repository by what it holds."""
    if folder.name.casefold() in VCS_NAMES:
        return True
    return (folder / "HEAD").is_file() and (folder / "objects").is_dir() and (folder / "refs").is_dir()


def _refuse_version_control(target: Path, shown: Path) -> None:
    for relation, folder in (("is", target), *(("lies inside", p) for p in target.parents)):
        if _is_repository(folder):
            raise SiteError(shown, None, f"the output folder {relation} a version-control folder "
                            f"({folder}); {_DESTROY}", _VCS_HINT)


_VCS_HINT = ("build into a plain folder such as output, and copy the built files into the "
             "repository when you publish")


def _refuse_file(target: Path, shown: Path) -> None:
    if target.exists() and not target.is_dir():
        raise SiteError(shown, None, "the output path is an existing file, not a folder; a build would "
                        "replace it", _OWN_FOLDER)
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise SiteError(shown, None, f"the output path goes through {parent}, which is a file, "
                                "not a folder", _OWN_FOLDER)
            return


def _check_contents(target: Path, shown: Path, force: bool) -> None:
    """Refuse a folder holding a repository, or files no build made (unless forced)."""
    try:
        names = [entry.name for entry in os.scandir(target)]
    except OSError as exc:
        raise disk_problem(exc, shown, "read the output folder", KEPT) from None
    for name in names:
        if name.casefold() in VCS_NAMES:
            raise SiteError(shown, None, f"the output folder holds a version-control folder "
                            f"({shown / name}); {_DESTROY}", _VCS_HINT)
    if names and not force and not _is_marked(target):
        raise SiteError(shown, None, "the output folder holds files that no sbuv-site build made (it has "
                        f"no {BUILD_MARK}); a build replaces the whole output folder and would delete them",
                        "build into an empty or new folder; or, to replace what it holds, build with --force")
    for folder, dirnames, filenames in os.walk(target):
        for name in (*dirnames, *filenames):
            if name.casefold() in VCS_NAMES:
                found = shown / Path(folder, name).relative_to(target)
                raise SiteError(shown, None, f"the output folder holds a version-control folder "
                                f"({found}); {_DESTROY}", _VCS_HINT)


def _is_marked(target: Path) -> bool:
    """The folder holds the build mark as a regular file (a link to some file is no mark)."""
    try:
        return stat.S_ISREG(os.lstat(target / BUILD_MARK).st_mode)
    except OSError:
        return False


@dataclass(frozen=True, slots=True)
class OutputLock:
    """A held lock on one output folder: its real path, the lock file, the open descriptor."""

    target: Path
    path: Path
    fd: int


def lock_path(target: Path) -> Path:
    """The lock file of an output folder: beside it, so it outlives every swap of the folder."""
    return target.parent / f".{target.name}.lock"


@contextmanager
def lock_output(target: Path, wait: float = DEFAULT_WAIT, shown: Path | None = None) -> Iterator[OutputLock]:
    """Hold the output folder's lock for one build; wait up to `wait` seconds for another build.

    fcntl.flock is released by the OS when the holder exits or is killed, so a crashed build
    never blocks the next one; a paused one makes the next wait and then name it.
    """
    shown = shown or target
    path = lock_path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise disk_problem(exc, shown.parent, "create the folder for the output folder", KEPT) from None
    fd = _acquire(path, wait, shown)
    try:
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, _holder_text(), 0)
        except OSError as exc:
            raise disk_problem(exc, path, "write the build's lock file", KEPT) from None
        yield OutputLock(target, path, fd)
    finally:
        os.close(fd)


def _acquire(path: Path, wait: float, shown: Path) -> int:
    deadline = time.monotonic() + max(0.0, wait)
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            raise disk_problem(exc, path, "create the build's lock file", KEPT) from None
        try:
            _flock_by(fd, deadline, path, shown, wait)
        except BaseException:
            os.close(fd)
            raise
        if _still_there(fd, path):
            return fd
        os.close(fd)  # the lock file was removed while we waited: lock the one there now


def _flock_by(fd: int, deadline: float, path: Path, shown: Path, wait: float) -> None:
    """Take the lock on fd, trying until the deadline; then name the build that holds it."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise SiteError(shown, None, f"another build is using this output folder: "
                                f"{_read_holder(fd)}; gave up after waiting {wait:g} s",
                                f"let that build finish (or stop it), then build again; the lock is {path}"
                                ) from None
            time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))


def _still_there(fd: int, path: Path) -> bool:
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)


def _holder_text() -> bytes:
    command = shlex.join(getattr(sys, "orig_argv", sys.argv))[:300]
    return f"{os.getpid()}\n{command}\n".encode("utf-8", "replace")


def _read_holder(fd: int) -> str:
    try:
        pid, _, command = os.pread(fd, 1000, 0).decode("utf-8", "replace").partition("\n")
    except OSError:
        return "another process"
    if not pid.strip().isdigit():
        return "another process"
    return f"process {pid.strip()} ({command.strip() or 'unknown command'})"


_REASONS = {
    errno.ENOSPC: "the disk is full: free some space and try again",
    errno.EDQUOT: "your disk quota is used up: free some space and try again",
    errno.EROFS: "the file system is read-only: use a writable folder (for a build: --output DIR)",
    errno.EACCES: "check who owns the folder and its permissions, or use another folder",
    errno.EPERM: "check who owns the folder and its permissions, or use another folder",
    errno.EFBIG: "the file is larger than this system allows (ulimit -f): raise the limit and try again",
}


def disk_problem(exc: OSError, path: Path | str, doing: str | None, kept: str | None = None) -> SiteError:
    """One plain message for a file-system failure: the path, what failed and why, what was kept."""
    reason = exc.strerror or str(exc)
    message = f"cannot {doing}: {reason}" if doing else f"file system error: {reason}"
    advice = _REASONS.get(exc.errno or 0, "fix the cause and try again")
    return SiteError(path, None, message, f"{advice}; {kept}" if kept else advice)
