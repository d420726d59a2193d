"""The accessibility statement: its config section, checked fact by fact, and the page it becomes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from sbuv_site.build import BuildOptions, build
from sbuv_site.config import COMPLIANCE, DIGG_URL, AccessibilityConfig, load_config, parse_config
from sbuv_site.errors import SiteError, flatten
from tests.conftest import BASE_CONFIG, NOW, ROOT, post
from tests.htmltree import Node, parse_file

GOOD = """\
base_url: https://www.example.se/
accessibility:
  organisation: Nationell samordnare
  email: tillganglighet@myndighet.se
  status: delvis förenlig
  shortcomings:
    - Kartan saknar textalternativ.
  assessed: 2026-11-20
  statement_date: 2026-11-02
"""


def problems(text: str) -> list[str]:
    """Every problem parse_config reports, as printed."""
    with pytest.raises((SiteError, ExceptionGroup)) as caught:
        parse_config(text, "config.yaml")
    return [p.format() for p in flatten(caught.value)]


def without(key: str) -> str:
    return "".join(line + "\n" for line in GOOD.splitlines() if not line.startswith(f"  {key}:"))


def test_a_full_section_is_read_with_its_types_and_defaults() -> None:
    config = parse_config(GOOD + """\
  phone: 08-123 456 00
  form_url: https://www.myndighet.se/kontakt/
  tools: [axe-core, "Nu Html Checker"]
  updated: 2026-11-24
""", "config.yaml")
    assert config.accessibility == AccessibilityConfig(
        organisation="Nationell samordnare", status="delvis förenlig", assessed=date(2026, 11, 20),
        statement_date=date(2026, 11, 2), email="tillganglighet@myndighet.se",
        form_url="https://www.myndighet.se/kontakt/", phone="08-123 456 00",
        shortcomings=("Kartan saknar textalternativ.",), assessment="egen granskning",
        tools=("axe-core", "Nu Html Checker"), updated=date(2026, 11, 24), supervisor_url=DIGG_URL, line=2)
    assert DIGG_URL == "https://www.digg.se/"


def test_a_config_without_the_section_has_no_statement() -> None:
    assert parse_config("base_url: https://www.example.se/\n", "config.yaml").accessibility is None


@pytest.mark.parametrize(("key", "hint"), [
    ("organisation", "who stands behind the site"),
    ("status", "'status: delvis förenlig' (or helt förenlig, inte förenlig)"),
    ("assessed", "'assessed: YYYY-MM-DD', the day the site was last assessed"),
    ("statement_date", "'statement_date: YYYY-MM-DD'"),
])
def test_each_missing_required_fact_is_an_error_at_the_section_with_a_hint(key: str, hint: str) -> None:
    found = problems(without(key))
    assert found[0].startswith(f"config.yaml:2: accessibility: '{key}' is missing\n  hint: ")
    assert hint in found[0]


def test_a_statement_needs_at_least_one_way_to_report_a_problem() -> None:
    assert problems(without("email")) == [
        "config.yaml:2: accessibility: no contact for reporting accessibility problems\n"
        "  hint: add 'email: …', 'form_url: …' or 'phone: …' under 'accessibility:'"]
    phone_only = without("email") + "  phone: +46 8 123 456 00\n"
    assert parse_config(phone_only, "config.yaml").accessibility is not None


@pytest.mark.parametrize(("written", "hint"), [
    ("delvis forenlig", "did you mean 'delvis förenlig'?"),
    ("Helt förenlig", "did you mean 'helt förenlig'?"),
    ("delvis", "did you mean 'delvis förenlig'?"),
    ("inte", "did you mean 'inte förenlig'?"),
    ("uppfyller kraven", "use one of: helt förenlig, delvis förenlig, inte förenlig"),
])
def test_a_wrong_status_names_its_line_and_the_closest_status(written: str, hint: str) -> None:
    text = GOOD.replace("status: delvis förenlig", f"status: {written}")
    assert problems(text) == [f"config.yaml:5: accessibility: unknown status '{written}'\n  hint: {hint}"]


def test_the_three_statuses_are_those_the_law_names() -> None:
    assert COMPLIANCE == ("helt förenlig", "delvis förenlig", "inte förenlig")
    for status in COMPLIANCE[1:]:
        text = GOOD.replace("delvis förenlig", status)
        assert parse_config(text, "config.yaml").accessibility.status == status  # type: ignore[union-attr]


def test_shortcomings_are_required_unless_fully_compliant_and_refused_when_fully_compliant() -> None:
    assert problems(without("shortcomings").replace("    - Kartan saknar textalternativ.\n", "")) == [
        "config.yaml:5: accessibility: a site that is delvis förenlig must list its 'shortcomings'\n"
        "  hint: list what is not accessible under 'shortcomings:', one '- …' line each"]
    assert problems(GOOD.replace("delvis förenlig", "helt förenlig")) == [
        "config.yaml:6: accessibility: a site that is helt förenlig has no 'shortcomings'\n"
        "  hint: write 'status: delvis förenlig', or remove the shortcomings"]


def test_an_unknown_key_in_the_section_suggests_the_closest_one() -> None:
    assert problems(GOOD + "  supervisor: https://www.digg.se/\n") == [
        "config.yaml:10: unknown key 'supervisor'\n  hint: did you mean 'supervisor_url'?"]


def test_every_wrong_value_is_reported_at_its_own_line_all_at_once() -> None:
    text = GOOD.replace("email: tillganglighet@myndighet.se", "email: mailto:tillganglighet@myndighet.se")
    text = text.replace("assessed: 2026-11-20", "assessed: 20 november 2026")
    text += "  phone: ring oss\n  form_url: www.myndighet.se/kontakt\n  updated: 2026-11-01\n  tools: axe\n"
    assert [p.split("\n")[0] for p in problems(text)] == [
        "config.yaml:4: accessibility: 'email' 'mailto:tillganglighet@myndighet.se' is not an e-mail address",
        "config.yaml:8: accessibility: date '20 november 2026' is written in words",
        "config.yaml:10: accessibility: 'phone' 'ring oss' is not a telephone number",
        "config.yaml:11: accessibility: 'form_url' must be an absolute http(s) address, "
        "not 'www.myndighet.se/kontakt'",
        "config.yaml:12: accessibility: 'updated' 2026-11-01 is before 'statement_date' 2026-11-02",
        "config.yaml:13: accessibility: 'tools' must be a list, not 'axe'",
    ]


def test_list_items_must_be_sentences_and_the_section_a_mapping() -> None:
    text = GOOD.replace("    - Kartan saknar textalternativ.\n", "    - 12\n    - ''\n")
    assert [p.split("\n")[0] for p in problems(text)] == [
        "config.yaml:7: accessibility: an item of 'shortcomings' must be text, not the number 12",
        "config.yaml:8: accessibility: an item of 'shortcomings' is empty",
    ]
    assert problems("base_url: https://www.example.se/\naccessibility: ja\n") == [
        "config.yaml:2: 'accessibility' must be a mapping, not 'ja'\n"
        "  hint: indent the statement's keys (organisation, status, email, …) below 'accessibility:'"]


def test_the_repositorys_own_site_has_an_honest_statement() -> None:
    """The repository's site is a public body's: its statement is required there."""
    section = load_config(ROOT).accessibility
    assert section is not None
    assert section.organisation == "Nationell samordnare för den sociala barn- och ungdomsvården"
    assert section.status == "delvis förenlig" and len(section.shortcomings) >= 2
    assert section.email == "tillganglighet@example.se"  # the placeholder: no real address is known
    assert section.assessed <= section.statement_date


# The page, from the 'full' fixture (its config.yaml has every key).

def sentence(node: Node) -> str:
    """A paragraph's text as read: the tree's text() puts a space between an element and a '.'."""
    return node.text().replace(" .", ".")


def statement_page(full_site: Path) -> Node:
    return parse_file(full_site / "tillganglighet" / "index.html")


def test_the_page_follows_the_model_statements_sections_in_order(full_site: Path) -> None:
    article = statement_page(full_site).find("article", class_="statement")
    assert article.find("h1").text() == "Tillgänglighetsredogörelse"
    assert [h.text() for h in article.find_all("h2")] == [
        "Hur tillgänglig är webbplatsen?",
        "Vad kan du göra om du inte kan använda delar av webbplatsen?",
        "Rapportera brister i webbplatsens tillgänglighet",
        "Tillsyn",
        "Teknisk information om webbplatsens tillgänglighet",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat webbplatsen",
    ]
    assert article.find("p", class_="lead").text().startswith(
        "Samordnaren för testbloggen står bakom den här webbplatsen. Vi vill att så många som möjligt")


def test_the_page_states_the_status_and_lists_the_shortcomings(full_site: Path) -> None:
    article = statement_page(full_site).find("article", class_="statement")
    assert article.find("p", class_="status").text() == (
        "Webbplatsen är delvis förenlig med lagen (2018:1937) om tillgänglighet till digital offentlig "
        "service, på grund av de brister som beskrivs nedan.")
    assert article.find("h3").text() == "Bristande förenlighet med lagkraven"
    assert [li.text() for li in article.find("ul", class_="shortcomings").find_all("li")] == [
        "Kartan har inte testats med skärmläsare.", "Gamla inlägg saknar sina bilder."]
    assert [li.text() for li in article.find("ul", class_="tools").find_all("li")] == [
        "axe-core", "Nu Html Checker", "tangentbordstester"]


def test_the_page_links_every_contact_twice_and_digg(full_site: Path) -> None:
    article = statement_page(full_site).find("article", class_="statement")
    lists = article.find_all("ul", class_="contacts")
    assert len(lists) == 2  # under "Vad kan du göra …" and "Rapportera brister …"
    for contacts in lists:
        assert [(li.text(), li.find("a").get("href")) for li in contacts.find_all("li")] == [
            ("E-post: tillganglighet@example.org", "mailto:tillganglighet@example.org"),
            ("Webbformulär: https://example.org/kontakt/", "https://example.org/kontakt/"),
            ("Telefon: 08-123 456 00", "tel:0812345600"),
        ]
    supervision = [p for p in article.find_all("p") if "(DIGG) har tillsyn" in p.text()]
    assert len(supervision) == 1
    assert "Myndigheten för digital förvaltning (DIGG)" in supervision[0].text()
    link = supervision[0].find("a")
    assert (link.get("href"), link.text()) == ("https://www.digg.se/", "www.digg.se")


def test_the_page_gives_its_dates_in_swedish_words_with_machine_dates(full_site: Path) -> None:
    times = statement_page(full_site).find("article", class_="statement").find_all("time")
    assert [(t.get("datetime"), t.text()) for t in times] == [
        ("2026-11-20", "20 november 2026"), ("2026-11-02", "2 november 2026"),
        ("2026-11-24", "24 november 2026")]
    last = sentence(statement_page(full_site).find("p", class_="meta-dates"))
    assert last == "Redogörelsen skrevs den 2 november 2026 och uppdaterades senast den 24 november 2026."


def test_every_page_links_the_statement_from_its_footer(full_site: Path) -> None:
    pages = sorted(full_site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        footer = parse_file(path).find("footer", class_="site-footer")
        links = {(a.text(), a.get("href")) for a in footer.find_all("a")}
        assert ("Tillgänglighetsredogörelse", "/tillganglighet/") in links, path


# Sites with other statements, or none.

STATEMENT = """\
accessibility:
  organisation: Myndigheten
  form_url: https://www.example.se/kontakt/
  status: {status}
  assessed: 2026-01-10
  statement_date: 2026-01-12
"""


def test_a_fully_compliant_site_says_so_and_lists_no_shortcomings(scratch_site: Callable[..., Path]) -> None:
    site = scratch_site({"content/posts/a.md": post("A", "2016-01-01")},
                        STATEMENT.format(status="helt förenlig") + "  phone: '0771-10 10 10'\n")
    report = build(site, BuildOptions(now=NOW))
    article = parse_file(site / "output/tillganglighet/index.html").find("article")
    assert article.find("p", class_="status").text() == ("Webbplatsen är helt förenlig med lagen (2018:1937) "
                                                         "om tillgänglighet till digital offentlig service.")
    assert article.find_all("ul", class_="shortcomings") == [] and article.find_all("h3") == []
    assert "Vi känner inte till något innehåll på webbplatsen som inte är tillgängligt." in article.text()
    assert sentence(article.find("p", class_="meta-dates")) == "Redogörelsen skrevs den 12 januari 2026."
    form_line = BASE_CONFIG.count("\n") + 1  # the accessibility: line
    assert report.notes == (f"config.yaml:{form_line}: the accessibility contact "
                            "'https://www.example.se/kontakt/' is a placeholder address; "
                            "put in a real one before publishing",)


def test_a_site_without_the_section_builds_without_the_page_and_says_so(
        scratch_site: Callable[..., Path]) -> None:
    site = scratch_site({"content/posts/a.md": post("A", "2016-01-01")})
    report = build(site, BuildOptions(now=NOW))
    assert not (site / "output/tillganglighet").exists()
    footer = parse_file(site / "output/index.html").find("footer")
    assert "/tillganglighet/" not in [a.get("href") for a in footer.find_all("a")]
    assert report.notes == (
        "config.yaml has no 'accessibility:' section, so the site has no accessibility statement "
        "(tillgänglighetsredogörelse); a public body's site must publish one (see README, config.yaml)",)


def test_a_hand_written_page_may_take_the_address_only_when_no_statement_is_generated(
        scratch_site: Callable[..., Path]) -> None:
    files = {"content/pages/tillganglighet.md": "---\ntitle: Tillgänglighet\n---\n\nSkriven för hand.\n"}
    site = scratch_site(files)
    build(site, BuildOptions(now=NOW))
    assert "Skriven för hand." in parse_file(site / "output/tillganglighet/index.html").text()
    site = scratch_site(files, STATEMENT.format(status="inte förenlig") + "  shortcomings: [Allt.]\n")
    with pytest.raises(SiteError) as caught:
        build(site, BuildOptions(now=NOW))
    assert caught.value.message == ("address /tillganglighet/ is the accessibility statement, "
                                    "made by the site itself")
