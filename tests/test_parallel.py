"""Builds on several processes make exactly the files one process makes, and report errors alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from sbuv_site.build import BuildOptions, build
from sbuv_site.errors import SiteError
from sbuv_site.parallel import run_chunks, worker_count
from tests.conftest import NOW, override_layout, post
from tests.test_write import stable, tree


def test_chunks_cover_every_item_once_in_index_order() -> None:
    items = [f"x{i}" for i in range(10)]
    done: list[int] = []
    share = lambda chunk: [items[i] for i in chunk]  # noqa: E731
    assert run_chunks(share, 10, 3, chunk=3, progress=done.append) == items
    assert sorted(done) == [1, 3, 3, 3]
    assert run_chunks(share, 10, 1, chunk=4) == items


def test_every_chunks_problems_are_gathered_once_each() -> None:
    def share(chunk: range) -> list[int]:
        raise SiteError("layouts/post.html", 3, "layout broken", "fix it")  # the same in every chunk

    with pytest.raises(SiteError) as caught:
        run_chunks(share, 9, 3, chunk=3)
    assert caught.value.message == "layout broken"


def test_small_sites_stay_on_one_process_unless_asked() -> None:
    assert worker_count(10) == 1
    assert worker_count(10, wanted=2) == 2


def test_two_worker_build_is_byte_identical_to_one_worker_build(scratch_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = {f"content/posts/p{i}.md": post(f"Inlägg {i}", f"2016-{1 + i % 12:02d}-{1 + i % 27:02d}",
                                            f"Text nummer {i} med [^1].\n\n[^1]: Not {i}.",
                                            tags=f"[t{i % 4}]", municipality=["Umeå", "Kalix"][i % 2])
             for i in range(40)}
    site = scratch_site(files, "per_page: 4\n")
    build(site, BuildOptions(now=NOW, output=tmp_path / "one", workers=1))
    build(site, BuildOptions(now=NOW, output=tmp_path / "two", workers=2))
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert stable(one) == stable(two) and len(one) > 60  # stable: all but Pagefind's hash-map-order files


def test_a_layout_error_in_a_worker_is_reported_like_in_one_process(scratch_site) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({"content/posts/a.md": post("A", "2016-01-01")})
    post_layout = override_layout(site, "post.html")
    post_layout.write_text(post_layout.read_text().replace("{{ post.title }}", "{{ post.writer }}", 1))
    with pytest.raises(SiteError) as caught:
        build(site, BuildOptions(now=NOW, workers=2))
    assert (str(caught.value.path), caught.value.message) == (
        "layouts/post.html", "layout asks for 'writer', which a Post does not have")
