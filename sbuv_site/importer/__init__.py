"""`sbuv-site import`: the old blog (saved pages, WordPress exports) → Markdown posts.

Everything is read and checked first; only then are files written, all of them or none. A
post is recognised again by its `source` line, so a second run writes no duplicates; only a
post whose `source` says it came from an import is ever replaced (with `force`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from sbuv_site.errors import SiteError, flatten, raise_all
from sbuv_site.importer.date_options import read_date_options
from sbuv_site.importer.existing_posts import scan_existing
from sbuv_site.importer.input_files import TEXT_PAGE, WXR_FILE, read_limited
from sbuv_site.importer.placement import plan_files
from sbuv_site.importer.post_file import ImportedPost, old_addresses, one_owner_each, without_invisible
from sbuv_site.importer.report import ImportReport, ReportEntry
from sbuv_site.importer.saving import folder_problem, save_posts
from sbuv_site.importer.wordpress_text import import_text_dump
from sbuv_site.importer.wxr import read_wxr
from sbuv_site.municipalities import load_registry

__all__ = ["ImportReport", "ReportEntry", "import_paths", "read_address_options", "read_date_options"]

_KINDS = {".txt": "text", ".xml": "wxr"}


def import_paths(paths: Sequence[Path], into: Path, *, dry_run: bool = False, force: bool = False,
                 dates: Mapping[str, date] | None = None,
                 addresses: Mapping[str, str] | None = None) -> ImportReport:
    """Import text dumps (*.txt) and WXR exports (*.xml) into Markdown posts in `into`.

    addresses: a saved page's old address, by file name, kept as the post's alias.
    """
    errors: list[SiteError] = []
    problem = folder_problem(into)
    if problem is not None:
        errors.append(problem)
    posts, skipped, notes = _read_inputs(_expand(paths, errors), dates or {}, errors, addresses or {})
    raise_all(errors)
    existing = scan_existing(into)
    plan = plan_files(posts, into, existing, force)
    if not dry_run:
        save_posts(plan, into)
    written = [p for p in plan if p.action != "skip"]
    unread = tuple(ReportEntry(str(path), None, why) for path, why in existing.unreadable)
    return ImportReport(
        created=tuple(p.entry() for p in plan if p.action == "create"),
        overwritten=tuple(p.entry() for p in plan if p.action == "overwrite"),
        skipped=(*skipped, *(p.entry() for p in plan if p.action == "skip")),
        needs_attention=(*notes, *unread, *(ReportEntry(p.post.origin, str(p.target), reason)
                                            for p in written for reason in p.post.attention)),
        dry_run=dry_run,
    )


def _expand(paths: Sequence[Path], errors: list[SiteError]) -> list[Path]:
    """Files as given; a folder stands for every entry in it named *.txt or *.xml, in name order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            try:
                entries = sorted(p for p in path.iterdir() if p.suffix.lower() in _KINDS)
            except OSError as exc:
                errors.append(SiteError(path, None, f"cannot read the folder: {exc.strerror or exc}",
                                        "check the path"))
                continue
            found += [p for p in entries if p not in found]
        elif path not in found:
            found.append(path)
    return found


def read_address_options(options: Sequence[str]) -> dict[str, str]:
    """--address FILE=URL options → {file base name: the saved page's old address}."""
    errors: list[SiteError] = []
    found: dict[str, str] = {}
    for option in options:
        name, sep, url = option.partition("=")
        if not sep or not name.strip() or not url.strip():
            errors.append(SiteError("--address", None, f"'{option}' is not FILE=URL",
                                    "write e.g. --address 003_1144cd4ceaa138e8.txt="
                                    "https://www.socialbarnungdom.se/2015/11/17/vetlanda/"))
            continue
        found[Path(name.strip()).name] = url.strip()
    raise_all(errors)
    return found


def _with_address(post: ImportedPost, address: str | None) -> ImportedPost:
    """The saved page's old address as its alias, so the old link leads to the new post."""
    if address is None:
        return post
    notes: list[str] = []
    aliases = old_addresses([address], notes)
    return replace(post, aliases=aliases, attention=(*post.attention, *notes))


def _read_inputs(paths: list[Path], dates: Mapping[str, date], errors: list[SiteError],
                 addresses: Mapping[str, str]
                 ) -> tuple[list[ImportedPost], list[ReportEntry], list[ReportEntry]]:
    """Read every input, gathering all problems in `errors`."""
    registry = load_registry()
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
            data = read_limited(path, WXR_FILE if kind == "wxr" else TEXT_PAGE)
        except SiteError as exc:
            errors.append(exc)
            continue
        if kind == "wxr":
            try:
                export = read_wxr(data, path, registry)
            except (SiteError, ExceptionGroup) as exc:
                if not flatten(exc) or (isinstance(exc, ExceptionGroup) and exc.split(SiteError)[1]):
                    raise  # not a problem of the input: a bug, which keeps its traceback
                errors += flatten(exc)
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
            posts.append(_with_address(import_text_dump(text, path.name, dates.get(path.name), registry),
                                       addresses.get(path.name)))
        except ValueError as exc:
            errors.append(SiteError(path, None, str(exc), "a saved page starts with the post's title"))
    return one_owner_each([without_invisible(post) for post in posts]), skipped, notes
