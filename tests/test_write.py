"""Output is all or nothing: failed, killed and repeated builds never damage output/."""

from __future__ import annotations

import filecmp
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TypeVar

import pytest

from sbuv_site.build import BuildOptions, build
from sbuv_site.errors import SiteError
from sbuv_site.outputguard import BUILD_MARK, MARK_TEXT
from sbuv_site.render import OutputFile
from sbuv_site.write import write_output
from tests.conftest import NOW, post, write_site

T = TypeVar("T")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_write_replaces_the_whole_tree_and_drops_removed_pages(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output([OutputFile("a/index.html", b"A"), OutputFile("b.txt", b"B")], out)
    write_output([OutputFile("a/index.html", b"A2")], out)
    assert tree(out) == {"a/index.html": b"A2", BUILD_MARK: MARK_TEXT}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.lock", "output"]  # no staging left


def test_a_failing_file_stream_leaves_the_old_output_untouched(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output([OutputFile("index.html", b"old")], out)

    def files():  # type: ignore[no-untyped-def]
        yield OutputFile("index.html", b"new")
        raise RuntimeError("render failed half-way")

    with pytest.raises(RuntimeError):
        write_output(files(), out)
    assert tree(out) == {"index.html": b"old", BUILD_MARK: MARK_TEXT}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.lock", "output"]


def test_a_site_error_leaves_the_previous_build_in_place(scratch_site) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({"content/posts/a.md": post("Första", "2016-01-01")})
    build(site, BuildOptions(now=NOW))
    before = tree(site / "output")
    (site / "content/posts/b.md").write_text(post("Trasig", "2016-02-30"), encoding="utf-8")
    with pytest.raises(SiteError):
        build(site, BuildOptions(now=NOW))
    assert tree(site / "output") == before


def test_removed_posts_disappear_from_output(scratch_site) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({"content/posts/a.md": post("Första", "2016-01-01"),
                         "content/posts/b.md": post("Andra", "2016-01-02")})
    build(site, BuildOptions(now=NOW))
    assert (site / "output/2016/01/andra/index.html").is_file()
    (site / "content/posts/b.md").unlink()
    build(site, BuildOptions(now=NOW))
    assert not (site / "output/2016/01/andra").exists()
    assert (site / "output/2016/01/forsta/index.html").is_file()


def test_two_builds_are_byte_identical(scratch_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({f"content/posts/p{i}.md": post(f"Inlägg {i}", f"2016-0{1 + i % 9}-1{i % 9}",
                                                        tags=f"[t{i % 3}, Tagg]", municipality="Umeå")
                         for i in range(12)})
    build(site, BuildOptions(now=NOW, output=tmp_path / "one"))
    build(site, BuildOptions(now=NOW, output=tmp_path / "two"))
    comparison = filecmp.dircmp(tmp_path / "one", tmp_path / "two")
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert stable(one) == stable(two)
    assert not comparison.diff_files and len(one) > 20
    assert any(rel.startswith("pagefind/fragment/") for rel in stable(one))  # the index's bulk is compared


def stable(files: dict[str, T]) -> dict[str, T]:
    """All but the few search index files Pagefind 1.5 writes in hash-map order (README, "Search").

    Its filter files, its .pf_meta and pagefind-entry.json (which names the .pf_meta's hash) list
    filter values in an order that changes from run to run (Pagefind issue 638); pages, fragments
    and word indexes are byte-identical.
    """
    return {rel: data for rel, data in files.items()
            if not (rel.startswith("pagefind/filter/") or rel.endswith(".pf_meta")
                    or rel == "pagefind/pagefind-entry.json")}


def test_source_date_epoch_sets_the_feed_clock_of_an_empty_site(scratch_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({})
    build(site, BuildOptions(now=NOW))
    assert "<updated>1970-01-01T00:00:00+00:00</updated>" in (site / "output/atom.xml").read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1500000000")
    build(site, BuildOptions(now=NOW))
    assert "<updated>2017-07-14T02:40:00+00:00</updated>" in (site / "output/atom.xml").read_text()


def test_a_build_killed_midway_leaves_the_previous_output_intact(tmp_path: Path) -> None:
    body = "Ett stycke text om samverkan mellan skola och socialtjänst. " * 40
    files = {f"content/posts/p{i:04d}.md": post(f"Inlägg {i}", f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}",
                                               body, tags="[a, b]", municipality="Umeå")
             for i in range(1500)}
    site = write_site(tmp_path / "site", files)
    out = site / "output"
    out.mkdir()
    (out / "index.html").write_text("previous build", encoding="utf-8")
    (out / "marker.txt").write_text("kept", encoding="utf-8")
    (out / BUILD_MARK).write_bytes(MARK_TEXT)  # an earlier build's sign: the next build may replace it
    code = "import sys; from sbuv_site.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen([sys.executable, "-c", code, "--root", str(site), "build"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    staging: list[Path] = []
    while time.monotonic() < deadline and not staging and proc.poll() is None:
        staging = [p for p in site.glob(".output.tmp-*") if any(p.rglob("*.html"))]
        time.sleep(0.005)
    assert staging, "the build never reached the write stage"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert tree(out) == {"index.html": b"previous build", "marker.txt": b"kept", BUILD_MARK: MARK_TEXT}
    build(site, BuildOptions(now=NOW))  # the next build cleans up after the killed one
    assert not list(site.glob(".output.tmp-*"))
    assert (out / "2016/01/inlagg-0/index.html").is_file() and not (out / "marker.txt").exists()
