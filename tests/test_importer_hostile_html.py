"""Hostile post HTML: deep nesting, odd numerals, markup never closed; handled, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sbuv_site.build import BuildOptions, build
from sbuv_site.importer import import_paths
from sbuv_site.importer.html_markdown import MAX_LEVELS, convert_html
from sbuv_site.importer.html_tokens import EndTag, StartTag, Text, Unclosed, html_tokens
from sbuv_site.markup import make_markdown
from tests.conftest import NOW
from tests.htmltree import Node, parse_file, parse_html
from tests.test_bad_inputs import troubleshooting_patterns

WXR_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>\n')


def rendered(markdown: str) -> Node:
    return parse_html(make_markdown().render(markdown))


def depth(node: Node, tag: str) -> int:
    """How deeply elements named `tag` nest below node (iteratively: the tree may be deep)."""
    deepest, stack = 0, [(node, 0)]
    while stack:
        current, level = stack.pop()
        level += current.tag == tag
        deepest = max(deepest, level)
        stack += [(child, level) for child in current.children if isinstance(child, Node)]
    return deepest


def wxr_item(content: str, post_id: int = 1, title: str = "Djup") -> str:
    return (f"<item><title>{title}</title><wp:post_id>{post_id}</wp:post_id>"
            "<wp:post_date>2016-03-01 10:00:00</wp:post_date><wp:post_name>djup</wp:post_name>"
            "<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
            f"<content:encoded><![CDATA[{content}]]></content:encoded></item>\n")


@pytest.mark.parametrize("tag", ["blockquote", "ul", "ol", "li", "div", "em", "strong", "a", "p", "span"])
def test_five_thousand_nested_elements_keep_their_text_and_render(tag: str) -> None:
    result = convert_html(f"<{tag}>" * 5000 + "Djupt inne" + f"</{tag}>" * 5000 + "<p>Efter</p>")
    html = rendered(result.markdown)
    assert "Djupt inne" in html.text() and "Efter" in html.text()
    assert depth(html, "blockquote") <= MAX_LEVELS and depth(html, "li") <= MAX_LEVELS // 2


def test_deep_quotes_are_flattened_below_the_limit_and_reported() -> None:
    result = convert_html("<blockquote>" * 5000 + "Djupt" + "</blockquote>" * 5000)
    html = rendered(result.markdown)
    assert depth(html, "blockquote") == MAX_LEVELS
    assert result.notes == (f"quotes or lists nested deeper than {MAX_LEVELS} levels were flattened into "
                            "the level above",)


def test_nested_lists_alternating_with_items_keep_every_item() -> None:
    result = convert_html("<ul><li>punkt " * 2000 + "</li></ul>" * 2000)
    html = rendered(result.markdown)
    assert html.text().count("punkt") == 2000
    assert depth(html, "li") == MAX_LEVELS // 2


def test_text_or_a_list_directly_inside_a_list_is_kept_in_it() -> None:
    html = rendered(convert_html("<ul>Utan punkt<li>a</li><ul><li>b</li></ul><li>c</li></ul>").markdown)
    assert [li.text() for li in html.find_all("li")] == ["Utan punkt", "a b", "b", "c"]


def test_shallow_nesting_is_kept_as_it_is() -> None:
    result = convert_html("<blockquote><blockquote><ul><li>a<ul><li>b</li></ul></li></ul>"
                          "</blockquote></blockquote>")
    html = rendered(result.markdown)
    assert (depth(html, "blockquote"), depth(html, "li")) == (2, 2) and result.notes == ()


@pytest.mark.parametrize(("start", "expected"), [
    ("²", 1), ("-5", 1), ("1e9", 1), ("٣", 1), ("9" * 5000, 1), ("1234567890", 1), ("", 1),
    ("0", 0), ("007", 7), (" 3 ", 3), ("123456789", 123456789),
])
def test_an_ordered_list_start_is_read_as_browsers_read_it(start: str, expected: int) -> None:
    result = convert_html(f'<ol start="{start}"><li>ett</li><li>två</li></ol>')
    ol = rendered(result.markdown).find("ol")
    assert ol is not None and int(ol.get("start") or 1) == expected
    assert [li.text() for li in ol.find_all("li")] == ["ett", "två"]


@pytest.mark.parametrize("tag", ["form", "svg", "select", "template", "textarea", "script", "iframe"])
def test_a_dropped_element_never_closed_drops_only_its_tag(tag: str) -> None:
    result = convert_html(f"<p>Före</p><{tag}><p>Efter ett</p><p>Efter två</p>")
    assert [p.text() for p in rendered(result.markdown).find_all("p")] == ["Före", "Efter ett", "Efter två"]
    assert result.dropped == (f"<{tag}>",)


def test_markup_never_closed_keeps_the_rest_as_plain_text_and_is_reported() -> None:
    result = convert_html('<p>Före</p><p>Mitten <a href="https://e.org/>Efter <b>fet</b> text</p>')
    text = rendered(result.markdown).text()
    assert "Före" in text and "Mitten" in text and "Efter" in text and "fet" in text and "text" in text
    assert "<b>" not in text
    assert result.notes == ("the HTML has markup that is never closed ('<a href=\"https://e.org/>Efter "
                            "<b>fet</b>…'); the rest of the post was kept as plain text: check it",)


@pytest.mark.parametrize("source", [
    "<a " * 10_000, "<!--" * 10_000, "</" * 10_000, "<!" * 10_000, "<?" * 10_000, "<" * 30_000,
    "[caption " * 5_000, "<script>" * 10_000, "&#" * 10_000, '<a b="' * 10_000, "<em>a " * 10_000,
])
def test_input_that_made_html_parser_rescan_the_rest_is_read_in_one_pass(source: str) -> None:
    result = convert_html("<p>Början</p>" + source)  # html.parser took minutes for these at 100 kB
    assert "Början" in rendered(result.markdown).text()


def test_the_tokenizer_reads_tags_as_browsers_do() -> None:
    tokens = list(html_tokens('a < b <P Class=x title="1 > 0" class=y data-x=\'&amp;\'>t&auml;xt</p >'
                              '<br/><å<script>if (a<b) "</div>"</script><!-- c --><!DOCTYPE html><?php ?>'))
    assert tokens == [
        Text("a < b "), StartTag("p", {"class": "x", "title": "1 > 0", "data-x": "&"}), Text("täxt"),
        EndTag("p"), StartTag("br", {}, closed=True), Text("<å"), StartTag("script", {}),
        Text('if (a<b) "</div>"'), EndTag("script"),
    ]


def test_the_tokenizer_reports_unclosed_markup_once_and_keeps_the_words() -> None:
    tokens = list(html_tokens('ett <a title="två <b>tre</b> fyra'))
    assert tokens[:2] == [Text("ett "), Unclosed('<a title="två <b>tre</b> fyra')]
    assert isinstance(tokens[2], Text) and tokens[2].text.split() == ['a', 'title="två', "tre", "fyra"]
    assert len(tokens) == 3


_FRAGMENTS = st.sampled_from([
    "<blockquote>", "</blockquote>", "<ul>", "</ul>", "<ol start='²'>", "</ol>", "<li>", "</li>", "<em>",
    "</em>", "<b>", "</b>", "<a href='x'>", "</a>", "<p>", "</p>", "<pre>", "</pre>", "<code>", "</code>",
    "<h2>", "</h2>", "<br>", "<hr>", "<svg>", "</svg>", "<form>", "<!--", "-->", "<", ">", "&amp;", "&",
    "\n\n", "\n", " ", "ord", "1.", "#", "*", "[caption]", "<img src='a.png' alt='b'>", '<a href="',
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=80))
def test_any_mix_of_tags_converts_and_renders_without_an_error(parts: list[str]) -> None:
    result = convert_html("".join(parts))
    make_markdown().render(result.markdown)


def test_an_export_with_five_thousand_nested_quotes_imports_reports_and_builds(
        scratch_site: Callable[..., Path]) -> None:
    root = scratch_site({})
    export = root / "export.xml"
    deep = "<blockquote>" * 5000 + "Besök i Kalix" + "</blockquote>" * 5000
    odd = '<ol start="²"><li>ett</li></ol><ol start="-5"><li>två</li></ol><ul>' + "<li><ul>" * 5000 + "x"
    export.write_text(WXR_HEAD + wxr_item(deep) + wxr_item(odd, 2, "Listor") + "</channel></rss>\n",
                      encoding="utf-8")
    report = import_paths([export], root / "content/posts")
    assert len(report.created) == 2
    notes = [e.reason for e in report.needs_attention if "flattened" in e.reason]
    assert len(notes) == 2 and all(any(p.search(n) for p in troubleshooting_patterns()) for n in notes)
    build(root, BuildOptions(now=NOW, output=root / "output"))
    page = parse_file(next((root / "output").rglob("djup/index.html")))
    assert "Besök i Kalix" in page.text() and depth(page, "blockquote") == MAX_LEVELS
