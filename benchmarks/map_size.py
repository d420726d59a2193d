"""Measure the map page's weight (raw and gzip -9) in a built site: the issue's budget is 150 KB gzip.

Usage: python benchmarks/map_size.py [OUTPUT_DIR]   (default: output/, build it first)
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "output")
    for rel in ("karta/index.html", "kommuner/umea/index.html", "index.html"):
        path = out / rel
        if path.is_file():
            data = path.read_bytes()
            print(f"{rel}: {len(data):,} bytes, {len(gzip.compress(data, 9)):,} bytes gzip -9")
    return 0


if __name__ == "__main__":
    sys.exit(main())
