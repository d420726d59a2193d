"""Rewrite the map's golden hit squares from the current code: `python -m tests.regen_map_golden`.

tests/golden/map_hits.json holds visitmap.hit_areas' squares for two sets of visited places: all
290 municipalities (the densest map) and a fixed sample of 100 (seed 12 of the sorted codes). They
were made before hit_areas was sped up, so the test proves the faster code places the very same
squares. Only regenerate when the placement is meant to change, and review the diff like code
(the same rule as tests/regen_golden.py for the pages).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from sbuv_site.mapgeometry import Rect, parse_path
from sbuv_site.municipalities import load_registry
from sbuv_site.visitmap import hit_areas

MAP_HITS = Path(__file__).resolve().parent / "golden" / "map_hits.json"
SAMPLE_SEED = 12
SAMPLE_SIZE = 100


def golden_cases() -> dict[str, list[str]]:
    """The visited codes of each case: all of them, and the seeded sample."""
    codes = sorted(m.code for m in load_registry().municipalities)
    return {"all": codes, "sample": sorted(random.Random(SAMPLE_SEED).sample(codes, SAMPLE_SIZE))}


def squares_for(codes: list[str]) -> dict[str, Rect | None]:
    """hit_areas for these codes visited, on the registry's real shapes and centroids."""
    registry = load_registry()
    shapes = {code: parse_path(registry.shapes[code].path) for code in codes}
    centroids = {code: registry.shapes[code].centroid for code in codes}
    return hit_areas(shapes, centroids, registry.view_box)


def regenerate() -> Path:
    """Write the squares as JSON: floats written by repr read back bit for bit."""
    data = {}
    for name, codes in golden_cases().items():
        hits = squares_for(codes)
        data[name] = {"codes": codes, "hits": {code: hits[code] for code in codes}}
    MAP_HITS.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return MAP_HITS


if __name__ == "__main__":
    print(regenerate().relative_to(MAP_HITS.parents[2]))
    sys.exit(0)
