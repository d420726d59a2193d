"""Read content/ into SourceDocuments (strict UTF-8, BOM and CRLF tolerated, front matter split
off) and static/ into StaticFiles; sitefiles decides which files may be read at all."""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from frontmatter.default_handlers import YAMLHandler

from sbuv_site.defaultfiles import builtin_static, merge_static
from sbuv_site.errors import SiteError, raise_all
from sbuv_site.images import is_image_file
from sbuv_site.sitefiles import Scope, check_file, read_bounded, walk
from sbuv_site.static import StaticFile
from sbuv_site.yamltext import Located, decode_text, parse_yaml

KINDS = ("posts", "pages")
MAX_SOURCE_BYTES = 1_000_000  # the longest real post is 7 kB; a 5 MB one takes 5-20 s to render
MAX_STATIC_BYTES = 100_000_000  # a report as PDF is a few MB; every static file is held in memory
MARKDOWN_SUFFIXES = (".md", ".markdown")  # compared in lower case
_BOUNDARY = re.compile(r"-{3,}[ \t]*$")  # the front matter's first line, as python-frontmatter reads it
_HANDLER = YAMLHandler()


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One Markdown file as read from disk, before any checking of its fields."""

    path: Path  # as shown in messages: relative to the site root
    kind: str  # "posts" or "pages"
    front: Located  # the front matter with each key's line
    body: str
    body_line: int  # file line where the body starts


def load_sources(root: Path, content_dir: str) -> tuple[SourceDocument, ...]:
    """Read every post and page under content/posts and content/pages, sorted; all errors at once.

    A post is a `.md` or `.markdown` file, in any case (`.MD` too). Any other file there is
    an error, since it would silently not be published, except hidden files and editors'
    leftovers (`besok.md~`, `#besok.md#`, `~$besok.docx`), which are skipped.
    """
    errors: list[SiteError] = []
    documents = _read_sources(root, content_dir, errors)
    raise_all(errors)
    return documents


def load_inputs(root: Path, content_dir: str,
                static_dir: str) -> tuple[tuple[SourceDocument, ...], tuple[StaticFile, ...]]:
    """Posts and pages, and the static files: the problems of both folders reported at once.

    The static files are the site's own and every built-in one it does not replace by path.
    """
    errors: list[SiteError] = []
    documents = _read_sources(root, content_dir, errors)
    static = _read_static(root, static_dir, errors)
    raise_all(errors)
    return documents, merge_static(static, builtin_static())


def _read_sources(root: Path, content_dir: str, errors: list[SiteError]) -> tuple[SourceDocument, ...]:
    documents: list[SourceDocument] = []
    scope = Scope.for_folder(root, content_dir)
    for kind in KINDS:
        folder = root / content_dir / kind
        for path in walk(folder, scope, errors):
            if is_leftover(path.name) or is_image_file(path.name):
                continue  # an image beside a post is read only if a post shows it (imagefiles)
            shown = scope.shown(path)
            try:
                if not is_markdown(path.name):
                    raise _not_markdown(shown, scope.shown(folder))
                raw = read_bounded(path, shown, scope, MAX_SOURCE_BYTES, partial(_too_big, path=shown),
                                   folder_inside=True)
                documents.append(read_source(raw, shown, kind))
            except SiteError as err:
                errors.append(err)
    return tuple(sorted(documents, key=lambda d: (d.kind, str(d.path))))


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A post or page found on disk, not yet read: its fingerprint tells the cache if it changed."""

    path: Path  # as shown in messages: relative to the site root
    real: Path  # where to read it
    kind: str  # "posts" or "pages"
    size: int
    mtime_ns: int
    inode: int


def scan_inputs(root: Path, content_dir: str, static_dir: str) -> tuple[
        tuple[SourceFile, ...], tuple[StaticFile, ...], tuple[tuple[str, int, int], ...]]:
    """The posts and pages found (not read) and the static files (read, the built-in ones merged in as
    load_inputs does): both folders' problems at once.

    A rebuild reads only the sources whose fingerprint differs from the cache's record.
    """
    errors: list[SiteError] = []
    images: list[tuple[str, int, int]] = []  # images beside posts: (path, size, mtime), not read
    sources = _scan_sources(root, content_dir, errors, images)
    static = _read_static(root, static_dir, errors)
    raise_all(errors)
    return sources, merge_static(static, builtin_static()), tuple(images)


def _scan_sources(root: Path, content_dir: str, errors: list[SiteError],
                  images: list[tuple[str, int, int]]) -> tuple[SourceFile, ...]:
    """Every post and page file, checked as load_sources checks it, but not read: a stat each."""
    found: list[SourceFile] = []
    scope = Scope.for_folder(root, content_dir)
    for kind in KINDS:
        folder = root / content_dir / kind
        for path in walk(folder, scope, errors):
            if is_leftover(path.name):
                continue
            shown = scope.shown(path)
            if is_image_file(path.name):  # read only if a post shows it (imagefiles); its change counts
                with contextlib.suppress(OSError):
                    info = os.stat(path)
                    images.append((str(shown), info.st_size, info.st_mtime_ns))
                continue
            try:
                if not is_markdown(path.name):
                    raise _not_markdown(shown, scope.shown(folder))
                info = check_file(path, shown, scope, folder_inside=True)
                if info.st_size > MAX_SOURCE_BYTES:
                    raise _too_big(info.st_size, shown)
            except SiteError as err:
                errors.append(err)
                continue
            found.append(SourceFile(shown, path, kind, info.st_size, info.st_mtime_ns, info.st_ino))
    return tuple(sorted(found, key=lambda f: (f.kind, str(f.path))))


def read_scanned(root: Path, content_dir: str, file: SourceFile,
                 scope: Scope | None = None) -> tuple[bytes, SourceDocument]:
    """One scanned file's bytes and its document, read under the same rules as load_sources.

    scope is the content folder's (Scope.for_folder), when the caller reads many files: working
    it out resolves the site's folders, eight system calls that would otherwise be paid per file.
    """
    scope = scope or Scope.for_folder(root, content_dir)
    raw = read_bounded(file.real, file.path, scope, MAX_SOURCE_BYTES, partial(_too_big, path=file.path),
                       folder_inside=True)
    return raw, read_source(raw, file.path, file.kind)


def is_markdown(name: str) -> bool:
    """A post or page file: `.md` or `.markdown`, upper or lower case, as Hugo and editors read them."""
    return name.lower().endswith(MARKDOWN_SUFFIXES)


def is_leftover(name: str) -> bool:
    """A file an editor or the system leaves beside a post (a backup, a lock): never a post."""
    lower = name.lower()
    return (name.endswith("~") or name.startswith("~$") or (name.startswith("#") and name.endswith("#"))
            or lower.endswith((".swp", ".swo", ".swx")) or lower in ("thumbs.db", "desktop.ini"))


def _not_markdown(shown: Path, folder: Path) -> SiteError:
    stem = shown.name.split(".", 1)[0] or shown.name
    return SiteError(shown, None, "not a Markdown file (.md), so it would not be published",
                     f"if it is a post or page, save it as Markdown named '{stem}.md'; otherwise move it "
                     f"out of {folder.as_posix()}/ (images and documents belong in static/)")


def read_source(raw: bytes, path: Path, kind: str) -> SourceDocument:
    """Decode and split one file; problems become SiteErrors naming the file and line."""
    _check_size(len(raw), path)
    text = decode_text(raw, path)
    if not _BOUNDARY.match(text.split("\n", 1)[0]):
        hint = "start the file with a line '---', then 'title: …' and 'date: …', then '---'"
        if not text.strip():
            raise SiteError(path, 1, "file is empty", hint)
        first = text.strip().splitlines()[0][:40]
        shown = f" (it starts '{first}')" if first.isprintable() else ""
        raise SiteError(path, 1, f"no front matter at the top of the file{shown}", hint)
    try:
        front_text, body = _HANDLER.split(text)
    except ValueError:
        raise SiteError(path, 1, "front matter is never closed",
                        "add a line '---' after the last front matter line") from None
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    # The opening boundary's '\s*' may swallow blank lines after '---': count the lines up to
    # where the YAML really starts, so every key's line is the file's line.
    opening = _HANDLER.FM_BOUNDARY.match(text) if _HANDLER.FM_BOUNDARY else None
    yaml_start = (opening.end() if opening else 0) + _leading_newlines(front_text)
    front = parse_yaml(front_text.lstrip("\n"), path, text.count("\n", 0, yaml_start) + 1)
    if front.value is not None and not isinstance(front.value, dict):
        raise SiteError(path, front.first_line, "front matter must be 'key: value' lines",
                        "write e.g. 'title: Besök i Umeå'")
    return SourceDocument(path, kind, front, body, body_line)


def _check_size(size: int, path: Path) -> None:
    """Refuse a file far larger than any post: it is pasted data, and would stall every build."""
    if size > MAX_SOURCE_BYTES:
        raise _too_big(size, path)


def _too_big(size: int, path: Path) -> SiteError:
    return SiteError(path, None, f"file is {size / 1e6:.1f} MB; a post or page may be at most "
                     f"{MAX_SOURCE_BYTES / 1e6:.0f} MB",
                     "split it into several posts, or remove pasted data (put images in static/)")


def _leading_newlines(text: str) -> int:
    return len(text) - len(text.lstrip("\n"))


def load_static(root: Path, static_dir: str) -> tuple[StaticFile, ...]:
    """Every file of the site's static folder (hidden files skipped), sorted by path; all errors at once.

    Only the site's own files: `load_inputs` adds the built-in ones.
    """
    errors: list[SiteError] = []
    files = _read_static(root, static_dir, errors)
    raise_all(errors)
    return files


def _read_static(root: Path, static_dir: str, errors: list[SiteError]) -> tuple[StaticFile, ...]:
    folder = root / static_dir
    scope = Scope.for_folder(root, static_dir)
    files = []
    for path in walk(folder, scope, errors):
        relpath = path.relative_to(folder).as_posix()
        shown = scope.shown(path)
        try:
            data = read_bounded(path, shown, scope, MAX_STATIC_BYTES, partial(_static_too_big, path=shown),
                                folder_inside=True)
        except SiteError as err:
            errors.append(err)
            continue
        files.append(StaticFile(relpath, data))
    return tuple(sorted(files, key=lambda f: f.relpath))


def _static_too_big(size: int, path: Path) -> SiteError:
    return SiteError(path, None, f"file is {size / 1e6:.1f} MB; a static file may be at most "
                     f"{MAX_STATIC_BYTES / 1e6:.0f} MB",
                     "publish large files (video, archives) elsewhere and link to them")
