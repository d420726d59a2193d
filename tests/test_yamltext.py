"""parse_yaml: only plain YAML is read, every other form is a SiteError at its line, never a traceback."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from sbuv_site import yamltext
from sbuv_site.errors import SiteError
from sbuv_site.yamltext import (
    INVISIBLE,
    MAX_NUMBER_LENGTH,
    _may_hide_characters,
    parse_yaml,
    shown,
    type_name,
)

TAG_HINT = ("remove '{tag}' and write the value plainly (e.g. date: 2015-12-01); "
            "if the text must start with '!', put it in quotes: title: \"!…\"")


def problem(text: str, first_line: int = 1) -> str:
    """The one problem parse_yaml reports for this text, as printed."""
    with pytest.raises(SiteError) as caught:
        parse_yaml(text, "f.md", first_line)
    return caught.value.format()


@pytest.mark.parametrize(("value", "tag"), [
    ("!!timestamp 2015-12-01", "!!timestamp"),
    ("!!timestamp 0001-01-01", "!!timestamp"),  # PyYAML would build the year 1, past our rules
    ("!!timestamp 9999-12-31T23:59:59-23:59", "!!timestamp"),
    ('!!int "12"', "!!int"),
    ("!!int abc", "!!int"),  # PyYAML: ValueError
    ("!!float abc", "!!float"),  # PyYAML: ValueError
    ("!!bool maybe", "!!bool"),  # PyYAML: KeyError
    ("!!binary AAA", "!!binary"),
    ("!!set {a, b}", "!!set"),
    ("!!omap [a: 1]", "!!omap"),
    ("!!python/object:os.system {}", "!!python/object:os.system"),
    ("!!python/name:os.system", "!!python/name:os.system"),
    ("!!str 5", "!!str"),  # harmless, but every tag is refused alike
    ("!foo bar", "!foo"),
    ("!<tag:yaml.org,2002:int> 5", "!<tag:yaml.org,2002:int>"),
    ("&anchor !!int 5", "!!int"),
])
def test_every_explicit_tag_is_refused_at_its_line(value: str, tag: str) -> None:
    assert problem(f"title: Besök\ndate: {value}\n", first_line=2) == (
        f"f.md:3: the YAML tag '{tag}' is not allowed\n  hint: {TAG_HINT.format(tag=tag)}")


def test_a_tag_inside_a_list_or_on_a_key_is_refused_too() -> None:
    assert problem("tags:\n  - a\n  - !!binary AAA\n").startswith("f.md:3: the YAML tag '!!binary'")
    assert problem("!!str title: x\n").startswith("f.md:1: the YAML tag '!!str'")


def test_a_tag_that_changes_the_meaning_on_its_own_line_is_still_refused() -> None:
    assert problem("date: &d\n  !!timestamp 2015-12-01\n").startswith("f.md:")
    assert "YAML tag" in problem("date: &d\n  !!timestamp 2015-12-01\n")


def test_text_that_merely_holds_an_exclamation_mark_is_read() -> None:
    doc = parse_yaml("title: Välkommen! !!x\nsummary: \"!Viktigt\"\n", "f.md")
    assert doc.value == {"title": "Välkommen! !!x", "summary": "!Viktigt"}


def test_a_number_past_pythons_digit_limit_is_a_message_not_a_value_error() -> None:
    assert problem("x: 1\ndate: " + "9" * 5000 + "\n") == (
        f"f.md:2: this number has 5000 characters; a number may have at most {MAX_NUMBER_LENGTH}\n"
        "  hint: put the value in quotes if it is text; otherwise write a shorter number")
    assert problem("x: 0x" + "f" * 5000 + "\n").startswith("f.md:1: this number has 5002 characters")
    assert parse_yaml("x: '" + "9" * 5000 + "'\n", "f.md").value == {"x": "9" * 5000}  # quoted: text


def test_the_longest_number_allowed_can_still_be_written_out() -> None:
    value = parse_yaml("x: 0x" + "f" * (MAX_NUMBER_LENGTH - 2) + "\n", "f.md").value["x"]
    assert len(str(value)) > MAX_NUMBER_LENGTH  # str() works: below Python's 4300 digits
    assert type_name(value).startswith("the number ") and type_name(value).endswith("…")


def test_huge_floats_and_not_a_number_are_plain_numbers() -> None:
    doc = parse_yaml("a: 1.0e+999\nb: .inf\nc: -.inf\nd: .nan\n", "f.md")
    assert doc.value["a"] == float("inf") and doc.value["c"] == float("-inf")
    assert doc.value["d"] != doc.value["d"]


def test_keys_are_the_text_as_written() -> None:
    doc = parse_yaml("1: x\ntrue: y\nnull: z\n~: w\n0114: v\n", "f.md")
    assert doc.value == {"1": "x", "true": "y", "null": "z", "~": "w", "0114": "v"}
    assert [doc.line(key) for key in doc.value] == [1, 2, 3, 4, 5]


def test_keys_that_are_equal_as_text_are_given_twice() -> None:
    assert problem("a: 1\n'a': 2\n") == (
        "f.md:2: key 'a' is given twice\n  hint: keep one of them; YAML would silently use the last")


@pytest.mark.parametrize(("text", "kind", "line"), [
    ("title: x\n[a, b]: 1\n", "a list", 2),
    ("? [a, b]\n: 1\n", "a list", 1),
    ("? {a: b}\n: 1\n", "a mapping", 1),
    ("x:\n  {a: 1}: 2\n", "a mapping", 2),
])
def test_a_key_that_is_a_list_or_mapping_is_refused(text: str, kind: str, line: int) -> None:
    assert problem(text) == (f"f.md:{line}: a key must be a word, not {kind}\n"
                             "  hint: write each entry as 'key: value', with a word as the key")


@pytest.mark.parametrize("text", [
    "a: &a {b: 1}\nc:\n  <<: *a\n",
    "c:\n  <<: 5\n",
    "a: &a\n  <<: *a\n",  # a mapping merged into itself
    "a: &a {b: 1}\nc:\n  <<: *a\n  b: 2\n",  # once reported as 'b' given twice
])
def test_merge_keys_are_refused(text: str) -> None:
    assert "YAML merge keys ('<<') are not read here" in problem(text)


def test_merge_and_value_signs_as_values_are_text() -> None:
    assert parse_yaml("a: <<\nb: =\n", "f.md").value == {"a": "<<", "b": "="}


@pytest.mark.parametrize("depth", [999, 10_000])
def test_deep_nesting_is_a_message_or_read_never_a_recursion_error(depth: int) -> None:
    text = "x: " + "[" * depth + "]" * depth + "\n"
    try:
        doc = parse_yaml(text, "f.md")
    except SiteError as exc:
        assert exc.line == 1 and "nest" in exc.message and exc.hint
        return
    assert isinstance(doc.value["x"], list)
    assert doc.line("x") == 1


def test_a_billion_laughs_is_read_without_expanding_it() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        name, below = chr(97 + level), chr(96 + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{below}"] * 10) + "]")
    doc = parse_yaml("\n".join(lines) + "\n", "f.md")
    assert doc.value["j"][0] is doc.value["j"][1]  # shared, never copied 10**9 times
    assert type_name(doc.value["j"]) == "a list"


def test_text_is_read_in_composed_unicode() -> None:
    decomposed = unicodedata.normalize("NFD", "title: Besök i Umeå\ntags: [Skolgång]\nÅr: 2015\n")
    doc = parse_yaml(decomposed, "f.md")
    assert doc.value == {"title": "Besök i Umeå", "tags": ["Skolgång"], "År": 2015}
    assert doc.line("År") == 3 and doc.written("År") == "2015"


def test_a_key_typed_composed_and_decomposed_is_given_twice() -> None:
    text = "Umeå: 1\n" + unicodedata.normalize("NFD", "Umeå") + ": 2\n"
    assert problem(text).startswith("f.md:2: key 'Umeå' is given twice")


def test_a_broken_constructor_becomes_a_message_at_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: object, node: object) -> float:
        raise OverflowError("no")

    # Simulates a constructor bug (no plain value triggers one today): still no traceback.
    monkeypatch.setitem(yamltext._Loader.yaml_constructors, "tag:yaml.org,2002:float", broken)
    assert problem("a: 1\nb: 1.5\n") == (
        "f.md:2: invalid YAML: this value cannot be read (OverflowError)\n"
        "  hint: write the value plainly, or put it in quotes")


def test_shown_cuts_long_text_and_escapes_control_characters() -> None:
    assert shown("Umeå") == "'Umeå'"
    assert shown("a\nb") == "'a\\nb'"
    assert shown("x" * 100) == "'" + "x" * 57 + "…'"


def test_the_byte_precheck_misses_no_character_the_loader_refuses() -> None:
    # decode_text searches the text for INVISIBLE only when the bytes may hold one: for every
    # character INVISIBLE refuses, the bytes must say so, wherever it stands in the file.
    for code in (*range(0xD800), *range(0xE000, sys.maxunicode + 1)):
        char = chr(code)
        if INVISIBLE.fullmatch(char) and char != "\r":  # a CR becomes a line break: not refused
            for text in (char, f"Umeå – {char}…"):
                assert _may_hide_characters(text.encode("utf-8")), hex(code)
    assert not _may_hide_characters("Umeå – “citat”…\r\n\t\xa0§".encode())
