"""Slugs: Swedish titles become safe, readable URL words."""

from __future__ import annotations

import pytest

from sbuv_site.slugs import is_valid_slug, slugify


@pytest.mark.parametrize(("title", "slug"), [
    ("Besök i Umeå", "besok-i-umea"),
    ("Snöfattigt Umeå i förändring", "snofattigt-umea-i-forandring"),
    ("ÅRE ÄLVDALEN ÖREBRO", "are-alvdalen-orebro"),
    ("Café och crème brûlée", "cafe-och-creme-brulee"),
    ("Barn & unga", "barn-och-unga"),
    ("Straße, Ærø, Øresund", "strasse-aero-oresund"),
    ("Ett år – 52 kommuner!", "ett-ar-52-kommuner"),
    ("  Hej -- världen!!  ", "hej-varlden"),
    ("ﬁnns ２０１５", "finns-2015"),  # compatibility forms: ligature, full-width digits
])
def test_slugify_writes_swedish_titles_as_ascii_words(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slugify_uses_the_fallback_when_nothing_is_left() -> None:
    assert slugify("") == "inlagg"
    assert slugify("!!! ??? ...") == "inlagg"
    assert slugify("中文", fallback="rubrik") == "rubrik"
    assert slugify("---", fallback="") == ""


def test_slugify_never_leaves_a_path_behind() -> None:
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("/tmp/besok") == "tmp-besok"
    assert slugify("..") == "inlagg"
    assert slugify("a\\b") == "a-b"


def test_slugify_cuts_long_titles_at_80_characters_without_a_trailing_dash() -> None:
    slug = slugify("ord " * 40)
    assert len(slug) <= 80 and not slug.endswith("-")
    assert slug.startswith("ord-ord-")
    assert slugify("a" * 79 + " b") == "a" * 79


def test_slugify_of_a_slug_is_the_slug() -> None:
    for text in ("Besök i Umeå", "Straße", "", "a" * 100):
        assert slugify(slugify(text)) == slugify(text)


@pytest.mark.parametrize("slug", ["a", "besok-i-umea", "2015", "a-1-b"])
def test_is_valid_slug_accepts_lowercase_words_joined_by_single_dashes(slug: str) -> None:
    assert is_valid_slug(slug)


@pytest.mark.parametrize("slug", ["", "../x", "..", "/abs", "a/b", "a--b", "-a", "a-", "Besok", "besök",
                                  "a b", "a.html", "a\nb"])
def test_is_valid_slug_refuses_anything_else(slug: str) -> None:
    assert not is_valid_slug(slug)
