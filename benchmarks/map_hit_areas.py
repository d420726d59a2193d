"""Time visitmap.hit_areas, the map page's placement of hit squares, on the real municipality shapes.

Usage, from the repository root: python -m benchmarks.map_hit_areas [REPEATS]   (default 3)

Two cases, the same as tests/golden/map_hits.json: all 290 municipalities visited (the densest
map) and a fixed sample of 100. Prints the best of the repeats in CPU time (time.process_time),
not wall time: the machine is shared, and other processes should not inflate the figures.
"""

from __future__ import annotations

import sys
import time

from sbuv_site.mapgeometry import parse_path
from sbuv_site.municipalities import load_registry
from sbuv_site.visitmap import hit_areas
from tests.regen_map_golden import golden_cases


def best_ms(codes: list[str], repeats: int) -> float:
    """The fastest of `repeats` runs of hit_areas with these codes visited, in CPU milliseconds."""
    registry = load_registry()
    shapes = {code: parse_path(registry.shapes[code].path) for code in codes}
    centroids = {code: registry.shapes[code].centroid for code in codes}
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        hit_areas(shapes, centroids, registry.view_box)
        best = min(best, time.process_time() - start)
    return best * 1000


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    for name, codes in golden_cases().items():
        print(f"hit_areas, {len(codes)} visited ({name}): {best_ms(codes, repeats):.1f} ms CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
