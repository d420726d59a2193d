"""The generated Swedish, read on every page of this repository's site and of the 'full' fixture.

Official municipality names, "inga inlägg", "extrabesök", dates in words (ISO only in
datetime attributes), separators between the parts of a post's meta line, no "ännu" promises
for a blog that ended in 2017, and no import leftovers such as saved file names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sbuv_site.build import BuildOptions, build
from sbuv_site.municipalities import load_registry
from tests.conftest import NOW, ROOT, write_site
from tests.htmltree import Node, parse_file

REGISTRY = load_registry()
ISO_DATE = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])")


@pytest.fixture(scope="module")
def repository_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository's own site (config.yaml, content/), built once."""
    out = tmp_path_factory.mktemp("repository") / "output"
    build(ROOT, BuildOptions(output=out, now=NOW))
    return out


@pytest.fixture(params=["repository", "full"])
def any_site(request: pytest.FixtureRequest) -> Path:
    name = "repository_site" if request.param == "repository" else "full_site"
    site: Path = request.getfixturevalue(name)
    return site


def pages(out: Path) -> list[tuple[Path, Node]]:
    return [(path, parse_file(path)) for path in sorted(out.rglob("*.html"))]


def raw_text(node: Node) -> str:
    """Text as the browser joins it: nothing added between elements (so 'saknasUtkast' shows)."""
    return "".join(child if isinstance(child, str) else raw_text(child) for child in node.children)


def read_aloud(doc: Node) -> str:
    """Visible text plus the names assistive technology reads (aria-label, title)."""
    names = [n.get("aria-label") or "" for n in doc.iter()] + [
        n.text() for n in doc.iter() if n.tag == "title"]
    return raw_text(doc.find("body")) + "\n" + "\n".join(names)


def test_no_page_shows_an_iso_date_a_zero_count_or_a_promise(any_site: Path) -> None:
    for path, doc in pages(any_site):
        text = read_aloud(doc)
        assert not ISO_DATE.findall(text), (path, ISO_DATE.findall(text))
        assert not re.search(r"(?<![\d\u00a0])\b0 inlägg", text), path
        assert "ännu" not in text.casefold(), path
        assert "extra besök" not in text.casefold(), path


def test_iso_dates_stay_in_datetime_attributes(repository_site: Path) -> None:
    times = [t for _, doc in pages(repository_site) for t in doc.find_all("time")]
    assert len(times) > 20
    for time in times:
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", time.get("datetime") or ""), time.attrs
        assert not ISO_DATE.search(time.text())


def test_every_part_of_a_meta_line_is_set_apart(any_site: Path) -> None:
    checked = 0
    for path, doc in pages(any_site):
        for meta in doc.find_all("p", class_="meta"):
            parts = [child for child in meta.children if not isinstance(child, str) or child.strip()]
            for before, after in zip(parts, parts[1:], strict=False):
                if not isinstance(before, str) and not isinstance(after, str):
                    raise AssertionError(f"{path}: {raw_text(meta)!r} joins two parts with no separator")
            checked += 1
    assert checked > 10


def test_a_draft_without_a_date_reads_datum_saknas_then_utkast(tmp_path: Path) -> None:
    draft = "---\ntitle: Inget datum än\ndraft: true\nauthor: Gäst\n---\n\nText.\n"
    site = write_site(tmp_path / "site", {"content/posts/a.md": draft})
    build(site, BuildOptions(now=NOW, drafts=True))
    meta = parse_file(site / "output/utkast/inget-datum-an/index.html").find("p", class_="meta")
    assert " ".join(raw_text(meta).split()) == "datum saknas · Utkast · Text: Gäst"


@pytest.mark.parametrize(("slug", "sentence"), [
    ("goteborg", "Göteborgs kommun, Västra Götalands län."),
    ("jonkoping", "Jönköpings kommun, Jönköpings län."),
    ("tierp", "Tierps kommun, Uppsala län."),
    ("umea", "Umeå kommun, Västerbottens län."),
    ("haninge", "Haninge kommun, Stockholms län."),
    ("boras", "Borås kommun, Västra Götalands län."),
    ("kalix", "Kalix kommun, Norrbottens län."),
    ("kalmar", "Kalmar kommun, Kalmar län."),
    ("ostersund", "Östersunds kommun, Jämtlands län."),
])
def test_a_municipality_page_gives_the_official_name(repository_site: Path, slug: str, sentence: str) -> None:
    doc = parse_file(repository_site / "kommuner" / slug / "index.html")
    assert sentence in [p.text() for p in doc.find("main").find_all("p")]


def test_no_page_writes_a_municipality_name_without_its_genitive(any_site: Path) -> None:
    wrong = [f"{m.name} kommun" for m in REGISTRY.municipalities if m.official_name != f"{m.name} kommun"]
    for path, doc in pages(any_site):
        text = raw_text(doc.find("body"))
        assert not [w for w in wrong if re.search(rf"(?<!\w){re.escape(w)}", text)], path


def test_visits_read_in_swedish_with_their_sources_linked(repository_site: Path) -> None:
    def visits(slug: str) -> list[Node]:
        doc = parse_file(repository_site / "kommuner" / slug / "index.html")
        return doc.find("main").find("ul").find_all("li")

    (kalix,) = visits("kalix")
    assert " ".join(raw_text(kalix).split()).startswith("Extrabesök: datum okänt (källa: ")
    assert [(a.text(), a.get("href")) for a in kalix.find_all("a")] == [
        ("kalix.se", "https://www.kalix.se/Aktuellt/Omsorg-och-raddning/kraftsamling-inom-barn--och-ungdomsvard/")]
    besok, aterbesok = visits("torsby")
    assert "Värmlandsbygden 19 januari 2017" in aterbesok.text()
    skovde = visits("skovde")[1]
    assert [a.text() for a in skovde.find_all("a")] == ["skovde.se", "sla.se"]
    assert (skovde.find("time").get("datetime"), skovde.find("time").text()) == ("2017-03-21", "21 mars 2017")
    assert not besok.find_all("time")


@pytest.mark.parametrize(("slug", "kinds"), [
    ("ostersund", ["Besök: 26 november 2015", "Återbesök: datum okänt"]),
    ("tierp", ["Besök: datum okänt", "Återbesök: datum okänt"]),
    ("sjobo", ["Besök: datum okänt", "Återbesök: datum okänt"]),
])
def test_the_newly_sourced_visits_are_on_their_pages(repository_site: Path, slug: str,
                                                     kinds: list[str]) -> None:
    doc = parse_file(repository_site / "kommuner" / slug / "index.html")
    items = doc.find("main").find("ul").find_all("li")
    assert [li.text().split(" (källa")[0] for li in items] == kinds
    assert all(li.find_all("a") for li in items)  # each has its source's address


def test_imported_posts_show_no_file_names_and_credit_their_author(repository_site: Path) -> None:
    for path, doc in pages(repository_site):
        text = raw_text(doc.find("body"))
        assert "sparad som text" not in text and ".txt" not in text, path
        assert "Text och foto" not in text, path
        assert not re.search(r"SKLVid|Stad–", text), path
    boras = parse_file(repository_site / "2016/09/lokala-planer-for-starkt-barn-och-ungdomsvard/index.html")
    assert boras.find("span", class_="byline").text() == "Text: Pia Mattzon, FoU Sjuhärad Välfärd"
    captions = [p.text() for p in boras.find("div", class_="post-body").find_all("p") if p.find_all("em")]
    caption = "På bilden, som inte finns kvar: "
    assert captions[:2] == [caption + "Kjerstin Bergman och Mikael Malm, SKL.",
                            caption + "Linda Regnér, verksamhetsutvecklare, Borås Stad."]
    umea = parse_file(repository_site / "2015/12/snofattigt-umea-i-forandring/index.html")
    assert not umea.find_all("span", class_="byline")  # the coordinator's own post: no credit
    assert not umea.find_all("p", class_="origin")  # its source is a note, not an address


def test_every_imported_post_is_published_with_what_is_known_of_its_date(repository_site: Path) -> None:
    goteborg = parse_file(repository_site / "2017/uppfoljningsbesok-i-goteborg/index.html")
    time = goteborg.find("p", class_="meta").find("time")
    assert (time.get("datetime"), time.text()) == ("2017", "2017")
    haninge = parse_file(repository_site / "haninge-och-kalix/index.html")
    assert haninge.find("p", class_="meta").text().startswith("datum okänt ·")
    assert not haninge.find_all("span", class_="draft")
    home = parse_file(repository_site / "index.html")
    assert len([h for h in home.find_all("h2") if h.find_all("a")]) == 5
    archive = parse_file(repository_site / "arkiv/index.html")
    undated = archive.find("section", id="datum-okant")
    assert [a.text() for a in undated.find_all("a")] == ["Haninge och Kalix"]


@pytest.mark.parametrize(("source", "shown"), [
    ("https://www.fou-sjuharad.se/artiklar/lokala-planer/", ("fou-sjuharad.se", "https://www.fou-sjuharad.se/artiklar/lokala-planer/")),
    ("http://news.cision.com/se/a,c1", ("news.cision.com", "http://news.cision.com/se/a,c1")),
    ("socialbarnungdom.se (WordPress), sparad som text: 000_6f41a436e1ce6a14.txt", None),
    ("https://example.org/2015/12/gammal-adress/", None),  # the site's own host: this site now
    ("https://www.example.org/gammal/", None),
])
def test_a_source_address_is_linked_and_any_other_source_is_not_shown(
        tmp_path: Path, source: str, shown: tuple[str, str] | None) -> None:
    text = f"---\ntitle: Inlägget\ndate: 2016-09-21\nsource: '{source}'\n---\n\nText.\n"
    site = write_site(tmp_path / "site", {"content/posts/a.md": text})
    build(site, BuildOptions(now=NOW))
    doc = parse_file(site / "output/2016/09/inlagget/index.html")
    origins = doc.find_all("p", class_="origin")
    assert [(o.text(), o.find("a").text(), o.find("a").get("href")) for o in origins] == (
        [(f"Först publicerad på {shown[0]} .", *shown)] if shown else [])
    assert ".txt" not in raw_text(doc.find("body"))
