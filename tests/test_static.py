"""A static file may not take the address of a page the site makes (nor the folder one needs)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sbuv_site.build import BuildOptions, build
from sbuv_site.errors import SiteError, flatten
from sbuv_site.static import StaticFile, _parents, check_static_addresses
from tests.conftest import NOW, post, write_site

PAGES = ["index.html", "karta/index.html", "arkiv/index.html", "arkiv/2015/index.html", "atom.xml",
         "css/site.0123456789.css"]


def owner(relpath: str) -> str:
    return f"<{relpath}>"


def clashes(static: list[str]) -> list[str]:
    files = [StaticFile(name, b"") for name in static]
    outputs = [*PAGES, *(name for name in static if name != "css/site.css")]
    try:
        check_static_addresses(files, sorted(outputs), owner, "static")
    except (SiteError, ExceptionGroup) as exc:
        return [f"{p.path}: {p.message}" for p in flatten(exc)]
    return []


def test_ordinary_static_files_beside_the_pages_are_fine() -> None:
    assert clashes(["css/site.css", "favicon.svg", "karta/bild.png", "arkiv/2014.pdf", "index.htm"]) == []


@pytest.mark.parametrize(("static", "expected"), [
    ("index.html", "static/index.html: static file has the address of <index.html>, made by the site"),
    ("karta/index.html",
     "static/karta/index.html: static file has the address of <karta/index.html>, made by the site"),
    ("atom.xml", "static/atom.xml: static file has the address of <atom.xml>, made by the site"),
    ("karta", "static/karta: static file is in the way of <karta/index.html>, made by the site"),
    ("arkiv", "static/arkiv: static file is in the way of <arkiv/index.html>, made by the site"),
    ("atom.xml/bild.png",
     "static/atom.xml/bild.png: static file is in the way of <atom.xml>, made by the site"),
    ("index.html/x/y.txt",
     "static/index.html/x/y.txt: static file is in the way of <index.html>, made by the site"),
])
def test_a_static_file_at_or_in_the_way_of_a_page_is_named_with_the_page(static: str, expected: str) -> None:
    assert clashes([static, "favicon.svg"]) == [expected]


def test_a_static_file_at_a_posts_address_names_the_post_file(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {
        "content/posts/besok.md": post("Besök i Umeå", "2015-12-01"),
        "content/pages/om.md": "---\ntitle: Om bloggen\n---\n\nOm.\n",
        "static/2015/12/besok-i-umea/index.html": "<p>gammal</p>",
        "static/om-bloggen/index.html": "<p>gammal</p>",
        "static/sitemap.xml": "<urlset/>",
    }, config="")
    config = (root / "config.yaml").read_text(encoding="utf-8")
    config = "\n".join(line for line in config.splitlines() if not line.startswith("static_dir:"))
    (root / "config.yaml").write_text(config + "\nstatic_dir: static\n", encoding="utf-8")
    with pytest.raises(ExceptionGroup) as caught:
        build(root, BuildOptions(output=tmp_path / "output", now=NOW))
    assert [f"{p.path}: {p.message}" for p in flatten(caught.value)] == [
        "static/2015/12/besok-i-umea/index.html: static file has the address of the post "
        "content/posts/besok.md (/2015/12/besok-i-umea/), made by the site",
        "static/om-bloggen/index.html: static file has the address of the page content/pages/om.md "
        "(/om-bloggen/), made by the site",
        "static/sitemap.xml: static file has the address of the sitemap (/sitemap.xml), made by the site"]
    assert not (tmp_path / "output").exists()


@settings(deadline=None, max_examples=300)
@given(st.lists(st.sampled_from(["a", "b.html", "/", ".", "..", "-", " ", ".x"]), max_size=8).map("".join))
def test_a_paths_folders_are_found_as_purepath_finds_them(relpath: str) -> None:
    # check_static_addresses cuts plain relpaths at their slashes instead of asking PurePosixPath.
    assert _parents(relpath) == [p.as_posix() for p in PurePosixPath(relpath).parents]
