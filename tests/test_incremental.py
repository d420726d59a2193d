"""A build that reuses .sbuv-cache/ and the last output makes exactly what a clean build makes.

Each test changes the 'full' fixture site the way an editor would, rebuilds it incrementally
into the same output folder, builds the same site from nothing into another, and compares the
two trees byte for byte.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import pytest

from sbuv_site.build import BuildOptions, BuildState, build
from sbuv_site.cache import CACHE_DIR, RECORDS, load_cache, load_parsed
from sbuv_site.errors import SiteError
from tests.conftest import NOW, override_layout, post
from tests.test_write import stable

Change = Callable[[Path], None]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(copy_fixture: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # the same clock for clean and incremental
    root = copy_fixture("full")
    build(root, BuildOptions(now=NOW))
    return root


def incremental_equals_clean(root: Path, tmp_path: Path) -> tuple[int, int]:
    """Rebuild root incrementally and from nothing; assert equal trees; (files changed, sources reread)."""
    report = build(root, BuildOptions(now=NOW))
    clean = tmp_path / "clean"
    build(root, BuildOptions(now=NOW, output=clean, cache=False))
    got, want = stable(tree(root / "output")), stable(tree(clean))  # Pagefind's unordered files aside
    assert sorted(got) == sorted(want)
    assert [name for name in want if got[name] != want[name]] == []
    return report.changed, report.reread


def edit_body(root: Path) -> None:
    path = root / "content/posts/vetlanda.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\nEtt nytt stycke om **samverkan**.\n", encoding="utf-8")


def edit_title(root: Path) -> None:
    path = root / "content/posts/boras.md"
    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("title:"))
    path.write_text(text.replace(line, "title: Ett nytt namn på Borås-inlägget", 1), encoding="utf-8")


def add_post(root: Path) -> None:
    (root / "content/posts/ny.md").write_text(
        post("Nytt besök i Umeå", "2016-03-04", "Om *ensamkommande* barn.", municipality="Umeå",
             tags="[samverkan, ny]"), encoding="utf-8")


def delete_post(root: Path) -> None:
    (root / "content/posts/goteborg.md").unlink()


def rename_post(root: Path) -> None:
    (root / "content/posts/boras.md").rename(root / "content/posts/boras-besok.md")


def edit_layout(root: Path) -> None:
    layout = override_layout(root, "post.html")
    text = layout.read_text(encoding="utf-8")
    layout.write_text(text.replace("</article>", "<p>Ändrad mall.</p></article>", 1), encoding="utf-8")


def edit_config(root: Path) -> None:
    path = root / "config.yaml"
    text = path.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("title:"))
    path.write_text(text.replace(line, "title: En annan blogg", 1), encoding="utf-8")


def add_static_file(root: Path) -> None:
    (root / "static").mkdir(exist_ok=True)
    (root / "static/rapport.txt").write_text("Rapport\n", encoding="utf-8")


def edit_static_css(root: Path) -> None:
    (root / "static/css").mkdir(parents=True, exist_ok=True)
    (root / "static/css/site.css").write_text("body { color: #111; }\n", encoding="utf-8")


def edit_image(root: Path) -> None:
    from PIL import Image  # a new size for the image beside the Umeå post

    Image.new("RGB", (40, 30), "white").save(root / "content/posts/umea-karta.png")


def make_draft(root: Path) -> None:
    path = root / "content/posts/vetlanda.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")


CHANGES: dict[str, Change] = {
    "edit_body": edit_body, "edit_title": edit_title, "add_post": add_post, "delete_post": delete_post,
    "rename_post": rename_post, "edit_layout": edit_layout, "edit_config": edit_config,
    "add_static_file": add_static_file, "edit_static_css": edit_static_css, "edit_image": edit_image,
    "make_draft": make_draft,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_an_incremental_build_equals_a_clean_one_after(change: str, site: Path, tmp_path: Path) -> None:
    CHANGES[change](site)
    incremental_equals_clean(site, tmp_path)


def test_several_changes_in_a_row_stay_equal_to_clean_builds(site: Path, tmp_path: Path) -> None:
    for change in ("edit_body", "add_post", "edit_title", "rename_post", "edit_layout", "delete_post"):
        CHANGES[change](site)
        incremental_equals_clean(site, tmp_path / change)


def test_an_edit_to_one_posts_text_rerenders_only_the_pages_that_show_it(site: Path, tmp_path: Path) -> None:
    output = site / "output"
    before = {p: (p.stat().st_ino, p.read_bytes()) for p in output.rglob("*") if p.is_file()}
    edit_body(site)
    changed, reread = incremental_equals_clean(site, tmp_path)
    assert reread == 1  # only the edited file was read again
    assert 0 < changed < len(before) // 4  # the post, the lists and feeds that show it; not the rest
    after = {p: (p.stat().st_ino, p.read_bytes()) for p in output.rglob("*") if p.is_file()}
    same_bytes = [p for p in before if p in after and after[p][1] == before[p][1]
                  and p.name != ".sbuv-site-build"  # the mark is written anew by every build
                  and "pagefind" not in p.parts]  # Pagefind writes its own folder when a page changed
    # every file whose bytes did not change is the very same file, hard-linked into the new tree
    assert [p for p in same_bytes if after[p][0] != before[p][0]] == []
    assert output / "om-bloggen/index.html" in same_bytes


def test_a_rebuild_with_nothing_changed_does_nothing(site: Path) -> None:
    output = site / "output"
    inode = output.stat().st_ino
    report = build(site, BuildOptions(now=NOW))
    assert report.unchanged and report.changed == 0
    assert output.stat().st_ino == inode  # not even swapped
    assert "Nothing changed" in report.summary()


def test_a_touched_but_unchanged_file_is_read_but_nothing_is_rendered(site: Path, tmp_path: Path) -> None:
    path = site / "content/posts/umea.md"
    os.utime(path, (1, 1))
    changed, reread = incremental_equals_clean(site, tmp_path)
    assert (changed, reread) == (0, 1)


def test_a_future_post_coming_due_is_not_a_no_op(site: Path) -> None:
    (site / "content/posts/senare.md").write_text(post("Senare", "2026-12-24"), encoding="utf-8")
    build(site, BuildOptions(now=NOW))
    assert not (site / "output/2026/12/senare/index.html").exists()
    from datetime import timedelta
    report = build(site, BuildOptions(now=NOW + timedelta(days=40)))
    assert not report.unchanged
    assert (site / "output/2026/12/senare/index.html").is_file()


def test_an_output_replaced_by_hand_is_built_whole_again(site: Path, tmp_path: Path) -> None:
    (site / "output/om-bloggen/index.html").unlink()
    (site / "output/om-bloggen/index.html").write_text("ändrad för hand", encoding="utf-8")
    edit_body(site)
    incremental_equals_clean(site, tmp_path)  # the hand-made file is not kept


@pytest.mark.parametrize("damage", ["garbage", "cut_short", "other_version"])
def test_a_damaged_cache_is_ignored_and_rebuilt(damage: str, site: Path, tmp_path: Path) -> None:
    index = site / CACHE_DIR / "index.bin"
    data = index.read_bytes()
    if damage == "garbage":
        index.write_bytes(b"\x00\xffnot a cache")
    elif damage == "cut_short":
        index.write_bytes(data[: len(data) // 2])
    else:
        index.write_bytes(data.replace(b"sbuv-site cache 1", b"sbuv-site cache 0", 1))
    edit_body(site)
    changed, reread = incremental_equals_clean(site, tmp_path)
    assert reread > 1  # everything read again: nothing of the damaged cache was trusted


def records_in(value: object) -> Iterator[object]:
    """Every dataclass object inside value (through fields, tuples, lists and dicts)."""
    if dataclasses.is_dataclass(value):
        yield value
        for field in dataclasses.fields(value):
            yield from records_in(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from records_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from records_in(item)


def test_parsed_sources_read_back_equal_from_the_cache_and_from_a_worker(site: Path) -> None:
    # Records pickle in a short form of their own (cache.RECORDS): sources.bin, read by the
    # cache's guarded unpickler, and the pipe from a worker must both give the same records back.
    state = BuildState()
    build(site, BuildOptions(now=NOW, output=site / "other", cache=False), state)  # parsed afresh
    assert state.cache is not None
    parsed = state.cache.parsed
    assert any(p.images for p in parsed.values())
    assert {type(r) for r in records_in(parsed)} <= set(RECORDS)
    saved = load_cache(site, state.cache.source_key)  # as the site fixture's build saved it
    load_parsed(saved)
    assert saved.parsed == parsed
    assert pickle.loads(ForkingPickler.dumps(parsed)) == parsed


class _Planted:
    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (shutil.copyfile, ("/etc/hostname", "/tmp/sbuv-planted"))


def test_a_planted_cache_cannot_run_code(site: Path, tmp_path: Path) -> None:
    import hashlib

    planted = Path("/tmp/sbuv-planted")
    planted.unlink(missing_ok=True)
    payload = pickle.dumps({"program": "x", "sources": _Planted()}, protocol=5)
    for name in ("index.bin", "sources.bin"):  # a well-formed file with a right digest: still refused
        (site / CACHE_DIR / name).write_bytes(
            b"sbuv-site cache 1\n" + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    edit_body(site)
    incremental_equals_clean(site, tmp_path)
    assert not planted.exists()


def test_without_the_cache_nothing_is_read_or_written_there(copy_fixture: Callable[[str], Path]) -> None:
    root = copy_fixture("full")
    build(root, BuildOptions(now=NOW, cache=False))
    assert not (root / CACHE_DIR).exists()
    build(root, BuildOptions(now=NOW))
    assert (root / CACHE_DIR / "index.bin").is_file()
    assert (root / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").endswith("*\n")


def test_an_index_and_sources_saved_by_two_different_builds_never_mix(site: Path, tmp_path: Path) -> None:
    """Two builds of one site (say build and serve) each save the cache; a sources.bin from an
    older moment beside a newer index.bin must not put an old text on the page."""
    older = (site / CACHE_DIR / "sources.bin").read_bytes()
    edit_body(site)
    build(site, BuildOptions(now=NOW))  # index.bin and sources.bin now know the edited text
    (site / CACHE_DIR / "sources.bin").write_bytes(older)  # the other build saved its sources last
    other = site / "content/posts/umea.md"
    other.write_text(other.read_text(encoding="utf-8") + "\nMer om Umeå.\n", encoding="utf-8")
    changed, reread = incremental_equals_clean(site, tmp_path)  # Vetlanda's page has the new text
    assert reread == 2  # Umeå's post, and Vetlanda's, whose saved form did not match its record


def test_a_fifo_among_the_layouts_is_named_and_never_waited_for(site: Path) -> None:
    (site / "layouts").mkdir(exist_ok=True)
    os.mkfifo(site / "layouts/post.html")
    with pytest.raises(SiteError) as caught:  # the test's timeout would catch a stalled read
        build(site, BuildOptions(now=NOW))
    assert caught.value.format().startswith("layouts/post.html: not an ordinary file: it is a named pipe")
