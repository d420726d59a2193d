"""Weigh every page of a built site: the map first, then each other page, locator maps apart.

Usage: python benchmarks/page_weight.py [OUTPUT_DIR]   (default: output/, build it first)

Prints raw and gzip -9 bytes of each page's HTML, of its HTML plus its stylesheets (what a first
visit downloads), and of the locator SVG on municipality pages. Exits 1 when a page is over the
budget of issue 10: the map 150 KB gzip (HTML + CSS), any other page 30 KB. CI runs it on the
repository's own site.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

MAP_BUDGET = 150_000
PAGE_BUDGET = 30_000


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def stylesheets(out: Path, html: str) -> bytes:
    return b"".join((out / href.lstrip("/")).read_bytes()
                    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html))


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "output")
    the_map = out / "karta/index.html"
    pages = [the_map, *sorted(p for p in out.rglob("*.html") if p != the_map)]
    over = []
    print(f"{'page':44} {'HTML':>8} {'gzip':>7} {'+CSS gzip':>10} {'locator':>8} {'gzip':>6}")
    for path in pages:
        if not path.is_file():
            continue
        data = path.read_bytes()
        html = data.decode("utf-8")
        with_css = gz(data + stylesheets(out, html))
        locator = re.search(r'<svg class="locator-map".*?</svg>', html, re.S)
        loc = f"{len(locator.group(0).encode()):>8,} {gz(locator.group(0).encode()):>6,}" if locator else ""
        rel = path.relative_to(out).as_posix()
        print(f"{rel:44} {len(data):>8,} {gz(data):>7,} {with_css:>10,} {loc}")
        if with_css > (MAP_BUDGET if rel == "karta/index.html" else PAGE_BUDGET):
            over.append(rel)
    if over:
        print("over budget (gzip, HTML + CSS): " + ", ".join(over))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
