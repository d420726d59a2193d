"""--force replaces only posts the importer made; every other post, readable or not, is kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sbuv_site.cli import main
from sbuv_site.importer import ImportReport, import_paths
from sbuv_site.importer.existing_posts import is_import_source, scan_existing
from sbuv_site.importer.wordpress_text import SOURCE_PREFIX
from tests.test_bad_inputs import troubleshooting_patterns

PAGE = "Besök i Kalix\n\nkl. av | Taggar:\n\nVi var i Kalix. Kalix kommun bjöd in.\n\nKommentera\n"
HAND = "---\ntitle: Min egen\ndate: 2016-01-01\n---\n\nEgen.\n"


def write(folder: Path, name: str, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def kalix(tmp_path: Path) -> Path:
    return write(tmp_path / "in", "kalix.txt", PAGE)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def explained(line: str) -> bool:
    return any(pattern.search(line) for pattern in troubleshooting_patterns())


def attention(report: ImportReport) -> list[str]:
    return [entry.reason for entry in report.needs_attention]


def test_only_sources_the_importer_writes_count_as_imports() -> None:
    assert is_import_source(SOURCE_PREFIX + "003_x.txt")
    assert is_import_source("WordPress-export export.xml, post 12 (besok): https://e.org/?p=12")
    assert not is_import_source("Skövde kommun, pressmeddelande")
    assert not is_import_source("")


def test_force_saves_beside_a_hand_written_post_that_has_a_source_of_its_own(tmp_path: Path) -> None:
    own = write(tmp_path / "posts", "besok-i-kalix.md",
                "---\ntitle: Min egen\ndate: 2016-01-01\nsource: Kalix kommun, pressmeddelande\n---\n\n"
                "Egen.\n")
    before = own.read_bytes()
    report = import_paths([kalix(tmp_path)], tmp_path / "posts", force=True)
    assert [e.target for e in report.created] == [str(tmp_path / "posts/besok-i-kalix-2.md")]
    assert report.overwritten == ()
    assert own.read_bytes() == before


def test_force_replaces_a_post_whose_source_says_it_was_imported(tmp_path: Path) -> None:
    import_paths([kalix(tmp_path)], tmp_path / "posts")
    target = tmp_path / "posts/besok-i-kalix.md"
    target.write_text(target.read_text(encoding="utf-8") + "Ändrat.\n", encoding="utf-8")
    report = import_paths([kalix(tmp_path)], tmp_path / "posts", force=True)
    assert [e.target for e in report.overwritten] == [str(target)]
    assert "Ändrat." not in target.read_text(encoding="utf-8")


def test_the_report_says_where_force_saved_the_import(tmp_path: Path) -> None:
    write(tmp_path / "posts", "besok-i-kalix.md", HAND)
    report = import_paths([kalix(tmp_path)], tmp_path / "posts", force=True)
    lines = report.format().splitlines()
    assert lines[0] == f"create {tmp_path / 'posts/besok-i-kalix-2.md'}  <- kalix.txt"
    beside = [line for line in lines if "saved beside it" in line]
    assert beside == [f"needs attention: kalix.txt ({tmp_path / 'posts/besok-i-kalix-2.md'}): "
                      "'besok-i-kalix.md' was written by hand (it has no import 'source:') and is never "
                      "overwritten; saved beside it as 'besok-i-kalix-2.md'"]
    assert all(explained(line) for line in beside)


def test_force_skips_every_name_a_hand_written_post_holds(tmp_path: Path) -> None:
    write(tmp_path / "posts", "besok-i-kalix.md", HAND)
    write(tmp_path / "posts", "besok-i-kalix-2.md", HAND)
    (tmp_path / "posts/besok-i-kalix-3.md").mkdir()  # a folder of that name holds it too
    report = import_paths([kalix(tmp_path)], tmp_path / "posts", force=True)
    assert [e.target for e in report.created] == [str(tmp_path / "posts/besok-i-kalix-4.md")]
    assert (tmp_path / "posts/besok-i-kalix.md").read_text(encoding="utf-8") == HAND
    assert (tmp_path / "posts/besok-i-kalix-2.md").read_text(encoding="utf-8") == HAND


def test_a_hand_written_post_in_another_case_or_as_markdown_holds_its_name(tmp_path: Path) -> None:
    write(tmp_path / "posts", "Besok-i-Kalix.MD", HAND)
    write(tmp_path / "posts", "om-oss.markdown", HAND)
    report = import_paths([kalix(tmp_path)], tmp_path / "posts", force=True)
    assert [e.target for e in report.created] == [str(tmp_path / "posts/besok-i-kalix-2.md")]
    assert (tmp_path / "posts/Besok-i-Kalix.MD").read_text(encoding="utf-8") == HAND


@pytest.mark.parametrize(("case", "content", "why"), [
    ("invalid_yaml", "---\ntitle: [inte stängd\n---\n\nText.\n", "line 2: invalid YAML"),
    ("not_utf8", "---\ntitle: Göteborg\n---\n".encode("latin-1"), "file is not UTF-8"),
    ("too_large", b"---\ntitle: Stor\n---\n\n" + b"x" * 1_100_000,
     "the file is 1.1 MB; a post may be at most 1 MB"),
    ("no_front_matter", "Bara text, ingen front matter.\n", "no front matter at the top of the file"),
    # The message for these depends on parse_yaml; what counts here is that the post is kept and listed.
    ("python_tag", "---\ntitle: !!python/object:os.system {}\n---\n", "line 2: "),
    ("tagged_bad_date", "---\ntitle: x\ndate: !!timestamp 2015-13-01\n---\n", ""),
    ("huge_integer", "---\ntitle: x\nmenu: " + "9" * 5000 + "\n---\n", ""),
    # an imported post whose date carries a tag: replaced if parse_yaml reads it, else kept and listed
    ("tagged_ancient_date", f"---\ntitle: x\ndate: !!timestamp 0001-01-01\nsource: '{SOURCE_PREFIX}kalix.txt'"
     "\n---\n", None),
])
def test_a_post_the_scan_cannot_read_is_never_overwritten_and_is_reported(
        case: str, content: str | bytes, why: str | None, tmp_path: Path) -> None:
    post = write(tmp_path / "posts", "besok-i-kalix.md", content)
    before = post.read_bytes()
    report = import_paths([kalix(tmp_path)], tmp_path / "posts", force=True)
    if why is None and report.overwritten:  # parse_yaml read the tagged date: an imported post
        assert [e.target for e in report.overwritten] == [str(post)]
        return
    why = why or ""  # parse_yaml refused the tag: the post is unreadable, like the cases above
    assert post.read_bytes() == before, case
    assert [e.target for e in report.created] == [str(tmp_path / "posts/besok-i-kalix-2.md")]
    unread = [e for e in report.needs_attention if e.origin == str(post)]
    assert len(unread) == 1 and why in unread[0].reason
    assert unread[0].reason.endswith("it counts as written by hand and is never overwritten")
    line = next(line for line in report.format().splitlines() if "cannot read this post" in line)
    assert explained(line)


def test_a_post_that_is_a_pipe_or_a_link_to_a_device_is_never_opened(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    os.mkfifo(posts / "besok-i-kalix.md")  # reading it would wait for a writer forever
    os.symlink("/dev/zero", posts / "noll.md")  # reading it would never end
    existing = scan_existing(posts)
    assert sorted((p.name, why) for p, why in existing.unreadable) == [
        ("besok-i-kalix.md", "cannot read this post (this is a named pipe (FIFO), not a post; it is not "
                             "read); it counts as written by hand and is never overwritten"),
        ("noll.md", "cannot read this post (this is a device, not a post; it is not read); it counts as "
                    "written by hand and is never overwritten"),
    ]
    report = import_paths([kalix(tmp_path)], posts, force=True)
    assert [e.target for e in report.created] == [str(posts / "besok-i-kalix-2.md")]
    assert (posts / "noll.md").is_symlink()


def test_an_imported_post_with_unreadable_yaml_is_kept_and_the_import_goes_beside_it(tmp_path: Path) -> None:
    import_paths([kalix(tmp_path)], tmp_path / "posts")
    target = tmp_path / "posts/besok-i-kalix.md"
    broken = target.read_text(encoding="utf-8").replace("title: Besök i Kalix", "title: [trasig")
    target.write_text(broken, encoding="utf-8")
    report = import_paths([kalix(tmp_path)], tmp_path / "posts", force=True)
    assert target.read_text(encoding="utf-8") == broken
    assert [e.target for e in report.created] == [str(tmp_path / "posts/besok-i-kalix-2.md")]


def test_a_linked_folder_is_not_scanned_so_a_loop_cannot_hang_the_import(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    write(posts / "2016", "gammal.md", HAND)
    os.symlink(posts, posts / "2016/tillbaka")  # a link back up: a loop when followed
    existing = scan_existing(posts)
    assert existing.unreadable == () and existing.by_source == {}
    assert import_paths([kalix(tmp_path)], posts).created


def test_the_command_line_reports_an_unreadable_post_and_succeeds(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "posts", "trasig.md", "---\ntitle: !!python/object:os.system {}\n---\n")
    code = main(["import", str(kalix(tmp_path)), "--into", str(tmp_path / "posts"), "--force"])
    captured = capsys.readouterr()
    assert code == 0 and "Traceback" not in captured.err
    assert f"needs attention: {tmp_path / 'posts/trasig.md'}: cannot read this post (line 2: " in captured.out
    assert (tmp_path / "posts/besok-i-kalix.md").is_file()


def test_a_forced_reimport_keeps_the_address_of_a_post_saved_under_another_name(tmp_path: Path) -> None:
    write(tmp_path / "posts", "besok-i-kalix.md", HAND)
    import_paths([kalix(tmp_path)], tmp_path / "posts", force=True)  # saved beside as besok-i-kalix-2
    beside = tmp_path / "posts/besok-i-kalix-2.md"
    report = import_paths([kalix(tmp_path)], tmp_path / "posts", force=True)
    assert [e.target for e in report.overwritten] == [str(beside)]
    assert "slug: besok-i-kalix-2\n" in beside.read_text(encoding="utf-8")  # not the hand-written one's


def test_a_forced_reimport_keeps_a_slug_an_editor_set_in_an_imported_post(tmp_path: Path) -> None:
    import_paths([kalix(tmp_path)], tmp_path / "posts")
    post = tmp_path / "posts/besok-i-kalix.md"
    post.write_text(post.read_text(encoding="utf-8").replace("---\n\n", "slug: kalix-2016\n---\n\n", 1),
                    encoding="utf-8")
    import_paths([kalix(tmp_path)], tmp_path / "posts", force=True)
    assert "slug: kalix-2016\n" in post.read_text(encoding="utf-8")


def test_a_folder_the_scan_cannot_list_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = tmp_path / "posts"
    write(posts / "2016", "gammal.md", HAND)
    real_scandir = os.scandir

    def denied(path: object = ".") -> object:  # as root, permissions cannot hide a folder: simulate it
        if str(path).endswith("2016"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", denied)
    report = import_paths([kalix(tmp_path)], posts)
    monkeypatch.undo()
    line = next(line for line in report.format().splitlines() if "2016" in line)
    assert line == (f"needs attention: {posts / '2016'}: cannot read this folder (Permission denied); "
                    "the import does not know the posts in it")
    assert explained(line)
