"""The feeds besides /atom.xml: one Atom feed per municipality and per tag, and the JSON Feed 1.1.

Atom feeds are checked against the strict RELAX NG schema of test_feed_schema (tests/atom.rnc),
the JSON Feed against tests/jsonfeed-1.1.schema.json (written from the spec) and field by field.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

from sbuv_site.build import BuildOptions, build
from sbuv_site.check import check_site
from sbuv_site.slugs import slugify
from tests.conftest import NOW, post, write_site
from tests.htmltree import Node, parse_file, parse_html
from tests.test_feed_schema import SCHEMA, require_module

ATOM = "{http://www.w3.org/2005/Atom}"
JSON_SCHEMA = Path(__file__).with_name("jsonfeed-1.1.schema.json")
BASE = "https://example.org/"

# Four posts about Umeå with the tag 'skola' (one more than the feed limit of 3), one about Kalix,
# and the newest of all known only to its year.
TERMS_SITE = {
    "content/posts/g.md": post("Fjärde i Umeå", "2015-06-01", municipality="Umeå", tags="[skola]"),
    "content/posts/a.md": post("Första i Umeå", "2016-01-10", municipality="Umeå", tags="[skola]"),
    "content/posts/b.md": post("Andra i Umeå", "2016-02-10", municipality="Umeå", tags="[skola]"),
    "content/posts/c.md": post("Tredje i Umeå", "2016-03-10",
                               "Första stycket.\n\nSe [kartan](/karta/), ![en bild](bild.png) och "
                               "[noten](#noten).\n\n## Noten\n\nText.",
                               municipality="Umeå", tags="[skola]"),
    "content/posts/e.md": post("I Kalix", "2016-04-01", municipality="Kalix", tags="[annat]"),
    "content/posts/d.md": post("Bara året", "2017", municipality="Umeå", tags="[skola]"),
}


@pytest.fixture(scope="module")
def terms_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = write_site(tmp_path_factory.mktemp("terms") / "site", TERMS_SITE, "feed:\n  limit: 3\n")
    from PIL import Image  # an image beside the post is copied beside its page

    Image.new("RGB", (4, 3), "white").save(site / "content/posts/bild.png")
    build(site, BuildOptions(now=NOW))
    return site / "output"


@pytest.fixture(scope="module")
def etree() -> ModuleType:
    require_module("rnc2rng")
    return require_module("lxml.etree")


@pytest.fixture(scope="module")
def json_validator() -> Any:
    jsonschema = require_module("jsonschema")
    schema = json.loads(JSON_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def atom_feeds(output: Path) -> list[Path]:
    return sorted(output.rglob("atom.xml"))


def entries(feed: Path) -> list[ET.Element]:
    return ET.parse(feed).getroot().findall(f"{ATOM}entry")


def titles(feed: Path) -> list[str]:
    return [e.findtext(f"{ATOM}title") or "" for e in entries(feed)]


def json_feed(output: Path) -> dict[str, Any]:
    data = json.loads((output / "feed.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def schema_errors(validator: Any, data: object) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def page(output: Path, url: str) -> Node:
    return parse_file(output / url.strip("/") / "index.html" if url != "/" else output / "index.html")


def served(output: Path, url: str) -> bool:
    """Whether an absolute address of the site is a file of the output."""
    path = urlsplit(url).path.lstrip("/")
    return (output / path).is_file() or (output / path / "index.html").is_file()


@pytest.mark.parametrize("which", ["full", "terms"])
def test_every_atom_feed_is_valid_against_the_strict_atom_schema(
        etree: ModuleType, full_site: Path, terms_site: Path, which: str) -> None:
    output = full_site if which == "full" else terms_site
    schema = etree.RelaxNG.from_rnc_string(SCHEMA.read_text(encoding="utf-8"))
    feeds = atom_feeds(output)
    assert len(feeds) > 3
    for feed in feeds:
        rel = feed.relative_to(output).as_posix()
        doc = etree.parse(str(feed))
        assert schema.validate(doc), "\n".join(f"{rel}:{e.line}: {e.message}" for e in schema.error_log)
        ids = doc.xpath("//atom:id/text()", namespaces={"atom": ATOM[1:-1]})
        assert len(set(ids)) == len(ids) and all(urlsplit(i).netloc == "example.org" for i in ids), rel
        self_link = doc.xpath("/atom:feed/atom:link[@rel='self']/@href", namespaces={"atom": ATOM[1:-1]})
        assert self_link == [BASE + rel], rel  # the feed says where it is, so readers can follow moves


def test_the_full_site_has_a_feed_for_every_municipality_page_and_every_tag(full_site: Path) -> None:
    places = sorted(p.parent.name for p in (full_site / "kommuner").glob("*/index.html"))
    tags = sorted(p.parent.name for p in (full_site / "taggar").glob("*/index.html"))
    assert places and tags
    assert [f.relative_to(full_site).as_posix() for f in atom_feeds(full_site)] == [
        "atom.xml", *(f"kommuner/{p}/atom.xml" for p in places), *(f"taggar/{t}/atom.xml" for t in tags)]


def test_a_term_feed_holds_only_its_posts_newest_first_and_no_more_than_the_limit(terms_site: Path) -> None:
    three_newest = ["Tredje i Umeå", "Andra i Umeå", "Första i Umeå"]  # 'Fjärde' is past the limit
    assert titles(terms_site / "kommuner/umea/atom.xml") == three_newest
    assert titles(terms_site / "taggar/skola/atom.xml") == three_newest
    assert titles(terms_site / "kommuner/kalix/atom.xml") == ["I Kalix"]
    assert titles(terms_site / "taggar/annat/atom.xml") == ["I Kalix"]
    assert titles(terms_site / "atom.xml") == ["I Kalix", "Tredje i Umeå", "Andra i Umeå"]
    feed = ET.parse(terms_site / "kommuner/umea/atom.xml").getroot()
    assert feed.findtext(f"{ATOM}title") == "Umeå – Testbloggen"
    assert feed.findtext(f"{ATOM}id") == BASE + "kommuner/umea/"
    assert feed.findtext(f"{ATOM}updated") == "2016-03-10T00:00:00+01:00"  # its newest entry, not the site's
    alternate = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
    assert alternate == [BASE + "kommuner/umea/"]


def test_every_entry_of_a_tag_feed_carries_that_tag(full_site: Path) -> None:
    for feed in sorted((full_site / "taggar").glob("*/atom.xml")):
        found = entries(feed)
        assert found, feed
        for entry in found:
            terms = [slugify(c.get("term") or "") for c in entry.findall(f"{ATOM}category")]
            assert feed.parent.name in terms, (feed, entry.findtext(f"{ATOM}title"))


def test_each_municipality_page_names_its_feed_in_the_head_and_in_words(full_site: Path) -> None:
    pages = sorted((full_site / "kommuner").glob("*/index.html"))
    assert pages
    for path in pages:
        doc = parse_file(path)
        name = doc.find("h1").text()
        feed = f"/kommuner/{path.parent.name}/atom.xml"
        alternates = [(a.get("type"), a.get("title"), a.get("href"))
                      for a in doc.find("head").find_all("link", rel="alternate")]
        assert alternates == [("application/atom+xml", "Testbloggen", "/atom.xml"),
                              ("application/atom+xml", f"{name} – Testbloggen", feed)], path
        visible = [a for a in doc.find("main").find_all("a") if a.get("href") == feed]
        assert [a.text() for a in visible] == [f"Följ nya inlägg om {name} i din flödesläsare"], path
        assert (full_site / feed.lstrip("/")).is_file()


def test_every_page_of_a_tag_names_the_tag_feed_in_the_head_and_in_words(full_site: Path) -> None:
    pages = sorted((full_site / "taggar").glob("*/index.html")) + sorted(
        (full_site / "taggar").glob("*/sida/*/index.html"))
    assert len(pages) == 4  # the full fixture's tags have a page each
    for path in pages:
        slug = path.relative_to(full_site / "taggar").parts[0]
        doc = parse_file(path)
        name = doc.find("h1").text().removeprefix("Tagg: ")
        feed = f"/taggar/{slug}/atom.xml"
        alternates = [(a.get("type"), a.get("title"), a.get("href"))
                      for a in doc.find("head").find_all("link", rel="alternate")]
        assert alternates[1:] == [("application/atom+xml", f"Tagg: {name} – Testbloggen", feed)], path
        visible = [a.text() for a in doc.find("main").find_all("a") if a.get("href") == feed]
        assert visible == [f"Följ nya inlägg med taggen {name} i din flödesläsare"], path


def test_the_home_page_names_the_json_feed_and_other_pages_do_not(full_site: Path) -> None:
    def alternates(url: str) -> list[tuple[str | None, str | None, str | None]]:
        return [(a.get("type"), a.get("title"), a.get("href"))
                for a in page(full_site, url).find("head").find_all("link", rel="alternate")]

    assert alternates("/") == [("application/atom+xml", "Testbloggen", "/atom.xml"),
                               ("application/feed+json", "Testbloggen (JSON Feed)", "/feed.json")]
    for url in ("/sida/2/", "/arkiv/", "/kommuner/", "/taggar/", "/prenumerera/"):
        assert alternates(url) == [("application/atom+xml", "Testbloggen", "/atom.xml")], url


@pytest.mark.parametrize("which", ["full", "terms"])
def test_the_json_feed_is_valid_against_a_schema_of_json_feed_1_1(
        json_validator: Any, full_site: Path, terms_site: Path, which: str) -> None:
    data = json_feed(full_site if which == "full" else terms_site)
    assert schema_errors(json_validator, data) == []


def test_the_json_schema_refuses_what_the_spec_refuses(json_validator: Any, full_site: Path) -> None:
    """A canary: the schema would catch a broken feed, so its silence above means something."""
    good = json_feed(full_site)
    item = good["items"][0]
    broken = [
        {k: v for k, v in good.items() if k != "version"},
        {**good, "version": "https://jsonfeed.org/version/1"},
        {**good, "items": [{k: v for k, v in item.items() if k != "content_html"}]},
        {**good, "items": [{**item, "date_published": "2016-03-10T14:30:00"}]},  # no offset
        {**good, "items": [{**item, "date_published": "2016-03-10"}]},
        {**good, "items": [{**item, "authors": [{}]}]},
        {**good, "author": {"name": "x"}},  # 1.0's key, not 1.1's
        {**good, "home_page_url": "/"},
    ]
    for feed in broken:
        assert schema_errors(json_validator, feed), feed


def test_the_json_feed_field_by_field(full_site: Path) -> None:
    data = json_feed(full_site)
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] == "Testbloggen"
    assert data["description"] == "En liten webbplats för sbuv-sites tester."
    assert data["home_page_url"] == BASE and served(full_site, data["home_page_url"])
    assert data["feed_url"] == BASE + "feed.json" and served(full_site, data["feed_url"])
    assert data["language"] == "sv"
    assert data["authors"] == [{"name": "Samordnaren"}]
    items = data["items"]
    ids = [item["id"] for item in items]
    assert len(set(ids)) == len(ids)
    for item in items:
        assert item["url"] == item["id"] and served(full_site, item["url"]), item["id"]
        assert item["title"] and item["content_html"].strip(), item["id"]
        published = datetime.fromisoformat(item["date_published"])
        assert published.tzinfo is not None and published.utcoffset() is not None, item["id"]
        assert [a["name"] for a in item["authors"]] and all(a["name"] for a in item["authors"])
    # every post of the fixture is known to the day: the same posts, in the same order, as Atom
    atom = [e.findtext(f"{ATOM}id") for e in entries(full_site / "atom.xml")]
    assert ids == atom and len(ids) == 6
    published = {e.findtext(f"{ATOM}id"): e.findtext(f"{ATOM}published")
                 for e in entries(full_site / "atom.xml")}
    assert all(item["date_published"] == published[item["id"]] for item in items)
    vetlanda = next(item for item in items if "vetlanda" in item["id"])
    assert vetlanda["tags"] == ["ensamkommande", "Samverkan"]
    assert vetlanda["summary"] == "Höga förväntningar på nya BBIC."


def test_a_post_known_only_to_its_year_is_in_the_json_feed_without_a_date(terms_site: Path) -> None:
    items = json_feed(terms_site)["items"]
    assert [i["title"] for i in items] == ["Bara året", "I Kalix", "Tredje i Umeå"]  # limit 3, site order
    assert "date_published" not in items[0] and "date_modified" not in items[0]
    assert items[1]["date_published"] == "2016-04-01T00:00:00+02:00"
    assert "Bara året" not in titles(terms_site / "atom.xml")  # Atom needs a time: left out there
    assert "Bara året" not in titles(terms_site / "kommuner/umea/atom.xml")


def test_text_in_every_feed_has_absolute_addresses(terms_site: Path) -> None:
    post_url = BASE + "2016/03/tredje-i-umea/"
    expected = [BASE + "karta/", post_url + "bild.png", post_url + "#noten"]
    texts = {}
    for rel in ("atom.xml", "kommuner/umea/atom.xml", "taggar/skola/atom.xml"):
        entry = next(e for e in entries(terms_site / rel) if e.findtext(f"{ATOM}id") == post_url)
        texts[rel] = entry.findtext(f"{ATOM}content") or ""
    items = json_feed(terms_site)["items"]
    texts["feed.json"] = next(i["content_html"] for i in items if i["url"] == post_url)
    for rel, text in texts.items():
        body = parse_html(text)
        found = [n.get("href") or n.get("src") for n in body.iter() if n.tag in ("a", "img")]
        assert found == expected, rel


def test_with_summaries_only_the_json_feed_carries_the_summary_as_its_html(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"content/posts/a.md": post(
        "Besök i Umeå", "2016-03-04", "Första stycket om [kartan](/karta/).\n\nAndra stycket.",
        municipality="Umeå")}, "feed:\n  full_content: false\n")
    build(site, BuildOptions(now=NOW))
    item = json_feed(site / "output")["items"][0]
    assert item["content_html"] == f'Första stycket om <a href="{BASE}karta/">kartan</a>.'
    assert item["summary"] == "Första stycket om kartan."
    entry = entries(site / "output/kommuner/umea/atom.xml")[0]
    assert entry.find(f"{ATOM}content") is None and entry.find(f"{ATOM}summary") is not None


def test_feeds_are_not_pages_so_the_sitemap_leaves_them_out(full_site: Path) -> None:
    locs = [loc.text or "" for loc in ET.parse(full_site / "sitemap.xml").getroot().iter()
            if loc.tag.endswith("}loc")]
    assert locs and BASE + "kommuner/umea/" in locs
    assert [loc for loc in locs if loc.endswith((".xml", ".json"))] == []


def test_the_subscribe_page_explains_the_term_feeds_and_the_json_feed(full_site: Path) -> None:
    main = page(full_site, "/prenumerera/").find("main")
    codes = [c.text() for c in main.find_all("code")]
    assert codes[0] == BASE + "atom.xml"
    assert BASE + "feed.json" in codes
    examples = [c for c in codes if c.endswith("/atom.xml") and c != BASE + "atom.xml"]
    assert [urlsplit(c).path.split("/")[1] for c in examples] == ["kommuner", "taggar"]
    assert all(served(full_site, c) for c in codes)
    text = main.text()
    assert "Varje kommunsida och varje taggsida har ett eget flöde" in text
    assert "I JSON Feed finns det med, men utan datum" in text


def test_check_reads_the_term_feeds_and_reports_a_broken_link_in_one(terms_site: Path,
                                                                      tmp_path: Path) -> None:
    assert check_site(terms_site) == []
    copy = tmp_path / "output"
    shutil.copytree(terms_site, copy)
    feed = copy / "kommuner/kalix/atom.xml"
    feed.write_text(feed.read_text(encoding="utf-8").replace(
        f'href="{BASE}2016/04/i-kalix/"', f'href="{BASE}2016/04/borta/"'), encoding="utf-8")
    assert check_site(copy) == [f'kommuner/kalix/atom.xml: broken <link href> "{BASE}2016/04/borta/": '
                                "no 2016/04/borta/index.html in the output"]
