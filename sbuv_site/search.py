"""The search index: Pagefind run over a built tree, before the tree is swapped into place.

Pagefind (PyPI `pagefind[bin]`, whose wheel carries the program) reads the built pages and
writes its index and its UI files into pagefind/ of the same tree. Only the parts of pages
marked data-pagefind-body are indexed (the post and page layouts mark their article).

A large site is indexed in parts of at most PART_PAGES pages, in address order: Pagefind holds
a whole index in memory (about 200 KB a page here, 2 GB for 10,000 posts) and has no way to
add one page to an index. The first part is pagefind/ itself; the others go to
pagefind/parts/2/, … and are listed in pagefind/sbuv-parts.json, which search.js reads to
merge them into one search (Pagefind's mergeIndex). Each part records a digest of the pages it
was made from, and a part whose pages are all the same as in the previous build (wherever it
was there) is linked from it rather than made again: an edit to one post reindexes one part.
Parts are made side by side, one Pagefind process per core.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from sbuv_site.errors import SiteError
from sbuv_site.outputguard import KEPT, disk_problem

SEARCH_DIR = "pagefind"  # urls.search_bundle() is its address
PARTS_DIR = "parts"  # pagefind/parts/2/, …: the index's further parts
PARTS_FILE = "sbuv-parts.json"  # in pagefind/: the further parts' folders, for search.js
PART_PAGES = 2000  # pages a Pagefind process indexes at most: about 400 MB of its memory
DIGEST_FILE = ".sbuv-digest"
PAGES_DIR = ".sbuv-search-pages"  # in staging while Pagefind runs: links to the pages it reads
_BODY_MARK = b"data-pagefind-body"
LANGUAGE = "sv"  # the index's language: Swedish stemming ("kanelbullar" finds "kanelbulle")
INSTALL_HINT = ("install it with: pip install 'pagefind[bin]' (sbuv-site's own install brings it), "
                "or write 'search: false' in config.yaml to build without search")
OFF_HINT = "write 'search: false' in config.yaml to build without search"


@dataclass(frozen=True)
class Part:
    """One part of the index: the pages it is made from, where it goes, and their digest."""

    number: int  # 1 is pagefind/ itself
    pages: tuple[str, ...] | None  # None: the whole tree (a site with no marked page yet)
    digest: str

    @property
    def folder(self) -> str:
        """Its folder, relative to pagefind/ ('' for the first part)."""
        return "" if self.number == 1 else f"{PARTS_DIR}/{self.number}/"


def index_into(staging: Path, previous: Path | None, *, shown: Path | None = None,
               mtime: float | None = None) -> None:
    """Give the built tree in staging its search index in pagefind/, reusing previous's parts
    whose pages did not change.

    Called by write_output before the swap, so any failure here leaves output/ as it was.
    `shown` is the output folder as the editor named it, for messages; `mtime` the build's
    SOURCE_DATE_EPOCH, set on the index's files like on every other built file.
    """
    shown = shown or staging
    bundle = staging / SEARCH_DIR
    if os.path.lexists(bundle):
        raise SiteError(shown / SEARCH_DIR, None,
                        f"the site makes a '{SEARCH_DIR}' folder, where the search index goes",
                        f"rename the static folder's '{SEARCH_DIR}' (it would be overwritten), "
                        f"or {OFF_HINT}")
    program = find_program()
    parts = plan_parts(staging, _pagefind_version())
    made_before = previous_parts(previous / SEARCH_DIR) if previous is not None else {}
    to_make = [part for part in parts
               if part.digest not in made_before
               or not reuse_index(made_before[part.digest], bundle / part.folder, part.digest)]
    try:
        bundle.mkdir(exist_ok=True)
    except OSError as exc:
        raise disk_problem(exc, shown / SEARCH_DIR, "write the search index", KEPT) from None
    with ThreadPoolExecutor(max_workers=max(1, min(len(to_make), os.cpu_count() or 1))) as pool:
        done = [pool.submit(_make_part, program, staging, part, shown) for part in to_make]
    for future in done:
        future.result()  # the first part's failure is the one reported
    try:
        (bundle / PARTS_FILE).write_text(json.dumps([p.folder for p in parts[1:]]) + "\n", encoding="utf-8")
        if mtime is not None:
            for folder, _, names in os.walk(bundle):
                for name in names:
                    os.utime(Path(folder, name), (mtime, mtime))
    except OSError as exc:
        raise disk_problem(exc, shown / SEARCH_DIR, "write the search index", KEPT) from None


def _make_part(program: Path, staging: Path, part: Part, shown: Path) -> None:
    """Run Pagefind for one part and record the digest of the pages it read."""
    output = staging / SEARCH_DIR / part.folder
    run_pagefind(program, staging, part.pages, output, f"{PAGES_DIR}-{part.number}")
    try:
        (output / DIGEST_FILE).write_text(part.digest, encoding="utf-8")
    except OSError as exc:
        raise disk_problem(exc, shown / SEARCH_DIR / part.folder / DIGEST_FILE, "write the search index",
                           KEPT) from None


def find_program() -> Path:
    """The Pagefind program in the installed pagefind_bin package; nothing is ever downloaded."""
    try:
        import pagefind_bin  # type: ignore[import-untyped]
    except ImportError:
        raise SiteError(None, None, "search is on, but Pagefind is not installed", INSTALL_HINT) from None
    try:
        program = Path(pagefind_bin.get_executable())
    except (FileNotFoundError, OSError):
        program = None
    if program is None or not program.is_file():
        raise SiteError(None, None, "search is on, but the Pagefind program is missing from its package "
                        "(pagefind_bin)", "reinstall it with: pip install --force-reinstall 'pagefind[bin]', "
                        f"or {OFF_HINT}")
    return program


def _pagefind_version() -> str:
    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return "unknown"


def plan_parts(tree: Path, version: str) -> list[Part]:
    """One read of every HTML page in tree: the parts of the index, with their pages' digests.

    Pagefind reads only the pages that mark their content with data-pagefind-body (posts and
    pages): it would read every other page only to find it has none, which doubles its time.
    A page whose text merely mentions the attribute is read too, and Pagefind skips it. Pages
    go to parts in address order, so that a post and its neighbours, which show each other's
    titles, mostly share a part, and a new post (the latest address) changes the last part.
    """
    seen: list[tuple[str, bytes]] = []
    marked: list[tuple[str, bytes]] = []
    for relpath in _html_pages(tree):
        data = (tree / relpath).read_bytes()
        seen.append((relpath, _file_digest(relpath, data)))
        if _BODY_MARK in data:
            marked.append(seen[-1])
    if not marked:  # no post or page yet: the whole tree, so that /sok/ still works
        return [Part(1, None, _digest(version, seen))]
    runs = [marked[start:start + PART_PAGES] for start in range(0, len(marked), PART_PAGES)]
    return [Part(number, tuple(relpath for relpath, _ in run), _digest(version, run))
            for number, run in enumerate(runs, 1)]


def _file_digest(relpath: str, data: bytes) -> bytes:
    return hashlib.sha256(f"{relpath}\0{len(data)}\0".encode() + data).digest()


def _digest(version: str, pages: Sequence[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256(f"pagefind {version} --force-language {LANGUAGE}\n".encode())
    for _, page in pages:
        digest.update(page)
    return digest.hexdigest() + "\n"


def previous_parts(bundle: Path) -> dict[str, Path]:
    """The parts of the previous build's index, by the digest each recorded (none if unreadable)."""
    found: dict[str, Path] = {}
    folders = [bundle]
    try:
        if (bundle / PARTS_DIR).is_dir() and not (bundle / PARTS_DIR).is_symlink():
            folders += sorted((bundle / PARTS_DIR).iterdir())
    except OSError:
        pass
    for folder in folders:
        try:
            if folder.is_dir() and not folder.is_symlink():
                found.setdefault((folder / DIGEST_FILE).read_text(encoding="utf-8"), folder)
        except (OSError, UnicodeDecodeError):
            continue
    return found


def _html_pages(tree: Path) -> list[str]:
    """The .html files below tree (not in pagefind/), as sorted '/'-separated paths."""
    found = []
    for folder, dirs, names in os.walk(tree):
        rel = Path(folder).relative_to(tree).as_posix()
        if rel == ".":
            dirs[:] = [d for d in dirs if d != SEARCH_DIR and not d.startswith(PAGES_DIR)]
        prefix = "" if rel == "." else rel + "/"
        found += [prefix + name for name in names if name.endswith(".html")]
    return sorted(found)


def reuse_index(old: Path, new: Path, digest: str) -> bool:
    """Link (or copy) a part of the previous build's index into new when it was made from the same pages.

    False, with nothing left at new, when it was not, or when it cannot be reused whole.
    """
    try:
        if not old.is_dir() or old.is_symlink() or (old / DIGEST_FILE).read_text(encoding="utf-8") != digest:
            return False
        _link_tree(old, new)
    except (OSError, UnicodeDecodeError):
        shutil.rmtree(new, ignore_errors=True)
        return False
    return True


def _link_tree(old: Path, new: Path) -> None:
    """Hard-link every file of old into new (copy where the file system refuses links).

    The first part's folder also holds the other parts and their list: those are not its own.
    """
    relpaths = []
    for folder, dirs, names in os.walk(old):
        rel = Path(folder).relative_to(old)
        if rel == Path("."):
            dirs[:] = [d for d in dirs if d != PARTS_DIR]
            names = [name for name in names if name != PARTS_FILE]
        for name in names:
            source = Path(folder, name)
            if not stat.S_ISREG(source.lstat().st_mode):  # no links in an index
                raise OSError(errno.EINVAL, "not a regular file", str(source))
            relpaths.append((rel / name).as_posix())
    _link_files(old, new, sorted(relpaths))


def run_pagefind(program: Path, tree: Path, pages: Sequence[str] | None = None, output: Path | None = None,
                 pages_dir: str = PAGES_DIR) -> None:
    """Run Pagefind over `pages` of tree (all of it when None), its index going to output
    (tree/pagefind by default).

    The pages are hard-linked (or copied) into a folder of their own (tree/pages_dir) for Pagefind to read, at
    the same paths, so their addresses in the index stay the same. A site with no such page
    yet (no posts or pages) is read whole, so /sok/ still works. It runs in an empty folder with
    no PAGEFIND_* variables, so no pagefind.yml or environment of the editor's changes what it
    does: the options are all on the command line. A failure becomes a SiteError.
    """
    site = tree / pages_dir if pages else tree
    output = output or tree / SEARCH_DIR
    command = [str(program), "--site", str(site), "--output-path", str(output),
               "--force-language", LANGUAGE, "--quiet"]
    env = {key: value for key, value in os.environ.items() if not key.upper().startswith("PAGEFIND_")}
    try:
        if pages:
            _link_files(tree, site, pages)
        with tempfile.TemporaryDirectory(prefix="sbuv-pagefind-") as empty:
            try:
                result = subprocess.run(command, cwd=empty, env=env, capture_output=True, text=True,
                                        errors="replace", check=False)
            except OSError as exc:
                raise SiteError(None, None, f"Pagefind could not be started: {exc.strerror or exc}",
                                "reinstall it with: pip install --force-reinstall 'pagefind[bin]', "
                                f"or {OFF_HINT}") from None
    except OSError as exc:
        raise disk_problem(exc, site, "prepare the pages for the search index", KEPT) from None
    finally:
        if pages:
            shutil.rmtree(site, ignore_errors=True)
    if result.returncode != 0:
        raise SiteError(None, None, f"Pagefind could not index the site: {_reason(result)}",
                        f"{KEPT}; fix the cause and build again, or {OFF_HINT}")


def _link_files(tree: Path, into: Path, relpaths: Sequence[str]) -> None:
    """Hard-link each file of tree into `into` at the same path (copy where links are refused)."""
    linking = True
    for relpath in relpaths:
        target = into / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if linking:
            try:
                os.link(tree / relpath, target)
                continue
            except OSError:
                linking = False  # another file system, or no hard links: copy from here on
        shutil.copy2(tree / relpath, target)


def _reason(result: subprocess.CompletedProcess[str]) -> str:
    """Pagefind's own words for what went wrong: its error (printed once or twice), else its last line."""
    for stream in (result.stderr, result.stdout):
        lines = [line.strip() for line in stream.splitlines() if line.strip()]
        start = next((index for index, line in enumerate(lines) if line.startswith("Error:")), None)
        if start is not None:
            return " ".join(dict.fromkeys(line.removeprefix("Error:").strip() for line in lines[start:]))
    lines = [line.strip() for line in (result.stdout + "\n" + result.stderr).splitlines() if line.strip()]
    return lines[-1] if lines else f"it stopped with exit code {result.returncode}"
