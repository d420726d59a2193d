"""The importer's Markdown: escaped text renders as itself; WordPress HTML keeps its structure."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sbuv_site.importer.html_markdown import convert_html, title_text
from sbuv_site.importer.markdown_blocks import (
    HARD_BREAK,
    Heading,
    ListBlock,
    Paragraph,
    escape_text,
    render_blocks,
)
from sbuv_site.markup import make_markdown
from tests.htmltree import Node, parse_html

MD = make_markdown()  # the site's own renderer: CommonMark plus tables, strikethrough, footnotes
# Letters, digits and every character Markdown gives a meaning to, at any position.
_PIECES = [*"aåZ09 .)(#>+-=*_`[]<>&|~!\\:;^\"'\t\u00a0", "&amp;", "&#35;", "1. ", "---", "```"]
TRICKY = st.lists(st.sampled_from(_PIECES), max_size=20).map("".join)


def rendered(markdown: str) -> Node:
    return parse_html(MD.render(markdown))


def words(text: str) -> str:
    return " ".join(text.split())


@given(TRICKY)
def test_escaped_text_renders_as_exactly_that_text(text: str) -> None:
    body = render_blocks([Paragraph(escape_text(text))])
    html = rendered(body)
    assert html.text() == words(text)
    assert {n.tag for n in html.iter()} <= {"#document", "p"}


@given(st.lists(TRICKY, min_size=2, max_size=4))
def test_every_line_after_a_hard_break_stays_text_too(lines: list[str]) -> None:
    body = render_blocks([Paragraph(HARD_BREAK.join(escape_text(line) for line in lines))])
    html = rendered(body)
    assert html.text() == words(" ".join(lines))
    assert {n.tag for n in html.iter()} <= {"#document", "p", "br"}


@given(TRICKY.filter(lambda t: t.strip()))
def test_a_heading_shows_its_text_with_no_stray_markers(text: str) -> None:
    html = rendered(render_blocks([Heading(1, escape_text(text))]))
    assert html.find("h2").text() == words(text)


def test_adjacent_lists_of_one_kind_stay_two_lists() -> None:
    first = ListBlock(False, ((Paragraph("a"),), (Paragraph("b"),)))
    second = ListBlock(False, ((Paragraph("c"),),))
    html = rendered(render_blocks([first, second]))
    assert [ul.text() for ul in html.find_all("ul")] == ["a b", "c"]


def test_a_numbered_list_keeps_its_first_number() -> None:
    html = rendered(render_blocks([ListBlock(True, ((Paragraph("fem"),), (Paragraph("sex"),)), 5)]))
    assert html.find("ol").get("start") == "5"


def test_wordpress_paragraphs_and_line_breaks_become_markdown_ones() -> None:
    html = rendered(convert_html("Rad ett\nrad två\n\nNytt stycke.").markdown)
    paragraphs = html.find_all("p")
    assert [p.text() for p in paragraphs] == ["Rad ett rad två", "Nytt stycke."]
    assert len(paragraphs[0].find_all("br")) == 1


def test_headings_lists_quotes_and_code_keep_their_structure() -> None:
    source = """<h2>Rubrik</h2><h3>Underrubrik</h3>
    <ol start="3"><li>tre</li><li>fyra<ul><li>inre</li></ul></li></ol>
    <blockquote><p>Citat</p></blockquote><pre><code>a = [1, 2]
  *inte* kursiv</code></pre>"""
    html = rendered(convert_html(source).markdown)
    assert html.find("h2").text() == "Rubrik"  # the site shows '#' as <h2>, so levels are kept
    assert html.find("h3").text() == "Underrubrik"
    assert html.find("ol").get("start") == "3"
    assert html.find("ol").find("ul").text() == "inre"
    assert html.find("blockquote").text() == "Citat"
    assert html.find("pre").text() == "a = [1, 2] *inte* kursiv"


def test_emphasis_links_and_images_become_markdown_inline_markup() -> None:
    source = ('<p><em>Lugnt</em> och <strong>starkt</strong>, <a href="https://e.org/a b">en länk</a>'
              ' och <img src="/b.jpg" alt="En [bild]"></p>')
    html = rendered(convert_html(source).markdown)
    assert html.find("em").text() == "Lugnt"
    assert html.find("strong").text() == "starkt"
    assert html.find("a").get("href") == "https://e.org/a%20b"
    assert html.find("img").get("alt") == "En [bild]"


def test_emphasis_that_markdown_could_not_open_is_left_as_plain_text() -> None:
    html = rendered(convert_html("<p>x<em>(a)</em>y och <i> mellanrum </i>slut</p>").markdown)
    assert html.find("p").text() == "x(a)y och mellanrum slut"
    assert "*" not in html.find("p").text()


def test_scripts_iframes_and_comments_are_dropped_and_reported() -> None:
    result = convert_html('<p>Före</p><!--more--><iframe src="https://v.example/1"></iframe>'
                          '<script>alert("x")</script><!-- wp:paragraph --><p>Efter</p>')
    html = rendered(result.markdown)
    assert [p.text() for p in html.find_all("p")] == ["Före", "Efter"]
    assert result.dropped == ("<iframe> https://v.example/1", "<script>")


def test_a_caption_shortcode_keeps_its_caption_text_and_image() -> None:
    result = convert_html('[caption id="a" width="300"]<img src="/p.png" alt=""> En pelikan[/caption]'
                          '[caption caption="Attributtext"]<img src="/q.png">[/caption][gallery ids="1,2"]')
    html = rendered(result.markdown)
    assert "[caption" not in result.markdown and "[/caption]" not in result.markdown
    assert "En pelikan" in html.text() and "Attributtext" in html.text()
    assert [img.get("src") for img in html.find_all("img")] == ["/p.png", "/q.png"]
    assert result.dropped == ("[gallery] shortcode",)


def test_a_link_or_emphasis_across_a_classic_line_break_keeps_its_markup() -> None:
    html = rendered(convert_html('Se <a href="https://e.org/?a=1&amp;b=2">planen\nför barn</a> och '
                                 "<em>första\nandra</em>.").markdown)
    link = html.find("a")
    assert (link.get("href"), link.text()) == ("https://e.org/?a=1&b=2", "planen för barn")
    assert len(link.find_all("br")) == 1
    assert html.find("em").text() == "första andra"


def test_unsafe_links_lose_their_target_but_keep_their_words() -> None:
    html = rendered(convert_html('<p><a href="javascript:alert(1)">klicka</a></p>').markdown)
    assert html.find_all("a") == []
    assert html.text() == "klicka"


def test_text_that_looks_like_markdown_in_html_stays_text() -> None:
    source = "<p>1. maj</p><p># inte rubrik</p><p>*inte kursiv* &amp;amp; [^1] | a | b |</p>"
    html = rendered(convert_html(source).markdown)
    assert [p.text() for p in html.find_all("p")] == ["1. maj", "# inte rubrik",
                                                      "*inte kursiv* &amp; [^1] | a | b |"]


def test_unclosed_and_stray_tags_do_not_lose_text() -> None:
    html = rendered(convert_html("<ul><li>ett<li>två</ul></li></em><p>slut").markdown)
    assert [li.text() for li in html.find_all("li")] == ["ett", "två"]
    assert html.find("p").text() == "slut"


def test_plain_text_of_the_body_is_collected_for_finding_municipalities() -> None:
    result = convert_html("<p>Besök i <strong>Kalix</strong></p><script>Umeå</script>")
    assert "Kalix" in result.text and "Umeå" not in result.text


def test_titles_lose_inline_markup_and_entities_but_keep_literal_angle_text() -> None:
    assert title_text("Markup: Title <em>With</em> <b>Mark<sup>up</sup></b>") == "Markup: Title With Markup"
    assert title_text("A post with some <html> entities") == "A post with some <html> entities"
    assert title_text("Special chars: l&#039;é") == "Special chars: l'é"
