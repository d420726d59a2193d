"""JSON-LD in a browser: read as data, never run, untouched by a no-inline-script CSP; contents links work."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.harness import PAGES, expect

pytestmark = pytest.mark.browser

# The policy the site is heading for: scripts only from its own files, nothing inline.
CSP = "script-src 'self'; object-src 'none'; base-uri 'none'"
WATCH = """() => {
    window.seenViolations = [];
    document.addEventListener('securitypolicyviolation',
        e => window.seenViolations.push(e.violatedDirective + ' ' + e.blockedURI));
}"""


def serve_with_csp(page: Any, url_glob: str, extra_head: str = "") -> None:
    """Serve matching pages with the CSP header (and extra_head put before </head>)."""

    def handle(route: Any) -> None:
        response = route.fetch()
        body = response.text().replace("</head>", extra_head + "</head>", 1)
        route.fulfill(response=response, body=body,
                      headers={**response.headers, "content-security-policy": CSP})

    page.route(url_glob, handle)


def test_json_ld_is_parsed_by_the_browser_and_matches_the_page(page: Any, page_problems: list[str]) -> None:
    page.goto(PAGES["post"])
    data = page.evaluate("""() => [...document.querySelectorAll('script[type="application/ld+json"]')]
        .map(s => JSON.parse(s.textContent))""")
    assert [d["@type"] for d in data] == ["BlogPosting", "BreadcrumbList"]
    assert data[0]["headline"] == page.locator("h1").inner_text()
    crumbs = page.locator("nav.breadcrumbs a")
    assert [i["name"] for i in data[1]["itemListElement"]] == crumbs.all_inner_texts()
    assert page_problems == []


def test_json_ld_blocks_pass_a_csp_that_blocks_inline_scripts(page: Any) -> None:
    """Data blocks are never run, so script-src does not apply to them; an inline script on the
    same page under the same policy is refused, which proves the policy was in force."""
    console: list[str] = []
    page.on("console", lambda m: m.type == "error" and console.append(m.text))
    page.add_init_script(f"({WATCH})()")
    serve_with_csp(page, "**/2015/12/**", "<script>window.inlineRan = true;</script>")
    page.goto(PAGES["post"])
    assert page.evaluate("document.querySelectorAll('script[type=\"application/ld+json\"]').length") == 2
    assert page.evaluate("window.inlineRan === undefined"), "the canary inline script ran: no CSP in force"
    violations = page.evaluate("window.seenViolations")
    assert violations == ["script-src-elem inline"], violations  # the canary, and nothing else
    assert len(console) == 1, console
    assert "inline script" in console[0] and "Content Security Policy" in console[0], console


def test_a_contents_list_link_brings_its_heading_into_view(page: Any) -> None:
    page.set_viewport_size({"width": 375, "height": 400})
    page.goto(PAGES["post"])
    target = page.locator("h2#samverkan-med-hogskolan")
    page.locator("nav.toc").get_by_role("link", name="Samverkan med högskolan").click()
    assert page.url.endswith("#samverkan-med-hogskolan")
    expect(target).to_be_in_viewport()
