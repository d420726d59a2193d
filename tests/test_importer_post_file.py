"""The files the importer writes: front matter the site reads back exactly, in a fixed order."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sbuv_site.importer.post_file import ImportedPost, one_owner_each, render_post, without_invisible
from sbuv_site.load import read_source
from sbuv_site.yamltext import INVISIBLE

# Text as the importer makes it: one line, whitespace collapsed, without the control and direction
# characters it takes out (without_invisible), anything else allowed.
LINE = st.text(min_size=1).map(lambda text: " ".join(INVISIBLE.sub("", text).split())).filter(bool)


def nfc(text: str) -> str:
    """What the build reads: every YAML value in composed form (NFC)."""
    return unicodedata.normalize("NFC", text)


def post(**fields: object) -> ImportedPost:
    values: dict[str, object] = dict(
        origin="x.txt", source="socialbarnungdom.se (WordPress), sparad som text: x.txt", stem="x",
        title="Titel", body="Text.\n", date="2015-12-01", draft=False, municipalities=(), tags=(),
        author=None, slug=None, attention=())
    values.update(fields)
    return ImportedPost(**values)  # type: ignore[arg-type]


def read_back(text: str) -> dict[str, object]:
    document = read_source(text.encode("utf-8"), Path("content/posts/x.md"), "posts")
    assert isinstance(document.front.value, dict)
    return document.front.value


@given(title=LINE, author=LINE, source=LINE, tags=st.lists(LINE, max_size=3))
def test_any_title_author_source_and_tags_read_back_unchanged(
        title: str, author: str, source: str, tags: list[str]) -> None:
    text = render_post(post(title=title, author=author, source=source, tags=tuple(tags)))
    data = read_back(text)
    assert (data["title"], data["author"], data["source"]) == (nfc(title), nfc(author), nfc(source))
    assert data.get("tags", []) == [nfc(tag) for tag in tags]


def test_keys_come_in_the_fixed_order_and_empty_ones_are_left_out() -> None:
    text = render_post(post(title="Haninge och Kalix", date=None, draft=True,
                            municipalities=("Haninge", "Kalix"), tags=("samverkan",), author="Ann",
                            slug="haninge-och-kalix-2"))
    head = text.split("\n---\n", 1)[0]
    keys = [line.split(":", 1)[0] for line in head.splitlines()[1:] if not line.startswith("- ")]
    assert keys == ["title", "draft", "municipality", "tags", "author", "slug", "source"]
    assert read_back(text)["municipality"] == ["Haninge", "Kalix"]
    assert text.endswith("---\n\nText.\n")


def test_a_time_of_day_is_written_as_quoted_text_and_a_day_as_a_plain_date() -> None:
    assert "\ndate: '2016-09-21 16:41'\n" in render_post(post(date="2016-09-21 16:41"))
    assert "\ndate: 2015-12-01\n" in render_post(post(date="2015-12-01"))
    assert read_back(render_post(post(date="2016-09-21 16:41")))["date"] == "2016-09-21 16:41"


def test_one_municipality_is_written_as_a_name_not_a_list() -> None:
    assert read_back(render_post(post(municipalities=("Umeå",))))["municipality"] == "Umeå"


def test_control_and_direction_characters_are_taken_out_and_reported() -> None:
    post = ImportedPost(
        origin="export.xml", source="WordPress-export export.xml, post 1", stem="rlo",
        title="Besök \u202ei Umeå", body="Första\x0cstycket.\n\nAndra \u2066stycket\u2069.",
        date="2016-01-01", draft=False, municipalities=("Umeå",), tags=("sam\x7fverkan",),
        author="Pia\x1b", slug=None, attention=())
    clean = without_invisible(post)
    assert (clean.title, clean.body) == ("Besök i Umeå", "Förstastycket.\n\nAndra stycket.")
    assert (clean.tags, clean.author) == (("samverkan",), "Pia")
    assert clean.attention == ("invisible control characters removed (U+000C, U+001B, U+007F, U+202E, "
                               "U+2066, U+2069): check the text reads as intended",)
    document = read_source(render_post(clean).encode(), Path("content/posts/rlo.md"), "posts")
    assert document.front.value["title"] == "Besök i Umeå"  # the build reads what was written


def test_a_post_without_invisible_characters_is_left_as_it_is() -> None:
    post = ImportedPost(
        origin="a.txt", source="x", stem="a", title="Besök i Umeå", body="Text.\tMed tabb.", date=None,
        draft=True, municipalities=(), tags=(), author=None, slug=None, attention=("no date",))
    assert without_invisible(post) is post


def test_an_old_address_claimed_by_two_posts_of_one_run_stays_with_the_first() -> None:
    def claimed(stem: str, *aliases: str) -> ImportedPost:
        return ImportedPost(
            origin=f"{stem}.xml", source=f"WordPress-export {stem}.xml, post 8", stem=stem, title=stem,
            body="Text.", date="2016-01-01", draft=False, municipalities=(), tags=(), author=None,
            slug=stem, attention=(), aliases=aliases)

    first, second = one_owner_each([claimed("hello-world", "/?p=8", "/2016/01/hello/"),
                                    claimed("hello-world", "/?p=8", "/2016/02/other/")])
    assert first.aliases == ("/?p=8", "/2016/01/hello/") and first.attention == ()
    assert second.aliases == ("/2016/02/other/",)  # a post of the same name elsewhere loses the shared one
    assert second.attention == ("old address /?p=8 is also the address of 'hello-world'; kept only there",)
