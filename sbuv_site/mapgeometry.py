"""Plane geometry on the map's integer SVG paths: read them, test rectangles against them, outline and
simplify them, write them back coarser. Pure Python; no GIS library is needed at build time.

The paths are those of sbuv_site/data/municipalities.json: rings written as ``M x y l dx dy … z`` in
100 m units, y down. Shared borders have identical vertices on both sides (the data tests check it),
which is what lets outline() find the border of the union by counting edges.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TypeVar

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


def point_in_rings(x: float, y: float, rings: Iterable[Ring]) -> bool:
    """Even-odd rule: inside a municipality's rings (islands count, lake holes do not)."""
    inside = False
    for ring in rings:
        for (x0, y0), (x1, y1) in _edges(ring):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def _segments_cross(a: tuple[float, float], b: tuple[float, float],
                    c: tuple[float, float], d: tuple[float, float]) -> bool:
    def side(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2, d3, d4 = side(c, d, a), side(c, d, b), side(a, b, c), side(a, b, d)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4)


def _rect_corners(rect: Rect) -> list[tuple[float, float]]:
    x, y, w, h = rect
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def _edges_cross_rect(rect: Rect, rings: Iterable[Ring]) -> bool:
    corners = _rect_corners(rect)
    sides = list(_edges(corners))
    x, y, w, h = rect
    for ring in rings:
        for p, q in _edges(ring):
            if (p[0] < x and q[0] < x) or (p[0] > x + w and q[0] > x + w) or \
                    (p[1] < y and q[1] < y) or (p[1] > y + h and q[1] > y + h):
                continue  # the edge lies wholly to one side of the rectangle
            if x < p[0] < x + w and y < p[1] < y + h:
                return True  # a vertex strictly inside
            if any(_segments_cross(p, q, s, t) for s, t in sides):
                return True
    return False


def rect_meets_rings(rect: Rect, rings: Sequence[Ring]) -> bool:
    """True when the rectangle and the area the rings enclose overlap (or touch a border)."""
    if _edges_cross_rect(rect, rings):
        return True
    return any(point_in_rings(cx, cy, rings) for cx, cy in _rect_corners(rect))


def rect_inside_rings(rect: Rect, rings: Sequence[Ring]) -> bool:
    """True when the whole rectangle lies inside the area the rings enclose."""
    if _edges_cross_rect(rect, rings):
        return False
    return all(point_in_rings(cx, cy, rings) for cx, cy in _rect_corners(rect))


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
