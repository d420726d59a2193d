"""Read content/ into SourceDocuments: strict UTF-8, BOM and CRLF tolerated, front matter split off."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from frontmatter.default_handlers import YAMLHandler

from sbuv_site.errors import SiteError, raise_all
from sbuv_site.static import StaticFile
from sbuv_site.yamltext import Located, parse_yaml

KINDS = ("posts", "pages")
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
    text = decode_text(raw, path)
    if not text.startswith("---"):
        first = text.strip().splitlines()[0][:40] if text.strip() else ""
        message = "file is empty" if not text.strip() else "no front matter at the top of the file"
        hint = "start the file with a line '---', then 'title: …' and 'date: …', then '---'"
        raise SiteError(path, 1, message if not first else f"{message} (it starts '{first}')", hint)
    try:
        front_text, body = _HANDLER.split(text)
    except ValueError:
        raise SiteError(path, 1, "front matter is never closed",
                        "add a line '---' after the last front matter line") from None
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    # The split keeps the newline that ends the opening '---' line, so line 1 + that count.
    front = parse_yaml(front_text.lstrip("\n"), path, 1 + _leading_newlines(front_text))
    if front.value is not None and not isinstance(front.value, dict):
        raise SiteError(path, 2, "front matter must be 'key: value' lines",
                        "write e.g. 'title: Besök i Umeå'")
    return SourceDocument(path, kind, front, body, body_line)


def _leading_newlines(text: str) -> int:
    return len(text) - len(text.lstrip("\n"))


def decode_text(raw: bytes, path: Path) -> str:
    """Strict UTF-8 (a BOM is dropped, CRLF becomes LF); another encoding is named in the error."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = "Latin-1 or Windows-1252" if _looks_latin1(raw) else "not UTF-8"
        raise SiteError(path, line, f"file is not UTF-8 (looks like {guess})",
                        "save it as UTF-8 in your editor (Spara som… → UTF-8)") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_latin1(raw: bytes) -> bool:
    return any(b in raw for b in (b"\xe5", b"\xe4", b"\xf6", b"\xc5", b"\xc4", b"\xd6", b"\xe9"))


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
