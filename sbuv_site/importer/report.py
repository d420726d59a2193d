"""What an import did (or would do in a dry run), for the editor to read at the end of a run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReportEntry:
    """One input (a file, or a post inside an export) and what happened to it."""

    origin: str  # input file name, e.g. "000_6f41a436e1ce6a14.txt" or "export.xml"
    target: str | None  # the Markdown file, e.g. "content/posts/haninge-och-kalix.md"
    reason: str  # why it was skipped / what needs attention; "" when nothing to add


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Created, overwritten and skipped posts, and everything an editor should look at."""

    created: tuple[ReportEntry, ...] = ()
    overwritten: tuple[ReportEntry, ...] = ()
    skipped: tuple[ReportEntry, ...] = ()
    needs_attention: tuple[ReportEntry, ...] = ()
    dry_run: bool = False

    def format(self) -> str:
        """One line per item, then a summary line; a dry run says what it would have written."""
        would = "would " if self.dry_run else ""
        lines = [f"{would}create {_name(e)}  <- {e.origin}" for e in self.created]
        lines += [f"{would}overwrite {_name(e)}  <- {e.origin}" for e in self.overwritten]
        lines += [f"skip {e.origin}: {e.reason}" for e in self.skipped]
        lines += [f"needs attention: {e.origin}" + (f" ({_name(e)})" if e.target else "")
                  + f": {e.reason}" for e in self.needs_attention]
        posts = len({e.target or e.origin for e in self.needs_attention})
        created = "would be created" if self.dry_run else "created"
        overwritten = "would be overwritten" if self.dry_run else "overwritten"
        summary = (f"{len(self.created)} {created}, {len(self.overwritten)} {overwritten}, "
                   f"{len(self.skipped)} skipped, {posts} need attention "
                   f"({len(self.needs_attention)} item{'s' if len(self.needs_attention) != 1 else ''})")
        if self.dry_run:
            summary += "; dry run: nothing was written"
        return "\n".join([*lines, summary])


def _name(entry: ReportEntry) -> str:
    return entry.target or entry.origin
