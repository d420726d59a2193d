"""Rewrite the golden files from the current build: `python -m tests.regen_golden`.

Review the diff like code before committing it (Pelican's update_functional_tests idea).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from tests.conftest import build_fixture

GOLDEN = Path(__file__).resolve().parent / "golden"
# The stable pages of the 'full' fixture: one of each kind (the map's SVG is tested by parsing).
PAGES = (
    "index.html", "sida/2/index.html", "2015/12/snofattigt-umea-i-forandring/index.html",
    "om-bloggen/index.html", "taggar/index.html", "taggar/samverkan/index.html",
    "kommuner/index.html", "arkiv/index.html", "arkiv/2016/index.html", "404.html",
    "tillganglighet/index.html",
    "atom.xml", "sitemap.xml", "robots.txt",
    "feed.json", "kommuner/umea/atom.xml", "taggar/samverkan/atom.xml",
)


def regenerate(site: str = "full") -> list[Path]:
    """Build the fixture and copy its golden pages into tests/golden/<site>/."""
    with tempfile.TemporaryDirectory() as tmp:
        out = build_fixture(site, Path(tmp) / "output")
        target = GOLDEN / site
        shutil.rmtree(target, ignore_errors=True)
        written = []
        for rel in PAGES:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out / rel, target / rel)
            written.append(target / rel)
        return written


if __name__ == "__main__":
    for path in regenerate():
        print(path.relative_to(GOLDEN.parent.parent))
    sys.exit(0)
