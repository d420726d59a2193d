"""The map: visited municipalities are links with accessible names, in north-to-south order."""

from __future__ import annotations

import gzip
from pathlib import Path

from sbuv_site.municipalities import load_registry
from tests.htmltree import Node, parse_file


def map_svg(out: Path, url: str = "karta/index.html") -> Node:
    return parse_file(out / url).find("svg", class_="visit-map")


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


def test_unvisited_municipalities_are_drawn_but_not_links(full_site: Path) -> None:
    svg = map_svg(full_site)
    unvisited = svg.find("g", class_="muni")
    assert unvisited.find_all("a") == []
    names = [p.find("title").text() for p in unvisited.find_all("path")]
    assert len(names) == 290 - 8
    assert "Stockholm" in names and "Umeå" not in names
    visited_paths = svg.find("g", class_="visited").find_all("path")
    assert len(visited_paths) == 8 and all((p.get("d") or "").startswith("M") for p in visited_paths)


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


def test_municipality_page_has_a_locator_map_marking_only_it(full_site: Path) -> None:
    doc = parse_file(full_site / "kommuner/umea/index.html")
    svg = doc.find("svg", class_="locator-map")
    assert svg.get("aria-label") == "Umeå på Sveriges karta"
    here = svg.find("path", class_="locator-here")
    assert here.get("d") == load_registry().shapes["2480"].path
    visits = [li.text() for li in doc.find("div", class_="place-head").find_all("li")]
    assert visits == ["Besök: 1 december 2015 (källa: test)"]


def test_home_page_and_navigation_link_to_the_map(full_site: Path) -> None:
    doc = parse_file(full_site / "index.html")
    assert doc.find("nav").find("a", href="/karta/").text() == "Karta"
    assert doc.find("p", class_="map-teaser").find("a").get("href") == "/karta/"


def test_map_page_stays_under_150_kb_gzipped(full_site: Path) -> None:
    size = len(gzip.compress((full_site / "karta/index.html").read_bytes(), 9))
    assert size <= 150_000
