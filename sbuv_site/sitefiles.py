"""Which of the site's files may be read, and reading them without risk.

Only regular files inside the site are read. A symbolic link whose target lies outside the
site (`static/passwd.txt -> /etc/passwd`) would publish that file, so it is an error; a FIFO,
socket or device is an error and is never opened (reading a FIFO blocks for ever); and every
read stops one byte past its limit, so a file that grows while it is read cannot fill memory.
Links that stay inside the site are followed, folder links included, and a loop is reported.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sbuv_site.errors import SiteError
from sbuv_site.yamltext import decode_text

MAX_LAYOUT_BYTES = 1_000_000  # the largest layout is 4 kB
_CHUNK = 1 << 16
_NOT_ORDINARY = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                 (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                 (stat.S_ISDIR, "a folder"))
_ORDINARY = "remove it; sbuv-site reads only ordinary files (or links to them inside the site)"
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True, slots=True)
class Scope:
    """Where the files of one configured folder may really lie, and how to name them.

    That is the site root and, when config.yaml deliberately names a folder outside the
    site (`layouts_dir: ../theme/layouts`), that folder. A folder inside the site that is
    itself a link out of it is a link like any other: refused. So is a link to a hidden
    file or folder of the site (`static/x -> ../.git/config`, `../.env`): hidden files are
    never published, and a link must not publish them either.
    """

    root: Path  # the site root, as given
    bases: tuple[str, ...]  # absolute, not resolved: the root and the configured outside folder
    trusted: tuple[str, ...]  # the same, resolved: a file's real path must lie in one of them
    folder: str  # the configured folder, resolved (hidden names are looked for below it)

    @classmethod
    def for_folder(cls, root: Path | str, folder: Path | str) -> Scope:
        """The scope for content_dir, layouts_dir or static_dir as config.yaml gives it."""
        site = os.path.normpath(os.path.abspath(root))
        configured = os.path.normpath(os.path.join(site, folder))
        bases = (site,) if _within(configured, site) else (site, configured)
        return cls(Path(root), bases, tuple(os.path.realpath(base) for base in bases),
                   os.path.realpath(configured))

    def refusal(self, real: str) -> str | None:
        """Why a resolved path may not be read ('outside the site', 'hidden'), or None."""
        if not any(_within(real, base) for base in self.trusted):
            return "outside the site"
        base = next(b for b in (self.folder, *self.trusted) if _within(real, b))
        below = real[len(base.rstrip(os.sep)) + 1:]  # the folder's own name may start with '.'
        if any(part.startswith(".") for part in below.split(os.sep)):
            return "a hidden file or folder of the site"
        return None

    def holds(self, real: str) -> bool:
        """True when a resolved path may be read: inside the site, and not hidden there."""
        return self.refusal(real) is None

    def shown(self, path: Path | str) -> Path:
        """A path as messages show it: relative to the site root when it lies inside it."""
        full = os.path.abspath(path)
        site = self.bases[0].rstrip(os.sep) + os.sep
        return Path(full[len(site):]) if full.startswith(site) else Path(full)

    def escape(self, path: Path) -> tuple[Path, str] | None:
        """The link that leads path out of the site, and its target; None when path stays inside."""
        if self.holds(os.path.realpath(path)):
            return None
        full = Path(os.path.abspath(path))
        steps = [p for p in (*reversed(full.parents), full)
                 if any(_within(str(p), base) and str(p) != base for base in self.bases)]
        for step in steps:
            if step.is_symlink() and not self.holds(os.path.realpath(step)):
                return step, os.path.realpath(step)
        return full, os.path.realpath(full)

    def link_error(self, link: Path, target: str, what: str = "file", shown: Path | str | None = None,
                   via_folder: bool = False) -> SiteError:
        """The message for a link out of the site: never publish what it points to.

        shown names the file as the caller does; via_folder says the link is a folder above it.
        """
        reason = self.refusal(target) or "outside the site"
        hint = f"copy the {what} into the site, or remove the link"
        if via_folder:
            hint = f"the link {self.shown(link)} leads there: remove it"
        return SiteError(shown if shown is not None else self.shown(link), None,
                         f"symbolic link to {target}, which is {reason}", hint)


def _within(path: str, base: str) -> bool:
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


def walk(folder: Path, scope: Scope, errors: list[SiteError]) -> list[Path]:
    """Every file below folder that is not hidden, in sorted order, found without leaving the site.

    Links to folders are followed when they stay inside the site; a link out of it, or one
    that leads back to a folder already read (a loop), is added to errors and not entered.
    The folders of the paths returned lie inside the site; the files themselves are checked
    by `check_file` just before reading (with folder_inside=True).
    """
    if folder.is_symlink() and not folder.exists():
        errors.append(SiteError(scope.shown(folder), None, "broken symbolic link",
                                "remove the link or restore its target"))
        return []
    if not folder.is_dir():
        return []
    escape = scope.escape(folder)
    if escape:
        errors.append(scope.link_error(*escape, what="folder"))
        return []
    found: list[Path] = []
    seen: set[str] = set()

    def unreadable(exc: OSError) -> None:
        errors.append(SiteError(scope.shown(exc.filename), None, f"cannot read this folder: {exc.strerror}",
                                "check that the folder exists and that you may read it"))

    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable, followlinks=True):
        here = Path(dirpath)
        real = os.path.realpath(dirpath)
        if real in seen:
            errors.append(SiteError(scope.shown(here), None,
                                    "symbolic link loop: this folder leads back to one already read",
                                    f"remove the link; it points to {real}"))
            dirnames[:] = []
            continue
        seen.add(real)
        kept = []
        for name in sorted(dirnames):
            sub = here / name
            if name.startswith("."):
                continue
            if sub.is_symlink() and not scope.holds(os.path.realpath(sub)):
                errors.append(scope.link_error(sub, os.path.realpath(sub), what="folder"))
                continue
            kept.append(name)
        dirnames[:] = kept
        found.extend(here / name for name in sorted(filenames) if not name.startswith("."))
    return found


def check_file(path: Path, shown: Path | str, scope: Scope, folder_inside: bool = False) -> os.stat_result:
    """Refuse a broken link, a link out of the site, and anything that is not an ordinary file.

    folder_inside says the file's folder is known to lie inside the site (`walk` found it):
    then only a file that is itself a link needs its target resolved.
    """
    try:
        info = os.lstat(path)
        is_link = stat.S_ISLNK(info.st_mode)
        if is_link:
            if not os.path.exists(path):
                raise SiteError(shown, None, "broken symbolic link", "remove the link or restore its target")
            info = os.stat(path)
    except OSError as exc:
        raise _unreadable(shown, exc) from None
    escape = scope.escape(path) if is_link or not folder_inside else None
    if escape:
        link, target = escape
        raise scope.link_error(link, target, shown=shown, via_folder=link != Path(os.path.abspath(path)))
    for test, kind in _NOT_ORDINARY:
        if test(info.st_mode):
            raise SiteError(shown, None, f"not an ordinary file: it is {kind}", _ORDINARY)
    return info


def read_bounded(path: Path, shown: Path | str, scope: Scope, limit: int,
                 too_big: Callable[[int], SiteError], folder_inside: bool = False) -> bytes:
    """The bytes of one checked file, reading at most limit + 1 of them.

    The file is opened without blocking, and checked again once open, so a file that
    became a FIFO after `check_file` still cannot stall the build.
    """
    info = check_file(path, shown, scope, folder_inside)
    if info.st_size > limit:
        raise too_big(info.st_size)
    chunks: list[bytes] = []
    total = 0
    try:
        fd = os.open(path, _OPEN_FLAGS)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise SiteError(shown, None, "not an ordinary file: it changed while it was read", _ORDINARY)
            while total <= limit:
                chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        finally:
            os.close(fd)
    except OSError as exc:
        raise _unreadable(shown, exc) from None
    if total > limit:
        raise too_big(total)
    return b"".join(chunks)


def _unreadable(shown: Path | str, exc: OSError) -> SiteError:
    return SiteError(shown, None, f"cannot read this file: {exc.strerror or exc}",
                     "check that the file exists and that you may read it")


def read_layout(filename: str, shown: str, scope: Scope) -> tuple[str, Callable[[], bool]] | None:
    """A layout's text and a check that it is unchanged, or None when there is no such file.

    Under the same rules as every other file: a layout that is a link out of the site (to
    /etc/passwd, say) is an error, never rendered into a page.
    """
    path = Path(filename)
    if not path.is_symlink() and not path.exists():
        return None

    def too_big(size: int) -> SiteError:
        return SiteError(shown, None, f"file is {size / 1e6:.1f} MB; a layout may be at most "
                         f"{MAX_LAYOUT_BYTES / 1e6:.0f} MB", "a layout holds only markup: remove pasted data")

    text = decode_text(read_bounded(path, shown, scope, MAX_LAYOUT_BYTES, too_big), shown)
    mtime = os.stat(path).st_mtime

    def uptodate() -> bool:
        try:
            return os.stat(path).st_mtime == mtime
        except OSError:
            return False

    return text, uptodate
