"""Measure the search index (Pagefind) on a generated blog of N posts against a clean build.

Usage: python benchmarks/search_index.py [N]   (default 10000).
Prints: a clean build without search; a clean build with search and its index step (the digest of
the pages and Pagefind's own run); the index's size on disk (du) and file count; and the index
step of a rebuild with nothing changed (reused by hard links) and after one edited post (rerun).
The issue's yardstick: indexing under 10 % of a clean build's time at 10,000 posts.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_speed import make_site  # noqa: E402  (the same synthetic corpus as the build benchmark)

from sbuv_site import search  # noqa: E402
from sbuv_site.build import BuildOptions, build  # noqa: E402

spent: dict[str, float] = {}


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """function, adding the seconds each call takes to spent[name]."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

    return wrapper


def measure(root: Path, options: BuildOptions) -> float:
    """Seconds of one build; spent[] holds its index steps afterwards."""
    spent.clear()
    start = time.perf_counter()
    build(root, options)
    return time.perf_counter() - start


def disk_usage(folder: Path) -> tuple[int, int, int]:
    """(kB on disk as du counts it, bytes of the files, number of files)."""
    kilobytes = int(subprocess.run(["du", "-sk", str(folder)], capture_output=True, text=True,
                                   check=True).stdout.split()[0])
    files = [p for p in folder.rglob("*") if p.is_file()]
    return kilobytes, sum(p.stat().st_size for p in files), len(files)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    search.index_into = timed("index", search.index_into)  # type: ignore[method-assign]
    search.plan_parts = timed("digest", search.plan_parts)  # type: ignore[method-assign]
    search.run_pagefind = timed("pagefind", search.run_pagefind)  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_site(root, count)
        plain = measure(root, BuildOptions(output=root / "plain", search=False))
        print(f"clean build of {count} posts without search: {plain:.2f} s")
        full = measure(root, BuildOptions(output=root / "output"))
        index = spent["index"]
        print(f"clean build with search: {full:.2f} s; index step {index:.2f} s "
              f"(digest {spent['digest']:.2f} s, Pagefind {spent['pagefind']:.2f} s summed over its parts) = "
              f"{100 * index / plain:.1f} % of the build without search")
        kilobytes, size, files = disk_usage(root / "output" / search.SEARCH_DIR)
        bundle = root / "output" / search.SEARCH_DIR
        pages = sum(1 for fragments in bundle.rglob("fragment") for _ in fragments.iterdir())
        parts = 1 + len(json.loads((bundle / search.PARTS_FILE).read_text(encoding="utf-8")))
        print(f"index: du {kilobytes / 1024:.1f} MB on disk, {size / 1024 / 1024:.1f} MB in {files} files "
              f"({pages} pages indexed, in {parts} parts)")
        measure(root, BuildOptions(output=root / "output"))
        if "index" in spent:
            print(f"rebuild, nothing changed: index step {spent['index']:.2f} s "
                  f"(digest {spent['digest']:.2f} s, Pagefind {'ran' if 'pagefind' in spent else 'not run'})")
        else:
            print("rebuild, nothing changed: the build left the output as it was (no index step)")
        edited = root / "content/posts/post-00000.md"
        edited.write_text(edited.read_text(encoding="utf-8") + "\nEtt tillägg om placeringar.\n",
                          encoding="utf-8")
        measure(root, BuildOptions(output=root / "output"))
        print(f"rebuild after editing one post: index step {spent['index']:.2f} s "
              f"(Pagefind {spent.get('pagefind', 0.0):.2f} s, for the part that holds the post)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
