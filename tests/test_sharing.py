"""Sharing metadata: meta descriptions, Open Graph and Twitter tags, JSON-LD, read back by parsing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sbuv_site.build import BuildOptions, build
from sbuv_site.config import Config
from sbuv_site.sharing import (
    DESCRIPTION_LIMIT,
    _absolute,
    describe,
    json_ld,
    locale_of,
    parsed_text,
    plain_text,
)
from sbuv_site.urls import Urls
from tests.conftest import NOW, post, write_site
from tests.htmltree import Node, parse_file

HOSTILE = "</script><script>alert(1)</script>"
LONG_SUMMARY = ("Samordnaren besökte kommunen under två dagar och träffade socialsekreterare, chefer, "
                "politiker och representanter för skolan, polisen och regionen för att tala om hur "
                "arbetet med barn och unga kan bli bättre.")


def page_of(out: Path, url: str) -> Node:
    return parse_file(out / url.lstrip("/") / "index.html" if url.endswith("/") else out / url.lstrip("/"))


def metas(doc: Node) -> dict[str, list[str]]:
    """Every <meta name|property=… content=…> of a page, by name."""
    found: dict[str, list[str]] = {}
    for node in doc.find("head").find_all("meta"):
        key = node.get("property") or node.get("name")
        if key:
            found.setdefault(key, []).append(node.get("content") or "")
    return found


def linked_data(doc: Node) -> list[dict[str, Any]]:
    """The JSON-LD blocks of a page, parsed."""
    blocks = doc.find_all("script", type="application/ld+json")
    return [json.loads("".join(c for c in b.children if isinstance(c, str))) for b in blocks]


def of_type(doc: Node, kind: str) -> dict[str, Any]:
    (found,) = [d for d in linked_data(doc) if d["@type"] == kind]
    return found


@pytest.fixture(scope="module")
def odd_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Posts that test the edges: a hostile title, an update, a long summary, another author, no text."""
    root = write_site(tmp_path_factory.mktemp("sharing") / "site", {
        "content/posts/hostile.md": post(HOSTILE, "2016-03-01", "Text & mer.", municipality="Göteborg"),
        "content/posts/updated.md": post("Uppdaterat", "2016-02-01 09:30", LONG_SUMMARY,
                                         updated="2016-05-04 10:00", author="Pia Mattzon"),
        "content/posts/only-heading.md": post("Bara rubrik", "2016-01-01", "## Rubrik\n\n- punkt"),
    }, "author: Samordnaren\n")
    build(root, BuildOptions(now=NOW))
    return root / "output"


def test_plain_text_drops_tags_decodes_entities_and_collapses_space() -> None:
    assert plain_text("Höga <em>förväntningar</em> på\n <a href='/x'>BBIC</a> &amp; mer&nbsp;") == (
        "Höga förväntningar på BBIC & mer")


HTML_PIECES = ["Höga", " ", "\n", "\xa0", "<em>", "</em>", "<a href=\"/x\">", "<a title='a>b'>", "</a>",
               '<img alt="1 > 0" src="b.png">', "<br/>", "<br>", "&amp;", "&lt;", "&#65;", "&#x41;", "&nbsp;",
               "&amp", "&ampx;", "&", ";", "<", ">", "<3", "<!-- x -->", "<!x>", "<?x>", "<script>",
               "</script>", "<STYLE>", "<textarea>", "<title>", '"', "'", "<a b=\"", "</p >",
               "<p/>", "x", "-->", "\u2028"]


@settings(deadline=None, max_examples=300)
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=12).map("".join))
@example("Höga <em>förväntningar</em> på\n <a href='/x'>BBIC</a> &amp; mer&nbsp;")
@example("a <script>x <b>y</b></script> &amp")
@example("<script>x <b>y</b></script>")
def test_plain_text_reads_any_html_as_htmlparser_does(html: str) -> None:
    # The regex path for the HTML the site writes must give what HTMLParser gives, or step aside.
    assert plain_text(html) == parsed_text(html)


def test_description_is_cut_on_a_word_boundary_with_an_ellipsis() -> None:
    assert describe("Kort text.") == "Kort text."
    cut = describe(LONG_SUMMARY)
    assert len(LONG_SUMMARY) > DESCRIPTION_LIMIT >= len(cut)
    assert cut.endswith("…") and LONG_SUMMARY.startswith(cut[:-1])
    assert LONG_SUMMARY[len(cut) - 1] == " "  # the cut fell between two words
    assert describe("ord, " * 40).endswith("ord…")  # no dangling comma before the ellipsis
    assert describe("x" * 400) == "x" * (DESCRIPTION_LIMIT - 1) + "…"  # one endless word


def test_json_ld_keeps_a_script_end_tag_inside_the_data_block() -> None:
    text = json_ld({"headline": HOSTILE, "note": "a & b <!-- c -->"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"headline": HOSTILE, "note": "a & b <!-- c -->"}
    assert "å" in json_ld({"x": "å"})  # Swedish letters stay readable


def test_open_graph_locale_comes_from_the_site_language() -> None:
    assert (locale_of("sv"), locale_of("en-US")) == ("sv_SE", "en_US")


def test_every_page_has_one_description_and_complete_open_graph_tags(full_site: Path) -> None:
    seen = {}
    for path in sorted(full_site.rglob("*.html")):
        doc = parse_file(path)
        tags = metas(doc)
        canonical = doc.find("link", rel="canonical").get("href")
        for key in ("description", "og:title", "og:type", "og:url", "og:site_name", "og:locale",
                    "og:description", "twitter:card"):
            assert len(tags.get(key, [])) == 1 and tags[key][0], f"{path}: {key} {tags.get(key)}"
        assert tags["og:url"] == [canonical] and canonical.startswith("https://example.org/"), path
        assert tags["og:description"] == tags["description"], path
        assert len(tags["description"][0]) <= DESCRIPTION_LIMIT, path
        card = "summary_large_image" if "og:image" in tags else "summary"  # a post with an `image`
        assert (tags["og:site_name"], tags["og:locale"], tags["twitter:card"]) == (
            ["Testbloggen"], ["sv_SE"], [card]), path
        title = doc.find("title").text()
        assert title in (tags["og:title"][0], f"{tags['og:title'][0]} – Testbloggen"), path
        seen[str(path.relative_to(full_site))] = tags["description"][0]
    site = "En liten webbplats för sbuv-sites tester."
    assert seen["index.html"] == site
    for rel in ("sida/2/index.html", "taggar/index.html", "taggar/samverkan/index.html", "arkiv/index.html",
                "arkiv/2016/index.html", "karta/index.html", "kommuner/index.html",
                "kommuner/umea/index.html", "prenumerera/index.html", "404.html"):
        assert seen[rel] != site, f"{rel} should describe itself"
    assert seen["arkiv/2016/index.html"] == "Inlägg från 2016 på Testbloggen, ordnade efter månad."
    assert seen["kommuner/umea/index.html"] == "Besök och inlägg om Umeå i Västerbottens län på Testbloggen."
    assert seen["om-bloggen/index.html"] == "Om den här bloggen."


def test_a_post_is_described_by_its_summary_as_plain_text_and_typed_as_an_article(full_site: Path) -> None:
    tags = metas(page_of(full_site, "/2015/11/vetlanda-den-17-november/"))
    assert tags["description"] == ["Höga förväntningar på nya BBIC."]  # the summary's *emphasis* gone
    assert tags["og:type"] == ["article"]
    assert tags["article:published_time"] == ["2015-11-17T00:00:00+01:00"]
    assert tags["article:modified_time"] == ["2015-11-17T00:00:00+01:00"]
    other = metas(page_of(full_site, "/arkiv/"))
    assert other["og:type"] == ["website"] and "article:published_time" not in other


def test_post_json_ld_is_a_complete_blog_posting(full_site: Path) -> None:
    doc = page_of(full_site, "/2015/12/snofattigt-umea-i-forandring/")
    url = "https://example.org/2015/12/snofattigt-umea-i-forandring/"
    data = of_type(doc, "BlogPosting")
    assert data["@context"] == "https://schema.org"
    assert (data["headline"], data["url"], data["inLanguage"]) == ("Snöfattigt Umeå i förändring", url, "sv")
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["datePublished"] == data["dateModified"] == "2015-12-02T00:00:00+01:00"
    assert data["description"] == "Besöket i Umeå var avsatt till tisdagen den 1 december."
    site_org = {"@type": "Organization", "name": "Samordnaren", "url": "https://example.org/"}
    assert data["author"] == site_org and data["publisher"] == site_org
    (place,) = data["about"]
    assert place == data["contentLocation"][0]
    assert (place["@type"], place["name"], place["url"]) == (
        "AdministrativeArea", "Umeå", "https://example.org/kommuner/umea/")
    assert place["address"] == {"@type": "PostalAddress", "addressRegion": "Västerbottens län",
                                "addressCountry": "SE"}
    assert data["keywords"] == ["handlingsplan", "kompetens"]


def test_a_post_by_someone_else_names_that_person_as_author(full_site: Path) -> None:
    data = of_type(page_of(full_site, "/2016/09/lokala-planer-for-starkt-barn-och-ungdomsvard/"),
                   "BlogPosting")
    assert data["author"] == {"@type": "Person", "name": "Pia Mattzon"}
    assert data["publisher"]["name"] == "Samordnaren"
    assert data["about"][0]["name"] == "Borås" and data["about"][0]["address"]["addressRegion"] == (
        "Västra Götalands län")


def test_breadcrumb_json_ld_matches_the_visible_trail(full_site: Path) -> None:
    doc = page_of(full_site, "/2015/12/snofattigt-umea-i-forandring/")
    data = of_type(doc, "BreadcrumbList")
    items = data["itemListElement"]
    assert [i["position"] for i in items] == [1, 2, 3, 4]
    assert [i["name"] for i in items] == ["Start", "Arkiv", "2015", "Snöfattigt Umeå i förändring"]
    visible = doc.find("nav", class_="breadcrumbs").find_all("a")
    assert [i["item"] for i in items] == ["https://example.org" + a.get("href") for a in visible]
    assert [i["name"] for i in items] == [a.text() for a in visible]


def test_only_posts_carry_json_ld(full_site: Path) -> None:
    for rel in ("index.html", "arkiv/index.html", "kommuner/umea/index.html", "404.html",
                "prenumerera/index.html"):
        assert linked_data(parse_file(full_site / rel)) == [], rel


def test_a_script_in_a_title_stays_data_in_json_ld_and_text_in_the_page(odd_site: Path) -> None:
    url = "/2016/03/script-script-alert-1-script/"
    raw = (odd_site / url.lstrip("/") / "index.html").read_text(encoding="utf-8")
    doc = page_of(odd_site, url)
    scripts = doc.find_all("script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"] * 2  # nothing a browser would run
    assert raw.count("</script>") == 2  # only the ends of the two data blocks
    posting = of_type(doc, "BlogPosting")
    assert posting["headline"] == HOSTILE and doc.find("h1").text() == HOSTILE
    assert posting["description"] == "Text & mer."
    assert of_type(doc, "BreadcrumbList")["itemListElement"][-1]["name"] == HOSTILE
    assert metas(doc)["og:title"] == [HOSTILE]  # an attribute value: escaped by the layout, read back whole


def test_an_updated_post_says_when_it_changed_and_a_long_summary_is_trimmed(odd_site: Path) -> None:
    doc = page_of(odd_site, "/2016/02/uppdaterat/")
    tags = metas(doc)
    assert tags["article:published_time"] == ["2016-02-01T09:30:00+01:00"]
    assert tags["article:modified_time"] == ["2016-05-04T10:00:00+02:00"]
    posting = of_type(doc, "BlogPosting")
    assert (posting["datePublished"], posting["dateModified"]) == (
        "2016-02-01T09:30:00+01:00", "2016-05-04T10:00:00+02:00")
    assert posting["author"] == {"@type": "Person", "name": "Pia Mattzon"}
    (description,) = tags["description"]
    assert description.endswith("…") and len(description) <= DESCRIPTION_LIMIT
    assert LONG_SUMMARY.startswith(description[:-1])


def test_a_page_with_nothing_to_say_gets_no_empty_description(odd_site: Path) -> None:
    doc = page_of(odd_site, "/2016/01/bara-rubrik/")  # no paragraph, and the site has no description
    tags = metas(doc)
    assert "description" not in tags and "og:description" not in tags
    assert "description" not in of_type(doc, "BlogPosting")


def test_the_404_page_asks_not_to_be_indexed(full_site: Path) -> None:
    assert metas(parse_file(full_site / "404.html"))["robots"] == ["noindex"]
    assert "robots" not in metas(parse_file(full_site / "index.html"))


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://example.org/blogg/",
                                      "https://example.org/blogg"])
def test_the_quick_absolute_address_equals_the_urljoin_one(base_url: str) -> None:
    config = Config(base_url=base_url)
    urls = Urls.for_config(config)
    for url in (urls.home(), urls.archive_year(2015), urls.municipality("umea"), "/annat/", "#x"):
        assert _absolute(urls, url) == urls.absolute(url), url
