"""Every page kind in Chromium, phone and desktop width: Swedish, no sideways scroll, nothing broken."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import PAGES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_renders_in_swedish_without_sideways_scroll_or_errors(
        page: Any, page_problems: list[str], results_dir: Path, path: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(path, wait_until="load")
    assert response is not None and response.status == 200, path
    assert page.locator("html").get_attribute("lang") == "sv"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{path} is {scroll_width}px wide at {width}px: sideways scrolling"
    name = path.strip("/").replace("/", "_") or "index"
    page.screenshot(path=results_dir / f"{name}-{width}.png", full_page=True)
    assert page_problems == [], "\n".join(page_problems)


def test_linked_favicon_is_served_as_svg(page: Any) -> None:
    """Chromium asks for /favicon.ico unless a page links an icon; a missing one is a console 404."""
    page.goto("/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(href)
    assert (href, response.status) == ("/favicon.svg", 200)
    assert response.headers["content-type"].startswith("image/svg+xml")


def test_problem_canary_sees_a_missing_file_and_a_script_error(
        page: Any, page_problems: list[str], base_url: str) -> None:
    """If the listeners were not attached, every page above would pass: these two problems must be seen."""
    page.goto(PAGES["page"])
    with page.expect_response(lambda r: r.url.endswith("/finns-inte.png")):
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img alt src=/finns-inte.png>')")
    with page.expect_event("pageerror"):
        page.evaluate("setTimeout(() => { throw new Error('kanariefel'); })")
    assert any(p == f"HTTP 404: {base_url}/finns-inte.png" for p in page_problems), page_problems
    assert any(p.startswith("pageerror: ") and "kanariefel" in p for p in page_problems), page_problems
