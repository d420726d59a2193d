"""The map: visited municipalities are links with accessible names, in north-to-south order; the rest
is decoration; small places get a hit area; municipality pages get a small locator map."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from sbuv_site.mapgeometry import bounds, parse_path, rect_inside_rings, rect_meets_rings, rects_overlap
from sbuv_site.municipalities import load_registry
from sbuv_site.visitmap import (
    HIT_MARGIN_PX,
    LABEL_EM_WIDTH,
    LABEL_SIZE,
    MIN_MAP_WIDTH_PX,
    _label_position,
    hit_areas,
)
from tests.conftest import BUILTIN_STATIC
from tests.htmltree import Node, parse_file
from tests.regen_map_golden import MAP_HITS, golden_cases, squares_for

# The visits the real site lists (config.yaml), with the close pairs Tyresö/Haninge (8 px apart on a
# phone), Kalix/Luleå and Karlshamn/Karlskrona, plus Östersund and Tierp, sourced for issue 10.
REAL_VISITS = ["Umeå", "Vetlanda", "Torsby", "Göteborg", "Borås", "Luleå", "Skövde", "Sjöbo", "Karlskrona",
               "Kalmar", "Jönköping", "Karlshamn", "Tyresö", "Ludvika", "Arvidsjaur", "Haninge", "Kalix",
               "Östersund", "Tierp"]


def map_svg(out: Path, url: str = "karta/index.html") -> Node:
    return parse_file(out / url).find("div", class_="visit-map")


def test_every_visited_municipality_is_a_link_with_a_descriptive_name(full_site: Path) -> None:
    svg = map_svg(full_site)
    links = {a.get("href"): a.get("aria-label") for a in svg.find_all("a")}
    assert links == {
        "/kommuner/boras/": "Borås – 1 inlägg",
        "/kommuner/goteborg/": "Göteborg – 1 inlägg",
        "/kommuner/haninge/": "Haninge – 1 inlägg",
        "/kommuner/kalix/": "Kalix – 1 inlägg",
        "/kommuner/skovde/": "Skövde – inga inlägg, återbesök 21 mars 2017",
        "/kommuner/torsby/": "Torsby – inga inlägg, besökt (datum okänt)",
        "/kommuner/umea/": "Umeå – 1 inlägg, besökt 1 december 2015",
        "/kommuner/vetlanda/": "Vetlanda – 1 inlägg",
    }
    for href in links:
        assert (full_site / href.strip("/") / "index.html").is_file()


def test_unvisited_municipalities_are_one_decorative_shape_without_names(full_site: Path) -> None:
    registry = load_registry()
    box = map_svg(full_site)
    assert box.get("role") == "group"
    assert (box.get("aria-label") or "").startswith("Karta över Sveriges kommuner")
    base = box.find("svg", class_="map-base")
    assert base.get("aria-hidden") == "true"
    assert base.find_all("a") == [] and base.find_all("title") == [] and base.find_all("text") == []
    visited = {a.get("href") for a in box.find_all("a")}
    unvisited = [m for m in registry.municipalities if f"/kommuner/{m.slug}/" not in visited]
    assert len(unvisited) == 290 - 8
    (shape,) = base.find_all("path")
    assert shape.get("d") == "".join(registry.shapes[m.code].path for m in unvisited)


def test_each_visited_municipality_is_one_link_in_its_own_layer(full_site: Path) -> None:
    registry = load_registry()
    by_slug = {m.slug: m for m in registry.municipalities}
    layers = map_svg(full_site).find_all("svg", class_="map-place")
    assert len(layers) == 8
    for layer in layers:
        assert layer.get("viewbox") == map_svg(full_site).find("svg", class_="map-base").get("viewbox")
        (link,) = layer.find_all("a")
        municipality = by_slug[link.get("href").strip("/").split("/")[-1]]
        assert link.find("path").get("d") == registry.shapes[municipality.code].path
        label = link.find("text", class_="map-label")
        assert label.text() == municipality.name and label.get("aria-hidden") == "true"
        assert link.find_all("title") == []


def test_map_page_runs_no_script(full_site: Path) -> None:
    doc = parse_file(full_site / "karta/index.html")
    assert doc.find_all("script") == []
    assert not [n for n in doc.iter() if any(k.startswith("on") for k in n.attrs)]


def test_tab_order_runs_north_to_south(full_site: Path) -> None:
    registry = load_registry()
    by_slug = {m.slug: m for m in registry.municipalities}
    order = [a.get("href").strip("/").split("/")[-1] for a in map_svg(full_site).find_all("a")]
    ys = [registry.shapes[by_slug[slug].code].centroid[1] for slug in order]
    assert ys == sorted(ys)
    assert order[0] == "kalix" and order[-1] == "vetlanda"


def test_map_page_lists_places_by_county_and_counts_honestly(full_site: Path) -> None:
    doc = parse_file(full_site / "karta/index.html")
    counts = doc.find("p", class_="counts").text()
    assert counts.startswith("8 av 290 kommuner besökta")
    assert "för 3 av dem finns besöket belagt här med källa (3 besök inlagda" in counts
    assert "besök i 52 kommuner" in counts
    section = doc.find("section", class_="map-list")
    assert [h3.text() for h3 in section.find_all("h3")] == [
        "Stockholms län", "Jönköpings län", "Västra Götalands län", "Värmlands län",
        "Västerbottens län", "Norrbottens län"]
    items = [li.text() for li in section.find_all("li")]
    assert "Umeå : besökt 1 december 2015; 1 inlägg" in items


def test_municipality_page_has_a_small_locator_map_marking_only_it(full_site: Path) -> None:
    doc = parse_file(full_site / "kommuner/umea/index.html")
    svg = doc.find("svg", class_="locator-map")
    assert svg.get("aria-label") == "Umeå på Sveriges karta"
    assert svg.get("viewbox") == "0 0 320 768"  # 2 km units
    here = parse_path(svg.find("path", class_="locator-here").get("d") or "")
    ux, uy, uw, uh = bounds(parse_path(load_registry().shapes["2480"].path))
    hx, hy, hw, hh = bounds(here)
    assert abs(hx * 20 - ux) <= 60 and abs(hy * 20 - uy) <= 60 and abs(hw * 20 - uw) <= 120
    land = svg.find("path", class_="locator-land").get("d") or ""
    assert 3 <= len(parse_path(land)) <= 20  # Sweden's outline, not 290 borders
    dot = svg.find("circle", class_="locator-dot")
    cx, cy = load_registry().shapes["2480"].centroid
    assert (int(dot.get("cx") or 0), int(dot.get("cy") or 0)) == (round(cx / 20), round(cy / 20))
    visits = [li.text() for li in doc.find("div", class_="place-head").find_all("li")]
    assert visits == ["Besök: 1 december 2015 (källa: test)"]


def test_locator_map_is_a_fraction_of_the_page(full_site: Path) -> None:
    """It was 49.7 KB raw (22 KB gzip) of a 52 KB page when it drew all 290 borders."""
    for page in (full_site / "kommuner").glob("*/index.html"):
        text = page.read_text(encoding="utf-8")
        svg = text[text.index('<svg class="locator-map"'):text.index("</svg>") + len("</svg>")]
        assert len(svg.encode()) < 3_000, page
        assert len(gzip.compress(page.read_bytes(), 9)) < 5_000, page


def test_locator_marks_even_the_smallest_municipality() -> None:
    """Tyresö is 7 px wide on a phone map; in 2 km units its outline may vanish, the ring does not."""
    from sbuv_site.visitmap import locator_svg

    class FakeSite:
        registry = load_registry()

    svg = locator_svg(FakeSite(), FakeSite.registry.lookup("Tyresö"))  # type: ignore[arg-type]
    assert '<circle class="locator-dot" cx="206" cy="551" r="20"/>' in svg


def test_home_page_and_navigation_link_to_the_map(full_site: Path) -> None:
    doc = parse_file(full_site / "index.html")
    assert doc.find("nav").find("a", href="/karta/").text() == "Karta"
    assert doc.find("p", class_="map-teaser").find("a").get("href") == "/karta/"


def test_map_page_stays_under_150_kb_gzipped(full_site: Path) -> None:
    size = len(gzip.compress((full_site / "karta/index.html").read_bytes(), 9))
    assert size <= 150_000


def squares_at(names: list[str]) -> tuple[dict[str, tuple], dict[str, tuple | None], float]:
    registry = load_registry()
    codes = {registry.lookup(name).code: name for name in names}
    shapes = {code: parse_path(registry.shapes[code].path) for code in codes}
    hits = hit_areas(shapes, {code: registry.shapes[code].centroid for code in codes}, registry.view_box)
    unit = registry.view_box[2] / MIN_MAP_WIDTH_PX  # map units per CSS px on the narrowest map
    return ({codes[c]: shapes[c] for c in codes}, {codes[c]: hits[c] for c in codes}, unit)


def test_small_visited_municipalities_get_a_hit_square_of_24_px_that_touches_no_other() -> None:
    shapes, hits, unit = squares_at(REAL_VISITS)
    assert hits["Tyresö"] is not None and hits["Haninge"] is not None  # 8 px apart on a phone
    placed = {name: hit for name, hit in hits.items() if hit}
    for name, (x, y, w, h) in placed.items():
        assert w >= 24 * unit and h >= 24 * unit, name
        assert rect_meets_rings((x, y, w, h), shapes[name]), f"{name}'s square is off its shape"
        margin = HIT_MARGIN_PX * unit
        grown = (x - margin, y - margin, w + 2 * margin, h + 2 * margin)
        for other, rings in shapes.items():
            if other != name:
                assert not rect_meets_rings(grown, rings), f"{name}'s square takes clicks from {other}"
        for other, square in placed.items():
            if other != name:
                assert not rects_overlap((x, y, w, h), square), (name, other)
    for name, hit in hits.items():
        if hit is None:  # only a place with a 24 px square of its own goes without
            x, y, w, h = bounds(shapes[name])
            assert w >= 24 * unit and h >= 24 * unit


def test_a_large_municipality_needs_no_hit_square() -> None:
    shapes, hits, unit = squares_at(["Kiruna", "Gällivare"])
    assert hits == {"Kiruna": None, "Gällivare": None}
    x, y, w, h = bounds(shapes["Kiruna"])
    side = 25 * unit
    spots = [(x + i * unit, y + j * unit)
             for i in range(0, int(w / unit), 4) for j in range(0, int(h / unit), 4)]
    assert any(rect_inside_rings((sx, sy, side, side), shapes["Kiruna"]) for sx, sy in spots)


def test_a_tiny_place_hemmed_in_by_visited_neighbours_gets_no_square_that_would_steal() -> None:
    """Solna's neighbours all visited: no free spot, so no square (the list under the map is the target)."""
    names = ["Solna", "Stockholm", "Sundbyberg", "Danderyd", "Sollentuna", "Järfälla", "Lidingö"]
    shapes, hits, unit = squares_at(names)
    assert hits["Solna"] is None and hits["Sundbyberg"] is None


@pytest.mark.parametrize("width", [MIN_MAP_WIDTH_PX])
def test_every_municipality_name_fits_on_the_map_wherever_it_is(width: int) -> None:
    """Labels are placed by an estimate of their width; the browser test measures the real ones."""
    registry = load_registry()
    vx, vy, vw, vh = registry.view_box
    for m in registry.municipalities:
        box = bounds(parse_path(registry.shapes[m.code].path))
        x, y = _label_position(m.name, box, registry.view_box)
        half = LABEL_EM_WIDTH * LABEL_SIZE * len(m.name) / 2
        assert vx <= x - half and x + half <= vx + vw, m.name
        assert vy <= y - LABEL_SIZE and y <= vy + vh, m.name
        top, bottom = y - LABEL_SIZE, y + LABEL_SIZE * 0.25  # ascent of Å and descent of g, roughly
        assert bottom <= box[1] or top >= box[1] + box[3], f"{m.name}'s label covers the place itself"


def test_the_map_box_gets_its_shape_from_the_stylesheet_not_a_style_attribute(full_site: Path) -> None:
    """The Content-Security-Policy (style-src 'self') refuses style attributes: site.css holds the ratio."""
    assert map_svg(full_site).get("style") is None
    _, _, w, h = load_registry().view_box
    css = (BUILTIN_STATIC / "css" / "site.css").read_text(encoding="utf-8")
    rule = re.search(r"^\.visit-map \{[^}]*aspect-ratio: (\d+) / (\d+);", css, re.MULTILINE)
    assert rule and (int(rule.group(1)), int(rule.group(2))) == (w, h)


@pytest.mark.parametrize("case", ["all", "sample"])
def test_hit_squares_are_exactly_the_golden_ones(case: str) -> None:
    """hit_areas was sped up (issue 12): it must place the very squares the slower code placed, for
    every municipality visited and for a fixed 100 (JSON floats read back bit for bit)."""
    golden = json.loads(MAP_HITS.read_text(encoding="utf-8"))[case]
    assert golden["codes"] == golden_cases()[case]
    hits = squares_for(golden["codes"])
    expected = {code: tuple(square) if square else None for code, square in golden["hits"].items()}
    assert hits == expected, "hit squares moved (intended? python -m tests.regen_map_golden)"
