"""Plane geometry on the map's integer SVG paths: read them, test rectangles against them, outline and
simplify them, write them back coarser. Pure Python; no GIS library is needed at build time.

Code that tests many rectangles against the same shapes (the map's hit squares) prepares each shape
once (prepare, then the prepared_* tests); the plain functions prepare on every call. Both answer
exactly as the first, simpler code did, bit for bit (tests/test_mapgeometry.py keeps it as reference).

The paths are those of sbuv_site/data/municipalities.json: rings written as ``M x y l dx dy … z`` in
100 m units, y down. Shared borders have identical vertices on both sides (the data tests check it),
which is what lets outline() find the border of the union by counting edges.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import NamedTuple, TypeVar

Point = tuple[int, int]
Ring = tuple[Point, ...]
Rect = tuple[float, float, float, float]  # x, y, width, height
_P = TypeVar("_P", Point, tuple[float, float])

_RING = re.compile(r"M(-?\d+)[ ,](-?\d+)l?([^Mz]*)z?")
_NUMBER = re.compile(r"-?\d+")


def parse_path(d: str) -> tuple[Ring, ...]:
    """The rings of path data written as ``M x y l dx dy … z`` (absolute start, relative steps)."""
    rings = []
    for match in _RING.finditer(d):
        x, y = int(match[1]), int(match[2])
        points = [(x, y)]
        steps = [int(n) for n in _NUMBER.findall(match[3])]
        for dx, dy in zip(steps[::2], steps[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
        rings.append(tuple(points))
    return tuple(rings)


def _edges(ring: Sequence[_P]) -> Iterator[tuple[_P, _P]]:
    """Each side of a closed ring as (start, end), the last one back to the first point."""
    return zip(ring, list(ring[1:]) + list(ring[:1]), strict=True)


def bounds(rings: Iterable[Ring]) -> Rect:
    """The bounding box (x, y, width, height) of some rings."""
    points = [p for ring in rings for p in ring]
    if not points:
        raise ValueError("no points")
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def ring_area(ring: Ring) -> float:
    """Signed area (shoelace); the sign tells the winding direction."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in _edges(ring)) / 2


class PreparedRing(NamedTuple):
    """One ring made ready for many rectangle tests: its bounding box and its sides as flat tuples.

    The map's hit squares test hundreds of rectangles against the same shapes; building the sides
    once (instead of re-pairing the points on every call) and skipping rings whose box lies off the
    rectangle is what keeps that cheap.
    """

    left: int
    top: int
    right: int
    bottom: int
    points: Ring
    edges: tuple[tuple[int, int, int, int], ...]  # (x0, y0, x1, y1), the last one back to the start


PreparedShape = tuple[PreparedRing, ...]


def prepare(rings: Iterable[Ring]) -> PreparedShape:
    """The rings of one shape made ready for the prepared_* tests (rings of no points are left out:
    they have no sides, so they never change an answer)."""
    prepared = []
    for ring in rings:
        if not ring:
            continue
        xs = [x for x, _ in ring]
        ys = [y for _, y in ring]
        edges = tuple((x0, y0, x1, y1) for (x0, y0), (x1, y1) in _edges(ring))
        prepared.append(PreparedRing(min(xs), min(ys), max(xs), max(ys), tuple(ring), edges))
    return tuple(prepared)


def _crossings(px: float, py: float, edges: Iterable[tuple[int, int, int, int]]) -> bool:
    """Whether a ray from (px, py) towards +x crosses these sides an odd number of times."""
    odd = False
    for x0, y0, x1, y1 in edges:
        if (y0 > py) != (y1 > py) and px < x0 + (py - y0) * (x1 - x0) / (y1 - y0):
            odd = not odd
    return odd


def prepared_point_inside(x: float, y: float, shape: PreparedShape) -> bool:
    """point_in_rings on a prepared shape.

    A ring counts only when its box holds the point in [left, right) x [top, bottom); elsewhere it
    cannot change the parity. Above or below the box, no side has one end below the point's y and
    the other not. Right of it, no crossing lies right of the point: a computed crossing stays
    between its side's ends (rounding never takes it past them). Left of it, every crossing does,
    and a ray crosses a closed ring an even number of times.
    """
    inside = False
    for left, top, right, bottom, _, edges in shape:
        if left <= x < right and top <= y < bottom and _crossings(x, y, edges):
            inside = not inside
    return inside


def _corners_inside(rect: Rect, shape: PreparedShape) -> tuple[bool, bool, bool, bool]:
    """prepared_point_inside for the rectangle's four corners, clockwise from (x, y), in one pass:
    the two corners on a horizontal side share which sides their rays cross and where."""
    x, y, w, h = rect
    xr, yb = x + w, y + h
    inside = [False, False, False, False]
    for left, top, right, bottom, _, edges in shape:
        if not (left <= x < right or left <= xr < right):
            continue  # neither corner's parity changes (see prepared_point_inside)
        for py, at_x, at_xr in ((y, 0, 1), (yb, 3, 2)):
            if not top <= py < bottom:
                continue
            for x0, y0, x1, y1 in edges:
                if (y0 > py) != (y1 > py):
                    crossing = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
                    if x < crossing:
                        inside[at_x] = not inside[at_x]
                    if xr < crossing:
                        inside[at_xr] = not inside[at_xr]
    return inside[0], inside[1], inside[2], inside[3]


def _crosses_a_side(x0: int, y0: int, x1: int, y1: int, x: float, y: float, xr: float, yb: float) -> bool:
    """Whether the side (x0, y0)-(x1, y1) properly crosses a side of the rectangle from (x, y) to
    (xr, yb): the four-orientation test of two segments, with the same floating-point products.

    Each orientation of an end against an axis-parallel side of the rectangle has one non-zero
    product (the other is an exact zero); the test only asks whether two orientations are non-zero
    with opposite signs, which a change of sign leaves as it is. So those are written as the one
    product, and the rectangle's corners against the side as the general cross product.
    """
    wd, ht = xr - x, yb - y
    ex, ey = x1 - x0, y1 - y0
    ends = ((wd * (y0 - y), wd * (y1 - y)), (ht * (x0 - xr), ht * (x1 - xr)),
            (wd * (y0 - yb), wd * (y1 - yb)), (ht * (x0 - x), ht * (x1 - x)))
    corners = ((x, y), (xr, y), (xr, yb), (x, yb))
    for i, (a, b) in enumerate(ends):
        if (a < 0 < b) or (b < 0 < a):  # the ends lie strictly on either side of the side's line
            (sx, sy), (tx, ty) = corners[i], corners[(i + 1) % 4]
            c = ex * (sy - y0) - ey * (sx - x0)
            d = ex * (ty - y0) - ey * (tx - x0)
            if (c < 0 < d) or (d < 0 < c):  # and the side's ends on either side of the edge's line
                return True
    return False


def _edges_cross_rect(rect: Rect, shape: PreparedShape) -> bool:
    """True when a vertex lies strictly inside the rectangle or a side properly crosses one of its
    sides.

    Vertices first: that is the usual way a shape meets a hit square, and the cheapest to find.
    Then the sides, passing over those wholly to one side of the rectangle (whole rings at once
    when their box is) before the costlier test of crossing.
    """
    x, y, w, h = rect
    xr, yb = x + w, y + h
    for left, top, right, bottom, points, _ in shape:
        if right < x or left > xr or bottom < y or top > yb:
            continue
        for px, py in points:
            if x < px < xr and y < py < yb:
                return True
    for left, top, right, bottom, _, edges in shape:
        if right < x or left > xr or bottom < y or top > yb:
            continue
        for x0, y0, x1, y1 in edges:
            if (x0 < x and x1 < x) or (x0 > xr and x1 > xr) or (y0 < y and y1 < y) or (y0 > yb and y1 > yb):
                continue
            if _crosses_a_side(x0, y0, x1, y1, x, y, xr, yb):
                return True
    return False


def prepared_rect_meets(rect: Rect, shape: PreparedShape) -> bool:
    """rect_meets_rings on a prepared shape: the same answer, for a fraction of the work."""
    return _edges_cross_rect(rect, shape) or any(_corners_inside(rect, shape))


def prepared_rect_inside(rect: Rect, shape: PreparedShape) -> bool:
    """rect_inside_rings on a prepared shape: the same answer, for a fraction of the work."""
    return not _edges_cross_rect(rect, shape) and all(_corners_inside(rect, shape))


def point_in_rings(x: float, y: float, rings: Iterable[Ring]) -> bool:
    """Even-odd rule: inside a municipality's rings (islands count, lake holes do not)."""
    return prepared_point_inside(x, y, prepare(rings))


def rect_meets_rings(rect: Rect, rings: Sequence[Ring]) -> bool:
    """True when the rectangle and the area the rings enclose overlap (or touch a border)."""
    return prepared_rect_meets(rect, prepare(rings))


def rect_inside_rings(rect: Rect, rings: Sequence[Ring]) -> bool:
    """True when the whole rectangle lies inside the area the rings enclose."""
    return prepared_rect_inside(rect, prepare(rings))


def rects_overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def outline(shapes: Iterable[Sequence[Ring]]) -> tuple[Ring, ...]:
    """The border of the union of shapes that tile the plane without overlap (a coverage).

    An edge two neighbours share is inner; an edge only one shape has lies on the border of the
    union (the coast, the land border, a lake shore). Chaining those edges gives the outer rings,
    islands and lakes, in a deterministic order (by first point).
    """
    count: dict[tuple[Point, Point], int] = {}
    for rings in shapes:
        for edge_ring in rings:
            for a, b in _edges(edge_ring):
                key = (a, b) if a <= b else (b, a)
                count[key] = count.get(key, 0) + 1
    following: dict[Point, list[Point]] = {}
    for rings in shapes:
        for edge_ring in rings:
            for a, b in _edges(edge_ring):
                if count[(a, b) if a <= b else (b, a)] == 1:
                    following.setdefault(a, []).append(b)
    for targets in following.values():
        targets.sort()
    result: list[Ring] = []
    while following:
        start = min(following)
        ring: list[Point] = [start]
        point = start
        while True:
            targets = following[point]
            nxt = targets.pop(0)
            if not targets:
                del following[point]
            if nxt == start:
                break
            ring.append(nxt)
            point = nxt
            if point not in following:  # an open chain: broken input, keep what was found
                break
        result.append(tuple(ring))
    return tuple(result)


def _douglas_peucker(points: Sequence[Point], tolerance: float) -> list[Point]:
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    limit = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        best, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            t = ((px - ax) * dx + (py - ay) * dy) / length2 if length2 else 0.0
            t = 0.0 if t < 0 else 1.0 if t > 1 else t
            ex, ey = px - ax - t * dx, py - ay - t * dy
            distance2 = ex * ex + ey * ey  # squared distance to the segment first-last
            if distance2 > best:
                best, index = distance2, i
        if index >= 0 and best > limit:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def simplify_ring(ring: Ring, tolerance: float) -> Ring:
    """Douglas–Peucker on a closed ring, anchored at its first point and the point farthest from it."""
    if len(ring) < 4:
        return ring
    x0, y0 = ring[0]
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - x0) ** 2 + (ring[i][1] - y0) ** 2)
    first = _douglas_peucker(ring[: far + 1], tolerance)
    second = _douglas_peucker(ring[far:] + ring[:1], tolerance)
    return tuple(first + second[1:-1])


def encode_rings(rings: Iterable[Ring], unit: int = 1) -> str:
    """Path data ``M x y l dx dy … z``, coordinates divided by unit and rounded (absolute points
    first, so errors do not add up along a ring); rings that collapse below three points vanish."""
    parts = []
    for ring in rings:
        points: list[Point] = []
        for x, y in ring:
            p = (round(x / unit), round(y / unit))
            if not points or points[-1] != p:
                points.append(p)
        while len(points) > 1 and points[-1] == points[0]:
            points.pop()
        if len(points) < 3:
            continue
        pairs = zip(points, points[1:], strict=False)
        steps = " ".join(f"{x1 - x0} {y1 - y0}" for (x0, y0), (x1, y1) in pairs)
        parts.append(f"M{points[0][0]} {points[0][1]}l{steps.replace(' -', '-')}z")
    return "".join(parts)


@lru_cache(maxsize=4)
def simplified_outline(paths: tuple[str, ...], tolerance: float, min_area: float, unit: int) -> str:
    """The border of all the paths' union as one coarse path: computed once per process and
    set of paths (the municipality pages' locator maps all share it)."""
    rings = outline([parse_path(d) for d in paths])
    kept = (simplify_ring(r, tolerance) for r in rings if abs(ring_area(r)) >= min_area)
    return encode_rings(kept, unit)
