"""The allow-list cleaner (nh3): what it keeps, what it removes, and how it confines raw HTML."""

from __future__ import annotations

import pytest

from sbuv_site.sanitize import ALLOWED_TAGS, clean_html, confine, is_safe_url
from tests.htmltree import Node, parse_html

JAVASCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;vascript&#58;alert(1)",
    "jav&#x09;ascript:alert(1)",
    "javascript&colon;alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
]


def only_allowed(node: Node) -> None:
    """Every element is allow-listed, and no attribute is an event handler or a script URL."""
    for element in node.iter():
        if element.tag == "#document":
            continue
        assert element.tag in ALLOWED_TAGS, element.tag
        for name, value in element.attrs.items():
            assert not name.startswith("on"), (element.tag, name)
            if name in ("href", "src", "cite"):
                assert is_safe_url(value), (element.tag, name, value)


@pytest.mark.parametrize("url", JAVASCRIPT_URLS)
def test_script_urls_are_removed_from_links_images_and_quotes(url: str) -> None:
    html = (f'<p><a href="{url}">länk</a> <img src="{url}" alt="bild"></p>'
            f'<blockquote cite="{url}">citat</blockquote><q cite="{url}">kort</q>')
    doc = parse_html(clean_html(html))
    link = doc.find("a")
    assert link.text() == "länk" and link.get("href") is None
    assert doc.find("img").get("src") is None and doc.find("img").get("alt") == "bild"
    assert doc.find("blockquote").get("cite") is None and doc.find("blockquote").text() == "citat"
    assert doc.find("q").get("cite") is None
    assert not is_safe_url(url)


@pytest.mark.parametrize("url", ["https://example.org/a?b=1&amp;c=2#d", "/karta/", "../x.png", "#fn1",
                                 "mailto:info@example.org", "tel:+4612345", "bild.jpg"])
def test_web_mail_phone_and_relative_urls_are_kept(url: str) -> None:
    assert clean_html(f'<a href="{url}">x</a>') == f'<a href="{url}">x</a>'


def test_event_handlers_and_styles_are_removed() -> None:
    doc = parse_html(clean_html('<img src="x.png" onerror="alert(1)" alt="a">'
                                '<p onclick="alert(2)" style="color:red" class="ingress">text</p>'
                                '<a href="/" onmouseover="alert(3)" target="_blank">l</a>'))
    assert doc.find("img").attrs == {"src": "x.png", "alt": "a"}
    assert doc.find("p").attrs == {"class": "ingress"}
    assert doc.find("a").attrs == {"href": "/"}  # no target=, and no rel= added to plain links


def test_table_cells_keep_only_their_text_alignment() -> None:
    html = ('<table><tbody><tr><td style="text-align:center; background: url(javascript:x)" colspan="2">'
            'a</td></tr></tbody></table>')
    cell = parse_html(clean_html(html)).find("td")
    assert cell.attrs == {"style": "text-align:center", "colspan": "2"}


@pytest.mark.parametrize("tag", ["script", "style", "iframe", "object", "template", "noscript", "svg",
                                 "math", "form", "textarea", "select", "button"])
def test_dangerous_elements_go_with_their_content(tag: str) -> None:
    cleaned = clean_html(f"<p>före</p><{tag}>inuti</{tag}><p>efter</p>")
    doc = parse_html(cleaned)
    assert [p.text() for p in doc.find_all("p")] == ["före", "efter"]
    assert "inuti" not in doc.text()


def test_comments_and_unknown_tags_are_removed_but_text_is_kept() -> None:
    assert clean_html("<p>a<!-- hemligt -->b <blink>c</blink></p><h1>d</h1>") == "<p>ab c</p>d"


def test_allowed_markup_comes_through_as_written() -> None:
    html = ('<details><summary>Mer</summary><p><abbr title="Socialstyrelsen">SoS</abbr>, '
            '<kbd>Ctrl</kbd>, <mark>m</mark>, H<sub>2</sub>O, x<sup>2</sup>, <time datetime="2015-12-01">'
            '1 dec</time>, <del>gammal</del> <ins>ny</ins></p></details>'
            '<ol start="3" reversed=""><li id="punkt" lang="en">one</li></ol>'
            '<figure><img src="/bild.jpg" alt="Karta" width="300" height="200" loading="lazy">'
            '<figcaption>Karta</figcaption></figure>')
    assert clean_html(html) == html


@pytest.mark.parametrize("raw", ["<details>\n<summary>Mer</summary>\n", "<b>", "</details>\n",
                                 '<div class="ruta">', '<abbr title="x">', "<!-- en kommentar -->",
                                 "<table>\n"])
def test_confine_leaves_pieces_that_let_the_rest_through(raw: str) -> None:
    assert confine(raw) == raw


@pytest.mark.parametrize("raw", ["<textarea>", "<svg>", "<math>", "<select>", "<form>", "<template>",
                                 "<style>", "<script>", "<title>", "<xmp>", "<noscript>", "<iframe>",
                                 "<plaintext>", "<!--\n", "<div>\n<a title='x\n", "<button>", "<object>",
                                 "<noembed>", "<noframes>"])
def test_confine_closes_pieces_that_would_swallow_the_rest(raw: str) -> None:
    confined = confine(raw)
    assert confined != raw
    assert clean_html(confined + "<p>sedan</p>").endswith("<p>sedan</p>")


def test_confine_is_not_fooled_by_its_own_probe_characters() -> None:
    assert confine("<textarea>\ue000<p>\ue001</p>") == ""
