"""serve's quick path for text edits makes exactly what a clean build makes, and steps aside otherwise.

Each test previews the 'full' fixture site as serve does (drafts shown, in place, the cache in
memory), saves a file the way an editor would, runs the quick path for that save, and compares
the preview folder with a clean build of the same sources, byte for byte.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from sbuv_site.build import BuildOptions, BuildReport, BuildState, build, rebuild_edited
from sbuv_site.model import Site
from tests.conftest import NOW, override_layout, post
from tests.htmltree import parse_file
from tests.test_incremental import tree


@dataclasses.dataclass
class Preview:
    root: Path
    options: BuildOptions
    state: BuildState

    def save(self, name: str, text: str) -> Path:
        path = self.root / name
        path.write_text(text, encoding="utf-8")
        return path

    def append(self, name: str, text: str) -> Path:
        return self.save(name, (self.root / name).read_text(encoding="utf-8") + text)

    def quick(self, *paths: Path) -> BuildReport | None:
        """The quick path for one batch of saves, with the paths as the watcher reports them."""
        return rebuild_edited(self.options, self.state, frozenset(p.absolute() for p in paths))

    def equals_clean(self, tmp_path: Path) -> None:
        clean = tmp_path / "clean"
        build(self.root, dataclasses.replace(self.options, output=clean, cache=False))
        assert self.options.output is not None
        got, want = tree(self.options.output), tree(clean)
        assert sorted(got) == sorted(want)
        assert [name for name in want if got[name] != want[name]] == []


@pytest.fixture
def preview(copy_fixture: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> Preview:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # the same clock for the preview and clean
    root = copy_fixture("full")
    options = BuildOptions(now=NOW, drafts=True, search=False, output=root / ".sbuv-preview")
    state = BuildState(in_place=True)
    build(root, options, state)
    return Preview(root, options, state)


def post_text(preview: Preview, url: str) -> str:
    assert preview.options.output is not None
    return parse_file(preview.options.output / url.strip("/") / "index.html").find("article").text()


def test_a_new_paragraph_at_the_end_of_a_post_takes_the_quick_path_and_equals_a_clean_build(
        preview: Preview, tmp_path: Path) -> None:
    saved = preview.append("content/posts/vetlanda.md", "\nEtt nytt stycke om **samverkan**.\n")
    report = preview.quick(saved)
    assert report is not None and "edit" in report.timings
    assert report.changed >= 2  # the post, and the feeds that hold its text
    assert "Ett nytt stycke om samverkan ." in post_text(preview, "/2015/11/vetlanda-den-17-november/")
    preview.equals_clean(tmp_path)


def test_a_changed_first_paragraph_reaches_the_lists_and_feeds_that_show_it(
        preview: Preview, tmp_path: Path) -> None:
    path = preview.root / "content/posts/boras.md"
    saved = preview.save("content/posts/boras.md", path.read_text(encoding="utf-8").replace(
        "Inom den sociala barn- och ungdomsvården pågår utvecklingsarbete.",
        "Ett helt nytt första stycke, som listorna visar."))
    report = preview.quick(saved)
    assert report is not None
    assert report.changed >= 4  # the post, a page of the list, its tag, its municipality, the feeds
    preview.equals_clean(tmp_path)


def test_a_page_and_a_draft_take_the_quick_path_too(preview: Preview, tmp_path: Path) -> None:
    page = preview.append("content/pages/om.md", "\nMer om bloggen.\n")
    draft = preview.append("content/posts/utkast.md", "\nSnart klart.\n")
    assert preview.quick(page, draft) is not None
    preview.equals_clean(tmp_path)


def test_edits_in_a_row_stay_equal_and_leave_the_cache_exact(preview: Preview, tmp_path: Path) -> None:
    for round_ in range(3):
        saved = preview.append("content/posts/haninge-och-kalix.md", f"\nTillägg nummer {round_}.\n")
        assert preview.quick(saved) is not None
        preview.equals_clean(tmp_path / str(round_))
    again = build(preview.root, preview.options, preview.state)  # what a full rebuild finds now
    assert again.unchanged


def test_a_draft_left_out_changes_only_what_shows_every_text(
        copy_fixture: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    root = copy_fixture("full")
    options = BuildOptions(now=NOW, search=False, output=root / "out")
    preview = Preview(root, options, BuildState(in_place=True))
    build(root, preview.options, preview.state)
    report = preview.quick(preview.append("content/posts/utkast.md", "\nFortfarande ett utkast.\n"))
    assert report is not None
    preview.equals_clean(tmp_path)


def test_a_save_that_changed_no_byte_writes_nothing(preview: Preview) -> None:
    path = preview.root / "content/posts/vetlanda.md"
    saved = preview.save("content/posts/vetlanda.md", path.read_text(encoding="utf-8"))
    report = preview.quick(saved)
    assert report is not None and report.changed == 0 and report.unchanged


def test_the_site_after_a_quick_edit_equals_the_site_a_full_build_makes(
        preview: Preview, copy_fixture: Callable[[str], Path]) -> None:
    saved = preview.append("content/posts/goteborg.md", "\nEtt sista ord.\n")
    assert preview.quick(saved) is not None
    fresh = BuildState(in_place=True)
    options = dataclasses.replace(preview.options, output=preview.root / "full", cache=False)
    build(preview.root, options, fresh)
    assert preview.state.last is not None and fresh.last is not None
    quick, full = preview.state.last.site, fresh.last.site
    for name in ("posts", "undated", "undated_drafts", "pages", "home_pagers", "tags", "places", "archive"):
        assert getattr(quick, name) == getattr(full, name), name
    assert dict(quick.further) == dict(full.further)
    assert [f.name for f in dataclasses.fields(Site)] == [  # a new field must be carried by siteedit too
        "config", "urls", "registry", "posts", "undated", "undated_drafts", "pages", "home_pagers", "tags",
        "places", "archive", "visit_count", "statement", "notes", "further", "redirects", "attachments"]


def change_title(preview: Preview) -> list[Path]:
    path = preview.root / "content/posts/vetlanda.md"
    text = path.read_text(encoding="utf-8")
    return [preview.save("content/posts/vetlanda.md",
                         text.replace("title: Vetlanda den 17 november", "title: Vetlanda i november"))]


def add_post(preview: Preview) -> list[Path]:
    return [preview.save("content/posts/ny.md", post("Ny", "2016-03-04", "Text.", municipality="Umeå"))]


def delete_post(preview: Preview) -> list[Path]:
    path = preview.root / "content/posts/goteborg.md"
    path.unlink()
    return [path]


def add_image(preview: Preview) -> list[Path]:
    return [preview.append("content/posts/vetlanda.md", "\n![Karta över Umeå](/bild.png)\n")]


def break_front_matter(preview: Preview) -> list[Path]:
    return [preview.save("content/posts/boras.md", "---\ntitle: Borås\n")]


def edit_config(preview: Preview) -> list[Path]:
    return [preview.append("config.yaml", "\n# en kommentar\n")]


def edit_layout(preview: Preview) -> list[Path]:
    layout = override_layout(preview.root, "post.html")
    return [layout]


def link_instead(preview: Preview) -> list[Path]:
    path = preview.root / "content/posts/vetlanda.md"
    moved = preview.root / "vetlanda.md"
    path.rename(moved)
    os.symlink(moved, path)
    return [path]


def text_and_title(preview: Preview) -> list[Path]:
    return [preview.append("content/posts/boras.md", "\nNy text.\n"), *change_title(preview)]


@pytest.mark.parametrize("change", [change_title, add_post, delete_post, add_image, break_front_matter,
                                    edit_config, edit_layout, link_instead, text_and_title])
def test_any_other_save_is_left_to_the_full_build_and_nothing_is_written(
        preview: Preview, change: Callable[[Preview], list[Path]], tmp_path: Path) -> None:
    assert preview.options.output is not None
    before = tree(preview.options.output)
    paths = change(preview)
    assert preview.quick(*paths) is None
    assert tree(preview.options.output) == before


def test_an_output_folder_replaced_behind_serves_back_takes_the_full_build(preview: Preview,
                                                                            tmp_path: Path) -> None:
    assert preview.options.output is not None
    preview.options.output.rename(tmp_path / "moved")  # another program replaced the preview folder
    preview.options.output.mkdir()
    saved = preview.append("content/posts/vetlanda.md", "\nEtt stycke till.\n")
    assert preview.quick(saved) is None
    assert list(preview.options.output.iterdir()) == []  # nothing written into a folder it did not build
    build(preview.root, dataclasses.replace(preview.options, force=True), preview.state)
    preview.equals_clean(tmp_path)
