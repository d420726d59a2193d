"""Loading content/: strict UTF-8, BOM and CRLF tolerated, front matter split with line numbers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sbuv_site.errors import SiteError, flatten
from sbuv_site.load import MAX_SOURCE_BYTES, is_leftover, is_markdown, load_sources, read_source

PATH = Path("content/posts/besok.md")


def read(raw: bytes | str) -> object:
    return read_source(raw.encode("utf-8") if isinstance(raw, str) else raw, PATH, "posts")


def problem(raw: bytes | str) -> str:
    with pytest.raises(SiteError) as caught:
        read(raw)
    return caught.value.format()


def test_front_matter_and_body_are_split_with_the_line_of_each_key() -> None:
    raw = "---\ntitle: Besök\ndate: 2015-12-01\ntags: [a, b]\n---\n\nText.\n".encode()
    doc = read_source(raw, PATH, "posts")
    assert (doc.path, doc.kind) == (PATH, "posts")
    assert doc.front.value == {"title": "Besök", "date": "2015-12-01", "tags": ["a", "b"]}
    assert [doc.front.line(k) for k in ("title", "date", "tags")] == [2, 3, 4]
    assert doc.front.line("tags", 1) == 4
    assert doc.front.line("missing") == doc.front.first_line == 2
    assert (doc.body, doc.body_line) == ("\nText.\n", 6)


def test_dates_stay_text_for_our_own_parser() -> None:
    doc = read_source(b"---\ndate: 2015-12-01 10:00\nupdated: 2015-13-01\n---\n", PATH, "posts")
    assert doc.front.value == {"date": "2015-12-01 10:00", "updated": "2015-13-01"}


def test_a_bom_and_crlf_line_ends_read_like_a_plain_file() -> None:
    plain = read_source(b"---\ntitle: A\n---\nText.\nMore.\n", PATH, "posts")
    windows = read_source(b"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\nText.\r\nMore.\r\n", PATH, "posts")
    old_mac = read_source(b"---\rtitle: A\r---\rText.\rMore.\r", PATH, "posts")
    for doc in (windows, old_mac):
        assert (doc.front.value, doc.front.first_line, doc.body, doc.body_line) == (
            plain.front.value, plain.front.first_line, plain.body, plain.body_line)


def test_values_are_available_as_written() -> None:
    doc = read_source(b"---\nmunicipality: 0114\nplaces: [0114, 2480]\ntitle: 1.10\n---\n", PATH, "posts")
    assert doc.front.value["municipality"] == 76  # YAML 1.1 octal: why written() exists
    assert doc.front.written("municipality") == "0114"
    assert doc.front.written("places", 0) == "0114"
    assert doc.front.written("title") == "1.10"
    assert doc.front.written("places") is None and doc.front.written("nothing") is None


def test_an_empty_file_says_it_is_empty() -> None:
    expected = ("content/posts/besok.md:1: file is empty\n"
                "  hint: start the file with a line '---', then 'title: …' and 'date: …', then '---'")
    assert problem("") == expected
    assert problem(" \n\n") == expected


def test_a_file_without_front_matter_shows_how_it_starts() -> None:
    assert problem("title: Besök\n\nText.\n") == (
        "content/posts/besok.md:1: no front matter at the top of the file (it starts 'title: Besök')\n"
        "  hint: start the file with a line '---', then 'title: …' and 'date: …', then '---'")
    assert problem("---title: Besök\n---\n").startswith(
        "content/posts/besok.md:1: no front matter at the top of the file (it starts '---title: Besök')")


def test_front_matter_that_is_never_closed_is_named() -> None:
    assert problem("---\ntitle: Besök\n\nText.\n") == (
        "content/posts/besok.md:1: front matter is never closed\n"
        "  hint: add a line '---' after the last front matter line")


def test_front_matter_must_be_key_value_lines() -> None:
    assert problem("---\n- title\n---\n") == (
        "content/posts/besok.md:2: front matter must be 'key: value' lines\n"
        "  hint: write e.g. 'title: Besök i Umeå'")


def test_blank_lines_around_the_front_matter_keep_every_line_number() -> None:
    doc = read_source(b"---\n\n\ntitle: A\n\ndate: 2015-12-01\n\n---\n\n\nText.\n", PATH, "posts")
    assert (doc.front.first_line, doc.front.line("title"), doc.front.line("date")) == (4, 4, 6)
    assert doc.body_line + doc.body.count("\n", 0, doc.body.index("Text")) == 11


def test_empty_front_matter_is_no_keys() -> None:
    assert read("---\n---\nText.\n").front.value is None  # type: ignore[attr-defined]


@pytest.mark.parametrize(("text", "expected"), [
    ("---\ntitle: Besök\ndate: 2015-12-01\ntags:\n\t- a\n---\n",
     "content/posts/besok.md:5: invalid YAML: a tab is used to indent this line\n"
     "  hint: indent with spaces, not tabs"),
    ("---\ntitle: \"Besök\ndate: 2015-12-01\n---\n",
     "content/posts/besok.md:2: invalid YAML: a quote opened on this line is never closed\n"
     "  hint: end the text with the same quote it starts with, or put it in the other kind"),
    ("---\ntitle: Besök: Umeå\n---\n",
     "content/posts/besok.md:2: invalid YAML: mapping values are not allowed in this context\n"
     "  hint: put text containing ': ' in quotes"),
    ("---\n\ntitle: @Umeå\n---\n",
     "content/posts/besok.md:3: invalid YAML: a value cannot start with '@'\n"
     "  hint: put the whole value in quotes: title: \"…\""),
    ("---\ntitle: *Viktigt* besök\n---\n",
     "content/posts/besok.md:2: invalid YAML: did not find expected alphabetic or numeric character\n"
     "  hint: '*' at the start of a value starts a YAML alias; put the whole value in quotes: title: \"…\""),
    ("---\ntags: [a, b\ndate: 2015-12-01\n---\n",
     "content/posts/besok.md:2: invalid YAML: did not find expected ',' or ']'\n"
     "  hint: close the list with ']' and separate its items with ','"),
    ("---\ntitle: A\ndate: 2015-12-01\ntitle: B\n---\n",
     "content/posts/besok.md:4: key 'title' is given twice\n"
     "  hint: keep one of them; YAML would silently use the last"),
])
def test_yaml_mistakes_are_named_at_their_line_in_the_file(text: str, expected: str) -> None:
    assert problem(text) == expected


def test_a_recursive_alias_is_read_without_looping() -> None:
    value = read("---\nx: &a [*a]\n---\n").front.value  # type: ignore[attr-defined]
    assert value["x"][0] is value["x"]


def test_line_separators_pasted_from_a_word_processor_do_not_shift_lines() -> None:
    doc = read("---\ntitle: Ett\u2028två\u2029tre\ndate: 2015-12-01\n---\n")
    assert doc.front.value["title"] == "Ett två tre"  # type: ignore[attr-defined]
    assert doc.front.line("date") == 3  # type: ignore[attr-defined]
    assert problem("---\ntitle: Ett\u2028två\ndate: 2015-12-01\ntags: [a\n---\n").startswith(
        "content/posts/besok.md:4: invalid YAML:")


def test_latin1_is_named_with_the_line_of_the_first_wrong_byte() -> None:
    assert problem(b"---\ntitle: A\ndate: 2015-12-01\nplace: Ume\xe5\n---\n") == (
        "content/posts/besok.md:4: file is not UTF-8 (it looks like Latin-1 or Windows-1252)\n"
        "  hint: save it as UTF-8 in your editor (Spara som… → Kodning: UTF-8)")


def test_utf16_is_named_as_windows_calls_it() -> None:
    raw = "---\ntitle: Besök\n---\n".encode("utf-16")
    assert problem(raw).startswith(
        "content/posts/besok.md:1: file is not UTF-8 (it is UTF-16, which Windows calls 'Unicode')")


def test_bytes_that_are_no_known_encoding_are_shown() -> None:
    assert problem(b"---\ntitle: \x81\n---\n").startswith(
        "content/posts/besok.md:2: file is not UTF-8 (byte 0x81 is not valid UTF-8 here)")


def test_a_nul_character_means_not_a_text_file() -> None:
    assert problem(b"---\ntitle: A\n---\nText\x00\n") == (
        "content/posts/besok.md:4: file holds a NUL character: it is not a text file, or it is damaged\n"
        "  hint: open it in a text editor and save it again as UTF-8")


def test_a_file_over_the_size_limit_is_refused_before_parsing() -> None:
    raw = b"---\ntitle: A\n---\n" + b"x" * MAX_SOURCE_BYTES
    assert problem(raw) == (
        "content/posts/besok.md: file is 1.0 MB; a post or page may be at most 1 MB\n"
        "  hint: split it into several posts, or remove pasted data (put images in static/)")
    assert read(b"---\ntitle: A\n---\n" + b"x" * (MAX_SOURCE_BYTES - 20))


def write(root: Path, files: dict[str, bytes | str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return root


GOOD = "---\ntitle: A\n---\nText.\n"


def test_load_sources_reads_posts_and_pages_sorted_by_kind_and_path(tmp_path: Path) -> None:
    write(tmp_path, {
        "content/posts/b.md": GOOD, "content/posts/2015/a.md": GOOD, "content/posts/a.md": GOOD,
        "content/pages/om.md": GOOD, "content/posts/besok.md~": "a backup", "content/posts/#b.md#": "",
        "content/posts/.hidden.md": "not read", "content/posts/.git/x.md": "not read",
        "content/posts/.besok.md.swp": "", "content/posts/~$besok.docx": "", "content/posts/Thumbs.db": "",
        "content/import-dates.yaml": "not content",
    })
    docs = load_sources(tmp_path, "content")
    assert [(d.kind, str(d.path)) for d in docs] == [
        ("pages", "content/pages/om.md"),
        ("posts", "content/posts/2015/a.md"),
        ("posts", "content/posts/a.md"),
        ("posts", "content/posts/b.md"),
    ]


def test_load_sources_without_a_content_folder_finds_nothing(tmp_path: Path) -> None:
    assert load_sources(tmp_path, "content") == ()


def test_load_sources_reports_every_broken_file_at_once(tmp_path: Path) -> None:
    write(tmp_path, {
        "content/posts/a.md": "", "content/posts/b.md": GOOD,
        "content/posts/c.md": b"---\ntitle: \xe5\n---\n",
        "content/pages/d.md": "---\ntitle: 'x\n---\n",
    })
    with pytest.raises(ExceptionGroup) as caught:
        load_sources(tmp_path, "content")
    assert [(str(p.path), p.line) for p in flatten(caught.value)] == [
        ("content/pages/d.md", 2), ("content/posts/a.md", 1), ("content/posts/c.md", 2)]


def test_load_sources_follows_links_but_reports_a_loop(tmp_path: Path) -> None:
    write(tmp_path, {"content/posts/a.md": GOOD, "elsewhere/b.md": GOOD})
    os.symlink(tmp_path / "elsewhere", tmp_path / "content/posts/linked")
    assert [str(d.path) for d in load_sources(tmp_path, "content")] == [
        "content/posts/a.md", "content/posts/linked/b.md"]
    os.symlink(".", tmp_path / "content/posts/loop")
    with pytest.raises(SiteError) as caught:
        load_sources(tmp_path, "content")
    assert caught.value.format() == (
        "content/posts/loop: symbolic link loop: this folder leads back to one already read\n"
        f"  hint: remove the link; it points to {os.path.realpath(tmp_path / 'content/posts')}")


def test_load_sources_reports_a_broken_link(tmp_path: Path) -> None:
    write(tmp_path, {"content/posts/a.md": GOOD})
    os.symlink("gone.md", tmp_path / "content/posts/b.md")
    with pytest.raises(SiteError) as caught:
        load_sources(tmp_path, "content")
    assert caught.value.format() == ("content/posts/b.md: broken symbolic link\n"
                                     "  hint: remove the link or restore its target")


def test_load_sources_refuses_a_huge_file_without_reading_it(tmp_path: Path) -> None:
    write(tmp_path, {"content/posts/a.md": GOOD})
    with (tmp_path / "content/posts/huge.md").open("wb") as sparse:
        sparse.truncate(3 * 10**9)  # 3 GB of nothing: reading it would take the machine's memory
    with pytest.raises(SiteError) as caught:
        load_sources(tmp_path, "content")
    assert caught.value.format().startswith("content/posts/huge.md: file is 3000.0 MB;")


RETYPE = "delete it: it is invisible in most editors, so retype the line"


@pytest.mark.parametrize(("raw", "expected"), [
    (b"---\ntitle: A\x0cB\n---\n",
     "content/posts/besok.md:2: the control character U+000C (FORM FEED) is not allowed\n"
     f"  hint: Word writes it for a page break; {RETYPE}"),
    (b"---\ntitle: A\n---\n\nText.\n\nMer\x0btext.\n",
     "content/posts/besok.md:7: the control character U+000B (LINE TABULATION) is not allowed\n"
     f"  hint: Word writes it for a line break (Shift+Enter); {RETYPE}"),
    (b"---\r\ntitle: A\r\n---\r\nText\x01\r\n",
     f"content/posts/besok.md:4: the control character U+0001 is not allowed\n  hint: {RETYPE}"),
    (b"---\rtitle: A\r---\rText\x7f\r",
     f"content/posts/besok.md:4: the control character U+007F (DELETE) is not allowed\n  hint: {RETYPE}"),
    ("---\ntitle: Ett\x85två\n---\n".encode(),
     "content/posts/besok.md:2: the control character U+0085 (NEXT LINE) is not allowed\n"
     "  hint: it is usually a '…' from a Windows-1252 text read wrongly; retype the line"),
    ("---\ntitle: A\n---\n\u009b31m\n".encode(),
     f"content/posts/besok.md:4: the control character U+009B is not allowed\n  hint: {RETYPE}"),
    ("---\ntitle: A\n---\nx\ufffe\n".encode(),
     "content/posts/besok.md:4: the control character U+FFFE (not a character) is not allowed\n"
     f"  hint: {RETYPE}"),
    ("---\ntitle: Besök i \u202eaemU\n---\n".encode(),
     "content/posts/besok.md:2: the invisible direction character U+202E (RIGHT-TO-LEFT OVERRIDE) is not "
     f"allowed\n  hint: it reverses or hides the text after it; {RETYPE}"),
    ("---\ntitle: A\n---\n\n\u2067x\u2069\n".encode(),
     "content/posts/besok.md:5: the invisible direction character U+2067 (RIGHT-TO-LEFT ISOLATE) is not "
     f"allowed\n  hint: it reverses or hides the text after it; {RETYPE}"),
])
def test_invisible_characters_are_named_at_their_line_in_front_matter_or_text(raw: bytes,
                                                                              expected: str) -> None:
    assert problem(raw) == expected


def test_only_the_first_invisible_character_of_a_file_is_reported_once() -> None:
    with pytest.raises(SiteError) as caught:
        read(b"---\ntitle: A\x00\n---\nB\x0c\n")
    assert (caught.value.line, caught.value.message) == (
        2, "file holds a NUL character: it is not a text file, or it is damaged")


def test_tabs_and_visible_marks_are_not_refused() -> None:
    doc = read("---\ntitle: \"Umeå\u200f\u00a0\u2028x\"\n---\n\tkod\n\u200eשלום\u00ad\n")
    assert doc.body.strip("\n") == "\tkod\n\u200eשלום\u00ad"  # type: ignore[attr-defined]
    assert doc.front.value["title"] == "Umeå\u200f\u00a0 x"  # type: ignore[attr-defined]


def test_config_yaml_gets_the_same_rule(tmp_path: Path) -> None:
    from sbuv_site.config import load_config

    (tmp_path / "config.yaml").write_bytes(b"title: T\nbase_url: https://example.org/\ndescription: a\x1bb\n")
    with pytest.raises(SiteError) as caught:
        load_config(tmp_path)
    assert caught.value.format() == (
        f"config.yaml:3: the control character U+001B (ESCAPE) is not allowed\n  hint: {RETYPE}")


@pytest.mark.parametrize(("name", "post"), [
    ("besok.md", True), ("besok.MD", True), ("besok.Md", True), ("besok.markdown", True),
    ("besok.Markdown", True), ("besok.MARKDOWN", True), ("besok.txt", False), ("besok.md.bak", False),
    ("besok.docx", False), ("besok", False), ("besok.mdx", False),
])
def test_markdown_files_are_known_by_their_extension_in_any_case(name: str, post: bool) -> None:
    assert is_markdown(name) is post


@pytest.mark.parametrize(("name", "leftover"), [
    ("besok.md~", True), ("#besok.md#", True), ("~$besok.docx", True), ("besok.md.swp", True),
    ("Thumbs.db", True), ("desktop.ini", True), ("besok.md", False), ("besok.md.bak", False),
    ("besok.txt", False), ("~besok.md", False),
])
def test_editor_leftovers_are_skipped_but_backups_made_by_hand_are_not(name: str, leftover: bool) -> None:
    assert is_leftover(name) is leftover


def test_files_that_are_not_markdown_are_named_with_a_fitting_name(tmp_path: Path) -> None:
    write(tmp_path, {"content/posts/a.md": GOOD, "content/posts/kalix.txt": "Besök i Kalix",
                     "content/pages/om.docx": b"PK\x03\x04", "content/posts/2015/README": "x",
                     "content/posts/a.md~": "backup"})
    with pytest.raises(ExceptionGroup) as caught:
        load_sources(tmp_path, "content")
    assert [p.format() for p in flatten(caught.value)] == [
        "content/pages/om.docx: not a Markdown file (.md), so it would not be published\n"
        "  hint: if it is a post or page, save it as Markdown named 'om.md'; otherwise move it out of "
        "content/pages/ (images and documents belong in static/)",
        "content/posts/2015/README: not a Markdown file (.md), so it would not be published\n"
        "  hint: if it is a post or page, save it as Markdown named 'README.md'; otherwise move it out of "
        "content/posts/ (images and documents belong in static/)",
        "content/posts/kalix.txt: not a Markdown file (.md), so it would not be published\n"
        "  hint: if it is a post or page, save it as Markdown named 'kalix.md'; otherwise move it out of "
        "content/posts/ (images and documents belong in static/)"]


def test_a_post_over_the_limit_is_refused_with_its_size_from_the_disk(tmp_path: Path) -> None:
    write(tmp_path, {"content/posts/stor.md": b"---\ntitle: A\n---\n" + b"x" * (2 * MAX_SOURCE_BYTES)})
    with pytest.raises(SiteError) as caught:
        load_sources(tmp_path, "content")
    assert caught.value.format().startswith("content/posts/stor.md: file is 2.0 MB;")
