"""Builds on several processes make exactly the files one process makes, and report errors alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from sbuv_site.build import BuildOptions, build
from sbuv_site.errors import SiteError
from sbuv_site.parallel import run_shared, split, worker_count
from tests.conftest import NOW, override_layout, post
from tests.test_write import stable, tree


def test_shares_cover_every_item_once_in_a_fixed_order() -> None:
    items = list(range(10))
    assert run_shared(lambda k, n: list(split(items, k, n)), 3) == [0, 3, 6, 9, 1, 4, 7, 2, 5, 8]
    assert run_shared(lambda k, n: list(split(items, k, n)), 1) == items


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
