"""Posts known only to the month or year, or not at all: addressed, listed, archived, fed honestly."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from sbuv_site.build import BuildOptions, build
from sbuv_site.errors import SiteError, flatten
from tests.conftest import NOW, post
from tests.htmltree import Node, parse_file

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

POSTS = {
    "content/posts/dag.md": post("Med dag", "2017-03-21", municipality="Göteborg"),
    "content/posts/tidig-dag.md": post("Tidig dag", "2016-02-03"),
    "content/posts/ar.md": post("Bara året", "2017", municipality="Göteborg"),
    "content/posts/manad.md": post("Bara månaden", "2016-02", "Text.", tags="[samverkan]"),
    "content/posts/okant.md": post("Okänt datum", "okänt", "Text.", municipality="[Haninge, Kalix]"),
    "content/posts/sen-dag.md": post("Sen dag", "2016-02-28 18:00"),
}


@pytest.fixture
def built(scratch_site: Callable[..., Path]) -> Path:
    site = scratch_site(POSTS, "per_page: 10\n")
    build(site, BuildOptions(now=NOW))
    return site / "output"


def page(out: Path, url: str) -> Node:
    return parse_file(out / url.strip("/") / "index.html")


def raw_text(node: Node) -> str:
    """The text exactly as a browser joins it: no spaces added between elements."""
    return "".join(child if isinstance(child, str) else raw_text(child) for child in node.children)


def test_an_address_leaves_out_the_parts_the_date_does_not_know(built: Path) -> None:
    posts = sorted(str(p.parent.relative_to(built)) for p in built.rglob("index.html")
                   if p.parent.name in ("med-dag", "bara-aret", "bara-manaden", "okant-datum"))
    assert posts == ["2016/02/bara-manaden", "2017/03/med-dag", "2017/bara-aret", "okant-datum"]


@pytest.mark.parametrize(("url", "datetime", "text"), [
    ("/2017/03/med-dag/", "2017-03-21", "21 mars 2017"),
    ("/2016/02/bara-manaden/", "2016-02", "februari 2016"),
    ("/2017/bara-aret/", "2017", "2017"),
])
def test_a_post_shows_its_date_as_far_as_it_is_known(built: Path, url: str, datetime: str,
                                                      text: str) -> None:
    meta = page(built, url).find("p", class_="meta")
    time = meta.find("time")
    assert (time.get("datetime"), time.text()) == (datetime, text)


def test_an_undated_post_says_datum_okant_and_has_no_time_element(built: Path) -> None:
    meta = page(built, "/okant-datum/").find("p", class_="meta")
    assert meta.find_all("time") == []
    assert raw_text(meta).split() == ["datum", "okänt", "·", "Haninge,", "Kalix"]


def test_newest_first_a_period_follows_the_posts_dated_within_it_and_undated_come_last(built: Path) -> None:
    titles = [h2.text() for h2 in page(built, "/").find_all("h2") if h2.find_all("a")]
    assert titles == ["Med dag", "Bara året", "Sen dag", "Tidig dag", "Bara månaden", "Okänt datum"]


def test_the_archive_lists_a_year_s_unknown_months_last_and_undated_posts_apart(built: Path) -> None:
    archive = page(built, "/arkiv/")
    assert [h.text() for h in archive.find_all("h2")] == ["2017", "2016", "Datum okänt"]
    assert [h.text() for h in archive.find_all("h3")] == ["Mars 2017", "2017, månad okänd", "Februari 2016"]
    years = archive.find("nav", class_="years")
    assert [(a.text(), a.get("href")) for a in years.find_all("a")] == [
        ("2017", "/arkiv/2017/"), ("2016", "/arkiv/2016/"), ("Datum okänt", "/arkiv/#datum-okant")]
    assert "Datum okänt (1)" in years.text()
    undated = archive.find("section", id="datum-okant")
    assert [a.get("href") for a in undated.find_all("a")] == ["/okant-datum/"]
    year = page(built, "/arkiv/2017/")
    assert [h.text() for h in year.find_all("h2")] == ["Mars 2017", "2017, månad okänd"]
    assert not year.find_all("section", id="datum-okant")  # only on /arkiv/, which the nav links to
    month = page(built, "/arkiv/2016/").find_all("ul", class_="archive-list")[0]
    assert [(t.get("datetime"), t.text()) for t in month.find_all("time")] == [
        ("2016-02-28", "28 februari 2016"), ("2016-02-03", "3 februari 2016"), ("2016-02", "februari 2016")]


def test_a_post_not_known_to_the_day_is_left_out_of_the_feed_and_has_no_lastmod(built: Path) -> None:
    feed = ET.parse(built / "atom.xml").getroot()
    assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == [
        "Med dag", "Sen dag", "Tidig dag"]
    urls = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod")
            for u in ET.parse(built / "sitemap.xml").getroot().iter(f"{SITEMAP}url")}
    assert urls["https://example.org/2017/bara-aret/"] is None
    assert urls["https://example.org/okant-datum/"] is None
    assert urls["https://example.org/2016/02/bara-manaden/"] is None
    assert urls["https://example.org/2017/03/med-dag/"] == "2017-03-21"


def test_posts_of_every_precision_reach_their_municipality_and_tag_pages(built: Path) -> None:
    def listed(url: str, heading: str) -> list[str | None]:
        return [a.get("href") for h in page(built, url).find_all(heading) for a in h.find_all("a")]
    assert listed("/kommuner/goteborg/", "h3") == ["/2017/03/med-dag/", "/2017/bara-aret/"]
    assert listed("/kommuner/kalix/", "h3") == ["/okant-datum/"]
    assert listed("/taggar/samverkan/", "h2") == ["/2016/02/bara-manaden/"]


def test_an_only_undated_site_has_an_archive_that_is_not_empty(scratch_site: Callable[..., Path]) -> None:
    site = scratch_site({"content/posts/a.md": post("Okänt", "okänt")})
    build(site, BuildOptions(now=NOW))
    archive = page(site / "output", "/arkiv/")
    assert "Arkivet är tomt" not in archive.text()
    assert [a.get("href") for a in archive.find("section", id="datum-okant").find_all("a")] == ["/okant/"]


@pytest.mark.parametrize(("written", "kept"), [("2030", False), ("2030-01", False), ("2026", True),
                                                ("2026-11", True), ("2026-12", False), ("okänt", True)])
def test_a_partial_date_is_in_the_future_only_when_its_whole_period_is(
        scratch_site: Callable[..., Path], written: str, kept: bool) -> None:
    site = scratch_site({"content/posts/a.md": post("Inlägget", written)})
    report = build(site, BuildOptions(now=NOW))  # NOW is 24 November 2026
    assert (report.posts == 1) is kept
    if not kept:
        assert any(f"dated {written}, in the future" in note for note in report.notes)


def test_a_permalink_with_the_day_leaves_out_day_and_month_for_a_year(
        scratch_site: Callable[..., Path]) -> None:
    site = scratch_site({"content/posts/a.md": post("Året", "2017"),
                         "content/posts/b.md": post("Månaden", "2016-02"),
                         "content/posts/c.md": post("Dagen", "2015-12-01")},
                        "permalink: /blogg/{year}/{month}/{day}/{slug}/\n")
    build(site, BuildOptions(now=NOW))
    out = site / "output"
    made = sorted(str(p.parent.relative_to(out)) for p in (out / "blogg").rglob("index.html"))
    assert made == ["blogg/2015/12/01/dagen", "blogg/2016/02/manaden", "blogg/2017/aret"]


def test_an_undated_post_may_not_take_the_address_of_a_page(scratch_site: Callable[..., Path]) -> None:
    site = scratch_site({"content/posts/om.md": post("Om bloggen", "okänt"),
                         "content/pages/om.md": "---\ntitle: Om bloggen\n---\n\nText.\n"})
    with pytest.raises((SiteError, ExceptionGroup)) as caught:
        build(site, BuildOptions(now=NOW))
    messages = sorted(p.format() for p in flatten(caught.value))
    assert [m.split("\n")[0] for m in messages] == [
        "content/pages/om.md:2: address /om-bloggen/ is also used by content/posts/om.md",
        "content/posts/om.md:2: address /om-bloggen/ is also used by content/pages/om.md",
    ]
