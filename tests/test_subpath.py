"""A site published under a sub-path (base_url https://example.org/blogg/): links, feed and check."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sbuv_site.check import check_site
from sbuv_site.cli import main
from sbuv_site.markup import absolute_links, make_markdown, render_inline, render_markdown
from sbuv_site.sanitize import rebase_link
from tests.conftest import ROOT, post, write_site
from tests.htmltree import parse_file, parse_html

BASE = "https://example.org/blogg/"
LINKS_POST = ("Se [kartan](/karta/), [uppdraget](/om-uppdraget/) och [hem](/blogg/).\n\n"
              "Och [arkivet](../../../arkiv/).[^1]\n\n[^1]: En fotnot.")
LINKS_URL = "2016/01/lankar/"
ATOM = "{http://www.w3.org/2005/Atom}"


def hrefs(html: str, tag: str = "a", attr: str = "href") -> list[str]:
    return [node.get(attr) or "" for node in parse_html(html).find_all(tag)]


@pytest.fixture(scope="module")
def own_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built with its base_url moved under /blogg/, plus one post with links."""
    site = tmp_path_factory.mktemp("own") / "site"
    site.mkdir()
    for folder in ("content", "layouts", "static"):
        shutil.copytree(ROOT / folder, site / folder)
    (site / "content" / "posts" / "lankar.md").write_text(
        post("Länkar", "2016-01-15T10:00:00+01:00", LINKS_POST), encoding="utf-8")
    config = (ROOT / "config.yaml").read_text(encoding="utf-8")
    moved, count = re.subn(r"(?m)^base_url: .*$", f"base_url: {BASE}", config)
    assert count == 1
    (site / "config.yaml").write_text(moved, encoding="utf-8")
    assert main(["--root", str(site), "build"]) == 0
    return site / "output"


def test_the_own_site_under_a_sub_path_passes_check(own_site: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--output", str(own_site)]) == 0
    assert capsys.readouterr().err == ""


def test_the_om_uppdraget_map_link_is_under_the_sub_path(own_site: Path) -> None:
    body = parse_file(own_site / "om-uppdraget" / "index.html").find("main")
    assert "/blogg/karta/" in [a.get("href") for a in body.find_all("a")]
    assert "/karta/" not in [a.get("href") for a in body.find_all("a")]
    assert (own_site / "karta" / "index.html").is_file()


def test_every_page_link_and_asset_of_the_own_site_is_under_the_sub_path(own_site: Path) -> None:
    home = parse_file(own_site / "index.html")
    local = [node.get(attr) or "" for node in home.iter() for attr in ("href", "src")
             if (node.get(attr) or "").startswith("/")]
    assert local  # the menu, stylesheet and icon at least
    assert [url for url in local if not url.startswith("/blogg/")] == []


def test_a_markdown_link_in_a_post_is_rebased(own_site: Path) -> None:
    body = parse_file(own_site / LINKS_URL / "index.html").find("main")
    links = [a.get("href") for a in body.find_all("a")]
    assert {"/blogg/karta/", "/blogg/om-uppdraget/", "/blogg/", "../../../arkiv/"} <= set(links)
    assert {"/karta/", "/om-uppdraget/"}.isdisjoint(links)


def test_feed_content_of_the_own_site_has_absolute_addresses(own_site: Path) -> None:
    feed = ET.parse(own_site / "atom.xml").getroot()
    entries = {link.get("href"): entry for entry in feed.findall(ATOM + "entry")
               for link in entry.findall(ATOM + "link")}
    assert entries and all(url and url.startswith(BASE) for url in entries)
    content = entries[BASE + LINKS_URL].find(ATOM + "content")
    assert content is not None and content.text
    assert hrefs(content.text) == [BASE + "karta/", BASE + "om-uppdraget/", BASE, BASE + "arkiv/",
                                   BASE + LINKS_URL + "#fn1", BASE + LINKS_URL + "#fnref1"]
    every = [url for entry in entries.values() for part in ("summary", "content")
             for element in entry.findall(ATOM + part)
             for tag, attr in (("a", "href"), ("img", "src")) for url in hrefs(element.text or "", tag, attr)]
    assert [url for url in every if not url.startswith(("https://", "http://", "mailto:"))] == []
    sitemap = ET.parse(own_site / "sitemap.xml").getroot()
    locs = [(loc.text or "") for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert BASE + LINKS_URL in locs and all(loc.startswith(BASE) for loc in locs)


def test_check_fails_naming_base_url_on_a_link_outside_the_base_path(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site", {
        "content/posts/besok.md": post("Besök", "2015-12-01", "Text."),
        "static/gammal.html": '<!DOCTYPE html>\n<html lang="sv">\n<head><title>Gammal</title></head>\n'
                              '<body><h1>Gammal</h1>\n<a href="/karta/">Kartan</a>\n</body>\n</html>\n'})
    (site / "config.yaml").write_text(f"title: Testbloggen\nbase_url: {BASE}\n", encoding="utf-8")
    assert main(["--root", str(site), "build"]) == 0
    capsys.readouterr()
    assert main(["--root", str(site), "check"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f'gammal.html:5: <a href="/karta/"> points outside base_url {BASE} '
        "(every page of this site is under /blogg/)",
        "  hint: write /blogg/karta/ or a relative link in the layout or static file that has it "
        "(links in posts get /blogg/ by themselves); if the site is published elsewhere, correct "
        "base_url in config.yaml and build again",
        f"1 problem in {site / 'output'}",
    ]


def test_a_sitemap_entry_outside_the_base_path_is_reported(tmp_path: Path) -> None:
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text('<!DOCTYPE html>\n<html lang="sv"><head><title>Hem</title></head>'
                                       "<body><h1>Hem</h1></body></html>\n", encoding="utf-8")
    (output / "atom.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>B</title><id>{BASE}</id><link rel="self" href="{BASE}atom.xml"/>'
        "<updated>2015-12-01T00:00:00+01:00</updated></feed>\n", encoding="utf-8")
    (output / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{BASE}</loc></url><url><loc>https://example.org/karta/</loc></url></urlset>\n",
        encoding="utf-8")
    assert check_site(output) == [
        f'sitemap.xml: <loc> "https://example.org/karta/" points outside base_url {BASE} '
        "(every page of this site is under /blogg/)\n"
        "  hint: write /blogg/karta/ or a relative link in the layout or static file that has it "
        "(links in posts get /blogg/ by themselves); if the site is published elsewhere, correct "
        "base_url in config.yaml and build again"]


@pytest.mark.parametrize("allow_html", [False, True])
def test_markdown_links_images_and_references_are_rebased(allow_html: bool) -> None:
    md = make_markdown(allow_html, "/blogg/")
    text = ("[a](/karta/) ![b](/bilder/x.png) [c][ref] [d](https://example.org/karta/) [e](//cdn.se/x)\n"
            "[f](#rubrik) [g](bild.png) [h](/blogg/karta/) [i](mailto:a@example.org)\n\n[ref]: /arkiv/\n")
    html = render_markdown(md, text).html
    assert hrefs(html) == ["/blogg/karta/", "/blogg/arkiv/", "https://example.org/karta/", "//cdn.se/x",
                           "#rubrik", "bild.png", "/blogg/karta/", "mailto:a@example.org"]
    assert hrefs(html, "img", "src") == ["/blogg/bilder/x.png"]
    assert hrefs(render_inline(md, "Se [kartan](/karta/).")) == ["/blogg/karta/"]


def test_a_site_at_the_host_root_keeps_links_as_written() -> None:
    html = render_markdown(make_markdown(True, "/"), '[a](/karta/) <a href="/arkiv/">b</a>\n').html
    assert hrefs(html) == ["/karta/", "/arkiv/"]


def test_raw_html_links_are_rebased_when_html_is_allowed() -> None:
    md = make_markdown(True, "/blogg/")
    text = ('<p><a href="/karta/">k</a> <img src="/bilder/x.png" alt=""> <a href="https://x.se/">x</a></p>\n\n'
            '<blockquote cite="/kallor/">Citat</blockquote>\n\nText med <a href="/arkiv/">arkivet</a>.\n')
    rendered = render_markdown(md, text)
    assert hrefs(rendered.html) == ["/blogg/karta/", "https://x.se/", "/blogg/arkiv/"]
    assert hrefs(rendered.html, "img", "src") == ["/blogg/bilder/x.png"]
    assert hrefs(rendered.html, "blockquote", "cite") == ["/blogg/kallor/"]


def test_absolute_links_resolves_against_the_page_and_leaves_text_alone() -> None:
    body = render_markdown(make_markdown(True, "/blogg/"),
                           '[a](/karta/) ![b](bild.png "t>1") [c](#x) [d](https://x.se/?a=1&b=2) '
                           'href="/text/" <code>src="/kod/"</code> fotnot[^1]\n\n[^1]: Not.\n').html
    page = "https://example.org/blogg/2015/12/besok/"
    out = absolute_links(body, page)
    assert hrefs(out) == ["https://example.org/blogg/karta/", page + "#x", "https://x.se/?a=1&b=2",
                          page + "#fn1", page + "#fnref1"]
    assert hrefs(out, "img", "src") == [page + "bild.png"]
    assert parse_html(out).find("img").get("title") == "t>1"
    assert 'href="/text/"' in parse_html(out).find("p").text()
    assert parse_html(out).find("code").text() == 'src="/kod/"'


URL_CHARS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
BASES = st.sampled_from(["/", "/blogg/", "/a/b/", "/blögg/", "/blogg%20x/"])


@given(url=URL_CHARS, base=BASES)
@example(url="/karta/", base="/blogg/")
@example(url="/blogg", base="/blogg/")
@example(url="/bloggen/", base="/blogg/")
@example(url="//host/x", base="/blogg/")
@example(url="/\\host/x", base="/blogg/")
def test_rebase_link_changes_only_root_relative_links_and_adds_one_base(url: str, base: str) -> None:
    rebased = rebase_link(url, base)
    root_relative = url.startswith("/") and not url.startswith(("//", "/\\"))
    if not root_relative or base == "/":
        assert rebased == url  # absolute, protocol-relative and relative addresses are never touched
    else:  # one base prefix, unless the link (compared decoded) is already under the base path
        path, decoded_base = unquote(url.partition("#")[0].partition("?")[0]), unquote(base)
        already = path.startswith(decoded_base) or path == decoded_base[:-1]
        assert rebased == (url if already else base + url[1:])
    assert rebase_link(rebased, base) == rebased  # rebasing twice is rebasing once
