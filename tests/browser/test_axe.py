"""axe-core's WCAG 2.0 and 2.1 level A and AA rules on every page kind, and a canary proving they can fail."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.harness import PAGES, axe_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_wcag_21_aa_violations_at_phone_or_desktop_width(page: Any, path: str) -> None:
    page.goto(path)
    found = []
    for width in (375, 1280):  # the layout reflows (the map floats beside its list on wide screens)
        page.set_viewport_size({"width": width, "height": 800})
        found += [f"{width}px: {line}" for line in axe_violations(page)]
    assert not found, f"{path}:\n" + "\n".join(found)


def test_axe_canary_finds_a_missing_alt_text_and_low_contrast(page: Any) -> None:
    """If axe did not load or ran no rules, every page above would pass: this page must fail."""
    page.goto(PAGES["page"])
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend',
            '<img id="canary-img" src="/favicon.svg">' +
            '<p id="canary-text" style="color: #aaaaaa; background: #ffffff">Svag text</p>');
    }""")
    found = axe_violations(page)
    assert any(line.startswith("image-alt ") and "#canary-img" in line for line in found), found
    assert any(line.startswith("color-contrast ") and "#canary-text" in line for line in found), found
    assert {line.split(" ", 1)[0] for line in found} == {"image-alt", "color-contrast"}, found
