"""The map for every reader, in Chromium: what a screen reader gets, what a finger can hit, what the
keyboard shows, and how it behaves at 400 % zoom. No JavaScript on the page; the tests' own scripts
only measure.

Two sites: the 'full' fixture (8 visited places, far apart) and a 'crowded' one built here with the
real site's visits, whose close pairs (Tyresö and Haninge 8 px apart on a phone, Kalix and Luleå,
Karlshamn and Karlskrona) are what the hit areas and focus layers are for.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import pytest

from sbuv_site.build import BuildOptions, build
from sbuv_site.municipalities import load_registry
from tests.browser.harness import PAGES, axe_violations, expect, served
from tests.conftest import NOW, write_site
from tests.test_visitmap import REAL_VISITS

pytestmark = pytest.mark.browser

MAP = PAGES["map"]
TALL = 1400  # px: the whole map fits in the viewport, so elementFromPoint reaches every part of it
SCALE = 4  # device pixels per CSS px in screenshots whose pixels are read

# JavaScript run by the tests (the page itself has none).
LINKS = """() => [...document.querySelectorAll('.visit-map a')].map(a => {
    const r = a.getBoundingClientRect();
    return {href: a.getAttribute('href'), x: r.x, y: r.y, width: r.width, height: r.height};
})"""
# For each map link: does some 24 x 24 px square hit-test to it at every pixel? (WCAG 2.5.8 target size)
LARGEST_OWN_SQUARE = """() => [...document.querySelectorAll('.visit-map a')].map(a => {
    const r = a.getBoundingClientRect(), step = 1, n = 25;  // 25 samples 1 px apart span 24 px
    const cols = Math.floor(r.width / step) + 1, rows = Math.floor(r.height / step) + 1;
    const own = [];
    for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) {
        const e = document.elementFromPoint(r.x + i * step + 0.5, r.y + j * step + 0.5);
        own.push(!!e && e.closest('a') === a);
    }
    let found = false;
    for (let j = 0; j + n <= rows && !found; j++) for (let i = 0; i + n <= cols && !found; i++) {
        let all = true;
        for (let q = 0; q < n && all; q++)
            for (let p = 0; p < n && all; p++) all = own[(j + q) * cols + i + p];
        found = all;
    }
    return {href: a.getAttribute('href'), found};
})"""
# Points well inside each visited shape (2 px from its border) that hit-test to another link.
STOLEN = """() => {
    const stolen = [];
    for (const a of document.querySelectorAll('.visit-map a')) {
        const path = a.querySelector('path'), svg = path.ownerSVGElement;
        const toUser = svg.getScreenCTM().inverse(), r = path.getBoundingClientRect();
        const inside = (x, y) => path.isPointInFill(new DOMPoint(x, y).matrixTransform(toUser));
        for (let y = r.y; y <= r.bottom; y += 2) for (let x = r.x; x <= r.right; x += 2) {
            const near = [[0, 0], [2, 0], [-2, 0], [0, 2], [0, -2]];
            if (!near.every(([dx, dy]) => inside(x + dx, y + dy))) continue;
            const e = document.elementFromPoint(x, y), hit = e && e.closest('a');
            if (hit !== a) stolen.push(`${a.getAttribute('href')} at ${x.toFixed(0)},${y.toFixed(0)}: ` +
                                       (hit ? hit.getAttribute('href') : e && e.localName));
        }
    }
    return stolen;
}"""
# A point in map units (the viewBox) as a point in the window.
TO_SCREEN = """([x, y]) => {
    const svg = document.querySelector('.visit-map .map-base');
    const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM());
    return [p.x, p.y];
}"""
# A shape's own box in the window (its fill: getBoundingClientRect adds the stroke's miter joins).
SHAPE_BOX = """p => { const b = p.getBBox(), m = p.getScreenCTM();
    const a = new DOMPoint(b.x, b.y).matrixTransform(m);
    const z = new DOMPoint(b.x + b.width, b.y + b.height).matrixTransform(m);
    return {x: a.x, y: a.y, width: z.x - a.x, height: z.y - a.y}; }"""
HIT_AT = """([x, y]) => { const e = document.elementFromPoint(x, y), a = e && e.closest('a');
                         return a ? a.getAttribute('href') : (e ? e.localName : null); }"""
# Points 1 px outside a shape's border, in the window: inside the outer half of a 3 px ring, beyond a
# neighbour's 1.5 px border. If the focused shape were not on top, a later neighbour's fill shows there.
OUTSIDE_BORDER = """a => {
    const path = a.querySelector('path'), m = path.getScreenCTM(), toUser = m.inverse();
    const total = path.getTotalLength(), step = 1 / m.a;  // 1 px along the border, in map units
    const at = l => path.getPointAtLength(Math.max(0, Math.min(total, l))).matrixTransform(m);
    const inside = (x, y) => path.isPointInFill(new DOMPoint(x, y).matrixTransform(toUser));
    const points = [];
    for (let i = 0; i < 96; i++) {
        const l = total * (i + 0.5) / 96, p = at(l), p0 = at(l - 2 * step), p1 = at(l + 2 * step);
        const tx = p1.x - p0.x, ty = p1.y - p0.y, len = Math.hypot(tx, ty);
        const bend = Math.abs((p.x - p0.x) * ty - (p.y - p0.y) * tx) / len;
        if (len < 3.5 || bend > 0.05) continue;  // near a corner the border has no single direction
        let nx = -ty / len, ny = tx / len;
        if (inside(p.x + nx, p.y + ny)) { nx = -nx; ny = -ny; }
        const clear = [0.5, 1, 1.5].every(
            k => !inside(p.x + k * nx, p.y + k * ny) && inside(p.x - k * nx, p.y - k * ny));
        if (clear) points.push([p.x + nx, p.y + ny]);  // (not where the shape is thinner than 3 px)
    }
    return points;
}"""
PIXELS = """async ([png, points]) => {
    const img = new Image(); img.src = 'data:image/png;base64,' + png; await img.decode();
    const canvas = new OffscreenCanvas(img.width, img.height), g = canvas.getContext('2d');
    g.drawImage(img, 0, 0);
    return points.map(([x, y]) => Array.from(g.getImageData(x, y, 1, 1).data.slice(0, 3)));
}"""


@pytest.fixture(scope="module")
def crowded_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site whose visits are the real site's (config.yaml), built and served on a free port."""
    root = tmp_path_factory.mktemp("crowded")
    visits = "".join(f"  - municipality: {name}\n    dates: []\n    kind: besök\n    source: test\n"
                     for name in REAL_VISITS)
    write_site(root / "site", {"content/pages/om.md": "---\ntitle: Om\n---\n\nText.\n"}, "visits:\n" + visits)
    out = root / "output"
    build(root / "site", BuildOptions(output=out, now=NOW))
    with served(out) as url:
        yield url


@pytest.fixture
def sharp_page(browser: Any, crowded_url: str) -> Iterator[Any]:
    """A page of the crowded site whose screenshots have SCALE device pixels per CSS px."""
    context = browser.new_context(base_url=crowded_url, device_scale_factor=SCALE)
    yield context.new_page()
    context.close()


def north_to_south(names: list[str]) -> list[str]:
    registry = load_registry()
    return sorted(names, key=lambda n: registry.shapes[registry.lookup(n).code].centroid[::-1])


def snapshot_links(snapshot: str) -> tuple[str, list[str]]:
    """The group's name and its links' names, from an aria snapshot; fails on anything else in it."""
    lines = snapshot.splitlines()
    group = re.fullmatch(r'- group "(.+)":', lines[0])
    assert group, lines[0]
    links, other = [], []
    for line in lines[1:]:
        if match := re.fullmatch(r'  - link "(.+)":', line):
            links.append(match.group(1))
        elif not re.fullmatch(r"    - /url: /kommuner/[a-z0-9-]+/", line):
            other.append(line)
    assert other == [], f"the map exposes more than its links: {other}"
    return group.group(1), links


@pytest.mark.parametrize("site", ["full", "crowded"])
def test_accessibility_tree_of_the_map_is_the_visited_municipalities_as_links_in_order(
        page: Any, request: pytest.FixtureRequest, site: str) -> None:
    base = request.getfixturevalue("crowded_url") if site == "crowded" else ""
    page.goto(base + MAP)
    listed = page.eval_on_selector_all(".map-list a", "els => els.map(a => a.textContent.trim())")
    name, links = snapshot_links(page.locator(".visit-map").aria_snapshot())
    assert name.startswith("Karta över Sveriges kommuner")
    assert [link.split(" – ")[0] for link in links] == north_to_south(listed)
    assert all(re.fullmatch(r"[^–]+ – (\d+|inga) inlägg.*", link) for link in links), links
    if site == "crowded":
        assert len(links) == len(REAL_VISITS)
    # Nothing of the 271+ unvisited municipalities reaches assistive technology, anywhere on the page.
    whole = page.locator("main").aria_snapshot()
    assert not {"Kiruna", "Nacka", "Ystad", "Solna"} & set(re.findall(r"\w+", whole))
    tree = page.evaluate("() => document.querySelector('.map-base').closest('[aria-hidden=true]') !== null")
    assert tree


@pytest.mark.parametrize("width", [320, 375])  # wider windows draw the same map larger
def test_every_visited_municipality_is_a_target_of_at_least_24_px_that_steals_from_none(
        page: Any, crowded_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": TALL})
    page.goto(crowded_url + MAP)
    links = page.evaluate(LINKS)
    assert len(links) == len(REAL_VISITS)
    small = [link for link in links if link["width"] < 24 or link["height"] < 24]
    assert small == [], f"targets under 24 x 24 px at {width} px"
    without_square = [r["href"] for r in page.evaluate(LARGEST_OWN_SQUARE) if not r["found"]]
    assert without_square == [], f"no 24 x 24 px area of their own at {width} px"
    stolen = page.evaluate(STOLEN)
    assert stolen == [], "\n".join(stolen[:20])


@pytest.mark.parametrize("width", [375, 1280])
def test_each_centroid_hit_tests_to_its_own_municipality_even_for_close_neighbours(
        page: Any, crowded_url: str, width: int) -> None:
    registry = load_registry()
    page.set_viewport_size({"width": width, "height": TALL})
    page.goto(crowded_url + MAP)
    for name in REAL_VISITS:
        m = registry.lookup(name)
        point = page.evaluate(TO_SCREEN, list(registry.shapes[m.code].centroid))
        assert page.evaluate(HIT_AT, point) == f"/kommuner/{m.slug}/", name


def relative_luminance(rgb: tuple[int, ...]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def rgb(css: str) -> tuple[int, ...]:
    return tuple(int(v) for v in re.findall(r"\d+", css)[:3])


@pytest.mark.parametrize("width", [375, 1280])
def test_the_focused_municipality_is_drawn_on_top_with_a_visible_ring(sharp_page: Any, width: int) -> None:
    """Luleå borders Kalix, which comes later in the map: unraised, Kalix's shape would cover part of
    Luleå's ring. Every point of the focused border must show the ring colour, and the label must sit
    inside the map, off the shape."""
    registry = load_registry()
    page = sharp_page
    page.set_viewport_size({"width": width, "height": TALL})
    page.goto(MAP)
    land = rgb(page.evaluate("getComputedStyle(document.querySelector('.visit-map .muni')).fill"))
    background = rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    box = page.locator(".visit-map").bounding_box()
    for name in ["Kalix", "Luleå", "Tyresö", "Haninge", "Karlshamn", "Karlskrona"]:
        m = registry.lookup(name)
        link = page.locator(f".visit-map a[href='/kommuner/{m.slug}/']")
        link.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
        expect(link).to_be_focused()
        style = link.locator("path").evaluate(
            "p => { const s = getComputedStyle(p); return [s.stroke, s.strokeWidth, s.vectorEffect]; }")
        ring, ring_width, effect = rgb(style[0]), float(style[1].removesuffix("px")), style[2]
        assert ring_width >= 2 and effect == "non-scaling-stroke", (name, style)
        assert contrast(ring, land) >= 3 and contrast(ring, background) >= 3, (name, ring, land, background)
        point = page.evaluate(TO_SCREEN, list(registry.shapes[m.code].centroid))
        assert page.evaluate(HIT_AT, point) == f"/kommuner/{m.slug}/", name

        points = link.evaluate(OUTSIDE_BORDER)
        assert points, name
        shape = link.locator("path").evaluate(SHAPE_BOX)
        clip = {"x": shape["x"] - 8, "y": shape["y"] - 8,
                "width": shape["width"] + 16, "height": shape["height"] + 16}
        shot = base64.b64encode(page.screenshot(clip=clip)).decode()
        in_shot = [[round((x - clip["x"]) * SCALE), round((y - clip["y"]) * SCALE)] for x, y in points]
        pixels = page.evaluate(PIXELS, [shot, in_shot])
        off = [(p, px) for p, px in zip(points, pixels, strict=True)
               if max(abs(a - b) for a, b in zip(px, ring, strict=True)) > 60]
        assert len(off) <= len(points) // 10, f"{name}: its ring is covered at {off}"  # rounding at bends

        label = link.locator(".map-label")
        expect(label).to_be_visible()
        lb = label.bounding_box()
        assert box["x"] <= lb["x"] and lb["x"] + lb["width"] <= box["x"] + box["width"], (name, lb, box)
        assert box["y"] <= lb["y"] and lb["y"] + lb["height"] <= box["y"] + box["height"], (name, lb, box)
        assert lb["y"] + lb["height"] <= shape["y"] + 1 or lb["y"] >= shape["y"] + shape["height"] - 1, name


def test_the_map_grows_with_zoom_to_400_percent_without_sideways_scrolling(
        page: Any, crowded_url: str) -> None:
    """A 1280 x 800 window at 400 % zoom is 320 x 200 CSS px. A map capped at 85vh was 170 px tall (71 px
    wide) there; now it fills the column, and every link is still a 24 px target."""
    page.set_viewport_size({"width": 320, "height": 200})
    page.goto(crowded_url + MAP)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    box = page.locator(".visit-map").bounding_box()
    assert box["width"] >= 280 and box["height"] > 600, box
    assert all(link["width"] >= 24 and link["height"] >= 24 for link in page.evaluate(LINKS))


def test_on_a_phone_the_list_of_names_comes_right_after_the_map_and_links_the_same_pages(
        page: Any, crowded_url: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(crowded_url + MAP)
    figure = page.locator(".map-figure").bounding_box()
    heading = page.locator(".map-list h2").bounding_box()
    assert 0 <= heading["y"] - (figure["y"] + figure["height"]) < 80, (figure, heading)
    hrefs = "els => els.map(a => a.getAttribute('href'))"
    map_links = sorted(page.eval_on_selector_all(".visit-map a", hrefs))
    listed = sorted(page.eval_on_selector_all(".map-list a", hrefs))
    assert map_links == listed and len(listed) == len(REAL_VISITS)
    # The list is the map's equivalent on touch screens. Its links are a line of text high, so WCAG 2.5.8
    # asks for spacing instead: 24 px circles round their centres must not meet.
    centres = page.eval_on_selector_all(
        ".map-list a", "els => els.map(a => a.getBoundingClientRect()).map(r => r.y + r.height / 2)")
    assert min(b - a for a, b in zip(centres, centres[1:], strict=False)) >= 24


def test_the_map_page_has_no_script_and_passes_axe(page: Any, crowded_url: str) -> None:
    page.goto(crowded_url + MAP)
    assert page.evaluate("document.scripts.length") == 0
    found = axe_violations(page)
    assert not found, "\n".join(found)


def test_municipality_page_locator_is_small_and_named(page: Any, page_problems: list[str]) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(PAGES["municipality"])
    locator = page.locator("svg.locator-map")
    expect(locator).to_have_accessible_name("Umeå på Sveriges karta")
    box = locator.bounding_box()
    assert 100 <= box["width"] <= 130 and box["height"] > 2 * box["width"], box
    dot = page.locator(".locator-dot").bounding_box()
    assert box["x"] < dot["x"] < box["x"] + box["width"] and box["y"] < dot["y"] < box["y"] + box["height"]
    assert page_problems == []


def test_a_height_cap_such_as_a_print_rule_keeps_every_link_on_its_shape(page: Any, crowded_url: str) -> None:
    """All layers fill one box and letterbox alike, so capping its height moves nothing off its shape."""
    registry = load_registry()
    page.set_viewport_size({"width": 800, "height": TALL})
    page.goto(crowded_url + MAP)
    page.add_style_tag(content=".visit-map { max-height: 700px; }")  # 292 px wide in a 416 px box
    assert abs(page.locator(".visit-map").bounding_box()["height"] - 700) < 1
    for name in REAL_VISITS:
        m = registry.lookup(name)
        point = page.evaluate(TO_SCREEN, list(registry.shapes[m.code].centroid))
        assert page.evaluate(HIT_AT, point) == f"/kommuner/{m.slug}/", name
