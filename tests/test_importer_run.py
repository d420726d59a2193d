"""A whole import run: dates given by the editor, safe re-runs, the report, and the committed seeds."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from sbuv_site.build import BuildOptions, build
from sbuv_site.cli import main
from sbuv_site.errors import SiteError, flatten
from sbuv_site.importer import ImportReport, ReportEntry, import_paths, read_date_options
from sbuv_site.importer.wordpress_text import SOURCE_PREFIX
from tests.conftest import NOW
from tests.htmltree import parse_file

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared/seeds"
FIXTURES = ROOT / "tests/fixtures/import"
REAL_EXPORTS = ROOT.parent / "shared/testdata/wxr"
PAGE = "Besök i Kalix\n\nkl. av | Taggar:\n\nVi var i Kalix. Kalix kommun bjöd in.\n\nKommentera\n"


def seeds() -> list[Path]:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is not here (the seeds live outside the repository)")
    return sorted(SEEDS.glob("*.txt"))


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(caught: pytest.ExceptionInfo[BaseException]) -> list[SiteError]:
    return flatten(caught.value)


# --- read_date_options ---------------------------------------------------------------------
def test_date_options_and_a_mapping_file_give_dates_by_file_base_name(tmp_path: Path) -> None:
    text = "# källa: besökslistan\nseeds/003_x.txt: 2015-11-17\nb.txt: 2016-01-02\n"
    mapping = write(tmp_path, "dates.yaml", text)
    dates = read_date_options(["../in/a.txt=2015-12-01", "b.txt=2016-02-03"], mapping)
    assert dates == {"003_x.txt": date(2015, 11, 17), "a.txt": date(2015, 12, 1), "b.txt": date(2016, 2, 3)}


def test_an_empty_or_comment_only_mapping_file_gives_no_dates(tmp_path: Path) -> None:
    assert read_date_options([], write(tmp_path, "dates.yaml", "# inga datum ännu\n")) == {}
    assert read_date_options([], None) == {}


def test_bad_dates_are_reported_with_file_line_and_hint(tmp_path: Path) -> None:
    mapping = write(tmp_path, "dates.yaml", "a.txt: 2015-11-17\nb.txt: 2015-02-30\nc.txt: 17 november\n")
    with pytest.raises(ExceptionGroup) as caught:
        read_date_options(["d.txt:2015-01-01", "e.txt=2015-13-01"], mapping)
    found = [(str(e.path), e.line, e.message) for e in problems(caught)]
    assert found == [
        ("--date", None, "'d.txt:2015-01-01' is not FILE=YYYY-MM-DD"),
        ("--date", None, "'e.txt=2015-13-01': date '2015-13-01' has month 13; a month is 1 to 12"),
        (str(mapping), 2, "b.txt: date '2015-02-30' has day 30, but februari 2015 has 28 days"),
        (str(mapping), 3, "c.txt: '17 november' is not a date YYYY-MM-DD"),
    ]
    assert all(e.hint for e in problems(caught))


def test_a_mapping_file_that_is_not_a_mapping_or_not_yaml_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match="must map file names to dates"):
        read_date_options([], write(tmp_path, "list.yaml", "- a.txt\n- b.txt\n"))
    with pytest.raises(SiteError) as caught:
        read_date_options([], write(tmp_path, "twice.yaml", "a.txt: 2015-01-01\na.txt: 2015-01-02\n"))
    assert (caught.value.line, caught.value.message) == (2, "key 'a.txt' is given twice")
    with pytest.raises(SiteError, match="cannot read: No such file or directory"):
        read_date_options([], tmp_path / "missing.yaml")


def test_a_command_line_date_wins_over_the_mapping_file(tmp_path: Path) -> None:
    mapping = write(tmp_path, "dates.yaml", "a.txt: 2015-11-17\n")
    assert read_date_options(["a.txt=2015-11-18"], mapping) == {"a.txt": date(2015, 11, 18)}


# --- import_paths ---------------------------------------------------------------------------
def test_a_dry_run_reports_what_it_would_write_and_writes_nothing(tmp_path: Path) -> None:
    source = write(tmp_path / "in", "kalix.txt", PAGE)
    report = import_paths([source], tmp_path / "posts", dry_run=True)
    assert not (tmp_path / "posts").exists()
    assert [entry.target for entry in report.created] == [str(tmp_path / "posts/besok-i-kalix.md")]
    lines = report.format().splitlines()
    assert lines[0] == f"would create {tmp_path / 'posts/besok-i-kalix.md'}  <- kalix.txt"
    assert lines[-1].endswith("dry run: nothing was written")


def test_importing_twice_writes_no_duplicate_and_reports_the_skip(tmp_path: Path) -> None:
    source = write(tmp_path / "in", "kalix.txt", PAGE)
    first = import_paths([source], tmp_path / "posts", dates={"kalix.txt": date(2016, 2, 24)})
    written = (tmp_path / "posts/besok-i-kalix.md").read_bytes()
    renamed = tmp_path / "posts/kalix-besoket.md"
    (tmp_path / "posts/besok-i-kalix.md").rename(renamed)  # an editor may rename a post
    second = import_paths([source], tmp_path / "posts")
    assert len(first.created) == 1 and second.created == () and second.overwritten == ()
    assert [e.reason for e in second.skipped] == [
        f"already imported as {renamed}; use --force to import it again"]
    assert sorted(p.name for p in (tmp_path / "posts").iterdir()) == ["kalix-besoket.md"]
    assert renamed.read_bytes() == written


def test_force_reimports_into_the_file_that_has_the_same_source(tmp_path: Path) -> None:
    source = write(tmp_path / "in", "kalix.txt", PAGE)
    import_paths([source], tmp_path / "posts")
    target = tmp_path / "posts/besok-i-kalix.md"
    assert "draft: true" in target.read_text(encoding="utf-8")
    report = import_paths([source], tmp_path / "posts", force=True, dates={"kalix.txt": date(2016, 2, 24)})
    assert [e.target for e in report.overwritten] == [str(target)]
    assert "date: 2016-02-24\n" in target.read_text(encoding="utf-8")


def test_a_hand_written_post_is_never_overwritten_and_force_saves_the_import_beside_it(
        tmp_path: Path) -> None:
    text = "---\ntitle: Min egen\ndate: 2016-01-01\n---\n\nEgen.\n"
    own = write(tmp_path / "posts", "besok-i-kalix.md", text)
    source = write(tmp_path / "in", "kalix.txt", PAGE)
    report = import_paths([source], tmp_path / "posts")
    assert report.created == () and [e.reason for e in report.skipped] == [
        f"{own} was not made by the importer (it has no import 'source:'); "
        "use --force to save this post beside it"]
    forced = import_paths([source], tmp_path / "posts", force=True)
    beside = tmp_path / "posts/besok-i-kalix-2.md"
    assert forced.overwritten == () and [e.target for e in forced.created] == [str(beside)]
    assert own.read_text(encoding="utf-8") == text
    assert "slug: besok-i-kalix-2\n" in beside.read_text(encoding="utf-8")
    assert any(e.reason == "'besok-i-kalix.md' was written by hand (it has no import 'source:') and is "
               "never overwritten; saved beside it as 'besok-i-kalix-2.md'" for e in forced.needs_attention)
    again = import_paths([source], tmp_path / "posts", force=True)  # now found by its source
    assert [e.target for e in again.overwritten] == [str(beside)] and again.created == ()
    assert own.read_text(encoding="utf-8") == text


def test_two_posts_with_one_title_get_two_files_and_two_slugs(tmp_path: Path) -> None:
    one = write(tmp_path / "in", "one.txt", PAGE)
    two = write(tmp_path / "in", "two.txt", PAGE)
    report = import_paths([one, two], tmp_path / "posts")
    names = sorted(p.name for p in (tmp_path / "posts").iterdir())
    assert names == ["besok-i-kalix-2.md", "besok-i-kalix.md"]
    assert "slug: besok-i-kalix-2\n" in (tmp_path / "posts/besok-i-kalix-2.md").read_text(encoding="utf-8")
    assert any("saved as 'besok-i-kalix-2.md'" in e.reason for e in report.needs_attention)


def test_force_never_overwrites_another_imported_post_that_shares_the_title(tmp_path: Path) -> None:
    import_paths([write(tmp_path / "in", "one.txt", PAGE)], tmp_path / "posts")
    first = (tmp_path / "posts/besok-i-kalix.md").read_bytes()
    report = import_paths([write(tmp_path / "in", "two.txt", PAGE)], tmp_path / "posts", force=True)
    assert [e.target for e in report.created] == [str(tmp_path / "posts/besok-i-kalix-2.md")]
    assert (tmp_path / "posts/besok-i-kalix.md").read_bytes() == first


def test_a_post_an_editor_moved_into_a_subfolder_is_still_recognised(tmp_path: Path) -> None:
    source = write(tmp_path / "in", "kalix.txt", PAGE)
    import_paths([source], tmp_path / "posts")
    (tmp_path / "posts/2016").mkdir()
    (tmp_path / "posts/besok-i-kalix.md").rename(tmp_path / "posts/2016/besok-i-kalix.md")
    report = import_paths([source], tmp_path / "posts")
    assert report.created == () and len(report.skipped) == 1
    assert not (tmp_path / "posts/besok-i-kalix.md").exists()


def test_a_folder_stands_for_its_text_and_xml_files(tmp_path: Path) -> None:
    report = import_paths([FIXTURES], tmp_path / "posts", dry_run=True)
    assert {entry.origin for entry in report.created} == {"saved-page.txt", "wordpress-export.xml"}
    assert len(report.created) == 6


def test_every_unreadable_input_is_reported_together_before_anything_is_written(tmp_path: Path) -> None:
    good = write(tmp_path / "in", "good.txt", PAGE)
    latin1 = tmp_path / "in/latin1.txt"
    latin1.write_bytes("Rubrik\n\nG\xf6teborg\n".encode("latin-1"))
    empty = write(tmp_path / "in", "empty.txt", "Huvudmeny\n\n")
    other = write(tmp_path / "in", "notes.docx", "x")
    broken = write(tmp_path / "in", "broken.xml", "<rss><channel>")
    with pytest.raises(ExceptionGroup) as caught:
        import_paths([good, latin1, empty, other, broken, tmp_path / "in/missing.txt"], tmp_path / "posts")
    found = {(Path(str(e.path)).name, e.line, e.message) for e in problems(caught)}
    assert found == {
        ("latin1.txt", 3, "the file is not UTF-8 text"),
        ("empty.txt", None, "the file holds no title (its first line of text)"),
        ("notes.docx", None, "cannot import a '.docx' file"),
        ("broken.xml", 1, "malformed XML: no element found"),
        ("missing.txt", None, "cannot read: No such file or directory"),
    }
    assert not (tmp_path / "posts").exists()


def test_the_report_lists_each_item_and_ends_with_a_summary() -> None:
    report = ImportReport(
        created=(ReportEntry("a.txt", "posts/a.md", ""),),
        skipped=(ReportEntry("b.txt", "posts/b.md", "already imported as posts/b.md"),),
        needs_attention=(ReportEntry("a.txt", "posts/a.md", "no date"),
                         ReportEntry("a.txt", "posts/a.md", "no municipality")),
    )
    assert report.format().splitlines() == [
        "create posts/a.md  <- a.txt",
        "skip b.txt: already imported as posts/b.md",
        "needs attention: a.txt (posts/a.md): no date",
        "needs attention: a.txt (posts/a.md): no municipality",
        "1 created, 0 overwritten, 1 skipped, 1 need attention (2 items)",
    ]


# --- the real seeds -------------------------------------------------------------------------
def source_line(text: bytes) -> bytes:
    return next(line for line in text.splitlines() if line.startswith(b"source: "))


def test_the_committed_posts_are_what_the_importer_makes_of_the_seeds_unless_edited(tmp_path: Path) -> None:
    """Posts marked 'edited: true' were changed by hand after import (dates from
    shared/data/post-dates.md, captions, the author); the others are the importer's bytes."""
    dates = read_date_options([], ROOT / "content/import-dates.yaml")
    first = import_paths(seeds(), tmp_path, dates=dates)
    committed = {p.name: p.read_bytes() for p in (ROOT / "content/posts").glob("*.md")
                 if SOURCE_PREFIX.encode() in p.read_bytes()}
    edited = {name for name, text in committed.items()
              if b"edited: true" in text.split(b"\n---", 1)[0].splitlines()}
    imported = {p.name: p.read_bytes() for p in tmp_path.glob("*.md")}
    assert len(first.created) == len(committed) == 5
    assert imported.keys() == committed.keys()
    assert {n: t for n, t in imported.items() if n not in edited} == {
        n: t for n, t in committed.items() if n not in edited}
    # an edited post keeps the importer's 'source', so importing again finds it and leaves it alone
    assert {n: source_line(imported[n]) for n in edited} == {n: source_line(committed[n]) for n in edited}
    shutil.copytree(ROOT / "content/posts", tmp_path / "committed")
    again = import_paths(seeds(), tmp_path / "committed", dates=dates)
    assert again.created == () and again.overwritten == () and len(again.skipped) == 5


def test_the_dates_mapping_dates_vetlanda_and_leaves_two_seeds_as_reported_drafts(tmp_path: Path) -> None:
    dates = read_date_options([], ROOT / "content/import-dates.yaml")
    assert dates == {"003_1144cd4ceaa138e8.txt": date(2015, 11, 17)}
    report = import_paths(seeds(), tmp_path, dates=dates, dry_run=True)
    undated = sorted(e.origin for e in report.needs_attention if e.reason.startswith("no date"))
    assert undated == ["002_a2198bcca4bcd42b.txt", "004_d261c9a228ceee60.txt"]


def test_a_site_of_every_imported_post_builds_and_shows_no_comment_form(
        scratch_site: Callable[..., Path]) -> None:
    root = scratch_site({})
    exports = sorted(REAL_EXPORTS.glob("*.xml")) if REAL_EXPORTS.is_dir() else []
    imported = import_paths([*seeds(), FIXTURES, *exports], root / "content/posts")
    report = build(root, BuildOptions(drafts=True, now=NOW, output=root / "output"))
    dated = [e for e in imported.created if "\ndate: " in Path(str(e.target)).read_text(encoding="utf-8")]
    assert report.posts == len(dated) == len(imported.created) - 3 >= 8  # 3 seeds have no date here
    pages = [parse_file(path) for path in (root / "output").rglob("*.html")]
    assert not any(page.find_all("form") or page.find_all("textarea") for page in pages)
    assert not any("Kommentera" in page.text() for page in pages)


def test_the_command_line_dry_run_on_the_seeds_reports_the_five_posts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["import", *map(str, seeds()), "--dry-run", "--into", str(tmp_path / "posts")])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert [line.split("  <- ")[1] for line in out if line.startswith("would create")] == [
        path.name for path in seeds()]
    assert out[-1].startswith("5 would be created, 0 would be overwritten, 0 skipped")
    assert not (tmp_path / "posts").exists()
