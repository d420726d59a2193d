"""The map of Sweden: every municipality drawn, the visited ones marked, linked and described."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from sbuv_site.dates import format_date_sv
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


def _north_to_south(site: Site, places: Sequence[Municipality]) -> list[Municipality]:
    shapes = site.registry.shapes
    return sorted(places, key=lambda m: (shapes[m.code].centroid[1], shapes[m.code].centroid[0]))


def visit_map_svg(site: Site, facts_of_site: MapFacts) -> str:
    """The whole map as inline SVG: visited municipalities are links, in north-to-south Tab order."""
    registry = site.registry
    facts = {f.place.municipality.code: f for f in facts_of_site.places}
    x, y, w, h = registry.view_box
    out = [
        f'<svg class="visit-map" viewBox="{x} {y} {w} {h}" role="group" '
        f'aria-labelledby="map-title" xmlns="http://www.w3.org/2000/svg">',
        '<title id="map-title">Karta över Sveriges kommuner; '
        "besökta kommuner är markerade och länkade</title>",
        '<defs><pattern id="hatch" width="60" height="60" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="60" height="60" class="hatch-bg"/>'
        '<line x1="0" y1="0" x2="0" y2="60" class="hatch-line"/></pattern></defs>',
        '<g class="muni">',
    ]
    for m in registry.municipalities:
        if m.code not in facts:
            out.append(f'<path d="{registry.shapes[m.code].path}"><title>{escape(m.name)}</title></path>')
    out.append("</g>\n<g class=\"visited\">")
    for m in _north_to_south(site, [f.place.municipality for f in facts.values()]):
        fact, shape = facts[m.code], registry.shapes[m.code]
        cx, cy = shape.centroid
        out.append(
            f'<a href="{escape(fact.place.url)}" aria-label="{escape(fact.label)}">'
            f'<path d="{shape.path}"/>'
            f'<text x="{cx}" y="{cy - 40}" class="map-label" aria-hidden="true">{escape(m.name)}</text></a>'
        )
    out.append("</g></svg>")
    return "\n".join(out)


def locator_svg(site: Site, municipality: Municipality) -> str:
    """A small map of Sweden with one municipality marked, for its own page."""
    registry = site.registry
    x, y, w, h = registry.view_box
    others = " ".join(registry.shapes[m.code].path for m in registry.municipalities
                      if m.code != municipality.code)
    shape = registry.shapes[municipality.code]
    cx, cy = shape.centroid
    return (
        f'<svg class="locator-map" viewBox="{x} {y} {w} {h}" role="img" '
        f'aria-label="{escape(municipality.name)} på Sveriges karta" xmlns="http://www.w3.org/2000/svg">'
        f'<path class="locator-rest" d="{others}"/>'
        f'<path class="locator-here" d="{shape.path}"/>'
        f'<circle class="locator-dot" cx="{cx}" cy="{cy}" r="400"/></svg>'
    )
