"""Every kind of page, served with the headers the build writes to `_headers`, breaks no CSP rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.harness import PAGES
from tests.test_hosting import parse_headers

WATCH = """() => {
    window.seenViolations = [];
    document.addEventListener('securitypolicyviolation',
        e => window.seenViolations.push(e.violatedDirective + ' ' + e.blockedURI));
}"""
CANARY = '<p id="canary" style="color: rgb(1, 2, 3)">x</p>'


def serve_with_site_headers(page: Any, full_site: Path, canary: bool = False) -> dict[str, str]:
    """Serve every response with the `/*` headers of the built `_headers` (and a canary inline style)."""
    headers = parse_headers((full_site / "_headers").read_text(encoding="utf-8"))["/*"]

    def handle(route: Any) -> None:
        response = route.fetch()
        body = response.body()
        if canary and "text/html" in response.headers.get("content-type", ""):
            body = body.replace(b"</main>", CANARY.encode() + b"</main>", 1)
        route.fulfill(response=response, body=body,
                      headers={**response.headers, **{k.lower(): v for k, v in headers.items()}})

    page.route("**/*", handle)
    page.add_init_script(f"({WATCH})()")
    return headers


def test_no_page_kind_breaks_the_content_security_policy(page: Any, full_site: Path) -> None:
    console: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning") and console.append(f"{m.type}: {m.text}"))
    serve_with_site_headers(page, full_site)
    for kind, url in PAGES.items():
        response = page.goto(url)
        assert "content-security-policy" in response.headers, kind
        assert page.evaluate("window.seenViolations") == [], kind
        assert page.evaluate("[...document.styleSheets].every(s => s.cssRules.length > 0)"), kind
    assert console == []
    page.goto(PAGES["map"])  # the map's box takes its shape from site.css, not a style attribute
    box = page.locator(".visit-map").bounding_box()
    assert abs(box["height"] / box["width"] - 15360 / 6400) < 0.01, box


def test_the_policy_is_in_force_an_inline_style_is_refused(page: Any, full_site: Path) -> None:
    """The same serving with an inline style added: the browser refuses it, so the test above can fail."""
    serve_with_site_headers(page, full_site, canary=True)
    page.goto(PAGES["map"])
    assert page.locator("#canary").count() == 1
    assert page.evaluate("getComputedStyle(document.getElementById('canary')).color") != "rgb(1, 2, 3)"
    assert page.evaluate("window.seenViolations") == ["style-src-attr inline"]
