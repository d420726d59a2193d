"""`sbuv-site import`: the old blog (saved pages, WordPress exports) → Markdown posts.

Everything is read and checked first; only then are files written, each one atomically.
A post is recognised again by its `source` line, so a second run writes no duplicates,
and no existing file is overwritten without `force`.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import yaml

from sbuv_site.dates import DateError, parse_date
from sbuv_site.errors import SiteError, raise_all
from sbuv_site.importer.post_file import ImportedPost, render_post
from sbuv_site.importer.report import ImportReport, ReportEntry
from sbuv_site.importer.wordpress_text import import_text_dump
from sbuv_site.importer.wxr import read_wxr
from sbuv_site.municipalities import load_registry
from sbuv_site.yamltext import parse_yaml, type_name

__all__ = ["ImportReport", "ReportEntry", "import_paths", "read_date_options"]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KINDS = {".txt": "text", ".xml": "wxr"}


def read_date_options(options: Sequence[str], mapping_file: Path | None) -> dict[str, date]:
    """--date FILE=YYYY-MM-DD options and a YAML {file: date} file → {file base name: date}."""
    errors: list[SiteError] = []
    dates: dict[str, date] = {}
    if mapping_file is not None:
        dates.update(_read_mapping(mapping_file, errors))
    given: dict[str, date] = {}
    for option in options:
        name, sep, value = option.rpartition("=")
        if not sep or not name.strip():
            errors.append(SiteError("--date", None, f"'{option}' is not FILE=YYYY-MM-DD",
                                    "write e.g. --date 003_1144cd4ceaa138e8.txt=2015-11-17"))
            continue
        day = _date(value.strip(), "--date", None, errors, f"'{option}': ")
        base = Path(name.strip()).name
        if day is not None and given.get(base, day) != day:
            errors.append(SiteError("--date", None, f"two different dates for {base}",
                                    "give each file one --date"))
        elif day is not None:
            given[base] = day
    raise_all(errors)
    return dates | given  # an option on the command line wins over the mapping file


def _read_mapping(path: Path, errors: list[SiteError]) -> dict[str, date]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(SiteError(path, None, f"cannot read the dates file: {_reason(exc)}",
                                "give a UTF-8 YAML file of 'file name: YYYY-MM-DD' lines"))
        return {}
    try:
        located = parse_yaml(text, path)
    except SiteError as exc:
        errors.append(exc)
        return {}
    if located.value is None:
        return {}
    if not isinstance(located.value, dict):
        errors.append(SiteError(path, 1, f"the dates file must map file names to dates, not "
                                f"{type_name(located.value)}", "write lines like '003_x.txt: 2015-11-17'"))
        return {}
    found: dict[str, date] = {}
    for key, value in located.value.items():
        line = located.line(key)
        if not isinstance(key, str):
            errors.append(SiteError(path, line, f"{type_name(key)} is not a file name",
                                    "put the file name in quotes"))
            continue
        day = _date(value, path, line, errors, f"{key}: ")
        base = Path(key).name
        if day is not None and found.get(base, day) != day:
            errors.append(SiteError(path, line, f"two different dates for {base}", "keep one of them"))
        elif day is not None:
            found[base] = day
    return found


def _date(value: object, path: Path | str, line: int | None, errors: list[SiteError],
          prefix: str) -> date | None:
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        errors.append(SiteError(path, line, f"{prefix}{type_name(value)} is not a date YYYY-MM-DD",
                                "write the day as YYYY-MM-DD, e.g. 2015-11-17 (no time)"))
        return None
    try:
        return parse_date(value.strip())
    except DateError as exc:
        errors.append(SiteError(path, line, prefix + exc.message, exc.hint))
        return None


def import_paths(paths: Sequence[Path], into: Path, *, dry_run: bool = False, force: bool = False,
                 dates: Mapping[str, date] | None = None) -> ImportReport:
    """Import text dumps (*.txt) and WXR exports (*.xml) into Markdown posts in `into`."""
    posts, skipped, notes = _read_inputs(_expand(paths), dates or {})
    plan = _plan(posts, into, force)
    if not dry_run:
        _write(plan, into)
    written = [p for p in plan if p.action != "skip"]
    return ImportReport(
        created=tuple(p.entry() for p in plan if p.action == "create"),
        overwritten=tuple(p.entry() for p in plan if p.action == "overwrite"),
        skipped=(*skipped, *(p.entry() for p in plan if p.action == "skip")),
        needs_attention=(*notes, *(ReportEntry(p.post.origin, str(p.target), reason)
                                   for p in written for reason in p.post.attention)),
        dry_run=dry_run,
    )


def _expand(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder stands for its .txt and .xml files, in name order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in _KINDS and p.is_file())
        elif path not in found:
            found.append(path)
    return found


def _read_inputs(paths: list[Path], dates: Mapping[str, date]
                 ) -> tuple[list[ImportedPost], list[ReportEntry], list[ReportEntry]]:
    """Read every input, gathering all problems before raising any."""
    registry = load_registry()
    errors: list[SiteError] = []
    posts: list[ImportedPost] = []
    skipped: list[ReportEntry] = []
    notes: list[ReportEntry] = []
    for path in paths:
        kind = _KINDS.get(path.suffix.lower())
        if kind is None:
            errors.append(SiteError(path, None, f"cannot import a '{path.suffix or 'suffixless'}' file",
                                    "give saved pages as .txt or WordPress exports (WXR) as .xml"))
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            errors.append(SiteError(path, None, f"cannot read: {_reason(exc)}", "check the path"))
            continue
        if kind == "wxr":
            try:
                export = read_wxr(data, path, registry)
            except SiteError as exc:
                errors.append(exc)
                continue
            posts += export.posts
            if export.not_imported:
                skipped.append(ReportEntry(path.name, None, f"not posts to publish: {export.not_imported}"))
            notes += [ReportEntry(path.name, None, reason) for reason in export.attention]
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            errors.append(SiteError(path, line, "the file is not UTF-8 text", "save it as UTF-8"))
            continue
        try:
            posts.append(import_text_dump(text, path.name, dates.get(path.name), registry))
        except ValueError as exc:
            errors.append(SiteError(path, None, str(exc), "a saved page starts with the post's title"))
    raise_all(errors)
    return posts, skipped, notes


@dataclass(frozen=True, slots=True)
class _Step:
    """What to do with one post."""

    post: ImportedPost
    target: Path
    action: str  # "create", "overwrite" or "skip"
    reason: str = ""

    def entry(self) -> ReportEntry:
        return ReportEntry(self.post.origin, str(self.target), self.reason)


def _plan(posts: list[ImportedPost], into: Path, force: bool) -> list[_Step]:
    """Decide each post's file: re-imports are found by `source`; names never collide."""
    existing = _existing_sources(into)
    other_posts = {path.name for path in existing.values() if path.parent == into}
    claimed: set[str] = set()
    seen: set[str] = set()
    steps = []
    for post in posts:
        if post.source in seen:
            steps.append(_Step(post, into / f"{post.stem}.md", "skip",
                               f"the same post ({post.source}) is given twice"))
            continue
        seen.add(post.source)
        if post.source in existing:
            target = existing[post.source]
            claimed.add(target.name)
            steps.append(_Step(post, target, "overwrite") if force else _Step(
                post, target, "skip", f"already imported as {target}; use --force to import it again"))
            continue
        stem, number = post.stem, 1
        while f"{stem}.md" in claimed or f"{stem}.md" in other_posts:  # --force never clobbers those
            number += 1
            stem = f"{post.stem}-{number}"
        if stem != post.stem:
            post = replace(post, stem=stem, slug=stem, attention=(
                *post.attention, f"'{post.stem}.md' is taken by another post; saved as '{stem}.md'"))
        target = into / f"{stem}.md"
        claimed.add(target.name)
        if target.exists() and not force:
            steps.append(_Step(post, target, "skip", f"{target} exists; use --force to overwrite it"))
        else:
            steps.append(_Step(post, target, "overwrite" if target.exists() else "create"))
    return steps


def _existing_sources(into: Path) -> dict[str, Path]:
    """`source` → file for the posts already in the folder or below it (an editor may sort them)."""
    found: dict[str, Path] = {}
    if not into.is_dir():
        return found
    for path in sorted(into.rglob("*.md")):
        try:
            text = path.read_text(encoding="utf-8-sig")
            head = text.split("\n---", 1)[0].removeprefix("---") if text.startswith("---") else ""
            data = yaml.safe_load(head) if head else None
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # the build reports broken files; here the name alone still protects it
        source = data.get("source") if isinstance(data, dict) else None
        if isinstance(source, str):
            found.setdefault(source, path)
    return found


def _write(plan: list[_Step], into: Path) -> None:
    """Write each planned file whole (temp file + rename), so a crash leaves no half post."""
    try:
        into.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SiteError(into, None, f"cannot create the folder: {_reason(exc)}",
                        "check the --into path") from None
    for step in plan:
        if step.action == "skip":
            continue
        data = render_post(step.post).encode("utf-8")
        temp: str | None = None
        try:
            handle, temp = tempfile.mkstemp(dir=into, prefix=".import-", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temp, 0o644)  # mkstemp makes 0600; a post is an ordinary readable file
            os.replace(temp, step.target)
        except OSError as exc:
            if temp is not None and os.path.exists(temp):
                os.unlink(temp)
            raise SiteError(step.target, None, f"cannot write: {_reason(exc)}",
                            "check that the folder is writable") from None


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)
