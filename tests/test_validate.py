"""Front matter → typed fields: every problem in every file, each at its line with a hint."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sbuv_site.errors import SiteError, flatten
from sbuv_site.load import SourceDocument, read_source
from sbuv_site.municipalities import load_registry
from sbuv_site.validate import MAX_TITLE, ImageField, PageFields, PostFields, validate

ZONE = ZoneInfo("Europe/Stockholm")
REGISTRY = load_registry()


def doc(front: str, name: str = "content/posts/besok.md", kind: str = "posts") -> SourceDocument:
    return read_source(f"---\n{front}---\n\nFörsta stycket.\n".encode(), Path(name), kind)


def one_post(front: str, aliases: Mapping[str, str] | None = None) -> PostFields:
    posts, _ = validate([doc(front)], REGISTRY, aliases or {}, ZONE)
    (post,) = posts
    return post


def one_page(front: str) -> PageFields:
    _, pages = validate([doc(front, "content/pages/om.md", "pages")], REGISTRY, {}, ZONE)
    (page,) = pages
    return page


def problems(*documents: SourceDocument, aliases: Mapping[str, str] | None = None) -> list[str]:
    with pytest.raises((SiteError, ExceptionGroup)) as caught:
        validate(documents, REGISTRY, aliases or {}, ZONE)
    return [p.format() for p in flatten(caught.value)]


def places(front_value: str, aliases: Mapping[str, str] | None = None) -> list[str]:
    post = one_post(f"title: Besök\ndate: 2015-12-01\nmunicipality: {front_value}\n", aliases)
    return [m.name for m in post.municipalities]


def test_a_full_post_becomes_typed_fields() -> None:
    post = one_post("""\
title: Besök i Umeå
date: 2015-12-01 14:30
updated: 2015-12-03
municipality: Umeå
tags: [samverkan, kompetens]
summary: Kort om *besöket*.
author: Samordnaren
image: /bilder/umea.jpg
image_alt: Umeälven en vinterdag
source: https://example.org/gammal
""")
    assert (post.title, post.slug, post.draft) == ("Besök i Umeå", "besok-i-umea", False)
    assert post.published == datetime(2015, 12, 1, 14, 30, tzinfo=ZONE)
    assert post.updated == datetime(2015, 12, 3, tzinfo=ZONE)
    assert [m.code for m in post.municipalities] == ["2480"]
    assert post.tags == ("samverkan", "kompetens")
    assert (post.summary, post.author, post.image, post.source) == (
        "Kort om *besöket*.", "Samordnaren", ImageField("/bilder/umea.jpg", "Umeälven en vinterdag", 9),
        "https://example.org/gammal")
    assert (post.body, post.body_line, post.slug_line) == ("\nFörsta stycket.\n", 13, 2)


def test_only_title_and_date_are_required() -> None:
    post = one_post("title: Besök\ndate: 2015-12-01\n")
    assert (post.municipalities, post.tags, post.summary, post.author, post.image) == (
        (), (), None, None, None)


# Municipalities: by name in any case, by SCB code, by alias, one or a list.
@pytest.mark.parametrize("written", ["Umeå", "umeå", "UMEÅ", "  Umeå  ", "2480", "'2480'"])
def test_a_municipality_is_found_by_name_in_any_case_or_by_code(written: str) -> None:
    assert places(written) == ["Umeå"]


def test_a_code_with_a_leading_zero_is_read_as_written_not_as_an_octal_number() -> None:
    assert places("0114") == ["Upplands Väsby"]
    assert places("[0114, 0115]") == ["Upplands Väsby", "Vallentuna"]


def test_a_municipality_is_found_by_a_configured_alias_in_any_case() -> None:
    assert places("Gothenburg", {"Gothenburg": "Göteborg"}) == ["Göteborg"]
    assert places("gothenburg", {"Gothenburg": "Göteborg"}) == ["Göteborg"]


def test_a_list_of_municipalities_keeps_its_order_and_drops_repeats() -> None:
    assert places("[Haninge, Kalix, haninge, 0136]") == ["Haninge", "Kalix"]


@pytest.mark.parametrize(("written", "message", "hint"), [
    ("Goteborg", "unknown municipality 'Goteborg'", "did you mean 'Göteborg'?"),
    ("Upplands Vasby", "unknown municipality 'Upplands Vasby'", "did you mean 'Upplands Väsby'?"),
    ("Umeå kommun", "unknown municipality 'Umeå kommun'", "write just the name: 'Umeå'"),
    ("Atlantis", "unknown municipality 'Atlantis'",
     "write the name as SCB does (e.g. 'Umeå') or its 4-digit code, or add an alias under 'aliases:' "
     "in config.yaml"),
    ("9999", "unknown municipality '9999'", "no municipality has this code; SCB codes run from 0114 to 2584"),
    ("42", "unknown municipality '42'",
     "an SCB code has four digits, from 0114 to 2584 (e.g. 1480 for Göteborg)"),
])
def test_an_unknown_municipality_is_named_with_the_likely_fix(written: str, message: str, hint: str) -> None:
    assert problems(doc(f"title: Besök\ndate: 2015-12-01\nmunicipality: {written}\n")) == [
        f"content/posts/besok.md:4: {message}\n  hint: {hint}"]


def test_each_unknown_municipality_in_a_list_is_reported() -> None:
    found = problems(doc("title: B\ndate: 2015-12-01\nmunicipality: [Umea, Kalix, Lulea]\n"))
    assert [p.split("\n")[0] for p in found] == [
        "content/posts/besok.md:4: unknown municipality 'Lulea'",
        "content/posts/besok.md:4: unknown municipality 'Umea'",
    ]


def test_a_municipality_that_is_not_a_name_is_refused() -> None:
    assert problems(doc("title: B\ndate: 2015-12-01\nmunicipality: 12.5\n")) == [
        "content/posts/besok.md:4: 'municipality' must be a name or a list of names, not the number 12.5\n"
        "  hint: write e.g. 'municipality: Umeå' or 'municipality: [Haninge, Kalix]'"]


def test_every_one_of_the_290_municipalities_is_found_by_name_and_code() -> None:
    assert len(REGISTRY.municipalities) == 290
    for place in REGISTRY.municipalities:
        assert REGISTRY.lookup(place.name) == REGISTRY.lookup(place.code) == place
        assert REGISTRY.lookup(place.name.upper()) == place


def test_a_municipality_typed_in_decomposed_unicode_is_found() -> None:
    decomposed = unicodedata.normalize("NFD", "Umeå")
    assert decomposed != "Umeå"
    assert REGISTRY.lookup(decomposed).name == "Umeå"  # a Mac or a paste: 'a' + combining ring
    assert REGISTRY.lookup(decomposed, {unicodedata.normalize("NFD", "Ume älv"): "Umeå"}).code == "2480"
    assert REGISTRY.lookup("Ume älv", {unicodedata.normalize("NFD", "Ume älv"): "Umeå"}).code == "2480"
    post = one_post(unicodedata.normalize("NFD", "title: Besök i Umeå\ndate: 2015-12-01\nmunicipality: Umeå\n"
                                                 "tags: [Skolgång]\n"))
    assert post.title == "Besök i Umeå" and post.tags == ("Skolgång",)
    assert [m.name for m in post.municipalities] == ["Umeå"]


# Title, date, draft.
def test_title_and_date_are_missing_at_the_top_of_the_front_matter() -> None:
    assert problems(doc("municipality: Umeå\n")) == [
        "content/posts/besok.md:2: 'date' is missing\n"
        "  hint: add e.g. 'date: 2015-12-01' to the front matter; "
        "'date: 2017' or 'date: okänt' when only the year, or nothing, is known",
        "content/posts/besok.md:2: 'title' is missing\n  hint: add a line 'title: …' to the front matter",
    ]


def test_a_draft_needs_no_date() -> None:
    post = one_post("title: Utkast\ndraft: true\n")
    assert (post.draft, post.published) == (True, None)


def test_a_wrong_date_is_reported_at_its_line() -> None:
    assert problems(doc("title: B\ndate: 2015-02-31\nupdated: igår\n")) == [
        "content/posts/besok.md:3: date '2015-02-31' has day 31, but februari 2015 has 28 days\n"
        "  hint: use a day from 1 to 28",
        "content/posts/besok.md:4: date 'igår' is not a date\n"
        "  hint: write the date as YYYY-MM-DD, e.g. 2015-12-01",
    ]


@pytest.mark.parametrize(("written", "shown"), [('"yes"', "'yes'"), ("ja", "'ja'"), ("1", "the number 1")])
def test_draft_must_be_true_or_false(written: str, shown: str) -> None:
    assert problems(doc(f"title: B\ndate: 2015-12-01\ndraft: {written}\n")) == [
        f"content/posts/besok.md:4: 'draft' must be true or false, not {shown}\n  hint: write true or false"]


@pytest.mark.parametrize(("written", "title"), [("2015", "2015"), ("1.10", "1.10"), ("Ja", "Ja"),
                                                 ("yes", "yes"), ("'  Besök  '", "Besök")])
def test_a_title_is_kept_as_written_even_when_yaml_reads_a_number(written: str, title: str) -> None:
    assert one_post(f"title: {written}\ndate: 2015-12-01\n").title == title


def test_an_empty_or_overlong_title_is_refused() -> None:
    assert problems(doc("title: ''\ndate: 2015-12-01\n")) == [
        "content/posts/besok.md:2: 'title' is empty\n  hint: write the title after 'title: '"]
    assert problems(doc(f"title: {'a' * (MAX_TITLE + 1)}\ndate: 2015-12-01\n")) == [
        f"content/posts/besok.md:2: title is {MAX_TITLE + 1} characters long\n"
        f"  hint: keep it under {MAX_TITLE}"]
    assert problems(doc("title: [a]\ndate: 2015-12-01\n")) == [
        "content/posts/besok.md:2: 'title' must be text, not a list\n"
        "  hint: write it as text, in quotes if needed"]


# Tags.
def test_tags_are_a_list_or_one_word_with_repeats_and_blanks_dropped() -> None:
    assert one_post("title: B\ndate: 2015-12-01\ntags: [a, ' b ', a, '']\n").tags == ("a", "b")
    assert one_post("title: B\ndate: 2015-12-01\ntags: samverkan\n").tags == ("samverkan",)
    assert one_post("title: B\ndate: 2015-12-01\ntags:\n").tags == ()


def test_tags_that_are_not_words_are_refused() -> None:
    assert problems(doc("title: B\ndate: 2015-12-01\ntags: 2015\n")) == [
        "content/posts/besok.md:4: 'tags' must be a list of words, not the number 2015\n"
        "  hint: write e.g. 'tags: [samverkan, kompetens]' (numbers in quotes)"]
    assert problems(doc("title: B\ndate: 2015-12-01\ntags: [a, '???']\n")) == [
        "content/posts/besok.md:4: tag '???' has no letters or digits\n  hint: use a word as the tag"]


# Slugs.
def test_the_slug_is_made_from_the_title_or_given() -> None:
    assert one_post("title: Snöfattigt Umeå\ndate: 2015-12-01\n").slug == "snofattigt-umea"
    given = one_post("title: Snöfattigt Umeå\ndate: 2015-12-01\nslug: umea-i-snon\n")
    assert (given.slug, given.slug_line) == ("umea-i-snon", 4)
    assert one_post("title: B\ndate: 2015-12-01\nslug: 2015\n").slug == "2015"


@pytest.mark.parametrize(("written", "message", "hint"), [
    ("../../etc/passwd",
     "slug '../../etc/passwd' may only hold a-z, 0-9 and single '-' (no '/', '..' or spaces)",
     "use e.g. 'etc-passwd'"),
    ("/tmp/besok", "slug '/tmp/besok' may only hold a-z, 0-9 and single '-' (no '/', '..' or spaces)",
     "use e.g. 'tmp-besok'"),
    ("Besök i Umeå", "slug 'Besök i Umeå' may only hold a-z, 0-9 and single '-' (no '/', '..' or spaces)",
     "use e.g. 'besok-i-umea'"),
    ("taggar", "slug 'taggar' is reserved for the site's own pages", "choose another slug"),
    ("utkast", "slug 'utkast' is reserved for the site's own pages", "choose another slug"),
])
def test_an_unsafe_or_reserved_slug_is_refused(written: str, message: str, hint: str) -> None:
    assert problems(doc(f"title: B\ndate: 2015-12-01\nslug: {written}\n")) == [
        f"content/posts/besok.md:4: {message}\n  hint: {hint}"]


def test_a_slug_that_is_not_text_is_refused_without_printing_it() -> None:
    assert problems(doc("title: B\ndate: 2015-12-01\nslug: [a, b]\n")) == [
        "content/posts/besok.md:4: 'slug' must be text, not a list\n  hint: write e.g. 'slug: besok-i-umea'"]
    deep = "[" * 900 + "]" * 900  # printing it would recurse; a billion laughs would never end
    assert problems(doc(f"title: B\ndate: 2015-12-01\nslug: {deep}\n"))[0].startswith(
        "content/posts/besok.md:4: 'slug' must be text, not a list")


# Keys and pages.
def test_keys_written_as_numbers_booleans_or_null_are_unknown_keys_by_their_text() -> None:
    found = problems(doc("title: B\ndate: 2015-12-01\n1: x\ntrue: y\nnull: z\n"))
    assert [p.split("\n")[0] for p in found] == [
        "content/posts/besok.md:4: unknown front matter key '1'",
        "content/posts/besok.md:5: unknown front matter key 'true'",
        "content/posts/besok.md:6: unknown front matter key 'null'"]


def test_an_unknown_key_suggests_the_closest_allowed_one() -> None:
    assert problems(doc("title: B\ndate: 2015-12-01\ntagz: [a]\nfärg: blå\n")) == [
        "content/posts/besok.md:4: unknown front matter key 'tagz'\n  hint: did you mean 'tags'?",
        "content/posts/besok.md:5: unknown front matter key 'färg'\n"
        "  hint: allowed keys: title, date, municipality, tags, summary, slug, draft, updated, author, "
        "image, image_alt, source, edited, aliases",
    ]


def test_a_page_has_its_own_keys_and_a_menu_position() -> None:
    page = one_page("title: Om bloggen\nmenu: 2\nupdated: 2016-01-01\n")
    assert (page.title, page.slug, page.menu, page.draft) == ("Om bloggen", "om-bloggen", 2, False)
    assert problems(doc("title: Om\nmenu: först\ndate: 2016-01-01\n", "content/pages/om.md", "pages")) == [
        "content/pages/om.md:3: 'menu' must be a whole number (position in the menu), not 'först'\n"
        "  hint: write e.g. 'menu: 1'",
        "content/pages/om.md:4: unknown front matter key 'date'\n  hint: did you mean 'updated'?",
    ]


def test_a_page_whose_title_makes_a_reserved_address_must_get_a_slug() -> None:
    assert problems(doc("title: Arkiv\n", "content/pages/arkiv.md", "pages")) == [
        "content/pages/arkiv.md:2: the title gives this page the address /arkiv/, which the site uses "
        "for its own pages\n  hint: add a line 'slug: arkiv-sida' (or another word)"]
    assert one_page("title: Arkiv\nslug: mitt-arkiv\n").slug == "mitt-arkiv"


def test_problems_in_every_file_are_gathered_before_raising() -> None:
    found = problems(doc("title: A\n", "content/posts/a.md"),
                     doc("title: B\ndate: 2015-12-01\n", "content/posts/b.md"),
                     doc("date: 2015-12-01\n", "content/posts/c.md"))
    assert [p.split("\n")[0] for p in found] == [
        "content/posts/a.md:2: 'date' is missing",
        "content/posts/c.md:2: 'title' is missing",
    ]
