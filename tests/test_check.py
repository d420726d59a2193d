"""Tests for sbuv_site.check: each builds a tiny output tree by hand and asserts the exact problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from sbuv_site.check import check_site, normalize_path, split_srcset
from sbuv_site.cli import main


def page(body: str, *, html: str = '<html lang="sv">', head: str = "<title>Sida</title>") -> str:
    """A page whose body starts on line 5, so tests can name the line of what they put there."""
    return (f'<!DOCTYPE html>\n{html}\n<head><meta charset="utf-8">{head}</head>\n'
            f"<body>\n{body}\n</body>\n</html>\n")


def feed(base: str) -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"  <title>Blogg</title>\n  <id>{base}</id>\n"
            f'  <link rel="self" type="application/atom+xml" href="{base}atom.xml"/>\n'
            f'  <link rel="alternate" type="text/html" href="{base}"/>\n'
            f"  <updated>2015-12-01T00:00:00+01:00</updated>\n</feed>\n")


def sitemap(*locs: str) -> str:
    urls = "".join(f"  <url><loc>{loc}</loc></url>\n" for loc in locs)
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n')


def write_output(root: Path, files: dict[str, str | None], base: str = "https://example.org/") -> Path:
    """A clean one-page site with feed and sitemap, changed by files (None removes a file)."""
    tree: dict[str, str | None] = {
        "atom.xml": feed(base), "sitemap.xml": sitemap(base), "index.html": page("<h1>Hem</h1>")}
    tree.update(files)
    output = root / "output"
    for rel, text in tree.items():
        if text is not None:
            (output / rel).parent.mkdir(parents=True, exist_ok=True)
            (output / rel).write_text(text, encoding="utf-8")
    return output


def test_a_clean_tree_has_no_problems(tmp_path: Path) -> None:
    output = write_output(tmp_path, {
        "index.html": page('<h1 id="topp">Hem</h1>\n'
                           '<p><a href="/om/">Om</a> <a href="om/#kontakt">Kontakt</a> '
                           '<a href="#topp">Upp</a> <a href="#top">Upp</a> <a href="">Här</a></p>\n'
                           '<img src="/bilder/karta.png" alt="" '
                           'srcset="bilder/karta.png 1x, /bilder/karta%202x.png 2x">\n'
                           '<a href="mailto:a@example.org">Mejl</a> <a href="tel:+4690123">Ring</a>\n'
                           '<a href="https://www.socialstyrelsen.se/">Socialstyrelsen</a>\n'
                           '<a href="https://example.org/om/">Om, med värd</a>',
                           head='<title>Hem</title><link rel="stylesheet" href="/css/site.css">'),
        "om/index.html": page('<h1>Om</h1>\n<h2 id="kontakt">Kontakt</h2>\n'
                              '<a href="../">Hem</a> <a href="..">Hem</a> <a href="/om">Om</a>\n'
                              '<a href="../index.html?utm=x#topp">Hem</a> <a name="gammal"></a>'),
        "css/site.css": "body {}",
        "bilder/karta.png": "png",
        "bilder/karta 2x.png": "png",
    })
    assert check_site(output) == []


def test_a_broken_link_is_reported_with_its_line(tmp_path: Path) -> None:
    output = write_output(tmp_path, {"index.html": page('<h1>Hem</h1>\n<p><a href="/nope/">x</a></p>')})
    assert check_site(output) == ['index.html:6: broken <a href="/nope/">: no nope/index.html in the output']


def test_a_link_without_trailing_slash_may_be_a_file_or_a_folder(tmp_path: Path) -> None:
    output = write_output(tmp_path, {"index.html": page('<h1>Hem</h1>\n<a href="/om">Om</a>')})
    assert check_site(output) == ['index.html:6: broken <a href="/om">: no om or om/index.html in the output']


def test_a_missing_anchor_on_another_page_is_reported(tmp_path: Path) -> None:
    output = write_output(tmp_path, {
        "index.html": page('<h1>Hem</h1>\n<a href="/om/#kontakt">Kontakt</a>'),
        "om/index.html": page('<h1 id="om">Om</h1>'),
    })
    assert check_site(output) == [
        'index.html:6: missing anchor <a href="/om/#kontakt">: no id "kontakt" in om/index.html']


def test_a_missing_anchor_on_the_same_page_is_reported(tmp_path: Path) -> None:
    output = write_output(tmp_path, {"index.html": page('<h1>Hem</h1>\n<a href="#saknas">x</a>')})
    assert check_site(output) == [
        'index.html:6: missing anchor <a href="#saknas">: no id "saknas" in index.html']


def test_missing_assets_are_reported_for_src_and_each_srcset_url(tmp_path: Path) -> None:
    output = write_output(tmp_path, {
        "a/index.html": page('<h1>A</h1>\n<img src="karta.png" srcset="/finns.png 1x, /saknas.png 2x">\n'
                             '<script src="/js/x.js"></script>'),
        "finns.png": "png",
    })
    assert check_site(output) == [
        'a/index.html:6: broken <img src="karta.png">: no a/karta.png or a/karta.png/index.html '
        "in the output",
        'a/index.html:6: broken <img srcset="/saknas.png">: no saknas.png or saknas.png/index.html '
        "in the output",
        'a/index.html:7: broken <script src="/js/x.js">: no js/x.js or js/x.js/index.html in the output',
    ]


def test_a_missing_stylesheet_is_reported(tmp_path: Path) -> None:
    output = write_output(tmp_path, {"index.html": page(
        "<h1>Hem</h1>", head='<title>Hem</title><link rel="stylesheet" href="/css/borta.css">')})
    assert check_site(output) == [
        'index.html:3: broken <link href="/css/borta.css">: no css/borta.css or '
        "css/borta.css/index.html in the output"]


def test_links_in_inline_svg_are_checked(tmp_path: Path) -> None:
    output = write_output(tmp_path, {"index.html": page(
        '<h1>Karta</h1>\n<svg><title>Sverige</title>\n'
        '<a href="/kommuner/umea/"><path d="M0 0z"><title>Umeå</title></path></a>\n'
        '<a xlink:href="/kommuner/ystad/"><path d="M0 0z"/></a></svg>')})
    assert check_site(output) == [
        'index.html:7: broken <a href="/kommuner/umea/">: no kommuner/umea/index.html in the output',
        'index.html:8: broken <a xlink:href="/kommuner/ystad/">: no kommuner/ystad/index.html '
        "in the output",
    ]


def test_a_page_without_h1_is_reported(tmp_path: Path) -> None:
    output = write_output(tmp_path, {"index.html": page("<p>Ingen rubrik</p>")})
    assert check_site(output) == ["index.html: no <h1>"]


def test_a_page_with_two_h1_is_reported_at_the_second(tmp_path: Path) -> None:
    output = write_output(tmp_path, {"index.html": page("<h1>Ett</h1>\n<h1>Två</h1>")})
    assert check_site(output) == ["index.html:6: 2 <h1> elements (lines 5, 6); expected one"]


def test_a_page_without_lang_is_reported(tmp_path: Path) -> None:
    output = write_output(tmp_path, {
        "index.html": page("<h1>Hem</h1>", html="<html>"),
        "tom.html": page("<h1>Tom</h1>", html='<html lang="">'),
    })
    assert check_site(output) == ["index.html:2: <html> has no lang attribute",
                                  "tom.html:2: <html> has no lang attribute"]


def test_a_page_needs_exactly_one_non_empty_title_and_svg_titles_do_not_count(tmp_path: Path) -> None:
    output = write_output(tmp_path, {
        "index.html": page("<h1>Hem</h1>\n<svg><title>Karta</title></svg>"),
        "ingen.html": page("<h1>Ingen</h1>", head=""),
        "tom.html": page("<h1>Tom</h1>", head="<title> </title>"),
        "tva.html": page("<h1>Två</h1>\n<title>Andra</title>", head="<title>Första</title>"),
    })
    assert check_site(output) == ["ingen.html: no <title>", "tom.html:3: empty <title>",
                                  "tva.html:6: 2 <title> elements; expected one"]


def test_duplicate_ids_are_reported_at_the_repeat(tmp_path: Path) -> None:
    output = write_output(tmp_path, {"index.html": page('<h1 id="a">Hem</h1>\n<p id="a">x</p>')})
    assert check_site(output) == ['index.html:6: duplicate id "a" (first at line 5)']


def test_a_malformed_feed_is_reported_with_its_line(tmp_path: Path) -> None:
    broken = feed("https://example.org/").replace("</title>", "</titel>")
    output = write_output(tmp_path, {"atom.xml": broken})
    assert check_site(output) == ["atom.xml:3: not well-formed XML: mismatched tag"]


def test_a_relative_url_in_the_sitemap_is_reported(tmp_path: Path) -> None:
    output = write_output(tmp_path, {"sitemap.xml": sitemap("https://example.org/", "/om/")})
    assert check_site(output) == ['sitemap.xml: <loc> "/om/" is not an absolute URL']


def test_relative_ids_and_links_in_the_feed_are_reported(tmp_path: Path) -> None:
    relative = feed("https://example.org/").replace(
        "<id>https://example.org/</id>", "<id>/</id>").replace(
        'href="https://example.org/"', 'href="/"')
    output = write_output(tmp_path, {"atom.xml": relative})
    assert check_site(output) == ['atom.xml: <id> "/" is not an absolute URL',
                                  'atom.xml: <link href> "/" is not an absolute URL']


def test_sitemap_entries_on_the_site_must_lead_to_a_page(tmp_path: Path) -> None:
    output = write_output(tmp_path, {
        "sitemap.xml": sitemap("https://example.org/", "https://example.org/borta/")})
    assert check_site(output) == [
        'sitemap.xml: broken <loc> "https://example.org/borta/": no borta/index.html in the output']


def test_a_missing_feed_and_sitemap_are_reported(tmp_path: Path) -> None:
    output = write_output(tmp_path, {"atom.xml": None, "sitemap.xml": None})
    assert check_site(output) == ["atom.xml: missing from the output",
                                  "sitemap.xml: missing from the output"]


def test_a_third_party_script_stylesheet_or_frame_is_reported_but_a_plain_link_is_not(
        tmp_path: Path) -> None:
    head = ('<title>Hem</title>\n<link rel="stylesheet" href="https://fonts.example.net/a.css">'
            '<link rel="canonical" href="https://other.site/">')
    output = write_output(tmp_path, {"index.html": page(
        '<h1>Hem</h1>\n<script src="https://cdn.example.com/x.js"></script>\n'
        '<iframe src="//www.youtube.com/embed/x"></iframe>\n'
        '<a href="https://other.site/">Annan</a>', head=head)})
    rule = "the site must load nothing from third parties"
    assert check_site(output) == [
        f'index.html:4: <link href="https://fonts.example.net/a.css"> loads from another host '
        f"(fonts.example.net); {rule}",
        f'index.html:7: <script src="https://cdn.example.com/x.js"> loads from another host '
        f"(cdn.example.com); {rule}",
        f'index.html:8: <iframe src="//www.youtube.com/embed/x"> loads from another host '
        f"(www.youtube.com); {rule}",
    ]


def test_a_link_escaping_the_output_folder_is_reported(tmp_path: Path) -> None:
    output = write_output(tmp_path, {
        "a/index.html": page('<h1>A</h1>\n<a href="../../hemlig.txt">x</a>\n<img src="/%2e%2e/x.png">'),
    })
    (tmp_path / "hemlig.txt").write_text("utanför")
    assert check_site(output) == [
        'a/index.html:6: <a href="../../hemlig.txt"> points outside the output folder',
        'a/index.html:7: <img src="/%2e%2e/x.png"> points outside the output folder',
    ]


def test_a_site_under_a_base_path_maps_urls_to_files_without_the_prefix(tmp_path: Path) -> None:
    base = "https://example.org/blogg/"
    output = write_output(tmp_path, {
        "index.html": page('<h1>Hem</h1>\n<a href="/blogg/om/#kontakt">Om</a> <a href="om/">Om</a>\n'
                           '<a href="https://example.org/blogg/om/">Om</a> <a href="/blogg">Hem</a>\n'
                           '<a href="/om/">Fel</a> <a href="/blogg/borta/">Borta</a>'),
        "om/index.html": page('<h1 id="kontakt">Om</h1>\n<a href="../../">Upp ur bloggen</a>'),
    }, base=base)
    outside = f"points outside base_url {base} (every page of this site is under /blogg/)"
    tail = ("in the layout or static file that has it (links in posts get /blogg/ by themselves); "
            "if the site is published elsewhere, correct base_url in config.yaml and build again")
    assert check_site(output) == [
        f'index.html:8: <a href="/om/"> {outside}\n  hint: write /blogg/om/ or a relative link {tail}',
        'index.html:8: broken <a href="/blogg/borta/">: no borta/index.html in the output',
        f'om/index.html:6: <a href="../../"> {outside}\n'
        f"  hint: make it a link that stays under /blogg/ {tail}",
    ]


def test_problems_are_sorted_by_file_then_line(tmp_path: Path) -> None:
    body = "<h1>Hem</h1>\n" + "<p></p>\n" * 4 + '<a href="/x/">x</a>\n' + "<p></p>\n" * 3
    body += '<a href="/y/">y</a>'
    output = write_output(tmp_path, {"b.html": page(body), "a.html": page("")})
    assert check_site(output) == [
        "a.html: no <h1>",
        'b.html:10: broken <a href="/x/">: no x/index.html in the output',
        'b.html:14: broken <a href="/y/">: no y/index.html in the output',
    ]


def test_a_page_that_is_not_utf8_is_reported_and_still_checked(tmp_path: Path) -> None:
    output = write_output(tmp_path, {})
    (output / "latin1.html").write_bytes(page("<h1>Umeå</h1>\n<a href='/x/'>x</a>").encode("latin-1"))
    assert check_site(output) == [
        "latin1.html:5: not UTF-8 (invalid continuation byte)",
        "latin1.html:6: broken <a href=\"/x/\">: no x/index.html in the output",
    ]


def test_scanning_pages_in_parallel_finds_the_same_problems(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    pages = {f"p{i}/index.html": page(f'<h1 id="a">P{i}</h1>\n<a href="/p{i + 1}/#a">next</a>')
             for i in range(40)}
    output = write_output(tmp_path, {**pages, "p7/index.html": page("<p>ingen rubrik</p>")})
    serial = check_site(output)
    monkeypatch.setattr("sbuv_site.check._PARALLEL_FROM", 2)
    assert check_site(output) == serial == [
        'p39/index.html:6: broken <a href="/p40/#a">: no p40/index.html in the output',
        'p6/index.html:6: missing anchor <a href="/p7/#a">: no id "a" in p7/index.html',
        "p7/index.html: no <h1>",
    ]


def test_a_missing_output_folder_is_one_problem(tmp_path: Path) -> None:
    assert check_site(tmp_path / "output") == [
        f"{tmp_path / 'output'}: no built site here; run sbuv-site build first"]


@pytest.mark.parametrize(("path", "expected"), [
    ("/", "/"), ("/a/b/", "/a/b/"), ("/a/./b", "/a/b"), ("/a/b/..", "/a/"),
    ("/a/../b/", "/b/"), ("/..", None), ("/a/../../b", None),
])
def test_normalize_path_removes_dot_segments_and_refuses_to_climb_above_the_root(
        path: str, expected: str | None) -> None:
    assert normalize_path(path) == expected


def test_split_srcset_splits_candidates_as_browsers_do() -> None:
    srcset = " a.png 1x,b.png  2x , c.png, d.png 480w,e,f.png (x, y) 1x, g.png"
    assert split_srcset(srcset) == ["a.png", "b.png", "c.png", "d.png", "e,f.png", "g.png"]


def test_the_cli_prints_each_problem_and_exits_1(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    output = write_output(tmp_path, {"index.html": page("<p>x</p>")})
    assert main(["--root", str(tmp_path), "check", "--output", str(output)]) == 1
    assert capsys.readouterr().err == f"index.html: no <h1>\n1 problem in {output}\n"


def test_a_freshly_built_site_passes_the_check(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content/posts").mkdir(parents=True)
    (site / "config.yaml").write_text("base_url: https://example.org/\n", encoding="utf-8")
    (site / "content/posts/x.md").write_text(
        "---\ntitle: Besök i Umeå\ndate: 2015-12-01\nmunicipality: Umeå\ntags: [a]\n---\n\n"
        "Första stycket.\n", encoding="utf-8")
    assert main(["--root", str(site), "build"]) == 0
    assert check_site(site / "output") == []
