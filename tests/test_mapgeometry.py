"""Plane geometry on the map's paths: reading and writing them, rectangles against shapes, the outline."""

from __future__ import annotations

import math

import pytest

from sbuv_site.mapgeometry import (
    bounds,
    encode_rings,
    outline,
    parse_path,
    point_in_rings,
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
