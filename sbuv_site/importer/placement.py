"""Which file each imported post goes to: re-imports found by `source`, hand-written posts kept.

A post already imported (its `source` is in the folder) is skipped, or replaced with --force.
A new post takes the file named for its title; when another imported post holds that name it
becomes '<name>-2.md'. When a post written by hand (or a file that cannot be read) holds it,
the import is skipped, or with --force saved beside it as '<name>-2.md': --force never
replaces a post that did not come from an import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sbuv_site.importer.existing_posts import ExistingPosts
from sbuv_site.importer.post_file import ImportedPost
from sbuv_site.importer.report import ReportEntry


@dataclass(frozen=True, slots=True)
class Step:
    """What to do with one post."""

    post: ImportedPost
    target: Path
    action: str  # "create", "overwrite" or "skip"
    reason: str = ""

    def entry(self) -> ReportEntry:
        """The post's line in the report."""
        return ReportEntry(self.post.origin, str(self.target), self.reason)


def plan_files(posts: list[ImportedPost], into: Path, existing: ExistingPosts, force: bool) -> list[Step]:
    """Decide each post's file; no two posts of a run share one, and none replaces a hand-written one."""
    claimed: set[str] = set()  # casefolded names in `into` given to a post of this run
    seen: set[str] = set()
    steps = []

    def held_by_import(stem: str) -> bool:
        occupant = existing.occupant(into, stem)
        return stem.casefold() in claimed or (occupant is not None and occupant in existing.imported)

    for post in posts:
        if post.source in seen:
            steps.append(Step(post, into / f"{post.stem}.md", "skip",
                              f"the same post ({post.source}) is given twice"))
            continue
        seen.add(post.source)
        if post.source in existing.by_source:
            target = existing.by_source[post.source]
            if target.parent == into:
                claimed.add(target.stem.casefold())
            kept = existing.slugs.get(target)
            if kept is not None and kept != post.slug:  # saved as '<name>-2', or set by an editor:
                post = replace(post, slug=kept)  # a new import keeps the post's address
            steps.append(Step(post, target, "overwrite") if force else Step(
                post, target, "skip", f"already imported as {target}; use --force to import it again"))
            continue
        base = post.stem
        stem = _free(base, held_by_import)
        occupant = existing.occupant(into, stem)
        if occupant is not None and not force:
            steps.append(Step(post, into / f"{stem}.md", "skip",
                              f"{occupant} was not made by the importer (it has no import 'source:'); "
                              "use --force to save this post beside it"))
            continue
        if occupant is not None:
            stem = _free(base, lambda s: held_by_import(s) or existing.occupant(into, s) is not None)
            post = _renamed(post, stem, f"'{occupant.name}' was written by hand (it has no import "
                            f"'source:') and is never overwritten; saved beside it as '{stem}.md'")
        elif stem != base:
            post = _renamed(post, stem, f"'{base}.md' is taken by another post; saved as '{stem}.md'")
        claimed.add(stem.casefold())
        steps.append(Step(post, into / f"{stem}.md", "create"))
    return steps


def _free(base: str, taken: Callable[[str], bool]) -> str:
    """`base`, or `base-2`, `base-3`, …: the first name that is not taken."""
    number, name = 1, base
    while taken(name):
        number += 1
        name = f"{base}-{number}"
    return name


def _renamed(post: ImportedPost, stem: str, why: str) -> ImportedPost:
    return replace(post, stem=stem, slug=stem, attention=(*post.attention, why))
