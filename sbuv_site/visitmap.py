"""The map of Sweden: every municipality drawn, the visited ones marked, linked and described."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from sbuv_site.dates import format_date_sv
from sbuv_site.mapgeometry import (
    PreparedShape,
    Rect,
    Ring,
    bounds,
    encode_rings,
    parse_path,
    prepare,
    prepared_rect_inside,
    prepared_rect_meets,
    rects_overlap,
    simplified_outline,
    simplify_ring,
)
from sbuv_site.model import Place, Site, Visit, posts_count_sv, sort_key_sv
from sbuv_site.municipalities import Municipality

_KIND_TEXT = {"besök": "besökt", "återbesök": "återbesök", "extrabesök": "extrabesök"}


@dataclass(frozen=True, slots=True)
class PlaceFact:
    """What the map and the lists say about one visited municipality."""

    place: Place
    label: str  # accessible name: "Umeå – 2 inlägg, besökt 1 december 2015"
    visits_text: str  # "besökt 1 december 2015; återbesök (datum okänt)"
    post_count: int


@dataclass(frozen=True, slots=True)
class CountyGroup:
    name: str
    facts: tuple[PlaceFact, ...]


@dataclass(frozen=True, slots=True)
class MapFacts:
    """Counts and per-place facts shared by the map, the list under it and /kommuner/."""

    places: tuple[PlaceFact, ...]  # in the same order as Site.places
    counties: tuple[CountyGroup, ...]  # by county code, Stockholms län first
    visited: int
    total: int
    visits_known: int  # visits listed in config.yaml
    assignment_known: int  # municipalities with a visit of the assignment (besök, återbesök)
    planned: int  # municipalities the assignment was to visit (52)


def describe_visits(visits: Sequence[Visit]) -> str:
    """Visits in words, never inventing a date: 'besökt 1 december 2015; återbesök (datum okänt)'."""
    parts = []
    for visit in visits:
        kind = _KIND_TEXT.get(visit.kind, visit.kind)
        when = " och ".join(format_date_sv(d) for d in visit.dates) if visit.dates else "(datum okänt)"
        parts.append(f"{kind} {when}")
    return "; ".join(parts)


def _label(place: Place) -> str:
    label = f"{place.municipality.name} – {posts_count_sv(len(place.posts))}"
    visits = describe_visits(place.visits)
    return f"{label}, {visits}" if visits else label


def map_facts(site: Site) -> MapFacts:
    """The facts, computed in Python so layouts only lay them out."""
    facts = tuple(PlaceFact(p, _label(p), describe_visits(p.visits), len(p.posts)) for p in site.places)
    counties: dict[str, list[PlaceFact]] = {}
    for fact in sorted(facts, key=lambda f: f.place.municipality.county_code):
        counties.setdefault(fact.place.municipality.county, []).append(fact)
    return MapFacts(
        places=facts,
        counties=tuple(CountyGroup(name, tuple(sorted(group, key=lambda f: sort_key_sv(
            f.place.municipality.name)))) for name, group in counties.items()),
        visited=len(facts),
        total=len(site.registry.municipalities),
        visits_known=site.visit_count,
        assignment_known=sum(any(v.kind != "extrabesök" for v in f.place.visits) for f in facts),
        planned=site.config.planned_visits,
    )


# --- The map of Sweden on /karta/ ---------------------------------------------------------------
#
# HTML: <div class="visit-map" role="group"> holds one decorative SVG with every unvisited
# municipality (aria-hidden, one path, no names) and, on top of it, one SVG layer per visited
# municipality holding its link. The layers share the viewBox and lie exactly on each other. SVG has
# no z-index, but these layers are HTML boxes: CSS raises the focused or hovered one above its
# neighbours, so its ring and label are never covered. No JavaScript.

MAP_NAME = "Karta över Sveriges kommuner; besökta kommuner är markerade och länkade"
# The narrowest width the map is drawn at: a 320 px wide window (WCAG 1.4.10 reflow, the same as a
# 1280 px window at 400 % zoom) minus main's 1rem padding on each side (static/css/site.css).
MIN_MAP_WIDTH_PX = 288
TARGET_PX = 26  # WCAG 2.2 2.5.8 asks for 24 x 24 CSS px; 2 px to spare for pixel rounding and borders
HIT_MARGIN_PX = 1  # a hit area keeps this far from any other visited municipality
LABEL_SIZE = 300  # map units; .map-label's font-size in site.css
LABEL_EM_WIDTH = 0.72  # a generous average glyph width of bold system fonts, in em
_HATCH = ('<defs><pattern id="hatch" width="60" height="60" patternUnits="userSpaceOnUse" '
          'patternTransform="rotate(45)"><rect width="60" height="60" class="hatch-bg"/>'
          '<line x1="0" y1="0" x2="0" y2="60" class="hatch-line"/></pattern></defs>')


@dataclass(frozen=True, slots=True)
class MapPlace:
    """Where one visited municipality's link, hit area and label go on the map (map units)."""

    fact: PlaceFact
    rings: tuple[Ring, ...]
    hit: Rect | None  # an invisible square that makes a small municipality a 24 x 24 px target
    label_x: int
    label_y: int  # baseline


def _north_to_south(site: Site, places: Sequence[Municipality]) -> list[Municipality]:
    shapes = site.registry.shapes
    return sorted(places, key=lambda m: (shapes[m.code].centroid[1], shapes[m.code].centroid[0]))


def _has_room_inside(rings: tuple[Ring, ...], shape: PreparedShape, centroid: tuple[int, int],
                     size: float) -> bool:
    """True when a size x size square fits inside the municipality (tried nearest its centroid first)."""
    x, y, w, h = bounds(rings)
    if w < size or h < size:
        return False
    step = size / 4
    spots = [(x + i * step, y + j * step) for i in range(int((w - size) / step) + 1)
             for j in range(int((h - size) / step) + 1)]
    cx, cy = centroid[0] - size / 2, centroid[1] - size / 2
    spots.sort(key=lambda s: ((s[0] - cx) ** 2 + (s[1] - cy) ** 2, s))
    return any(prepared_rect_inside((sx, sy, size, size), shape) for sx, sy in spots)


def _offsets(size: float) -> list[tuple[float, float]]:
    """Where to try a hit square, nearest the centroid first (the first ones cover it)."""
    step = size / 16
    spots = [(i * step, j * step) for i in range(-16, 17) for j in range(-16, 17) if i * i + j * j <= 256]
    return sorted(spots, key=lambda s: (s[0] ** 2 + s[1] ** 2, s))


def hit_areas(shapes: dict[str, tuple[Ring, ...]], centroids: dict[str, tuple[int, int]],
              view_box: tuple[int, int, int, int]) -> dict[str, Rect | None]:
    """A hit square for each visited municipality too small to be a 24 x 24 px target by itself.

    The square is as large as 24 px at the map's narrowest width, overlaps the municipality, stays
    inside the map and keeps HIT_MARGIN_PX away from every other visited municipality and hit
    square, so it never takes a click meant for another. Smallest municipalities choose first. When
    no spot is free (a tiny place whose neighbours are all visited), there is none: the list under
    the map links the same page with a full-size target (WCAG 2.5.8's "equivalent" exception).
    """
    vx, vy, vw, vh = view_box
    unit = vw / MIN_MAP_WIDTH_PX  # map units per CSS px at the narrowest width
    size, margin = TARGET_PX * unit, HIT_MARGIN_PX * unit
    boxes = {code: bounds(rings) for code, rings in shapes.items()}
    prepared = {code: prepare(rings) for code, rings in shapes.items()}
    placed: dict[str, Rect | None] = {}
    squares: list[Rect] = []
    offsets = _offsets(size)
    for code in sorted(shapes, key=lambda c: (boxes[c][2] * boxes[c][3], c)):
        rings, (cx, cy) = shapes[code], centroids[code]
        placed[code] = None
        if _has_room_inside(rings, prepared[code], (cx, cy), size):
            continue
        # Only what a square could reach matters: the offsets go at most `size` from the centroid,
        # so compare with the places and squares near it, not all of them (a site with hundreds of
        # visited places would otherwise spend most of its build here).
        reach = 1.5 * size + margin + unit
        near = (cx - reach, cy - reach, 2 * reach, 2 * reach)
        others = [(boxes[other], prepared[other]) for other in shapes
                  if other != code and rects_overlap(near, boxes[other])]
        close = [s for s in squares if rects_overlap(near, s)]
        half, grown_size = size / 2, size + 2 * margin
        for dx, dy in offsets:
            square = (cx + dx - half, cy + dy - half, size, size)
            if square[0] < vx or square[1] < vy or square[0] + size > vx + vw or square[1] + size > vy + vh:
                continue
            grown = (square[0] - margin, square[1] - margin, grown_size, grown_size)
            # The neighbours are the usual reason a spot is taken (found by one test, thanks to
            # _blocked's ordering); the place's own shape comes last.
            if (_blocked(grown, close, others)
                    or not prepared_rect_meets(square, prepared[code])):
                continue
            placed[code] = square
            squares.append(square)
            break
    return placed


def _blocked(grown: Rect, squares: list[Rect], others: list[tuple[Rect, PreparedShape]]) -> bool:
    """True when the grown square overlaps a hit square already placed or meets another place.

    The place found is moved to the front: the next offset lies next to this one, so the same
    neighbour most likely blocks it too, and a hemmed-in place then costs one test per offset
    instead of one per neighbour.
    """
    gx, gy, gw, gh = grown
    gr, gb = gx + gw, gy + gh  # the sums rects_overlap makes, made once
    for sx, sy, sw, sh in squares:
        if gx < sx + sw and sx < gr and gy < sy + sh and sy < gb:
            return True
    for i, (box, shape) in enumerate(others):
        bx, by, bw, bh = box
        if gx < bx + bw and bx < gr and gy < by + bh and by < gb and prepared_rect_meets(grown, shape):
            if i:
                others.insert(0, others.pop(i))
            return True
    return False


def _label_position(name: str, target: Rect, view_box: tuple[int, int, int, int]) -> tuple[int, int]:
    """Above the target (below it near the top edge), centred, pushed inside the map: never cut."""
    vx, vy, vw, vh = view_box
    x, y, w, h = target
    half = LABEL_EM_WIDTH * LABEL_SIZE * len(name) / 2
    pad = LABEL_SIZE / 4
    centre = min(max(x + w / 2, vx + half + pad), vx + vw - half - pad)
    baseline = y - LABEL_SIZE / 3
    if baseline - LABEL_SIZE < vy + pad:
        baseline = y + h + LABEL_SIZE * 1.2
    return round(centre), round(baseline)


def map_layout(site: Site, facts_of_site: MapFacts) -> list[MapPlace]:
    """The visited municipalities in Tab order (north to south), with hit areas and labels placed."""
    registry = site.registry
    facts = {f.place.municipality.code: f for f in facts_of_site.places}
    shapes = {code: parse_path(registry.shapes[code].path) for code in facts}
    centroids = {code: registry.shapes[code].centroid for code in facts}
    hits = hit_areas(shapes, centroids, registry.view_box)
    places = []
    for m in _north_to_south(site, [f.place.municipality for f in facts.values()]):
        rings, hit = shapes[m.code], hits[m.code]
        x, y, w, h = bounds(rings)
        if hit:
            x2, y2 = max(x + w, hit[0] + hit[2]), max(y + h, hit[1] + hit[3])
            x, y = min(x, hit[0]), min(y, hit[1])
            w, h = x2 - x, y2 - y
        label_x, label_y = _label_position(m.name, (x, y, w, h), registry.view_box)
        places.append(MapPlace(facts[m.code], rings, hit, label_x, label_y))
    return places


def visit_map_svg(site: Site, facts_of_site: MapFacts) -> str:
    """The whole map: the unvisited municipalities as one decorative SVG, each visited one a link
    with an accessible name in its own SVG layer on top, in north-to-south Tab order."""
    registry = site.registry
    x, y, w, h = registry.view_box
    box = f'viewBox="{x} {y} {w} {h}"'
    visited = {f.place.municipality.code for f in facts_of_site.places}
    rest = "".join(registry.shapes[m.code].path for m in registry.municipalities if m.code not in visited)
    # The box keeps the map's shape (site.css gives .visit-map the viewBox's aspect-ratio: a style
    # attribute here would need 'unsafe-inline' in the Content-Security-Policy); every layer fills it
    # (and letterboxes alike if a print or zoom rule ever caps its height), so the layers stay on top
    # of each other exactly.
    out = [f'<div class="visit-map" role="group" aria-label="{MAP_NAME}">',
           f'<svg class="map-base" {box} aria-hidden="true">{_HATCH}'
           + (f'<path class="muni" d="{rest}"/>' if rest else "") + "</svg>"]
    for place in map_layout(site, facts_of_site):
        fact = place.fact
        hit = ""
        if place.hit:
            hx, hy, hw, hh = (round(v) for v in place.hit)
            hit = f'<rect class="hit" x="{hx}" y="{hy}" width="{hw}" height="{hh}"/>'
        path = registry.shapes[fact.place.municipality.code].path
        out.append(
            f'<svg class="map-place" {box} role="none"><a href="{escape(fact.place.url)}" '
            f'aria-label="{escape(fact.label)}">{hit}<path d="{path}"/>'
            f'<text x="{place.label_x}" y="{place.label_y}" class="map-label" aria-hidden="true">'
            f'{escape(fact.place.municipality.name)}</text></a></svg>'
        )
    out.append("</div>")
    return "\n".join(out)


# --- The locator map on a municipality's page -----------------------------------------------------
#
# Drawing all 290 borders made the locator 22 KB of a 25 KB page. At 7rem (112 px) a map unit is
# 1/57 px, so the locator draws Sweden's outline (the union of the municipalities, computed once per
# process) and the municipality itself, both simplified and in 2 km units, plus a ring round it.

LOCATOR_UNIT = 20  # map units (100 m) per locator unit: 2 km
LOCATOR_TOLERANCE = 50  # Douglas–Peucker tolerance in map units: 5 km, under 1 px at 112 px
LOCATOR_MIN_AREA = 40_000  # islands and lakes under 400 km² (about 3 px² at 112 px) are left out


def locator_svg(site: Site, municipality: Municipality) -> str:
    """A small map of Sweden with one municipality marked, for its own page (about 2 KB)."""
    registry = site.registry
    x, y, w, h = (round(v / LOCATOR_UNIT) for v in registry.view_box)
    land = simplified_outline(tuple(registry.shapes[m.code].path for m in registry.municipalities),
                              LOCATOR_TOLERANCE, LOCATOR_MIN_AREA, LOCATOR_UNIT)
    shape = registry.shapes[municipality.code]
    here = encode_rings((simplify_ring(r, LOCATOR_TOLERANCE / 2) for r in parse_path(shape.path)),
                        LOCATOR_UNIT)
    cx, cy = (round(v / LOCATOR_UNIT) for v in shape.centroid)
    return (
        f'<svg class="locator-map" viewBox="{x} {y} {w} {h}" role="img" '
        f'aria-label="{escape(municipality.name)} på Sveriges karta">'
        f'<path class="locator-land" d="{land}"/>'
        + (f'<path class="locator-here" d="{here}"/>' if here else "")
        + f'<circle class="locator-dot" cx="{cx}" cy="{cy}" r="20"/></svg>'
    )
