"""Reading the importer's files with limits, so that no file can hang it or exhaust memory.

A path is checked with stat before it is opened (a FIFO would block, /dev/zero never ends),
opened without blocking, checked again on the open file (it may have been swapped in between),
and read up to its limit plus one byte: a file that grows while it is read is caught too.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from sbuv_site.errors import SiteError

MB = 1_000_000  # as the build counts its 1 MB limit for a post (load.MAX_SOURCE_BYTES)


@dataclass(frozen=True, slots=True)
class FileKind:
    """What a file is to the importer, how large it may be, and what to tell the editor."""

    what: str  # 'a saved page', for messages: "this is a folder, not a saved page"
    limit: int  # bytes
    hint: str  # what to give instead
    size_hint: str  # what to do about a file over the limit


WXR_FILE = FileKind(
    "a WordPress export", 50 * MB,  # the theme unit test export is 0.7 MB; a whole blog fits many times
    "give a WordPress export (WXR) as .xml",
    "split the export in WordPress: Tools → Export, one date range at a time")
TEXT_PAGE = FileKind(
    "a saved page", 1 * MB,  # a saved post is a few kB; the build's limit for a post is 1 MB too
    "give a page saved as text (.txt)",
    "a saved page is a few kB: check that this is the right file")
DATES_FILE = FileKind(
    "a dates file", 1 * MB,  # one short line per old post
    "give a UTF-8 YAML file of 'file name: YYYY-MM-DD' lines",
    "a dates file is one short line per post: check that this is the right file")
POST_FILE = FileKind(
    "a post", 1 * MB,  # the build's limit for a post
    "a post is an ordinary Markdown file",
    "a post may be at most 1 MB")


def read_limited(path: Path, kind: FileKind) -> bytes:
    """The bytes of a regular file within the kind's size limit; anything else raises SiteError."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise SiteError(path, None, f"cannot read: {reason(exc)}", kind.hint) from None
    _check(path, info, kind)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(path, flags)
    except OSError as exc:
        raise SiteError(path, None, f"cannot read: {reason(exc)}", kind.hint) from None
    try:
        _check(path, os.fstat(handle), kind)  # replaced by a pipe or a device since the first look
        chunks: list[bytes] = []
        total = 0
        while total <= kind.limit:
            chunk = os.read(handle, min(kind.limit + 1 - total, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise SiteError(path, None, f"cannot read: {reason(exc)}", kind.hint) from None
    finally:
        os.close(handle)
    if total > kind.limit:  # a file whose size stat does not tell (/proc) or that grew meanwhile
        raise SiteError(path, None, f"the file is larger than {_mb(kind.limit)}, the most "
                        f"{kind.what} may be", kind.size_hint)
    return b"".join(chunks)


def _check(path: Path, info: os.stat_result, kind: FileKind) -> None:
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise SiteError(path, None, f"this is a folder, not {kind.what}", kind.hint)
    if not stat.S_ISREG(mode):
        raise SiteError(path, None, f"this is {_special(mode)}, not {kind.what}; it is not read",
                        "give an ordinary file (a link to a device or a pipe cannot be read)")
    if info.st_size > kind.limit:
        raise SiteError(path, None, f"the file is {_mb(info.st_size)}; {kind.what} may be at most "
                        f"{_mb(kind.limit)}", kind.size_hint)


def _mb(size: int) -> str:
    if size < MB // 10:
        return f"{size:,} bytes"
    return f"{size // MB} MB" if size % MB == 0 else f"{size / MB:.1f} MB"


def _special(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def reason(exc: BaseException) -> str:
    """An OSError's words without the path (the message names the path once, in front)."""
    if isinstance(exc, OSError) and exc.strerror:
        return "a symbolic link loop" if exc.errno == errno.ELOOP else exc.strerror
    return str(exc)
