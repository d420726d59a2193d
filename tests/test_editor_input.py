"""Everyday slips of an editor: tags or municipalities as one text with commas, and a post
published with the placeholder text `sbuv-site new` wrote. Examples and hypothesis properties."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sbuv_site.errors import SiteError, flatten
from sbuv_site.load import SourceDocument, read_source
from sbuv_site.municipalities import load_registry
from sbuv_site.validate import NEW_POST_PLACEHOLDER, PostFields, flow_list, validate

ZONE = ZoneInfo("Europe/Stockholm")
REGISTRY = load_registry()
SETTINGS = settings(deadline=None, max_examples=150)
PATH = Path("content/posts/besok.md")


def document(front: str, body: str = "Första stycket.\n") -> SourceDocument:
    return read_source(f"---\n{front}---\n\n{body}".encode(), PATH, "posts")


def post_of(front: str, body: str = "Första stycket.\n") -> PostFields:
    (post,), _ = validate([document(front, body)], REGISTRY, {}, ZONE)
    return post


def problems_of(front: str, body: str = "Första stycket.\n") -> list[SiteError]:
    with pytest.raises((SiteError, ExceptionGroup)) as caught:
        validate([document(front, body)], REGISTRY, {}, ZONE)
    return flatten(caught.value)


HEAD = "title: Besök\ndate: 2015-12-01\n"  # lines 2 and 3; the next key is on line 4


def test_tags_as_one_text_with_commas_is_an_error_with_the_list_as_hint() -> None:
    (problem,) = problems_of(HEAD + "tags: samverkan, kompetens\n")
    assert problem.format() == (
        "content/posts/besok.md:4: tag 'samverkan, kompetens' holds a comma, so it would be one tag\n"
        "  hint: write the tags as a list, one item per tag: tags: [samverkan, kompetens]")


def test_a_comma_inside_a_list_item_is_named_at_the_item_line() -> None:
    (problem,) = problems_of(HEAD + "tags:\n  - barnrätt\n  - samverkan,kompetens\n")
    assert problem.line == 6
    assert problem.message == "tag 'samverkan,kompetens' holds a comma, so it would be one tag"
    assert problem.hint == ("write the tags as a list, one item per tag: "
                            "tags: [barnrätt, samverkan, kompetens]")


def test_a_lone_comma_still_gets_a_usable_example() -> None:
    (problem,) = problems_of(HEAD + 'tags: ","\n')
    assert problem.hint is not None and problem.hint.endswith("tags: [samverkan, kompetens]")


@pytest.mark.parametrize(("written", "tags"), [
    ("tags: samverkan", ("samverkan",)),
    ("tags: [samverkan, kompetens]", ("samverkan", "kompetens")),
    ('tags: ["barn- och ungdomsvård"]', ("barn- och ungdomsvård",)),
])
def test_a_single_word_or_a_real_list_stays_accepted(written: str, tags: tuple[str, ...]) -> None:
    assert post_of(HEAD + written + "\n").tags == tags


def test_municipalities_as_one_text_with_commas_get_the_list_in_scb_spelling() -> None:
    (problem,) = problems_of(HEAD + "municipality: haninge, Kalix\n")
    assert problem.format() == (
        "content/posts/besok.md:4: municipality 'haninge, Kalix' holds a comma, so it is read as one name\n"
        "  hint: write several municipalities as a list: municipality: [Haninge, Kalix]")


def test_a_comma_in_one_municipality_of_a_list_is_named_at_its_item() -> None:
    (problem,) = problems_of(HEAD + "municipality:\n  - Umeå\n  - Haninge, Kalixx\n")
    assert problem.line == 6
    assert problem.hint == "write several municipalities as a list: municipality: [Umeå, Haninge, Kalixx]"


def test_a_municipality_list_without_commas_is_unchanged() -> None:
    post = post_of(HEAD + "municipality: [Haninge, Kalix]\n")
    assert [m.name for m in post.municipalities] == ["Haninge", "Kalix"]


def test_a_published_post_with_the_placeholder_is_an_error_at_its_line() -> None:
    (problem,) = problems_of(HEAD, f"Annan text.\n\n{NEW_POST_PLACEHOLDER}\n")
    assert problem.format() == (
        "content/posts/besok.md:8: the post still holds the placeholder text that 'sbuv-site new' wrote\n"
        "  hint: replace that line with the post's own text, or set 'draft: true' to keep the post "
        "out of the site")


def test_a_draft_may_hold_the_placeholder() -> None:
    assert post_of(HEAD + "draft: true\n", NEW_POST_PLACEHOLDER + "\n").draft


def test_the_placeholder_error_comes_with_the_others_of_the_file() -> None:
    found = problems_of("title: Besök\ndate: 2015-13-01\n", NEW_POST_PLACEHOLDER + "\n")
    assert [(p.line, p.message.split()[0]) for p in found] == [(3, "date"), (6, "the")]


# Tags as an editor might write them: words with Swedish letters, digits, spaces and '-'.
word = st.from_regex(r"\A[a-zåäöé0-9][a-zåäöé0-9 -]{0,14}[a-zåäöé0-9]\Z|\A[a-zåäö]\Z")
words = st.lists(word, min_size=2, max_size=6, unique=True)


@SETTINGS
@given(words, st.sampled_from([", ", ",", " , "]))
@example(["samverkan", "kompetens"], ", ")
@example(["2015", "true"], ", ")  # would be a number and a boolean if written bare in a list
def test_the_hint_is_front_matter_that_gives_exactly_the_meant_tags(tags: list[str], comma: str) -> None:
    (problem,) = problems_of(HEAD + f"tags: {comma.join(tags)}\n")
    assert problem.line == 4 and problem.hint is not None
    fixed = problem.hint.split(": ", 1)[1]  # 'tags: [...]', pasted over the broken line
    assert post_of(HEAD + fixed + "\n").tags == tuple(tags)


@SETTINGS
@given(word)
def test_a_single_tag_written_bare_is_that_tag(tag: str) -> None:
    written = flow_list([tag])[1:-1]  # quoted only when YAML would read it as something else
    assert post_of(HEAD + f"tags: {written}\n").tags == (tag,)


line_text = st.text(st.characters(whitelist_categories=("L", "N", "P", "Zs")), max_size=30)


@SETTINGS
@given(line_text, line_text, st.integers(min_value=0, max_value=3))
def test_the_placeholder_is_found_wherever_it_stands(before: str, after: str, paragraphs: int) -> None:
    body = "Inledning.\n\n" * paragraphs + f"{before}{NEW_POST_PLACEHOLDER}{after}\n"
    (problem,) = problems_of(HEAD, body)
    assert "placeholder" in problem.message and problem.line == 6 + 2 * paragraphs
