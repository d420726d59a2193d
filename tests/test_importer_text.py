"""Saved pages from the old blog: every sentence kept, comment form and chrome gone, structure found."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import frontmatter
import pytest

from sbuv_site.importer.post_file import render_post
from sbuv_site.importer.wordpress_text import clean_line, import_text_dump, parse_text_dump
from sbuv_site.markup import make_markdown
from sbuv_site.municipalities import load_registry
from tests.htmltree import Node, parse_html

SEEDS = Path(__file__).resolve().parents[2] / "shared/seeds"
FIXTURE = Path(__file__).resolve().parent / "fixtures/import/saved-page.txt"
MD = make_markdown()
# Lines of a saved page that belong to WordPress, not to the post.
CHROME = re.compile(r"^(Huvudmeny|Kommentera|E-postadressen publiceras inte|Följande HTML-taggar"
                    r"|kl\. .*\| ?Taggar:|Taggar:)")
CAPTION = re.compile(r"^Göteborg\d\s*")
LIST_MARK = re.compile(r"^(•|\d+\.|-)\s+")
SENTENCE_END = re.compile(r"(?<=[.!?…”])\s+")


def seed_files() -> list[Path]:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is not here (the seeds live outside the repository)")
    return sorted(SEEDS.glob("*.txt"))


def seed(name: str) -> Path:
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"{path} is not here (the seeds live outside the repository)")
    return path


def imported(path: Path) -> frontmatter.Post:
    post = import_text_dump(path.read_text(encoding="utf-8"), path.name, None, load_registry())
    return frontmatter.loads(render_post(post))


def page(markdown: str) -> Node:
    return parse_html(MD.render(markdown))


def words(text: str) -> str:
    return " ".join(text.split())


def body_sentences(path: Path) -> list[str]:
    """The post's own sentences as saved: title and WordPress lines left out, captions cut."""
    lines = [clean_line(line) for line in path.read_text(encoding="utf-8").splitlines()]
    kept = [line for line in lines if line and not CHROME.match(line) and not re.fullmatch(
        r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}|Göteborg\d", line)]
    body = kept[1:]  # the first remaining line is the title
    sentences = []
    for line in body:
        line = LIST_MARK.sub("", CAPTION.sub("", line))
        sentences += [words(s) for s in SENTENCE_END.split(line) if s.strip()]
    return sentences


@pytest.mark.parametrize("name", ["000_6f41a436e1ce6a14.txt", "001_b011fbc92a3206ae.txt",
                                  "002_a2198bcca4bcd42b.txt", "003_1144cd4ceaa138e8.txt",
                                  "004_d261c9a228ceee60.txt"])
def test_every_sentence_of_a_seed_appears_in_the_rendered_post(name: str) -> None:
    path = seed(name)
    text = page(imported(path).content).text()
    sentences = body_sentences(path)
    assert len(sentences) > 15
    missing = [s for s in sentences if s not in text]
    assert missing == []


@pytest.mark.parametrize("name", ["000_6f41a436e1ce6a14.txt", "001_b011fbc92a3206ae.txt",
                                  "002_a2198bcca4bcd42b.txt", "003_1144cd4ceaa138e8.txt",
                                  "004_d261c9a228ceee60.txt"])
def test_no_comment_form_byline_or_chrome_survives_in_a_seed(name: str) -> None:
    post = imported(seed(name))
    html = page(post.content)
    blocks = [words(node.text()) for node in html.iter() if node.tag in ("p", "li", "h2", "blockquote")]
    for forbidden in ("Kommentera", "E-postadressen publiceras inte", "Följande HTML-taggar",
                      "Huvudmeny", "kl. av", "Taggar:", "Göteborg4", "Göteborg2"):
        assert not any(block.startswith(forbidden) for block in blocks), forbidden
        assert forbidden not in post.content
    assert html.find_all("form") == [] and html.find_all("textarea") == []


def test_the_five_seeds_get_the_agreed_titles_dates_and_municipalities() -> None:
    registry = load_registry()
    found = {path.name[:3]: import_text_dump(path.read_text(encoding="utf-8"), path.name, None, registry)
             for path in seed_files()}
    summary = {key: (post.title, post.date, post.draft, post.municipalities) for key, post in found.items()}
    assert summary == {
        "000": ("Snöfattigt Umeå i förändring", "2015-12-01", False, ("Umeå",)),
        "001": ("Lokala planer för stärkt barn- och ungdomsvård", "2016-09-21 16:41", False, ("Borås",)),
        "002": ("Haninge och Kalix", None, True, ("Haninge", "Kalix")),
        "003": ("Vetlanda den 17 november – Höga förväntningar på nya BBIC och mer samverkan", None, True,
                ("Vetlanda",)),
        "004": ("Uppföljningsbesök i Göteborg", None, True, ("Göteborg",)),
    }
    assert all(post.tags == () for post in found.values())  # the bylines name no tags


def test_seed_headings_lists_and_quote_are_recognised() -> None:
    umea = page(imported(seed("000_6f41a436e1ce6a14.txt")).content)
    assert [h.text() for h in umea.find_all("h2")][:3] == [
        "Vad är egentligen den sociala barn- och ungdomsvårdens uppdrag?",
        "Bättre resursanvändning", "Kompetenstrappa"]
    assert len(umea.find("ul").find_all("li")) == 4
    boras = page(imported(seed("001_b011fbc92a3206ae.txt")).content)
    assert "Fyra främjande faktorer" in [h.text() for h in boras.find_all("h2")]
    assert [li.text() for li in boras.find("ol").find_all("li")][0] == "Nära arbetsledning"
    assert boras.find_all("p")[-2].find("em").text() == "Text och foto: Pia Mattzon"
    kalix = page(imported(seed("002_a2198bcca4bcd42b.txt")).content)
    assert kalix.find("blockquote").text().startswith("”Besöket uppskattades mycket")
    goteborg = page(imported(seed("004_d261c9a228ceee60.txt")).content)
    assert [li.text() for li in goteborg.find_all("ul")[-1].find_all("li")] == [
        "arbetsmiljö", "handledning", "mindre stress", "friskvårdssatsning"]


def test_a_saved_page_with_every_feature_becomes_the_expected_post() -> None:
    post = import_text_dump(FIXTURE.read_text(encoding="utf-8"), FIXTURE.name, None, load_registry())
    assert post.title == "Besök i Kalix och Överkalix: *stjärnor* & <taggar>"
    assert post.stem == "besok-i-kalix-och-overkalix-stjarnor-och-taggar"
    assert (post.date, post.draft) == ("2016-03-02", False)
    assert post.municipalities == ("Kalix", "Överkalix")
    assert post.tags == ("samverkan", "kompetens")
    assert post.author == "Cecilia Grefve"
    assert post.source == "socialbarnungdom.se (WordPress), sparad som text: saved-page.txt"
    assert post.attention == ("dropped 1 unrecognised line(s) after the comment form, "
                              "first: 'Bra inlägg, tack! /Nisse'",)
    html = page(post.body)
    assert [h.text() for h in html.find_all("h2")] == ["Tre viktiga saker", "Vad gör vi nu?"]
    assert [li.text() for li in html.find("ol").find_all("li")] == ["Nära arbetsledning",
                                                                   "Lagom många ärenden"]
    assert [[li.text() for li in ul.find_all("li")] for ul in html.find_all("ul")] == [
        ["första punkten", "andra punkten"], ["arbetsmiljö", "handledning"]]
    paragraphs = [p.text() for p in html.find_all("p")]
    assert ("1. maj firades inte i år, men # och [länkar] och _understreck_ ska stå kvar som text."
            in paragraphs)
    assert "- ensam rad med bindestreck, som inte är en lista." in paragraphs
    assert "Överkalix kom också med. Dagen efter, torsdagen den 3 mars, for vi hem." in paragraphs
    assert html.find("blockquote").text() == "”Det här är ett citat från Kalix. Det står för sig självt.”"
    assert paragraphs[-1] == "Fotnot: Mer finns att läsa hos Kalix kommun."
    assert "Nisse" not in post.body and "Namn" not in post.body and "Kalix1" not in post.body


def test_a_short_line_is_a_heading_only_when_text_follows_it() -> None:
    text = "Titel\n\nInledning.\n\nKort rubrik\n\nText under rubriken.\n\nSista raden utan punkt\n"
    dump = parse_text_dump(text)
    html = page(import_text_dump(text, "x.txt", None, load_registry()).body)
    assert [h.text() for h in html.find_all("h2")] == ["Kort rubrik"]
    assert dump.paragraphs[-1] == "Sista raden utan punkt"
    assert html.find_all("p")[-1].text() == "Sista raden utan punkt"


def test_a_heading_glued_to_its_paragraph_is_split_from_it() -> None:
    post = import_text_dump("Titel\n\nRubrik här\nStycket börjar direkt. Och fortsätter.\n", "x.txt", None,
                            load_registry())
    html = page(post.body)
    assert html.find("h2").text() == "Rubrik här"
    assert html.find("p").text() == "Stycket börjar direkt. Och fortsätter."


def test_a_date_line_before_the_title_is_the_date_not_the_title() -> None:
    dump = parse_text_dump("Huvudmeny\n\n2016-09-21 16:41\n\nRiktig titel\n\nText.\n")
    assert (dump.title, dump.timestamp) == ("Riktig titel", "2016-09-21 16:41")


def test_byline_tags_are_read_and_an_empty_byline_gives_none() -> None:
    assert parse_text_dump("T\n\nkl. av | Taggar: , \n\nText.\n").tags == ()
    assert parse_text_dump("T\n\nkl. 09:00 av Ann | Taggar: barn, unga\n\nText.\n").tags == ("barn", "unga")
    assert parse_text_dump("T\n\nkl. 09:00 av Ann | Taggar: barn, unga\n\nText.\n").author == "Ann"


def test_windows_line_ends_a_bom_and_no_break_spaces_are_tidied() -> None:
    dump = parse_text_dump("\ufeffTitel\r\n\r\n\u00a0\r\nFrån 11\u00a0000 till\u00a0 17 000.\r\n")
    assert dump.title == "Titel"
    assert dump.paragraphs == ("Från 11\u00a0000 till 17 000.",)


def test_a_text_credit_names_the_author_but_a_photo_credit_does_not() -> None:
    assert parse_text_dump("T\n\nText.\n\nText och foto: Pia Mattzon\n").author == "Pia Mattzon"
    assert parse_text_dump("T\n\nText.\n\nFoto: Anna Berg\n").author is None


def test_a_page_without_any_text_is_refused() -> None:
    with pytest.raises(ValueError, match="no title"):
        parse_text_dump("Huvudmeny\n\n \n")


def test_a_glued_photo_caption_is_kept_but_reported() -> None:
    dump = parse_text_dump("T\n\nAnna Berg, SKLVid mötet sa hon något.\n")
    assert dump.paragraphs == ("Anna Berg, SKLVid mötet sa hon något.",)
    assert len(dump.attention) == 1 and "glued" in dump.attention[0]


def test_a_page_without_a_stated_date_is_a_draft_with_a_note_naming_the_mapping() -> None:
    post = import_text_dump("Besök i Kalix\n\nVi var i Kalix.\n", "005_x.txt", None, load_registry())
    assert (post.date, post.draft) == (None, True)
    assert any("'005_x.txt: YYYY-MM-DD'" in note for note in post.attention)


def test_a_date_from_the_editor_wins_and_a_disagreement_is_reported() -> None:
    post = import_text_dump("Besök\n\nTisdagen den 1 december var vi där.\n", "x.txt", date(2015, 12, 2),
                            load_registry())
    assert (post.date, post.draft) == ("2015-12-02", False)
    assert any("dates file says 2015-12-02 but the text gives 2015-12-01" in n for n in post.attention)
