"""Plane geometry on the map's paths: reading and writing them, rectangles against shapes, the outline."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sbuv_site.mapgeometry import (
    Rect,
    Ring,
    _crosses_a_side,
    bounds,
    encode_rings,
    outline,
    parse_path,
    point_in_rings,
    prepare,
    prepared_point_inside,
    prepared_rect_inside,
    prepared_rect_meets,
    rect_inside_rings,
    rect_meets_rings,
    rects_overlap,
    ring_area,
    simplified_outline,
    simplify_ring,
)
from sbuv_site.municipalities import load_registry

SQUARE = ((0, 0), (10, 0), (10, 10), (0, 10))  # 10 x 10, y down
L_SHAPE = ((0, 0), (10, 0), (10, 4), (4, 4), (4, 10), (0, 10))


def all_paths() -> list[str]:
    registry = load_registry()
    return [registry.shapes[m.code].path for m in registry.municipalities]


def test_every_municipality_path_reads_and_writes_back_unchanged() -> None:
    for path in all_paths():
        rings = parse_path(path)
        assert rings and all(len(ring) >= 3 for ring in rings)
        assert encode_rings(rings) == path


def test_a_path_reads_as_absolute_points() -> None:
    assert parse_path("M3 4l2 0 0-5-2 1zM10 10l1 0 0 1z") == (((3, 4), (5, 4), (5, -1), (3, 0)),
                                                              ((10, 10), (11, 10), (11, 11)))
    assert bounds(parse_path("M3 4l2 0 0-5-2 1z")) == (3, -1, 2, 5)


def test_coarser_units_round_absolute_points_and_drop_rings_too_small_to_draw() -> None:
    ring = ((0, 0), (29, 0), (31, 19), (0, 21))
    assert encode_rings([ring], 10) == "M0 0l3 0 0 2-3 0z"  # not the sum of rounded steps
    assert encode_rings([((0, 0), (4, 0), (4, 4))], 10) == ""


def test_point_and_rectangle_tests_on_an_l_shape() -> None:
    rings = (L_SHAPE,)
    assert point_in_rings(2, 8, rings) and not point_in_rings(8, 8, rings)
    assert rect_inside_rings((1, 1, 2, 2), rings)
    assert not rect_inside_rings((3, 3, 2, 2), rings)  # pokes into the notch
    assert rect_meets_rings((3, 3, 2, 2), rings)
    assert not rect_meets_rings((5, 5, 4, 4), rings)  # wholly inside the notch
    assert rect_meets_rings((-5, -5, 20, 20), rings)  # encloses the whole shape
    assert rect_meets_rings((1, 5, 1, 1), rings) and not rect_meets_rings((20, 20, 1, 1), rings)


def test_rectangles_overlap_only_when_their_insides_do() -> None:
    assert rects_overlap((0, 0, 2, 2), (1, 1, 2, 2))
    assert not rects_overlap((0, 0, 2, 2), (2, 0, 2, 2))  # sharing an edge is not overlapping


def test_outline_of_two_neighbours_is_their_union() -> None:
    left = (((0, 0), (10, 0), (10, 10), (0, 10)),)
    right = (((10, 0), (20, 0), (20, 10), (10, 10)),)
    (ring,) = outline([left, right])
    assert set(ring) == {(0, 0), (10, 0), (20, 0), (20, 10), (10, 10), (0, 10)}
    assert abs(ring_area(ring)) == 200


def test_outline_of_sweden_encloses_exactly_the_area_of_its_municipalities() -> None:
    """Shared borders cancel: the outline's signed area (coast, islands, minus lakes) equals the sum of
    the municipalities' signed areas, exactly, because the data has identical shared vertices."""
    shapes = [parse_path(p) for p in all_paths()]
    rings = outline(shapes)
    assert sum(ring_area(r) for r in rings) == sum(ring_area(r) for rings_ in shapes for r in rings_)
    areas = sorted((ring_area(r) for r in rings), key=abs, reverse=True)
    mainland = areas[0]
    lakes = [a for a in areas if math.copysign(1, a) != math.copysign(1, mainland)]
    assert len(lakes) >= 7  # Vänern, Vättern, Mälaren, Hjälmaren, Storsjön, Siljan, one in Norrbotten
    assert abs(mainland) > 0.8 * sum(abs(a) for a in areas if a * mainland > 0)


def distance_to_ring(point: tuple[int, int], ring: tuple[tuple[int, int], ...]) -> float:
    best = math.inf
    for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1], strict=True):
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((point[0] - ax) * dx + (point[1] - ay) * dy) / ((dx * dx + dy * dy) or 1)))
        best = min(best, math.dist(point, (ax + t * dx, ay + t * dy)))
    return best


@pytest.mark.parametrize("tolerance", [0, 10, 50])
def test_simplifying_keeps_points_of_the_ring_and_strays_no_further_than_the_tolerance(
        tolerance: int) -> None:
    for path in all_paths()[:60]:
        for ring in parse_path(path):
            simple = simplify_ring(ring, tolerance)
            assert simple[0] == ring[0] and set(simple) <= set(ring)
            assert all(distance_to_ring(p, simple) <= tolerance + 1e-9 for p in ring)


def test_the_locator_outline_is_small_and_computed_once() -> None:
    paths = tuple(all_paths())
    simplified_outline.cache_clear()
    first = simplified_outline(paths, 50, 40_000, 20)
    assert simplified_outline(paths, 50, 40_000, 20) is first
    assert simplified_outline.cache_info().hits == 1
    assert 500 < len(first) < 2000
    rings = parse_path(first)
    assert 3 <= len(rings) <= 20  # the mainland, Gotland, Öland and the large lakes


# --- The fast predicates against the plain ones they replaced (issue 12) -------------------------
#
# The map's hit squares made these tests fast: prepared shapes, boxes that skip whole rings, the
# rectangle's sides written out. They must answer exactly as the plain versions below (the code
# before the change), for real municipality rings and rectangles anywhere near them, including
# rectangles whose sides run through vertices, empty and inverted ones.

FloatPoint = tuple[float, float]


def reference_edges(ring: Sequence[FloatPoint]) -> list[tuple[FloatPoint, FloatPoint]]:
    return list(zip(ring, list(ring[1:]) + list(ring[:1]), strict=True))


def reference_point_in_rings(x: float, y: float, rings: Sequence[Ring]) -> bool:
    inside = False
    for ring in rings:
        for (x0, y0), (x1, y1) in reference_edges(ring):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def reference_segments_cross(a: tuple[float, float], b: tuple[float, float],
                             c: tuple[float, float], d: tuple[float, float]) -> bool:
    def side(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2, d3, d4 = side(c, d, a), side(c, d, b), side(a, b, c), side(a, b, d)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4)


def reference_corners(rect: Rect) -> list[tuple[float, float]]:
    x, y, w, h = rect
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def reference_edges_cross_rect(rect: Rect, rings: Sequence[Ring]) -> bool:
    sides = reference_edges(reference_corners(rect))
    x, y, w, h = rect
    for ring in rings:
        for p, q in reference_edges(ring):
            if (p[0] < x and q[0] < x) or (p[0] > x + w and q[0] > x + w) or \
                    (p[1] < y and q[1] < y) or (p[1] > y + h and q[1] > y + h):
                continue
            if x < p[0] < x + w and y < p[1] < y + h:
                return True
            if any(reference_segments_cross(p, q, s, t) for s, t in sides):
                return True
    return False


def reference_rect_meets(rect: Rect, rings: Sequence[Ring]) -> bool:
    return reference_edges_cross_rect(rect, rings) or any(
        reference_point_in_rings(cx, cy, rings) for cx, cy in reference_corners(rect))


def reference_rect_inside(rect: Rect, rings: Sequence[Ring]) -> bool:
    return not reference_edges_cross_rect(rect, rings) and all(
        reference_point_in_rings(cx, cy, rings) for cx, cy in reference_corners(rect))


CODES = sorted(load_registry().shapes)
PROPERTY_SETTINGS = settings(max_examples=400, deadline=None)


def real_rings(code: str) -> tuple[Ring, ...]:
    return parse_path(load_registry().shapes[code].path)


@st.composite
def coordinate(draw: st.DrawFn, low: int, high: int, snaps: Sequence[int]) -> float:
    """A coordinate near a shape: any float, a whole number, or exactly one of its vertices'."""
    return draw(st.one_of(st.floats(low, high), st.integers(low, high).map(float), st.sampled_from(snaps)))


def midpoints(rings: Sequence[Ring]) -> list[FloatPoint]:
    """The middle of each side: exactly on it, so a corner there has a cross product of exactly 0."""
    return [((x0 + x1) / 2, (y0 + y1) / 2) for ring in rings for (x0, y0), (x1, y1) in reference_edges(ring)]


@st.composite
def shape_and_rect(draw: st.DrawFn) -> tuple[tuple[Ring, ...], Rect]:
    """A real municipality and a rectangle around, across or inside it: from tiny (and empty or
    inverted) to larger than the map's hit squares, with sides that may run through its vertices
    and corners that may lie on its sides."""
    rings = real_rings(draw(st.sampled_from(CODES)))
    x, y, w, h = bounds(rings)
    xs = [p[0] for ring in rings for p in ring]
    ys = [p[1] for ring in rings for p in ring]
    left = draw(coordinate(x - 700, x + w + 100, xs))
    top = draw(coordinate(y - 700, y + h + 100, ys))
    if draw(st.booleans()):
        left, top = draw(st.sampled_from(midpoints(rings)))
    extent = st.one_of(st.floats(0, 1400), st.integers(0, 1400).map(float),
                       st.sampled_from([0.0, 1e-300, 577.78]), st.floats(-50, 0))
    width, height = draw(extent), draw(extent)
    far = draw(st.sampled_from(["any", "vertex", "side"]))
    if far == "vertex":
        width, height = draw(st.sampled_from(xs)) - left, draw(st.sampled_from(ys)) - top
    elif far == "side":  # half-integers: left + width gives the point back exactly
        mx, my = draw(st.sampled_from(midpoints(rings)))
        width, height = mx - left, my - top
    return rings, (left, top, width, height)


@PROPERTY_SETTINGS
@given(shape_and_rect())
def test_rect_meets_answers_as_the_plain_version(case: tuple[tuple[Ring, ...], Rect]) -> None:
    rings, rect = case
    expected = reference_rect_meets(rect, rings)
    assert rect_meets_rings(rect, rings) == expected
    assert prepared_rect_meets(rect, prepare(rings)) == expected


@PROPERTY_SETTINGS
@given(shape_and_rect())
def test_rect_inside_answers_as_the_plain_version(case: tuple[tuple[Ring, ...], Rect]) -> None:
    rings, rect = case
    expected = reference_rect_inside(rect, rings)
    assert rect_inside_rings(rect, rings) == expected
    assert prepared_rect_inside(rect, prepare(rings)) == expected


@PROPERTY_SETTINGS
@given(shape_and_rect())
def test_point_in_rings_answers_as_the_plain_version(case: tuple[tuple[Ring, ...], Rect]) -> None:
    rings, (x, y, _, _) = case
    expected = reference_point_in_rings(x, y, rings)
    assert point_in_rings(x, y, rings) == expected
    assert prepared_point_inside(x, y, prepare(rings)) == expected


@PROPERTY_SETTINGS
@given(shape_and_rect(), st.data())
def test_an_edge_crosses_the_rectangle_as_the_four_orientation_tests_say(
        case: tuple[tuple[Ring, ...], Rect], data: st.DataObject) -> None:
    """The written-out test of one side of a ring against the rectangle's four sides."""
    rings, rect = case
    ring = data.draw(st.sampled_from(rings))
    i = data.draw(st.integers(0, len(ring) - 1))
    (x0, y0), (x1, y1) = ring[i], ring[(i + 1) % len(ring)]
    x, y, w, h = rect
    corner = data.draw(st.sampled_from([None, 0, 1, 2, 3]))
    if corner is not None:  # that corner exactly on this edge, whole sides: the sums stay exact
        w, h = float(round(w)), float(round(h))
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        x, y = (mx - w if corner in (1, 2) else mx), (my - h if corner in (2, 3) else my)
        rect = (x, y, w, h)
    expected = any(reference_segments_cross((x0, y0), (x1, y1), s, t)
                   for s, t in reference_edges(reference_corners(rect)))
    assert _crosses_a_side(x0, y0, x1, y1, x, y, x + w, y + h) == expected


def through_and_between(values: Sequence[int]) -> list[float]:
    """Coordinates on each vertex line and just either side of it."""
    return sorted({v + d for v in values for d in (-0.5, 0.0, 0.5)})


WITH_HOLE = (((0, 0), (12, 0), (12, 12), (0, 12)), ((4, 4), (4, 8), (8, 8), (8, 4)))
SMALL_SHAPES = [(SQUARE,), (L_SHAPE,), WITH_HOLE, real_rings("0184"), real_rings("0127")]  # Solna, Botkyrka


@pytest.mark.parametrize("rings", SMALL_SHAPES)
def test_points_on_every_vertex_line_answer_as_the_plain_version(rings: tuple[Ring, ...]) -> None:
    """Rings are skipped by their boxes, half-open on the far sides: the edges of those boxes are
    where a skip could differ, so every point on a vertex line (and beside it) is tried."""
    prepared = prepare(rings)
    for x in through_and_between([p[0] for ring in rings for p in ring]):
        for y in through_and_between([p[1] for ring in rings for p in ring]):
            assert prepared_point_inside(x, y, prepared) == reference_point_in_rings(x, y, rings), (x, y)


@pytest.mark.parametrize("rings", SMALL_SHAPES[:3])
def test_rectangles_between_vertex_lines_answer_as_the_plain_version(rings: tuple[Ring, ...]) -> None:
    prepared = prepare(rings)
    xs = through_and_between([p[0] for ring in rings for p in ring])
    ys = through_and_between([p[1] for ring in rings for p in ring])
    for left in xs:
        for top in ys:
            for right in xs:
                for bottom in ys:
                    rect = (left, top, right - left, bottom - top)
                    assert prepared_rect_meets(rect, prepared) == reference_rect_meets(rect, rings), rect
                    assert prepared_rect_inside(rect, prepared) == reference_rect_inside(rect, rings), rect
