"""Dark mode, print and reading comfort in Chromium: colours that change and keep AA contrast,
paper without menus but with link addresses and the map on one page, lines of about 60-75
characters, and only the system's fonts."""

from __future__ import annotations

import re
import statistics
from typing import Any

import pytest

from tests.browser.harness import PAGES, axe_violations

pytestmark = pytest.mark.browser

MM = 96 / 25.4  # CSS px per millimetre
A4_PRINTABLE_HEIGHT = (297 - 15 - 18) * MM  # the @page margins of site.css: 264 mm, 998 px
POST = PAGES["post-with-table"]  # its text links https://www.regeringen.se/ and /karta/
COLOURS = """() => {
    const css = el => getComputedStyle(el);
    const root = document.querySelector('.visit-map') || document.documentElement;
    const prop = name => getComputedStyle(root).getPropertyValue(name).trim();
    return {bg: css(document.body).backgroundColor, text: css(document.body).color,
            link: css(document.querySelector('main a')).color,
            muted: css(document.querySelector('.site-footer')).color,
            land: prop('--land'), visited: prop('--visited-fill'), focus: prop('--focus')};
}"""


def rgb(colour: str) -> tuple[float, float, float]:
    """'rgb(18, 20, 23)' or '#121417' as three 0-255 numbers."""
    if colour.startswith("#"):
        return tuple(float(int(colour[i:i + 2], 16)) for i in (1, 3, 5))  # type: ignore[return-value]
    red, green, blue = (float(n) for n in re.findall(r"[\d.]+", colour)[:3])
    return red, green, blue


def contrast(one: str, other: str) -> float:
    """WCAG 2.1 contrast ratio of two opaque colours."""
    def luminance(colour: str) -> float:
        channels = [c / 255 for c in rgb(colour)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# Dark mode

@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_wcag_21_aa_violations_in_dark_mode(page: Any, path: str) -> None:
    page.emulate_media(color_scheme="dark")
    page.goto(path)
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    found = []
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        found += [f"{width}px: {line}" for line in axe_violations(page)]
    assert not found, f"{path} (dark):\n" + "\n".join(found)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_the_accessibility_statement_passes_axe(page: Any, scheme: str, width: int) -> None:
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(PAGES["statement"])
    assert page.locator("h1").inner_text() == "Tillgänglighetsredogörelse"
    found = axe_violations(page)
    assert not found, "\n".join(found)


def test_dark_mode_really_changes_the_colours_and_keeps_aa_contrast(page: Any) -> None:
    page.goto(PAGES["map"])
    light = page.evaluate(COLOURS)
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate(COLOURS)
    for key in light:
        assert light[key] != dark[key], f"{key} is {light[key]} in both modes"
    assert sum(rgb(dark["bg"])) < 150 and sum(rgb(light["bg"])) > 600  # a dark page, a light page
    for scheme in (light, dark):
        assert contrast(scheme["text"], scheme["bg"]) >= 7, scheme
        assert contrast(scheme["link"], scheme["bg"]) >= 4.5, scheme
        assert contrast(scheme["muted"], scheme["bg"]) >= 4.5, scheme
        assert contrast(scheme["focus"], scheme["bg"]) >= 3, scheme  # the focus ring (non-text)
        assert contrast(scheme["visited"], scheme["land"]) >= 3, scheme  # the map's visited areas


def test_the_focus_ring_is_visible_in_dark_mode(page: Any) -> None:
    page.emulate_media(color_scheme="dark")
    page.goto(PAGES["statement"])
    page.locator("main a").first.focus()
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    ring = page.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        return {color: style.outlineColor, width: parseFloat(style.outlineWidth), style: style.outlineStyle,
                bg: getComputedStyle(document.body).backgroundColor};
    }""")
    assert ring["style"] == "solid" and ring["width"] >= 2, ring
    assert contrast(ring["color"], ring["bg"]) >= 3, ring


# Print

def test_print_hides_navigation_and_prints_link_addresses(page: Any) -> None:
    page.goto(POST)
    page.emulate_media(media="print")
    drawn = page.evaluate("""() => ['.skip', '.site-header nav a', '.site-footer a', 'main h1']
        .map(s => [...document.querySelectorAll(s)].map(el => el.getClientRects().length > 0))""")
    skip, nav, footer, heading = drawn
    assert skip == [False] and nav and not any(nav) and footer and not any(footer), drawn
    assert heading == [True]  # the page itself is printed
    after = page.evaluate("""() => [...document.querySelectorAll('.post-body a')]
        .map(a => [a.getAttribute('href'), getComputedStyle(a, '::after').content])""")
    assert ["https://www.regeringen.se/", '" (https://www.regeringen.se/)"'] in after, after
    assert ["/karta/", "none"] in after, after  # a link within the site has no address to print
    page.emulate_media(media="screen")
    shown = page.evaluate(
        "getComputedStyle(document.querySelector('.post-body a[href^=http]'), '::after').content")
    assert shown == "none"  # on screen the address is not repeated


def test_print_of_the_statement_gives_digg_address_but_not_twice_for_an_address_link(page: Any) -> None:
    page.goto(PAGES["statement"])
    page.emulate_media(media="print")
    after = dict(page.evaluate("""() => [...document.querySelectorAll('.statement a')]
        .map(a => [a.getAttribute('href'), getComputedStyle(a, '::after').content])"""))
    assert after["https://www.digg.se/"] == '" (https://www.digg.se/)"'
    assert after["https://example.org/kontakt/"] == "none"  # its text is already the address
    assert after["mailto:tillganglighet@example.org"] == "none"


@pytest.mark.parametrize("width", [375, 1280])
def test_printed_map_fits_on_one_a4_page(page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(PAGES["map"])
    page.emulate_media(media="print")
    box = page.evaluate("""() => {
        const map = document.querySelector('.visit-map').getBoundingClientRect();
        const figure = document.querySelector('.map-figure');
        return {height: map.height, width: map.width, figure: figure.getBoundingClientRect().height,
                breakInside: getComputedStyle(figure).breakInside};
    }""")
    assert 150 * MM <= box["height"] <= A4_PRINTABLE_HEIGHT, box  # large, and on one page
    assert box["figure"] <= A4_PRINTABLE_HEIGHT, box  # the caption fits on the same page
    assert box["width"] <= (210 - 30) * MM, box
    assert box["breakInside"] == "avoid", box


def test_printed_map_is_one_page_of_a_pdf(page: Any) -> None:
    """Chromium's own print: the map page without its list is exactly one A4 page."""
    page.goto(PAGES["map"])
    page.evaluate("document.querySelectorAll('main > :not(h1):not(.map-wrap)').forEach(el => el.remove())")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


# Reading comfort

def line_lengths(page: Any, selector: str) -> list[int]:
    """Characters on each full line of the paragraphs (a paragraph's short last line left out)."""
    return list(page.evaluate("""selector => {
        const lengths = [];
        for (const p of document.querySelectorAll(selector)) {
            const lines = [];
            const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
            const range = document.createRange();
            let node, top = null, space = true;
            while ((node = walker.nextNode())) {
                for (let i = 0; i < node.length; i++) {
                    const blank = node.data[i].trim() === "";
                    if (blank && space) continue;  // white space the browser collapsed
                    space = blank;
                    range.setStart(node, i); range.setEnd(node, i + 1);
                    const rect = range.getClientRects()[0];
                    if (!rect || rect.width === 0) continue;
                    if (!blank && (top === null || Math.abs(rect.top - top) > 3)) {
                        lines.push(0); top = rect.top;
                    }
                    lines[lines.length - 1]++;
                }
            }
            lengths.push(...lines.slice(0, -1));
        }
        return lengths;
    }""", selector))


def test_main_text_lines_hold_about_60_to_75_characters(page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(PAGES["statement"])
    widths = page.evaluate("""() => {
        const p = document.querySelector('.statement p:not(.lead)');
        const zeros = document.createElement('span');  // in the paragraph's font, on one line
        zeros.style.cssText = 'position: absolute; white-space: nowrap';
        zeros.textContent = '0'.repeat(75);
        p.append(zeros);
        const result = {paragraph: p.getBoundingClientRect().width,
                        zeros: zeros.getBoundingClientRect().width};
        zeros.remove();
        return result;
    }""")
    assert widths["paragraph"] <= widths["zeros"], widths  # at most 75 '0' of the paragraph's font
    lengths = line_lengths(page, ".statement p, .statement li")
    assert len(lengths) >= 10, lengths
    assert 55 <= statistics.median(lengths) <= 75, lengths
    assert max(lengths) <= 80, lengths


def test_the_site_uses_only_system_fonts(page: Any) -> None:
    fonts: list[str] = []
    page.on("request", lambda request: request.resource_type == "font" and fonts.append(request.url))
    for path in (PAGES["post"], PAGES["map"], PAGES["statement"]):
        page.goto(path)
        found = page.evaluate("""() => {
            const faces = [];
            const walk = rules => { for (const rule of rules) {
                if (rule instanceof CSSFontFaceRule) faces.push(rule.cssText);
                if (rule.cssRules) walk(rule.cssRules);
            } };
            for (const sheet of document.styleSheets) walk(sheet.cssRules);
            return {faces, loaded: document.fonts.size, family: getComputedStyle(document.body).fontFamily};
        }""")
        assert found["faces"] == [] and found["loaded"] == 0, found
        assert found["family"].startswith("system-ui,"), found
    assert fonts == []
