"""Old addresses keep working: an imported WordPress post's old links lead to its new page."""

from __future__ import annotations

from pathlib import Path

import pytest

from sbuv_site.addresses import MANIFEST
from sbuv_site.build import BuildOptions, build
from sbuv_site.cli import main
from sbuv_site.config import load_config
from sbuv_site.importer import import_paths
from sbuv_site.importer.wxr import read_wxr
from sbuv_site.load import load_inputs
from sbuv_site.markup import make_markdown
from sbuv_site.model import build_site
from sbuv_site.municipalities import load_registry
from sbuv_site.urls import Urls
from sbuv_site.validate import alias_problem, validate
from tests.conftest import FIXTURES, NOW, SHARED, post, write_site
from tests.htmltree import parse_file

EXPORTS = [FIXTURES / "import" / "wordpress-export.xml",
           SHARED / "testdata/wxr/jekyll-import-sitetitle.wordpress.2025-01-19.000.xml",
           SHARED / "testdata/wxr/pelican-wordpressexport.xml"]


def imported_site(tmp_path: Path, export: Path, base_url: str) -> Path:
    if not export.is_file():
        pytest.skip(f"{export} is not here (the shared test data lives outside the repository)")
    site = write_site(tmp_path / "site", {}, None)
    (site / "config.yaml").write_text(f"title: Testbloggen\nbase_url: {base_url}\n", encoding="utf-8")
    import_paths([export], site / "content" / "posts")
    return site


def old_and_new(site: Path) -> list[tuple[str, str]]:
    """(alias as written, the post's URL) for every alias of every built post, from the model."""
    config = load_config(site)
    registry = load_registry()
    documents, _ = load_inputs(site, config.content_dir, config.static_dir)
    posts, pages = validate(documents, registry, config.aliases, config.zone)
    built = build_site(posts, pages, config, registry, make_markdown(False), now=NOW)
    url_of = {p.source.path: p.url for p in built.posts}
    return [(alias.path, url_of[fields.path]) for fields in posts if fields.path in url_of
            for alias in fields.aliases]


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://example.org/blogg/"])
@pytest.mark.parametrize("export", EXPORTS, ids=lambda p: p.name)
def test_each_old_post_address_of_a_wordpress_export_serves_a_redirect_to_its_post(
        export: Path, base_url: str, tmp_path: Path) -> None:
    site = imported_site(tmp_path, export, base_url)
    build(site, BuildOptions(now=NOW))
    output = site / "output"
    urls = Urls.for_config(load_config(site))
    pairs = old_and_new(site)
    assert pairs, "the export's posts have old addresses"
    assert any(old.startswith("/?p=") for old, _ in pairs)
    assert any("?" not in old for old, _ in pairs)
    lines = set((output / "_redirects").read_text(encoding="utf-8").splitlines())
    for old, new in pairs:
        at = urls.alias(old)
        if "?" in old:  # no file can live at /?p=10: only the host's query match leads on
            assert f"{urls.base_path} {old.split('?')[1]} {new} 301" in lines
            continue
        assert f"{at} {new} 301" in lines
        page = parse_file(output / urls.redirect_path(at))
        target = urls.absolute(new)
        assert page.find("html").get("lang") == "sv"
        assert page.find("title").text()
        refresh = page.find("meta", **{"http-equiv": "refresh"}).get("content")
        assert refresh == f"0; url={target}"
        assert page.find("link", rel="canonical").get("href") == target
        assert page.find("meta", name="robots").get("content") == "noindex"
        assert [a.get("href") for a in page.find_all("a")] == [target]
        assert page.find_all("script") == []
        assert (output / urls.output_path(new)).is_file()  # and the post is there
    assert len(lines) == len(pairs)


def test_the_fixture_post_keeps_its_wordpress_link_and_short_link() -> None:
    export = read_wxr(EXPORTS[0].read_bytes(), EXPORTS[0], load_registry())
    pairs = [(p.stem, p.aliases) for p in export.posts]
    assert ("besok-i-umea", ("/2015/12/01/besok-i-umea/", "/?p=10")) in pairs


@pytest.mark.parametrize("path", ["/2015/12/01/besok/", "/?p=123", "/om.html", "/besok",
                                  "/2015/12/01/h%C3%A4lsa/"])
def test_site_paths_and_the_wordpress_short_link_are_aliases(path: str) -> None:
    assert alias_problem(path) is None


@pytest.mark.parametrize("path", ["", "besok/", "//evil.example/x/", "https://evil.example/x/",
                                  "/a b/", "/a/../b/", "/?p=12&x=1", "/?page_id=3", "/x/?p=1",
                                  "/", "/a\tb/", "/a#b", "/%2e%2e/x/", "/a/%2E./b/", "/a%20b/",
                                  "/a%0Ab/", "/a%5C..%5Cb/"])
def test_other_hosts_parent_parts_and_other_queries_are_refused(path: str) -> None:
    assert alias_problem(path) is not None


def test_two_spellings_of_one_old_address_in_one_post_make_one_redirect(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"content/posts/a.md": post(
        "Besök i Umeå", "2015-12-01", aliases="[/gammal/, /2015/12/besok-i-umea/]")})
    build(site, BuildOptions(now=NOW))  # the alias that is the post's own address is no redirect
    lines = (site / "output" / "_redirects").read_text(encoding="utf-8").splitlines()
    assert lines == ["/gammal/ /2015/12/besok-i-umea/ 301"]


def test_check_fails_when_a_published_address_changes_without_an_alias(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site", {"content/posts/a.md": post("Besök i Umeå", "2015-12-01")})
    assert main(["--root", str(site), "addresses", "--update"]) == 0
    assert (site / MANIFEST).read_text(encoding="utf-8").splitlines()[-1] == "/2015/12/besok-i-umea/"
    assert main(["--root", str(site), "build"]) == 0
    assert main(["--root", str(site), "check"]) == 0

    (site / "content/posts/a.md").write_text(post("Besök i Umeå", "2015-12-01", slug="umea"),
                                             encoding="utf-8")
    assert main(["--root", str(site), "build"]) == 0
    capsys.readouterr()
    assert main(["--root", str(site), "check"]) == 1
    err = capsys.readouterr().err
    assert f"{MANIFEST}:4: the published address /2015/12/besok-i-umea/ is no longer served" in err
    assert "add 'aliases: [/2015/12/besok-i-umea/]'" in err

    (site / "content/posts/a.md").write_text(
        post("Besök i Umeå", "2015-12-01", slug="umea", aliases="[/2015/12/besok-i-umea/]"),
        encoding="utf-8")
    assert main(["--root", str(site), "build"]) == 0
    assert main(["--root", str(site), "check"]) == 0
    assert main(["--root", str(site), "addresses", "--update"]) == 0  # adds the new one, keeps the old
    recorded = (site / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert recorded[-2:] == ["/2015/12/besok-i-umea/", "/2015/12/umea/"]


def test_the_repository_site_serves_every_address_it_has_published(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    assert (root / MANIFEST).is_file()
    out = tmp_path / "out"
    assert main(["--root", str(root), "build", "--output", str(out)]) == 0
    assert main(["--root", str(root), "check", "--output", str(out)]) == 0


def test_a_saved_page_keeps_the_address_the_editor_gives(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    site = write_site(tmp_path / "site", {})
    saved = FIXTURES / "import" / "saved-page.txt"
    assert main(["--root", str(site), "import", str(saved), "--date", "saved-page.txt=2015-11-17",
                 "--address", "saved-page.txt=https://www.socialbarnungdom.se/2015/11/17/gammal/"]) == 0
    (written,) = (site / "content/posts").glob("*.md")
    assert "aliases:\n- /2015/11/17/gammal/\n" in written.read_text(encoding="utf-8")
    assert main(["--root", str(site), "build"]) == 0
    page = parse_file(site / "output/2015/11/17/gammal/index.html")
    href = page.find("link", rel="canonical").get("href") or ""
    assert href.startswith("https://example.org/2015/11/") and (site / "output" / href[20:]).is_dir()
    capsys.readouterr()
    assert main(["--root", str(site), "import", str(saved), "--address", "saved-page.txt"]) == 1
    assert "--address: 'saved-page.txt' is not FILE=URL" in capsys.readouterr().err
