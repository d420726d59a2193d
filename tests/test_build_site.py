"""End-to-end: build fixture sites and read the pages as a reader's browser would (parsed HTML)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from sbuv_site.build import BuildOptions, build
from tests.conftest import NOW, post
from tests.htmltree import Node, parse_file

ATOM = "{http://www.w3.org/2005/Atom}"


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def url_to_file(out: Path, url: str) -> Path:
    path = unquote(urlsplit(url).path)
    return out / path.lstrip("/") / "index.html" if path.endswith("/") else out / path.lstrip("/")


def page(out: Path, url: str) -> Node:
    return parse_file(url_to_file(out, url))


def test_every_page_has_lang_title_and_one_h1(full_site: Path) -> None:
    for path in html_pages(full_site):
        doc = parse_file(path)
        assert doc.find("html").get("lang") == "sv", path
        assert doc.find("title").text(), path
        assert len(doc.find_all("h1")) == 1, path


def test_every_internal_link_resolves_to_a_file(full_site: Path) -> None:
    checked = 0
    for path in html_pages(full_site):
        for node in parse_file(path).iter():
            ref = node.get("href") or node.get("src")
            if not ref or urlsplit(ref).scheme or ref.startswith("#"):
                continue
            if not ref.startswith("/"):  # an image beside a post ('bild.png'): next to the post's page
                assert node.tag == "img" and "/" not in ref, f"{path}: relative link {ref}"
                page = "/" + path.parent.relative_to(full_site).as_posix() + "/"
                ref = urljoin(page, ref)
            assert url_to_file(full_site, ref).is_file(), f"{path}: broken link {ref}"
            checked += 1
    assert checked > 200


def test_post_page_shows_swedish_date_places_tags_and_neighbours(full_site: Path) -> None:
    doc = page(full_site, "/2015/12/snofattigt-umea-i-forandring/")
    assert doc.find("h1").text() == "Snöfattigt Umeå i förändring"
    time = doc.find("time")
    assert (time.get("datetime"), time.text()) == ("2015-12-02", "2 december 2015")
    assert [a.text() for a in doc.find("span", class_="places").find_all("a")] == ["Umeå"]
    assert [a.get("href") for a in doc.find("p", class_="tags").find_all("a")] == [
        "/taggar/handlingsplan/", "/taggar/kompetens/"]
    nav = doc.find("nav", class_="post-nav")
    assert nav.find("a", rel="prev").get("href") == "/2015/11/vetlanda-den-17-november/"
    assert nav.find("a", rel="next").get("href") == "/2016/01/reflektioner-efter-ett-ar/"


def test_markdown_gets_tables_footnotes_and_heading_anchors(full_site: Path) -> None:
    umea = page(full_site, "/2015/12/snofattigt-umea-i-forandring/")
    assert umea.find("h2", id="kompetenstrappa").text() == "Kompetenstrappa"
    ref = umea.find("sup", class_="footnote-ref").find("a").get("href")
    assert umea.find("li", id=ref.lstrip("#")).text().startswith("Fotnot i testet.")
    table = page(full_site, "/2016/01/reflektioner-efter-ett-ar/").find("table")
    assert [td.text() for td in table.find_all("td")] == ["2015", "20"]


def test_home_page_lists_newest_first_with_summaries_and_pages(full_site: Path) -> None:
    doc = page(full_site, "/")
    titles = [a.text() for h2 in doc.find_all("h2") for a in h2.find_all("a")]
    assert titles == ["Uppföljningsbesök i Göteborg", "Lokala planer för stärkt barn- och ungdomsvård",
                      "Haninge och Kalix"]
    summaries = [p.text() for p in doc.find_all("article") for p in p.find_all("p")[1:]]
    assert summaries[0] == "Precis som förra gången besökte vi stadsdelarna Angered och Centrum."
    second = page(full_site, "/sida/2/")
    assert [a.text() for h2 in second.find_all("h2") for a in h2.find_all("a")] == [
        "Reflektioner efter ett år", "Snöfattigt Umeå i förändring", "Vetlanda den 17 november"]
    assert second.find("a", rel="prev").get("href") == "/"
    assert not second.find_all("a", rel="next")


def test_summary_field_wins_over_first_paragraph(full_site: Path) -> None:
    doc = page(full_site, "/taggar/ensamkommande/")
    assert doc.find("article").find_all("p")[1].text() == "Höga förväntningar på nya BBIC ."
    assert doc.find("article").find("em").text() == "nya BBIC"


def test_tag_index_counts_posts_and_merges_case_variants(full_site: Path) -> None:
    doc = page(full_site, "/taggar/")
    items = {li.find("a").text(): li.find("span").text() for li in doc.find("ul", class_="term-list")
             .find_all("li")}
    assert items == {"ensamkommande": "(1 inlägg)", "handlingsplan": "(2 inlägg)",
                     "kompetens": "(2 inlägg)", "samverkan": "(2 inlägg)"}
    tag = page(full_site, "/taggar/samverkan/")
    assert [a.text() for h2 in tag.find_all("h2") for a in h2.find_all("a")] == [
        "Haninge och Kalix", "Vetlanda den 17 november"]


def test_municipality_pages_use_code_and_alias_lookups(full_site: Path) -> None:
    boras = page(full_site, "/kommuner/boras/")
    assert boras.find("h1").text() == "Borås"
    assert [a.text() for h3 in boras.find_all("h3") for a in h3.find_all("a")] == [
        "Lokala planer för stärkt barn- och ungdomsvård"]
    goteborg = page(full_site, "/kommuner/goteborg/")
    assert "Uppföljningsbesök i Göteborg" in goteborg.text()


def test_archive_groups_by_year_and_month(full_site: Path) -> None:
    doc = page(full_site, "/arkiv/")
    assert [h2.text() for h2 in doc.find_all("h2")] == ["2017", "2016", "2015"]
    assert [h3.text() for h3 in doc.find_all("h3")] == [
        "Februari 2017", "September 2016", "Mars 2016", "Januari 2016", "December 2015", "November 2015"]
    year = page(full_site, "/arkiv/2016/")
    assert [h2.text() for h2 in year.find_all("h2")] == ["September 2016", "Mars 2016", "Januari 2016"]
    assert len(year.find("main").find_all("li")) == 3 + 3  # three year links + three posts


def test_feed_entries_are_complete(full_site: Path) -> None:
    feed = ET.parse(full_site / "atom.xml").getroot()
    assert feed.findtext(f"{ATOM}id") == "https://example.org/"
    assert feed.findtext(f"{ATOM}updated") == "2017-02-14T00:00:00+01:00"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 6
    for entry in entries:
        for name in ("title", "id", "published", "updated", "summary", "content"):
            assert entry.findtext(f"{ATOM}{name}"), name
        assert entry.find(f"{ATOM}link").get("href").startswith("https://example.org/20")
    assert entries[1].findtext(f"{ATOM}author/{ATOM}name") == "Pia Mattzon"


def test_sitemap_robots_404_and_hashed_css(full_site: Path) -> None:
    locs = [e.text for e in ET.parse(full_site / "sitemap.xml").getroot().iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://example.org/2016/03/haninge-och-kalix/" in locs
    assert all(loc and loc.startswith("https://example.org/") for loc in locs)
    assert "Sitemap: https://example.org/sitemap.xml" in (full_site / "robots.txt").read_text()
    assert page(full_site, "/404.html").find("h1").text() == "Sidan finns inte"
    css = [n.get("href") for n in page(full_site, "/").find_all("link", rel="stylesheet")]
    assert len(css) == 1 and css[0].startswith("/css/site.") and len(css[0].split(".")) == 3
    assert url_to_file(full_site, css[0]).is_file()
    assert not (full_site / "css" / "site.css").exists()


def test_drafts_and_future_posts_are_left_out_unless_asked(full_site: Path, tmp_path: Path) -> None:
    assert not (full_site / "2016" / "05").exists()
    assert not (full_site / "2099").exists()
    from tests.conftest import build_fixture
    with_drafts = build_fixture("full", tmp_path / "drafts", drafts=True, future=True)
    draft = page(with_drafts, "/2016/05/ett-utkast/")
    assert draft.find("span", class_="draft").text() == "Utkast"
    assert (with_drafts / "2099" / "01" / "framtida-inlagg" / "index.html").is_file()


@pytest.mark.parametrize(("count", "pages"), [(0, 1), (1, 1), (3, 1), (4, 2)])
def test_pagination_boundaries(scratch_site, tmp_path: Path, count: int, pages: int) -> None:  # type: ignore[no-untyped-def]
    files = {f"content/posts/p{i}.md": post(f"Inlägg {i}", f"2016-01-{i + 1:02d}") for i in range(count)}
    site = scratch_site(files, "per_page: 3\n")
    build(site, BuildOptions(now=NOW))
    out = site / "output"
    assert sorted(p.parent.name for p in (out / "sida").glob("*/index.html")) == [
        str(n) for n in range(2, pages + 1)] if pages > 1 else not (out / "sida").exists()
    listed = [a.text() for h2 in page(out, "/").find_all("h2") for a in h2.find_all("a")]
    assert listed == [f"Inlägg {i}" for i in reversed(range(count))][:3]
    if count == 0:
        assert "inga inlägg" in page(out, "/").find("main").text()
    pager = page(out, "/").find_all("nav", class_="pager")
    assert bool(pager) == (pages > 1)
    if pages > 1:
        last = page(out, f"/sida/{pages}/")
        assert [a.text() for h2 in last.find_all("h2") for a in h2.find_all("a")] == ["Inlägg 0"]
        assert not (out / "sida" / str(pages + 1)).exists()
