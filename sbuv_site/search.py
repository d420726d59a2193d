"""The search index: Pagefind run over a built tree, before the tree is swapped into place.

Pagefind (PyPI `pagefind[bin]`, whose wheel carries the program) reads the built pages and
writes its index and its UI files into pagefind/ of the same tree. Only the parts of pages
marked data-pagefind-body are indexed (the post and page layouts mark their article).
Indexing runs again only when a page changed: pagefind/.sbuv-digest holds a digest of the
pages it indexed, and when the previous build's digest is the same, its index is reused.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from sbuv_site.errors import SiteError
from sbuv_site.outputguard import KEPT, disk_problem

SEARCH_DIR = "pagefind"  # urls.search_bundle() is its address
DIGEST_FILE = ".sbuv-digest"
PAGES_DIR = ".sbuv-search-pages"  # in staging while Pagefind runs: links to the pages it reads
_BODY_MARK = b"data-pagefind-body"
LANGUAGE = "sv"  # the index's language: Swedish stemming ("kanelbullar" finds "kanelbulle")
INSTALL_HINT = ("install it with: pip install 'pagefind[bin]' (sbuv-site's own install brings it), "
                "or write 'search: false' in config.yaml to build without search")
OFF_HINT = "write 'search: false' in config.yaml to build without search"


def index_into(staging: Path, previous: Path | None, *, shown: Path | None = None,
               mtime: float | None = None) -> None:
    """Give the built tree in staging its search index in pagefind/, reusing previous's when no page changed.

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
    digest, indexed = survey_pages(staging, _pagefind_version())
    if previous is None or not reuse_index(previous / SEARCH_DIR, bundle, digest):
        run_pagefind(program, staging, indexed)
        try:
            (bundle / DIGEST_FILE).write_text(digest, encoding="utf-8")
        except OSError as exc:
            raise disk_problem(exc, shown / SEARCH_DIR / DIGEST_FILE, "write the search index",
                               KEPT) from None
    if mtime is not None:
        try:
            for folder, _, names in os.walk(bundle):
                for name in names:
                    os.utime(Path(folder, name), (mtime, mtime))
        except OSError as exc:
            raise disk_problem(exc, shown / SEARCH_DIR, "write the search index", KEPT) from None


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


def pages_digest(tree: Path, version: str) -> str:
    """A digest of every HTML page in tree (path and bytes) and of how Pagefind is run.

    Two trees with the same digest give the same index: Pagefind reads nothing but the pages.
    """
    return survey_pages(tree, version)[0]


def survey_pages(tree: Path, version: str) -> tuple[str, list[str]]:
    """One read of every HTML page in tree: their digest, and the pages Pagefind is to read.

    Those are the pages that mark their content with data-pagefind-body (posts and pages);
    Pagefind would read every other page only to find it has none, which doubles its time.
    A page whose text merely mentions the attribute is read too, and Pagefind skips it.
    """
    digest = hashlib.sha256(f"pagefind {version} --force-language {LANGUAGE}\n".encode())
    indexed = []
    for relpath in _html_pages(tree):
        data = (tree / relpath).read_bytes()
        digest.update(f"{relpath}\0{len(data)}\0".encode())
        digest.update(data)
        if _BODY_MARK in data:
            indexed.append(relpath)
    return digest.hexdigest() + "\n", indexed


def _html_pages(tree: Path) -> list[str]:
    """The .html files below tree (not in pagefind/), as sorted '/'-separated paths."""
    found = []
    for folder, dirs, names in os.walk(tree):
        rel = Path(folder).relative_to(tree).as_posix()
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in (SEARCH_DIR, PAGES_DIR)]
        prefix = "" if rel == "." else rel + "/"
        found += [prefix + name for name in names if name.endswith(".html")]
    return sorted(found)


def reuse_index(old: Path, new: Path, digest: str) -> bool:
    """Link (or copy) the previous build's index into new when it was made from the same pages.

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
    """Hard-link every file of old into new (copy where the file system refuses links)."""
    linking = True
    for folder, _, names in os.walk(old):
        target = new / Path(folder).relative_to(old)
        target.mkdir(parents=True, exist_ok=True)
        for name in sorted(names):
            source = Path(folder, name)
            if not stat.S_ISREG(source.lstat().st_mode):
                raise OSError(errno.EINVAL, "not a regular file", str(source))  # no links in an index
            if linking:
                try:
                    os.link(source, target / name)
                    continue
                except OSError:
                    linking = False  # another file system, or no hard links: copy from here on
            shutil.copy2(source, target / name)


def run_pagefind(program: Path, tree: Path, pages: Sequence[str] | None = None) -> None:
    """Run Pagefind over `pages` of tree (all of it when None), its index going to tree/pagefind.

    The pages are hard-linked (or copied) into a folder of their own for Pagefind to read, at
    the same paths, so their addresses in the index stay the same. A site with no such page
    yet (no posts or pages) is read whole, so /sok/ still works. It runs in an empty folder with
    no PAGEFIND_* variables, so no pagefind.yml or environment of the editor's changes what it
    does: the options are all on the command line. A failure becomes a SiteError.
    """
    site = tree / PAGES_DIR if pages else tree
    command = [str(program), "--site", str(site), "--output-path", str(tree / SEARCH_DIR),
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
        raise disk_problem(exc, tree / PAGES_DIR, "prepare the pages for the search index", KEPT) from None
    finally:
        shutil.rmtree(tree / PAGES_DIR, ignore_errors=True)
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
                linking = False
        shutil.copyfile(tree / relpath, target)


def _reason(result: subprocess.CompletedProcess[str]) -> str:
    """Pagefind's own words for what went wrong: its error (printed once or twice), else its last line."""
    for stream in (result.stderr, result.stdout):
        lines = [line.strip() for line in stream.splitlines() if line.strip()]
        start = next((index for index, line in enumerate(lines) if line.startswith("Error:")), None)
        if start is not None:
            return " ".join(dict.fromkeys(line.removeprefix("Error:").strip() for line in lines[start:]))
    lines = [line.strip() for line in (result.stdout + "\n" + result.stderr).splitlines() if line.strip()]
    return lines[-1] if lines else f"it stopped with exit code {result.returncode}"
