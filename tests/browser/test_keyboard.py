"""Keyboard use: the skip link comes first, and the map's municipalities are reached north to south by Tab."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sbuv_site.municipalities import Municipality, load_registry
from tests.browser.harness import PAGES, expect

pytestmark = pytest.mark.browser

SVG_NS = "http://www.w3.org/2000/svg"
FOCUSED = """() => {
    const el = document.activeElement;
    const box = el.getBoundingClientRect();
    return {tag: el.localName, href: el.getAttribute('href'), ns: el.namespaceURI,
            label: el.getAttribute('aria-label'), text: el.textContent.trim(), id: el.id,
            afterMainStart: !!(document.querySelector('main').compareDocumentPosition(el)
                               & Node.DOCUMENT_POSITION_FOLLOWING),  // inside <main> or after it
            top: box.top, bottom: box.bottom, width: box.width};
}"""


def municipalities_by_slug() -> dict[str, Municipality]:
    return {m.slug: m for m in load_registry().municipalities}


def slug_of(href: str) -> str:
    match = re.fullmatch(r"/kommuner/([a-z0-9-]+)/", href)
    assert match, f"map link {href} is not a municipality page"
    return match.group(1)


def north_to_south(hrefs: list[str]) -> list[str]:
    """Municipality links sorted by centroid, north first (the map's y grows southwards)."""
    shapes, by_slug = load_registry().shapes, municipalities_by_slug()
    return sorted(hrefs, key=lambda href: shapes[by_slug[slug_of(href)].code].centroid[1])


def hrefs(page: Any, selector: str) -> list[str]:
    return list(page.eval_on_selector_all(selector, "els => els.map(a => a.getAttribute('href'))"))


def tab(page: Any, times: int) -> list[dict[str, Any]]:
    """Press Tab `times` times; what had focus after each press."""
    seen = []
    for _ in range(times):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
    return seen


def tab_to(page: Any, href: str, limit: int = 40) -> dict[str, Any]:
    """Press Tab until the link to href has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused: dict[str, Any] = page.evaluate(FOCUSED)
        if focused["href"] == href:
            return focused
    raise AssertionError(f"{limit} presses of Tab never reached {href}")


def test_first_tab_focuses_a_visible_skip_link_whose_enter_moves_focus_into_main(page: Any) -> None:
    for path in PAGES.values():
        page.goto(path)
        first = tab(page, 1)[0]
        assert (first["href"], first["text"]) == ("#main", "Hoppa till innehållet"), path
        assert first["top"] >= 0 and first["width"] > 0, f"{path}: the focused skip link is hidden: {first}"
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
        after = tab(page, 1)[0]
        assert after["afterMainStart"], f"{path}: Tab after the skip link went back before <main>: {after}"


def test_tabbing_past_the_nav_reaches_the_map_links_north_to_south(page: Any) -> None:
    page.goto(PAGES["map"])
    header = hrefs(page, "a.skip, header a[href]")
    map_links = hrefs(page, ".visit-map a[href]")
    listed = hrefs(page, "main a[href^='/kommuner/']:not(svg a)")  # the list by county under the map
    assert len(map_links) == 8 and sorted(map_links) == sorted(listed), (map_links, listed)

    focused = tab(page, len(header) + len(map_links))
    assert [f["href"] for f in focused] == header + north_to_south(map_links)
    by_slug = municipalities_by_slug()
    for link in focused[len(header):]:
        assert link["ns"] == SVG_NS, f"{link['href']} is not the <a> inside the inline SVG"
        name = by_slug[slug_of(link["href"])].name
        assert (link["label"] or "").startswith(f"{name} – "), f"{link['label']!r} should start with {name}"


def test_focused_map_link_is_named_visibly_marked_and_enter_opens_its_page(page: Any) -> None:
    page.goto(PAGES["map"])
    fill = "el => getComputedStyle(el.querySelector('path')).fill"
    umea = page.locator(".visit-map a[href='/kommuner/umea/']")
    before = umea.evaluate(fill)
    tab_to(page, "/kommuner/umea/")
    expect(umea).to_be_focused()
    expect(umea).to_have_accessible_name(re.compile(r"^Umeå – \d+ inlägg"))
    assert umea.evaluate(fill) != before, "a focused municipality must look different (its outline is off)"
    expect(umea.locator(".map-label")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/kommuner/umea/$"))
    expect(page.locator("h1")).to_have_text("Umeå")


def test_map_links_work_by_keyboard_with_javascript_off(browser: Any, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(PAGES["map"])
        focused = tab_to(page, "/kommuner/goteborg/")
        assert focused["ns"] == SVG_NS and focused["label"].startswith("Göteborg – ")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/kommuner/goteborg/$"))
        expect(page.locator("h1")).to_have_text("Göteborg")
    finally:
        context.close()
