"""Search on /sok/ (Pagefind): finds posts, filters by municipality, works by keyboard, passes axe and CSP."""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sbuv_site import search as search_index
from sbuv_site.build import BuildOptions, build
from tests.browser.harness import QuietHandler, axe_violations, expect, served
from tests.browser.test_headers import serve_with_site_headers
from tests.conftest import NOW, build_fixture, post, write_site

pytestmark = pytest.mark.browser

SEARCH = "/sok/"
VETLANDA = "/2015/11/vetlanda-den-17-november/"
INPUT = ".pagefind-ui__search-input"
RESULT_LINKS = ".pagefind-ui__result-link"
# In the 'full' fixture "besök" (stemmed: Besöket, besökte, besöken) is in three posts: Umeå's,
# Göteborg's and one about no municipality.
BROAD = "besök"


def search(page: Any, words: str) -> None:
    """Type words into Pagefind's field and wait for its 'gav N träffar' message."""
    page.fill(INPUT, words)
    expect(page.locator(".pagefind-ui__message")).to_contain_text(f"{words} gav")


@contextlib.contextmanager
def page_of(browser: Any, folder: Path, handler: type[QuietHandler] = QuietHandler) -> Iterator[Any]:
    """A browser page in a context of its own, its base URL a server of folder, for the with block."""
    with served(folder, handler) as url:
        context = browser.new_context(base_url=url)
        try:
            yield context.new_page()
        finally:
            context.close()


def result_hrefs(page: Any) -> list[str]:
    return sorted(page.eval_on_selector_all(RESULT_LINKS, "els => els.map(a => a.getAttribute('href'))"))


def test_searching_ensamkommande_finds_the_vetlanda_post_with_its_date_and_municipality(
        page: Any, page_problems: list[str]) -> None:
    page.goto(SEARCH)
    expect(page.locator("#search-without-js")).to_be_hidden()  # the UI started: the no-JS text is gone
    search(page, "ensamkommande")
    expect(page.locator(".pagefind-ui__message")).to_have_text("ensamkommande gav 1 träff")
    link = page.locator(RESULT_LINKS)
    expect(link).to_have_text("Vetlanda den 17 november")
    assert link.get_attribute("href") == VETLANDA
    tags = page.locator(".pagefind-ui__result-tag")
    expect(tags).to_have_text(["Datum: 17 november 2015", "Kommun: Vetlanda"])
    expect(page.locator(".pagefind-ui__result-excerpt mark").first).to_have_text("ensamkommande")
    link.click()
    expect(page).to_have_url(re.compile(re.escape(VETLANDA) + "$"))
    assert page_problems == [], "\n".join(page_problems)


def test_only_post_and_page_content_is_indexed_not_navigation_or_footers(page: Any) -> None:
    page.goto(SEARCH)
    search(page, "Prenumerera")  # the footer of every page, and the title of /prenumerera/
    expect(page.locator(".pagefind-ui__message")).to_have_text("Prenumerera gav inga träffar")
    search(page, "bloggen")  # the page /om-bloggen/ is indexed too
    assert "/om-bloggen/" in result_hrefs(page)


def test_the_filters_are_municipality_county_tag_and_year(page: Any) -> None:
    page.goto(SEARCH)
    search(page, BROAD)
    expect(page.locator(".pagefind-ui__filter-name")).to_have_text(  # the UI adds them as they load
        ["Kommun", "Län", "Tagg", "År"], timeout=30_000)
    page.locator(".pagefind-ui__filter-name", has_text="Län").click()
    expect(page.locator("label[for='Län-Västerbottens län']")).to_have_text(re.compile(r"^Västerbottens län"))


class _OneSlowFilter(QuietHandler):
    """Serves the site, but the first filter file (by name) only after SLOW_FILTER seconds."""

    def do_GET(self) -> None:
        folder = Path(str(self.directory), "pagefind", "filter")
        if self.path.endswith(min(folder.iterdir()).name):
            time.sleep(SLOW_FILTER)
        super().do_GET()


SLOW_FILTER = 1.5


def test_a_search_typed_at_once_lists_every_filter_though_one_loads_slowly(browser: Any,
                                                                            full_site: Path) -> None:
    """Pagefind's UI lists the filters its first search counted, and a search counts only the
    filters loaded by then: without search.js loading them all first, one would be missing."""
    with page_of(browser, full_site, _OneSlowFilter) as page:
        page.goto(SEARCH)
        search(page, BROAD)
        page.wait_for_timeout(SLOW_FILTER * 1000)  # the slow file has come by now
        names = page.locator(".pagefind-ui__filter-name")
        expect(names).to_have_text(["Kommun", "Län", "Tagg", "År"])


def test_a_municipality_filter_narrows_the_results(page: Any) -> None:
    page.goto(SEARCH)
    search(page, BROAD)
    before = result_hrefs(page)
    assert len(before) == 3, before
    box = page.locator("input[type=checkbox][name='Kommun'][value='Umeå']")
    expect(box).to_be_attached()  # the filters have loaded: a click now is not undone by their arrival
    page.locator(".pagefind-ui__filter-name", has_text="Kommun").click()
    box.check()
    expect(page.locator(RESULT_LINKS)).to_have_count(1)
    assert result_hrefs(page) == ["/2015/12/snofattigt-umea-i-forandring/"]
    place = page.locator(".pagefind-ui__result-tag[data-pagefind-ui-meta='kommun']")
    expect(place).to_have_text("Kommun: Umeå")


def test_an_index_in_parts_is_searched_as_one_with_every_filter(
        browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large site's index comes in parts (search.PART_PAGES pages each): search.js merges them."""
    monkeypatch.setattr(search_index, "PART_PAGES", 2)
    out = build_fixture("full", tmp_path / "output")
    parts = json.loads((out / "pagefind" / search_index.PARTS_FILE).read_text(encoding="utf-8"))
    assert len(parts) >= 3, parts
    with page_of(browser, out) as page:
        page.goto(SEARCH)
        search(page, BROAD)
        assert len(result_hrefs(page)) == 3, result_hrefs(page)  # from more than one part
        expect(page.locator(".pagefind-ui__filter-name")).to_have_text(["Kommun", "Län", "Tagg", "År"])
        page.locator(".pagefind-ui__filter-name", has_text="Kommun").click()
        page.locator("input[type=checkbox][name='Kommun'][value='Umeå']").check()
        expect(page.locator(RESULT_LINKS)).to_have_count(1)
        page.locator("input[type=checkbox][name='Kommun'][value='Umeå']").uncheck()
        search(page, "ensamkommande")
        expect(page.locator(RESULT_LINKS)).to_have_text("Vetlanda den 17 november")


def test_search_and_filters_work_by_keyboard_alone(page: Any) -> None:
    page.goto(SEARCH)
    expect(page.locator(INPUT)).to_be_visible()
    for _ in range(20):  # from the top of the page: skip link, header links, then the search field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.pagefind-ui__search-input')"):
            break
    expect(page.locator(INPUT)).to_be_focused()
    page.keyboard.type(BROAD)
    expect(page.locator(RESULT_LINKS)).to_have_count(3)

    kommun = page.locator(".pagefind-ui__filter-name", has_text="Kommun")
    for _ in range(10):  # on to the first filter, "Kommun"
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('summary.pagefind-ui__filter-name')"):
            break
    expect(kommun).to_be_focused()
    page.keyboard.press("Enter")  # opens the filter's list
    expect(page.locator("details.pagefind-ui__filter-block").first).to_have_attribute("open", "")
    umea = page.locator("input[type=checkbox][name='Kommun'][value='Umeå']")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value === 'Umeå'"):
            break
    expect(umea).to_be_focused()
    page.keyboard.press("Space")
    expect(umea).to_be_checked()
    expect(page.locator(RESULT_LINKS)).to_have_count(1)
    page.keyboard.press("Space")  # and off again
    expect(page.locator(RESULT_LINKS)).to_have_count(3)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_page_with_results_and_open_filters_has_no_axe_violations(page: Any, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)  # Pagefind's UI takes the site's colours (site.css)
    found = []
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(SEARCH)
        search(page, BROAD)
        page.locator(".pagefind-ui__filter-name", has_text="Kommun").click()
        expect(page.locator(RESULT_LINKS)).to_have_count(3)
        expect(page.locator(".pagefind-ui__result-tag").first).to_be_visible()
        found += [f"{width}px: {line}" for line in axe_violations(page)]
    assert not found, "\n".join(found)


def test_searching_under_the_sites_content_security_policy_breaks_no_rule(page: Any, full_site: Path) -> None:
    console: list[str] = []
    page.on("console", lambda m: m.type in ("error", "warning") and console.append(f"{m.type}: {m.text}"))
    headers = serve_with_site_headers(page, full_site)
    assert "'wasm-unsafe-eval'" in headers["Content-Security-Policy"]
    response = page.goto(SEARCH)
    assert "content-security-policy" in response.headers
    search(page, "ensamkommande")
    expect(page.locator(RESULT_LINKS)).to_have_text("Vetlanda den 17 november")
    page.locator(".pagefind-ui__filter-name", has_text="Tagg").click()
    page.locator("input[type=checkbox][name='Tagg'][value='ensamkommande']").check()
    expect(page.locator(RESULT_LINKS)).to_have_count(1)
    assert page.evaluate("window.seenViolations") == []
    assert console == []


def test_the_policy_without_wasm_unsafe_eval_would_stop_the_search(page: Any, full_site: Path) -> None:
    """The canary for the test above: the same serving with 'wasm-unsafe-eval' taken out is refused."""
    headers = serve_with_site_headers(page, full_site)
    policy = headers["Content-Security-Policy"].replace(" 'wasm-unsafe-eval'", "")
    assert "wasm" not in policy

    def strict(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": policy})

    page.unroute("**/*")
    page.route("**/*", strict)
    page.goto(SEARCH)
    # Pagefind compiles its WebAssembly in a worker, whose refusal the page hears of as a console error.
    with page.expect_console_message(lambda m: "Pagefind WASM" in m.text) as message:
        page.fill(INPUT, "ensamkommande")
    assert "Content Security" in message.value.text, message.value.text
    expect(page.locator(RESULT_LINKS)).to_have_count(0)


def test_a_search_can_be_linked_to_with_q(page: Any) -> None:
    page.goto(SEARCH + "?q=ensamkommande")
    expect(page.locator(INPUT)).to_have_value("ensamkommande")
    expect(page.locator(RESULT_LINKS)).to_have_text("Vetlanda den 17 november")


def test_without_javascript_the_page_says_so_and_links_archive_map_and_tags(browser: Any,
                                                                           base_url: str) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(SEARCH)
        text = page.locator("#search-without-js")
        expect(text).to_be_visible()
        expect(text).to_contain_text("Sökningen behöver JavaScript")
        links = text.locator("a")
        expect(links).to_have_text(["Arkivet", "Kartan", "Taggar"])
        assert [links.nth(i).get_attribute("href") for i in range(3)] == ["/arkiv/", "/karta/", "/taggar/"]
    finally:
        context.close()


def test_every_page_links_the_search_page_from_its_header(page: Any) -> None:
    for path in ("/", VETLANDA, "/karta/", "/404.html"):
        page.goto(path)
        expect(page.locator("header.site-header a[href='/sok/']")).to_have_text("Sök")


def test_under_a_sub_path_the_ui_loads_and_results_link_under_it(browser: Any, tmp_path: Path) -> None:
    kalix = post("Placeringar i Kalix", "2016-03-10", "Om placeringar.", municipality="Kalix")
    site = write_site(tmp_path / "site", {"content/posts/a.md": kalix})
    site.joinpath("config.yaml").write_text("title: Testbloggen\nbase_url: https://example.org/blogg/\n",
                                            encoding="utf-8")
    www = tmp_path / "www"
    build(site, BuildOptions(now=NOW, output=www / "blogg"))
    with page_of(browser, www) as page:
        page.goto("/blogg/sok/")
        search(page, "placeringar")
        link = page.locator(RESULT_LINKS)
        expect(link).to_have_text("Placeringar i Kalix")
        assert link.get_attribute("href") == "/blogg/2016/03/placeringar-i-kalix/"
