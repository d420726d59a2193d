"""Markdown with markdown.allow_html: raw HTML is cleaned, and never swallows the rest of a post."""

from __future__ import annotations

from pathlib import Path

import pytest

import sbuv_site.markup
from sbuv_site.markup import make_markdown, render_inline, render_markdown
from tests.htmltree import Node, parse_file, parse_html
from tests.test_bad_inputs import build_case, runnable_scripts
from tests.test_sanitize import only_allowed

UNCLOSED = ["<textarea>", "<svg>", "<select>", "<form>", "<template>", "<style>", "<script>", "<title>",
            "<xmp>", "<noscript>", "<iframe>", "<plaintext>", "<!--", "<pre>", "<math>", "<button>",
            '<div title="aj', "<div>\n<select>"]

# Where the unclosed piece stands: as a block of its own, in a sentence, in a quote, in a list.
PLACES = {
    "block": "{tag}\n\nAndra **stycket**.\n\nTredje stycket.\n",
    "inline": "Första {tag} ord efter.\n\nAndra **stycket**.\n\nTredje stycket.\n",
    "quote": "> {tag}\n>\n> Citerat stycke.\n\nAndra **stycket**.\n\nTredje stycket.\n",
    "list": "- {tag}\n\n  Punktens stycke.\n\nAndra **stycket**.\n\nTredje stycket.\n",
}


def words(node: Node | str) -> str:
    """The text as a reader sees it: inline markup joined without spaces, whitespace collapsed."""
    if isinstance(node, str):
        return node
    return " ".join("".join(words(child) for child in node.children).split())


def paragraphs(node: Node) -> list[str]:
    return [words(p) for p in node.find_all("p")]


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("tag", UNCLOSED)
def test_unclosed_html_leaves_the_following_paragraphs_published(tag: str, place: str) -> None:
    continued = {"quote": "\n> ", "list": "\n  "}.get(place, "\n")  # a tag's second line stays inside
    text = PLACES[place].format(tag=tag.replace("\n", continued))
    html = render_markdown(make_markdown(allow_html=True), text).html
    doc = parse_html(html)
    texts = paragraphs(doc)
    assert "Andra stycket." in texts and "Tredje stycket." in texts, html
    assert doc.find("strong").text() == "stycket", "the paragraphs after it are still Markdown"
    if place == "inline":
        assert "ord efter." in words(doc)
    if place == "quote":
        assert "Citerat stycke." in paragraphs(doc.find("blockquote"))
    if place == "list":
        assert "Punktens stycke." in paragraphs(doc.find("li"))
    only_allowed(doc)


@pytest.mark.parametrize("tag", UNCLOSED)
def test_unclosed_html_in_a_summary_leaves_the_rest_of_it(tag: str) -> None:
    md = make_markdown(allow_html=True)
    assert "ord efter" in parse_html(render_inline(md, f"Första {tag} ord efter.")).text()
    first = render_markdown(md, f"Första {tag} ord efter.\n\nAndra.\n").first_paragraph
    assert "ord efter" in parse_html(first).text()


def test_a_closed_comment_still_hides_what_it_holds() -> None:
    text = ("Före.\n\n<!-- utkast\n\nHemligt stycke.\n\n-->\n\nMellan.\n\n<!--\n\nOcksa hemligt.\n\n"
            "-->\n\nEfter.\n")
    html = render_markdown(make_markdown(allow_html=True), text).html
    assert paragraphs(parse_html(html)) == ["Före.", "Mellan.", "Efter."]


def test_a_closed_script_goes_with_all_of_its_lines() -> None:
    text = "Före.\n\n<script>\nvar a = 1;\n\nalert(a);\n</script>\n\nEfter.\n"
    doc = parse_html(render_markdown(make_markdown(allow_html=True), text).html)
    assert paragraphs(doc) == ["Före.", "Efter."] and "alert" not in doc.text()


def test_many_unclosed_comments_are_each_cut_at_their_blank_line() -> None:
    text = "<!--\n\nStycke.\n\n" * 2000
    doc = parse_html(render_markdown(make_markdown(allow_html=True), text).html)
    assert paragraphs(doc) == ["Stycke."] * 2000


@pytest.mark.parametrize("link", ["[klicka](javascript:alert(1))", "[klicka](JaVaScRiPt:alert(1))",
                                  '<a href="jav&#x09;ascript:alert(1)">klicka</a>',
                                  '<a href=" &#106;avascript:alert(1)">klicka</a>',
                                  '<a href="JAVASCRIPT&colon;alert(1)">klicka</a>'])
def test_javascript_links_are_neutralised(link: str) -> None:
    doc = parse_html(render_markdown(make_markdown(allow_html=True), f"Text {link} här.\n").html)
    assert doc.text() == "Text klicka här." or doc.text() == f"Text {link} här."
    assert all(a.get("href") is None for a in doc.find_all("a"))
    only_allowed(doc)


def test_an_image_loses_its_event_handler() -> None:
    html = render_markdown(make_markdown(allow_html=True), '<img src="x" onerror="alert(1)" alt="k">\n').html
    assert parse_html(html).find("img").attrs == {"src": "x", "alt": "k"}


def test_allowed_html_survives_as_written() -> None:
    text = ('<details>\n<summary>Läs mer</summary>\n\nInne i **rutan**.\n\n</details>\n\n'
            'Ett <abbr title="Socialstyrelsen">SoS</abbr>-ord och <kbd>Ctrl</kbd>.\n\n'
            '<table>\n<tr><td colspan="2">cell</td></tr>\n</table>\n')
    html = render_markdown(make_markdown(allow_html=True), text).html
    assert html == ('<details>\n<summary>Läs mer</summary>\n<p>Inne i <strong>rutan</strong>.</p>\n'
                    '</details>\n<p>Ett <abbr title="Socialstyrelsen">SoS</abbr>-ord och '
                    '<kbd>Ctrl</kbd>.</p>\n'
                    '<table>\n<tbody><tr><td colspan="2">cell</td></tr>\n</tbody></table>\n')


MARKDOWN_FEATURES = """\
# Rubrik ett

Ett stycke med **fet**, _kursiv_, ~~struken~~ och `kod`, en [länk](https://example.org/ "Titel"),
<https://example.org/auto> och en fotnot[^1].\\
Ny rad.

## Tabell

| vänster | mitten | höger |
|:--------|:------:|------:|
| 1       | 2      | 3     |

![Karta över Umeå](/bilder/karta.png "Karta")

> Ett citat.

3. tre
4. fyra

- punkt

```python
print("hej")
```

    indragen kod

---

[^1]: Fotnotens text.
"""


def tree(node: Node | str) -> object:
    if isinstance(node, str):
        return node
    return node.tag, sorted(node.attrs.items()), [tree(child) for child in node.children]


def test_markdowns_own_output_passes_the_allow_list_unchanged() -> None:
    plain = render_markdown(make_markdown(allow_html=False), MARKDOWN_FEATURES).html
    cleaned = render_markdown(make_markdown(allow_html=True), MARKDOWN_FEATURES).html
    assert tree(parse_html(cleaned)) == tree(parse_html(plain))
    doc = parse_html(cleaned)
    assert doc.find("th", style="text-align:right").text() == "höger"
    assert doc.find("section", class_="footnotes").find("li", id="fn1")
    assert doc.find("h3", id="tabell")


def test_without_allow_html_nothing_is_cleaned(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(fragment: str) -> str:
        raise AssertionError("clean_html called with allow_html off")

    monkeypatch.setattr(sbuv_site.markup, "clean_html", refuse)
    monkeypatch.setattr(sbuv_site.markup, "confine", refuse)
    md = make_markdown(allow_html=False)
    assert render_markdown(md, "<textarea>\n\nText.\n").html == "<p>&lt;textarea&gt;</p>\n<p>Text.</p>\n"
    assert render_inline(md, "Ett <b>ord</b>.") == "Ett &lt;b&gt;ord&lt;/b&gt;."


def test_built_post_with_unclosed_html_publishes_every_paragraph(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = build_case("markdown_unsafe_html_unclosed", tmp_path, capsys)
    assert outcome.code == 0, outcome.err
    post = parse_file(outcome.site / "output/2015/12/besok-i-umea/index.html")
    body = post.find("div", class_="post-body")
    texts = paragraphs(body)
    for number in range(1, 15):
        assert f"Stycke {number} kommer fram." in texts, (number, texts)
    only_allowed(body)
    assert post.find_all("textarea") == [] and runnable_scripts(post) == []
    home = parse_file(outcome.site / "output/index.html")
    assert "Stycke 1 kommer fram." in home.text()
