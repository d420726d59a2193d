"""The posts already in the import folder: which came from an import, and which an editor wrote.

Only a post whose `source` says it came from an import (a saved page or a WordPress export)
may be replaced by a later import with --force. Every other post, and every file that cannot
be read (invalid YAML, not UTF-8, too large, a pipe or a device), counts as written by hand:
the importer never replaces it, and says which files it could not read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sbuv_site.errors import SiteError
from sbuv_site.importer.date_options import YAML_VALUE_ERRORS, yaml_problem
from sbuv_site.importer.input_files import POST_FILE, read_limited, reason
from sbuv_site.importer.wordpress_text import SOURCE_PREFIX as TEXT_SOURCE_PREFIX
from sbuv_site.importer.wxr import WXR_SOURCE_PREFIX
from sbuv_site.load import read_source

MARKDOWN_SUFFIXES = (".md", ".markdown")  # compared in lower case: 'Besök.MD' is a post too


def is_import_source(source: str) -> bool:
    """True for a `source` the importer writes: the post may be replaced by a new import."""
    return source.startswith((TEXT_SOURCE_PREFIX, WXR_SOURCE_PREFIX))


@dataclass(frozen=True, slots=True)
class ExistingPosts:
    """What the import folder holds, read once before anything is planned."""

    by_source: dict[str, Path] = field(default_factory=dict)  # import `source` → its file
    imported: frozenset[Path] = frozenset()  # files whose `source` says they came from an import
    names: dict[str, Path] = field(default_factory=dict)  # post names in the folder itself, casefolded
    unreadable: tuple[tuple[Path, str], ...] = ()  # (file or folder, what the editor should know)
    slugs: dict[Path, str] = field(default_factory=dict)  # the `slug` of each imported post that has one

    def occupant(self, folder: Path, stem: str) -> Path | None:
        """The file or folder that holds the name `stem`.md in `folder`, if any."""
        path = folder / f"{stem}.md"
        if os.path.lexists(path):  # a broken link or a folder of that name holds the name too
            return path
        return self.names.get(stem.casefold())


def scan_existing(into: Path) -> ExistingPosts:
    """Read the `source` of every Markdown file in the folder and below it (an editor may sort them)."""
    if not into.is_dir():
        return ExistingPosts()
    by_source: dict[str, Path] = {}
    imported: set[Path] = set()
    names: dict[str, Path] = {}
    unreadable: list[tuple[Path, str]] = []
    slugs: dict[Path, str] = {}

    def unlisted(exc: OSError) -> None:  # a folder that cannot be listed hides its posts' sources
        unreadable.append((Path(exc.filename or into), f"cannot read this folder ({reason(exc)}); "
                           "the import does not know the posts in it"))

    # A linked folder is not entered: it may lead back up (a loop) or out to the whole disk.
    for dirpath, dirnames, filenames in os.walk(into, onerror=unlisted):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or path.suffix.lower() not in MARKDOWN_SUFFIXES:
                continue
            if Path(dirpath) == into:
                names.setdefault(path.stem.casefold(), path)
            front, problem = _front_matter(path)
            source = front.get("source")
            if problem is not None:
                unreadable.append((path, f"cannot read this post ({problem}); it counts as written by "
                                   "hand and is never overwritten"))
            elif isinstance(source, str) and is_import_source(source):
                by_source.setdefault(source, path)
                imported.add(path)
                slug = front.get("slug")
                if isinstance(slug, str):
                    slugs[path] = slug
    return ExistingPosts(by_source, frozenset(imported), names, tuple(unreadable), slugs)


def _front_matter(path: Path) -> tuple[dict[object, object], str | None]:
    """(the post's front matter, None), or ({}, why the file cannot be read)."""
    try:
        document = read_source(read_limited(path, POST_FILE), path, "posts")
    except SiteError as exc:
        return {}, (f"line {exc.line}: " if exc.line else "") + exc.message
    except YAML_VALUE_ERRORS as exc:
        return {}, yaml_problem(exc)
    front = document.front.value
    return (front if isinstance(front, dict) else {}), None
