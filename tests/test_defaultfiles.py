"""Built-in layouts and static files: a site needs none of its own, and overrides them file by file."""

from __future__ import annotations

import glob
import shutil
import tomllib
from collections.abc import Callable
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest

from sbuv_site import defaultfiles
from sbuv_site.build import BuildOptions, build
from sbuv_site.cli import main
from sbuv_site.defaultfiles import builtin_static, merge_static
from sbuv_site.errors import SiteError, flatten
from sbuv_site.static import StaticFile
from tests.conftest import (
    BUILTIN_LAYOUTS,
    BUILTIN_STATIC,
    FIXTURES,
    NOW,
    ROOT,
    add_layouts_and_static,
    override_layout,
    post,
    write_site,
)
from tests.htmltree import parse_file

POST_URL = "2015/12/besok-i-umea/index.html"
PAGE_URL = "om-bloggen/index.html"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below folder, by path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def fixture_copy(tmp_path: Path, name: str) -> Path:
    site = tmp_path / name
    shutil.copytree(FIXTURES / "sites" / "full", site)
    return site


def built(site: Path, out: Path) -> dict[str, bytes]:
    build(site, BuildOptions(output=out, now=NOW))
    return {rel: data for rel, data in tree(out).items()  # pages and files; the search index is
            if not rel.startswith("pagefind/")}  # test_search's, and follows any page's change


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The 'full' fixture built with no layouts/ or static/ of its own."""
    tmp = tmp_path_factory.mktemp("plain")
    site = fixture_copy(tmp, "site")
    assert not (site / "layouts").exists() and not (site / "static").exists()
    return built(site, tmp / "out")


def small_site(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    return write_site(tmp_path / "site", {
        "content/posts/besok.md": post("Besök i Umeå", "2015-12-01", municipality="Umeå"),
        "content/pages/om.md": "---\ntitle: Om bloggen\n---\n\nOm den här bloggen.\n", **(files or {})})


def test_a_site_without_layouts_or_static_builds_the_same_as_with_the_built_in_files_copied_in(
        plain: dict[str, bytes], tmp_path: Path) -> None:
    copied = built(add_layouts_and_static(fixture_copy(tmp_path, "site")), tmp_path / "out")
    assert copied == plain
    assert "css/site.css" not in plain and any(p.startswith("css/site.") for p in plain)
    assert plain["favicon.svg"] == (BUILTIN_STATIC / "favicon.svg").read_bytes()


def test_overriding_one_layout_changes_only_the_pages_made_with_it(plain: dict[str, bytes],
                                                                   tmp_path: Path) -> None:
    site = fixture_copy(tmp_path, "site")
    page = override_layout(site, "page.html")
    page.write_text(page.read_text().replace('<article class="page"', '<article class="page egen"'))
    changed = built(site, tmp_path / "out")
    differ = sorted(path for path in plain if changed[path] != plain[path])
    assert differ == [PAGE_URL]
    assert changed.keys() == plain.keys()
    assert parse_file(tmp_path / "out" / PAGE_URL).find("article").get("class") == "page egen"


def test_a_partial_override_is_included_by_the_built_in_layouts(plain: dict[str, bytes],
                                                                tmp_path: Path) -> None:
    site = fixture_copy(tmp_path, "site")
    summary = override_layout(site, "partials/summary.html")
    summary.write_text(summary.read_text().replace('class="summary"', 'class="summary egen"'))
    changed = built(site, tmp_path / "out")
    differ = {path for path in plain if changed[path] != plain[path]}
    assert "index.html" in differ and "taggar/samverkan/index.html" in differ  # list.html, tag.html
    assert "2015/12/snofattigt-umea-i-forandring/index.html" not in differ  # post.html does not use it
    cards = parse_file(tmp_path / "out" / "index.html").find_all("article")
    assert cards and all(card.get("class") == "summary egen" for card in cards)


def test_extends_and_include_pick_the_sites_version_of_the_name(tmp_path: Path) -> None:
    site = small_site(tmp_path, {
        "layouts/base.html": """\
            <!DOCTYPE html>
            <html lang="{{ language }}"><head><title>{{ page_title }}</title></head>
            <body><main>{% block content %}{% endblock %}</main>
            <footer>{% include "partials/sidfot.html" %}</footer></body></html>
            """,
        "layouts/partials/sidfot.html": "<p id=\"sidfot\">Egen sidfot</p>\n",
    })
    build(site, BuildOptions(now=NOW))
    for page in (POST_URL, PAGE_URL, "index.html"):  # built-in post.html, page.html, list.html extend it
        doc = parse_file(site / "output" / page)
        assert doc.find("p", id="sidfot").text() == "Egen sidfot"
        assert doc.find("h1")  # the built-in block content is still there
    assert parse_file(site / "output" / POST_URL).find("article").get("class") == "post"


def test_a_site_stylesheet_replaces_the_built_in_one_and_other_static_files_join_the_built_in_ones(
        tmp_path: Path) -> None:
    site = small_site(tmp_path, {"static/css/site.css": "body { color: black; }\n",
                                 "static/bild.txt": "en bild\n"})
    build(site, BuildOptions(now=NOW))
    out = tree(site / "output")
    css = [path for path in out if path.startswith("css/")]
    assert len(css) == 1 and out[css[0]] == b"body { color: black; }\n"
    home = parse_file(site / "output" / "index.html")
    links = [link.get("href") for link in home.find_all("link", rel="stylesheet")]
    assert links == [f"/{css[0]}"]
    assert out["bild.txt"] == b"en bild\n"
    assert out["favicon.svg"] == (BUILTIN_STATIC / "favicon.svg").read_bytes()


def test_a_readme_in_the_layouts_folder_is_never_published(tmp_path: Path) -> None:
    site = small_site(tmp_path, {"layouts/README.md": "# Egna mallar\n"})
    build(site, BuildOptions(now=NOW))
    assert not any("README" in path for path in tree(site / "output"))


def test_the_repositorys_own_layouts_and_static_folders_override_nothing() -> None:
    """The repository's site uses the built-in files: its folders hold only their explanations."""
    assert sorted(p.name for p in (ROOT / "layouts").iterdir()) == ["README.md"]
    assert sorted(p.name for p in (ROOT / "static").iterdir()) == [".gitkeep"]


def test_merge_keeps_the_sites_file_where_it_replaces_or_stands_in_the_way_of_a_built_in_one() -> None:
    builtin = (StaticFile("css/site.css", b"b", "(built-in) c"), StaticFile("extra.txt", b"b", "(built-in)"),
               StaticFile("favicon.svg", b"b", "(built-in) f"))
    own = (StaticFile("css", b"s"), StaticFile("extra.txt", b"s"), StaticFile("favicon.svg/x.png", b"s"))
    assert merge_static(own, builtin) == own
    assert merge_static((), builtin) == builtin
    assert [f.relpath for f in merge_static((StaticFile("a.txt", b"s"),), builtin)] == [
        "a.txt", "css/site.css", "extra.txt", "favicon.svg"]


def test_built_in_static_files_are_named_as_built_in() -> None:
    files = {f.relpath: f for f in builtin_static()}
    assert sorted(files) == sorted(p.relative_to(BUILTIN_STATIC).as_posix()
                                   for p in BUILTIN_STATIC.rglob("*") if p.is_file())
    assert files["css/site.css"].shown("static") == "(built-in) sbuv_site/default_static/css/site.css"
    assert StaticFile("css/site.css", b"").shown("static/") == "static/css/site.css"


def test_the_package_data_globs_ship_every_built_in_file() -> None:
    """pyproject's package-data, expanded as setuptools does, holds every layout and static file
    (a wheel or an install without them could not build a site that has no layouts/)."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    package = ROOT / "sbuv_site"
    shipped = {p for pattern in patterns["sbuv_site"]
               for p in glob.glob(pattern, root_dir=package, recursive=True)}
    needed = {p.relative_to(package).as_posix() for folder in (BUILTIN_LAYOUTS, BUILTIN_STATIC)
              for p in folder.rglob("*") if p.is_file()}
    assert needed and needed <= shipped


# Messages name the file actually used.

def problems(site: Path) -> list[str]:
    with pytest.raises((SiteError, ExceptionGroup)) as caught:
        build(site, BuildOptions(now=NOW))
    return [p.format() for p in flatten(caught.value)]


def test_a_broken_override_is_named_as_the_sites_file(tmp_path: Path) -> None:
    site = small_site(tmp_path, {"layouts/page.html": """\
        {% extends "base.html" %}
        {% block content %}
        <h1>{{ page.titel }}</h1>
        {% endblock %}
        """})
    [found] = problems(site)
    assert found.startswith("layouts/page.html:3: layout asks for 'titel', which a Page does not have\n"
                            "  hint: a Page has: ")


@pytest.fixture
def broken_builtin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str, str], None]:
    """Make the package's built-in files a copy in which one layout is broken."""
    package = tmp_path / "paket"
    shutil.copytree(BUILTIN_LAYOUTS, package / "default_layouts")
    shutil.copytree(BUILTIN_STATIC, package / "default_static")

    def _package() -> Traversable:
        return package

    monkeypatch.setattr(defaultfiles, "_package", _package)

    def breaks(name: str, old: str, new: str) -> None:
        layout = package / "default_layouts" / name
        text = layout.read_text()
        assert old in text
        layout.write_text(text.replace(old, new, 1))

    return breaks


def test_an_error_in_a_built_in_layout_is_named_as_built_in(
        tmp_path: Path, broken_builtin: Callable[[str, str, str], None]) -> None:
    broken_builtin("page.html", "{{ page.title }}", "{{ page.titel }}")
    [found] = problems(small_site(tmp_path))
    assert found.startswith("(built-in) sbuv_site/default_layouts/page.html:4: layout asks for 'titel', "
                            "which a Page does not have\n  hint: a Page has: ")


def test_a_syntax_error_in_a_built_in_layout_is_named_as_built_in(
        tmp_path: Path, broken_builtin: Callable[[str, str, str], None]) -> None:
    broken_builtin("page.html", "{% endblock %}", "{% endblok %}")
    assert problems(small_site(tmp_path))[0].startswith(
        "(built-in) sbuv_site/default_layouts/page.html:7: layout syntax error: ")


def test_a_built_in_feed_layout_that_makes_bad_xml_is_named_as_built_in(
        tmp_path: Path, broken_builtin: Callable[[str, str, str], None]) -> None:
    broken_builtin("atom.xml", "<title>{{ title }}</title>", "<title>{{ title }}</titel>")
    assert problems(small_site(tmp_path))[0].startswith(
        "(built-in) sbuv_site/default_layouts/atom.xml: this layout makes atom.xml, which is not well-formed")


def test_a_feed_layout_override_that_makes_bad_xml_is_named_as_the_sites_file(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    feed = override_layout(site, "atom.xml")
    feed.write_text(feed.read_text().replace("<title>{{ title }}</title>", "<title>{{ title }}</titel>", 1))
    assert problems(site)[0].startswith("layouts/atom.xml: this layout makes atom.xml, which is not")


def test_an_include_of_a_layout_that_is_nowhere_names_both_places_it_was_looked_for(tmp_path: Path) -> None:
    site = small_site(tmp_path, {"layouts/page.html": """\
        {% extends "base.html" %}
        {% block content %}
        {% include "partials/sidfot.html" %}
        {% endblock %}
        """})
    assert problems(site) == [
        "layouts/page.html:3: layout 'partials/sidfot.html' is missing: there is no "
        "layouts/partials/sidfot.html and no built-in layout partials/sidfot.html\n"
        "  hint: check the name in {% extends %} or {% include %}; the built-in layouts are in "
        "sbuv_site/default_layouts/"]


def test_a_page_layout_that_is_nowhere_names_both_places_it_was_looked_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a broken installation lacks a page's layout; the message still says where it looked."""
    empty = tmp_path / "tomt"
    empty.mkdir()
    monkeypatch.setattr(defaultfiles, "_package", lambda: empty)
    assert (  # every page kind's missing layout is said, the home page's list.html among them
        "layouts/list.html: layout 'list.html' is missing: there is no layouts/list.html and no "
        "built-in layout list.html\n"
        "  hint: check the name in {% extends %} or {% include %}; the built-in layouts are in "
        "sbuv_site/default_layouts/") in problems(small_site(tmp_path))


def test_a_static_file_of_the_site_is_still_named_with_its_folder(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    site = small_site(tmp_path, {"static/atom.xml": "<feed/>\n"})
    assert main(["--root", str(site), "build"]) == 1
    assert capsys.readouterr().err.startswith("static/atom.xml: static file has the address of the feed")
