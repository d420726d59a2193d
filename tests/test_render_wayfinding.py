"""Wayfinding on built pages: breadcrumbs, contents lists, more to read, directions, 404, the feeds page."""

from __future__ import annotations

from pathlib import Path

import pytest

from sbuv_site.build import BuildOptions, build
from tests.conftest import NOW, post, write_site
from tests.htmltree import Node, parse_file

UMEA_POST = "/2015/12/snofattigt-umea-i-forandring/"
HEADINGS = "Inledning.\n\n## Ett\n\nText.\n\n### Ett a\n\nText.\n\n## Två `kod`\n\nText.\n\n## Tre\n\nText.\n"


def page_of(out: Path, url: str) -> Node:
    return parse_file(out / url.lstrip("/") / "index.html" if url.endswith("/") else out / url.lstrip("/"))


def links(node: Node) -> list[tuple[str, str]]:
    return [(a.text(), a.get("href") or "") for a in node.find_all("a")]


@pytest.fixture(scope="module")
def way_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """No tags anywhere; five posts about Umeå, two about Kalix, an undated draft (built with --drafts)."""
    files = {f"content/posts/umea-{n}.md": post(f"Umeå {n}", f"2016-0{n}-10", municipality="Umeå")
             for n in range(1, 6)}
    files |= {
        "content/posts/kalix-1.md": post("Kalix 1", "2016-07-01", HEADINGS, municipality="Kalix"),
        "content/posts/kalix-2.md": post("Kalix 2", "2016-08-01", "## A\n\n## B\n\n## C\n",
                                         municipality="Kalix"),
        "content/posts/utkast.md": "---\ntitle: Utan datum\ndraft: true\n---\n\nText.\n",
    }
    root = write_site(tmp_path_factory.mktemp("way") / "site", files)
    build(root, BuildOptions(now=NOW, drafts=True, search=False))  # no search: no /sok/ to link to
    return root / "output"


def test_a_post_has_a_breadcrumb_trail_through_its_year(full_site: Path) -> None:
    doc = page_of(full_site, UMEA_POST)
    trail = doc.find("nav", class_="breadcrumbs")
    assert trail.get("aria-label") == "Brödsmulor"
    assert links(trail) == [("Start", "/"), ("Arkiv", "/arkiv/"), ("2015", "/arkiv/2015/"),
                            ("Snöfattigt Umeå i förändring", UMEA_POST)]
    current = [a for a in trail.find_all("a") if a.get("aria-current")]
    assert [(a.get("aria-current"), a.get("href")) for a in current] == [("page", UMEA_POST)]
    assert all(s.get("aria-hidden") == "true" for s in trail.find_all("span", class_="crumb-sep"))
    nav = {a.text(): a for a in doc.find("nav", **{"aria-label": "Huvudnavigering"}).find_all("a")}
    assert nav["Arkiv"].get("class") == "in-section"  # where the trail goes through


def test_an_undated_draft_has_a_trail_without_a_year(way_site: Path) -> None:
    trail = page_of(way_site, "/utkast/utan-datum/").find("nav", class_="breadcrumbs")
    assert links(trail) == [("Start", "/"), ("Utan datum", "/utkast/utan-datum/")]


def test_a_post_with_four_headings_lists_them_with_their_anchors(way_site: Path) -> None:
    doc = page_of(way_site, "/2016/07/kalix-1/")
    toc = doc.find("nav", class_="toc")
    assert toc.get("aria-labelledby") == toc.find("h2").get("id") and toc.find("h2").text() == "Innehåll"
    top = [li for li in toc.find("ol").children if isinstance(li, Node)]
    assert [li.find("a").text() for li in top] == ["Ett", "Två kod", "Tre"]
    assert links(top[0].find("ol")) == [("Ett a", "#ett-a")]  # the h3 under its h2
    body = doc.find("div", class_="post-body")
    body_ids = {h.get("id") for level in ("h2", "h3") for h in body.find_all(level)}
    assert {href.lstrip("#") for _, href in links(toc)} == body_ids
    assert not page_of(way_site, "/2016/08/kalix-2/").find_all("nav", class_="toc")  # three: no list


def test_under_a_post_come_more_posts_about_its_place_and_a_link_to_all(way_site: Path) -> None:
    doc = page_of(way_site, "/2016/03/umea-3/")
    more, related = doc.find_all("section", class_="further")
    assert more.find("h2").text() == "Fler inlägg om Umeå"
    assert [a for a, _ in links(more.find("ul"))] == ["Umeå 5", "Umeå 4", "Umeå 2"]  # newest, not itself
    assert related.find("h2").text() == "Relaterade inlägg"
    assert [a for a, _ in links(related.find("ul"))] == ["Umeå 1"]  # the one about Umeå not yet listed
    assert more.find("p").text() == "Sidan om Umeå , med alla 5 inlägg."
    assert links(more.find("p")) == [("Sidan om Umeå", "/kommuner/umea/")]
    kalix = page_of(way_site, "/2016/08/kalix-2/").find("section", class_="further")
    assert kalix.find("p").text() == "Sidan om Kalix , med båda inläggen."


def test_related_posts_share_a_tag_when_no_place_or_county_is_shared(full_site: Path) -> None:
    sections = page_of(full_site, UMEA_POST).find_all("section", class_="further")
    assert [s.find("h2").text() for s in sections] == ["Relaterade inlägg"]  # the only post about Umeå
    assert links(sections[0].find("ul")) == [
        ("Lokala planer för stärkt barn- och ungdomsvård",
         "/2016/09/lokala-planer-for-starkt-barn-och-ungdomsvard/"),
        ("Uppföljningsbesök i Göteborg", "/2017/02/uppfoljningsbesok-i-goteborg/")]


def test_newer_and_older_links_say_their_direction(full_site: Path) -> None:
    nav = page_of(full_site, UMEA_POST).find("nav", class_="post-nav")
    newer, older = nav.find("li", class_="newer").find("a"), nav.find("li", class_="older").find("a")
    assert (newer.text(), newer.get("rel")) == ("← Nyare inlägg Reflektioner efter ett år", "next")
    assert (older.text(), older.get("rel")) == ("Äldre inlägg → Vetlanda den 17 november", "prev")
    assert all(s.get("aria-hidden") == "true" for s in nav.find_all("span") if s.text() in ("←", "→"))
    newest = page_of(full_site, "/2017/02/uppfoljningsbesok-i-goteborg/").find("nav", class_="post-nav")
    assert [li.get("class") for li in newest.find_all("li")] == ["older"]
    pager = page_of(full_site, "/").find("nav", class_="pager")
    assert [(a.text(), a.get("rel")) for a in pager.find_all("a")] == [("Äldre inlägg →", "next")]
    pager = page_of(full_site, "/sida/2/").find("nav", class_="pager")
    assert [(a.text(), a.get("rel")) for a in pager.find_all("a")] == [("← Nyare inlägg", "prev")]


def test_the_archive_marks_the_year_being_shown_and_only_it(full_site: Path) -> None:
    years = page_of(full_site, "/arkiv/2016/").find("nav", class_="years")
    assert [(a.text(), a.get("aria-current")) for a in years.find_all("a")] == [
        ("2017", None), ("2016", "page"), ("2015", None)]
    index = page_of(full_site, "/arkiv/").find("nav", class_="years")
    assert [a.get("aria-current") for a in index.find_all("a")] == [None, None, None]


def test_the_tags_menu_entry_shows_only_when_some_post_has_tags(full_site: Path, way_site: Path) -> None:
    def menu(out: Path) -> list[str]:
        nav = page_of(out, "/").find("nav", **{"aria-label": "Huvudnavigering"})
        return [a.text() for a in nav.find_all("a")]

    assert menu(full_site) == ["Start", "Karta", "Kommuner", "Taggar", "Arkiv", "Om bloggen"]
    assert menu(way_site) == ["Start", "Karta", "Kommuner", "Arkiv"]


def test_the_404_page_offers_ways_on_and_search_where_there_is_one(full_site: Path,
                                                                    way_site: Path) -> None:
    doc = parse_file(full_site / "404.html")
    main = doc.find("main")
    assert links(main.find("ul", class_="way-on")) == [
        ("Startsidan", "/"), ("Arkivet", "/arkiv/"), ("Kartan", "/karta/"),
        ("Besökta kommuner", "/kommuner/"), ("Taggar", "/taggar/"), ("Sök", "/sok/")]
    latest = [a for a, _ in links(main.find_all("ul")[1])]
    assert latest == ["Uppföljningsbesök i Göteborg", "Lokala planer för stärkt barn- och ungdomsvård",
                      "Haninge och Kalix"]
    assert all(href.startswith("/") for _, href in links(main))  # served at any depth: no relative links
    untagged = parse_file(way_site / "404.html").find("ul", class_="way-on")  # built without search
    assert [a for a, _ in links(untagged)] == ["Startsidan", "Arkivet", "Kartan", "Besökta kommuner"]


def test_the_feeds_page_explains_subscribing_and_every_footer_links_it(full_site: Path) -> None:
    doc = page_of(full_site, "/prenumerera/")
    main = doc.find("main")
    assert doc.find("h1").text() == "Prenumerera på nya inlägg"
    assert [h.text() for h in main.find_all("h2")] == [
        "Vad är ett flöde?", "Så prenumererar du", "Flödets adress",
        "Flöden för en kommun eller en tagg", "Flödet som JSON Feed"]
    assert main.find("code").text() == "https://example.org/atom.xml"
    assert ("öppna själva flödet", "/atom.xml") in links(main)
    assert "de 20 senaste inläggen med hela texten" in main.text()
    for path in sorted(full_site.rglob("*.html")):
        page = parse_file(path)
        assert ("Prenumerera på nya inlägg", "/prenumerera/") in links(page.find("footer")), path
        alternate = page.find("link", rel="alternate")
        assert (alternate.get("type"), alternate.get("href")) == ("application/atom+xml", "/atom.xml"), path
