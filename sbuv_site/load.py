"""Read content/ into SourceDocuments: strict UTF-8, BOM and CRLF tolerated, front matter split off."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from frontmatter.default_handlers import YAMLHandler

from sbuv_site.errors import SiteError, raise_all
from sbuv_site.static import StaticFile
from sbuv_site.yamltext import Located, decode_text, parse_yaml

KINDS = ("posts", "pages")
MAX_SOURCE_BYTES = 1_000_000  # the longest real post is 7 kB; a 5 MB one takes 5-20 s to render
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
    """Read every content/posts/**.md and content/pages/**.md, sorted by path; all errors at once."""
    documents: list[SourceDocument] = []
    errors: list[SiteError] = []
    for kind in KINDS:
        for path in _markdown_files(root / content_dir / kind, root, errors):
            try:
                _check_size(path.stat().st_size, path.relative_to(root))
                documents.append(read_source(path.read_bytes(), path.relative_to(root), kind))
            except SiteError as err:
                errors.append(err)
    raise_all(errors)
    return tuple(sorted(documents, key=lambda d: (d.kind, str(d.path))))


def _markdown_files(folder: Path, root: Path, errors: list[SiteError]) -> list[Path]:
    """All .md files under folder in sorted order, following links but refusing loops."""
    found: list[Path] = []
    seen: set[str] = set()
    if not folder.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            errors.append(SiteError(Path(dirpath).relative_to(root), None,
                                    "symbolic link loop: this folder leads back to one already read",
                                    f"remove the link; it points to {real}"))
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.endswith(".md") and not name.startswith("."):
                if not path.exists():
                    errors.append(SiteError(path.relative_to(root), None, "broken symbolic link",
                                            "remove the link or restore its target"))
                    continue
                found.append(path)
    return found


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
        raise SiteError(path, None, f"file is {size / 1e6:.1f} MB; a post or page may be at most "
                        f"{MAX_SOURCE_BYTES / 1e6:.0f} MB",
                        "split it into several posts, or remove pasted data (put images in static/)")


def _leading_newlines(text: str) -> int:
    return len(text) - len(text.lstrip("\n"))


def load_static(root: Path, static_dir: str) -> tuple[StaticFile, ...]:
    """Every file of the static folder (hidden files skipped), sorted by path."""
    folder = root / static_dir
    if not folder.is_dir():
        return ()
    files = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            files.append(StaticFile(rel.as_posix(), path.read_bytes()))
    return tuple(files)
