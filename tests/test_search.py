"""The search index: built with the site, reused when no page changed, and every failure a plain message."""

from __future__ import annotations

import errno
import gzip
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sbuv_site import search
from sbuv_site.build import BuildOptions, build
from sbuv_site.cli import main
from sbuv_site.errors import SiteError
from sbuv_site.sharing import search_filters
from tests.conftest import NOW, post
from tests.htmltree import parse_file
from tests.test_bad_inputs import troubleshooting_patterns

POSTS = {
    "content/posts/vetlanda.md": post("Vetlanda", "2015-11-17", "Elva ensamkommande barn.",
                                      municipality="Vetlanda", tags="[ensamkommande]"),
    "content/posts/kalix.md": post("Haninge och Kalix", "2016-03-10", "Extrabesök i två kommuner.",
                                   municipality="[Haninge, Kalix]", tags="[Samverkan]"),
    "content/pages/om.md": "---\ntitle: Om bloggen\n---\n\nSamordnarens blogg.\n",
}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def indexed_text(out: Path) -> str:
    """The text of every page in the index: Pagefind's fragments are gzip'd JSON after a signature."""
    texts = []
    for fragment in sorted((out / "pagefind" / "fragment").iterdir()):
        data = gzip.decompress(fragment.read_bytes())
        texts.append(json.loads(data[data.index(b"{"):])["content"])
    return "\n".join(texts)


def pages_digest(tree: Path, version: str) -> str:
    """The digest of tree's index, which must be one part (as these small sites have)."""
    parts = search.plan_parts(tree, version)
    assert len(parts) == 1, parts
    return parts[0].digest


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def site(scratch_site: Callable[..., Path]) -> Path:
    return scratch_site(POSTS)


def test_a_build_indexes_the_posts_and_pages_in_swedish(site: Path) -> None:
    build(site, BuildOptions(now=NOW))
    out = site / "output"
    entry = json.loads((out / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["sv"]
    assert entry["languages"]["sv"]["page_count"] == 3  # two posts and a page; no list, map or /sok/
    text = indexed_text(out)
    assert "Elva ensamkommande barn." in text and "Samordnarens blogg." in text
    assert "Hoppa till innehållet" not in text and "Prenumerera" not in text  # no navigation or footer
    assert (out / "pagefind" / search.DIGEST_FILE).read_text(encoding="utf-8") == pages_digest(
        out, search._pagefind_version())
    search_page = parse_file(out / "sok/index.html")
    scripts = [s.get("src") for s in search_page.find_all("script")]
    assert scripts == ["/pagefind/pagefind-ui.js", "/search.js"]
    assert all((out / src.lstrip("/")).is_file() for src in scripts if src)
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/sok/</loc>" in sitemap


def test_a_post_names_its_filters_and_its_date_and_municipality_for_results(site: Path) -> None:
    build(site, BuildOptions(now=NOW))
    article = parse_file(site / "output/2016/03/haninge-och-kalix/index.html").find("article")
    assert article.get("data-pagefind-body") == ""
    filters = [span.get("data-pagefind-filter") for span in article.find_all("span")
               if span.get("data-pagefind-filter")]
    assert filters == ["Kommun:Haninge", "Kommun:Kalix", "Län:Stockholms län", "Län:Norrbottens län",
                       "Tagg:Samverkan", "År:2016"]
    meta = {node.get("data-pagefind-meta"): node.text() for node in article.iter()
            if node.get("data-pagefind-meta")}
    assert meta.keys() == {"datum", "kommun"} and meta["datum"] == "10 mars 2016"
    assert meta["kommun"].replace(" ,", ",") == "Haninge, Kalix"  # htmltree joins text nodes with spaces


def test_a_tag_spelt_two_ways_is_one_filter_value_named_as_on_the_tag_index(
        scratch_site: Callable[..., Path]) -> None:
    site = scratch_site({"content/posts/a.md": post("A", "2016-01-01", tags="[samverkan]"),
                         "content/posts/b.md": post("B", "2016-02-01", tags="[Samverkan]")})
    build(site, BuildOptions(now=NOW, search=False))
    for url in ("2016/01/a", "2016/02/b"):
        spans = parse_file(site / "output" / url / "index.html").find("article").find_all("span")
        assert "Tagg:Samverkan" in [s.get("data-pagefind-filter") for s in spans], url


def test_an_unchanged_rebuild_reuses_the_index_by_hard_links(site: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    build(site, BuildOptions(now=NOW))
    bundle = site / "output" / "pagefind"
    before, files = inodes(bundle), tree(bundle)

    def no_pagefind(*args: object) -> None:
        raise AssertionError("Pagefind ran although no page changed")

    monkeypatch.setattr(search, "run_pagefind", no_pagefind)
    build(site, BuildOptions(now=NOW))
    assert inodes(bundle) == before  # the very same files, linked into the new tree
    assert tree(bundle) == files


def test_the_index_is_copied_where_hard_links_are_refused(site: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    build(site, BuildOptions(now=NOW))
    bundle = site / "output" / "pagefind"
    before, files = inodes(bundle), tree(bundle)

    def refuse(source: object, target: object) -> None:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr(search.os, "link", refuse)
    monkeypatch.setattr(search, "run_pagefind", lambda *args: pytest.fail("Pagefind ran"))
    build(site, BuildOptions(now=NOW, cache=False))  # every page made again, and the same
    after = inodes(bundle)
    assert tree(bundle) == files
    assert set(after) == set(before) and not set(after.values()) & set(before.values())


def test_a_post_edit_runs_pagefind_again_and_the_new_words_are_found(site: Path) -> None:
    build(site, BuildOptions(now=NOW))
    bundle = site / "output" / "pagefind"
    digest = (bundle / search.DIGEST_FILE).read_text(encoding="utf-8")
    entry = (bundle / "pagefind-entry.json").stat().st_ino
    assert "placeringar" not in indexed_text(site / "output")
    (site / "content/posts/vetlanda.md").write_text(
        post("Vetlanda", "2015-11-17", "Elva ensamkommande barn och nya placeringar.",
             municipality="Vetlanda"), encoding="utf-8")
    build(site, BuildOptions(now=NOW))
    assert (bundle / search.DIGEST_FILE).read_text(encoding="utf-8") != digest
    assert (bundle / "pagefind-entry.json").stat().st_ino != entry  # written anew, not linked
    assert "Elva ensamkommande barn och nya placeringar." in indexed_text(site / "output")


def part_texts(out: Path) -> dict[str, str]:
    """Each part of the index (its folder in pagefind/) and the text it holds."""
    folders = [""] + json.loads((out / "pagefind" / search.PARTS_FILE).read_text(encoding="utf-8"))
    texts = {}
    for folder in folders:
        fragments = sorted((out / "pagefind" / folder / "fragment").iterdir())
        data = [gzip.decompress(f.read_bytes()) for f in fragments]
        texts[folder] = "\n".join(json.loads(d[d.index(b"{"):])["content"] for d in data)
    return texts


def recorded_runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The pages of each Pagefind run from now on (the runs still happen)."""
    runs: list[tuple[str, ...]] = []
    real = search.run_pagefind

    def recording(program: Path, tree: Path, pages: tuple[str, ...] | None = None, *args: object) -> None:
        runs.append(tuple(pages or ()))
        real(program, tree, pages, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "run_pagefind", recording)
    return runs


def test_a_large_site_is_indexed_in_parts_in_address_order_and_lists_them_for_search_js(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "PART_PAGES", 2)
    runs = recorded_runs(monkeypatch)
    build(site, BuildOptions(now=NOW))
    out = site / "output"
    assert sorted(runs) == [("2015/11/vetlanda/index.html", "2016/03/haninge-och-kalix/index.html"),
                            ("om-bloggen/index.html",)]
    texts = part_texts(out)
    assert list(texts) == ["", "parts/2/"]
    assert "Elva ensamkommande barn." in texts[""] and "Extrabesök i två kommuner." in texts[""]
    assert "Samordnarens blogg." in texts["parts/2/"] and "Elva" not in texts["parts/2/"]
    for folder, count in (("", 2), ("parts/2/", 1)):
        entry = json.loads((out / "pagefind" / folder / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["sv"]["page_count"] == count
        assert (out / "pagefind" / folder / search.DIGEST_FILE).is_file()
    assert not [p for p in out.iterdir() if p.name.startswith(search.PAGES_DIR)]


def test_an_edit_indexes_again_only_the_part_that_holds_the_edited_page(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "PART_PAGES", 1)
    build(site, BuildOptions(now=NOW))
    bundle = site / "output" / "pagefind"
    before = inodes(bundle / "parts")
    runs = recorded_runs(monkeypatch)
    (site / "content/posts/kalix.md").write_text(
        post("Haninge och Kalix", "2016-03-10", "Extrabesök och nya placeringar.",
             municipality="[Haninge, Kalix]", tags="[Samverkan]"), encoding="utf-8")
    build(site, BuildOptions(now=NOW))
    assert runs == [("2016/03/haninge-och-kalix/index.html",)]
    assert "nya placeringar" in part_texts(site / "output")["parts/2/"]
    after = inodes(bundle / "parts")
    assert {k: v for k, v in after.items() if k.startswith("3/")} == {
        k: v for k, v in before.items() if k.startswith("3/")}  # the page's part: linked, not made
    assert after["2/pagefind-entry.json"] != before["2/pagefind-entry.json"]


def test_parts_whose_pages_moved_to_another_part_number_are_still_reused(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "PART_PAGES", 1)
    build(site, BuildOptions(now=NOW))
    runs = recorded_runs(monkeypatch)
    (site / "content/pages/fakta.md").write_text("---\ntitle: Fakta\n---\n\nSiffror om placeringar.\n",
                                                 encoding="utf-8")
    build(site, BuildOptions(now=NOW))  # fakta/ comes before om-bloggen/, which moves from part 3 to 4
    assert runs == [("fakta/index.html",)]
    texts = part_texts(site / "output")
    assert list(texts) == ["", "parts/2/", "parts/3/", "parts/4/"]
    assert "Siffror om placeringar." in texts["parts/3/"] and "Samordnarens blogg." in texts["parts/4/"]


def test_a_part_that_fails_stops_the_build_with_pagefinds_words_and_keeps_output(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(search, "PART_PAGES", 1)
    build(site, BuildOptions(now=NOW, search=False))
    before = tree(site / "output")
    program = fake_program(tmp_path, '#!/bin/sh\ncase "$2" in *-2) echo "Error: part two broke" >&2; '
                                     'exit 1;; esac\nmkdir -p "$4"\n')
    monkeypatch.setattr(search, "find_program", lambda: program)
    assert fails(site, capsys).splitlines()[0] == "Pagefind could not index the site: part two broke"
    assert tree(site / "output") == before


def test_the_digest_changes_with_any_page_and_with_pagefinds_version(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_bytes(b"<p>ett</p>")
    (tmp_path / "style.css").write_bytes(b"p {}")
    first = pages_digest(tmp_path, "1.5.2")
    (tmp_path / "style.css").write_bytes(b"p { color: red }")  # Pagefind reads no CSS
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "pagefind/x.html").write_bytes(b"its own")  # nor its own folder
    assert pages_digest(tmp_path, "1.5.2") == first
    assert pages_digest(tmp_path, "1.6.0") != first
    (tmp_path / "a/index.html").write_bytes(b"<p>tv\xc3\xa5</p>")
    assert pages_digest(tmp_path, "1.5.2") != first
    (tmp_path / "a/index.html").write_bytes(b"<p>ett</p>")
    (tmp_path / "a/index.html").rename(tmp_path / "b.html")  # same bytes, another address
    assert pages_digest(tmp_path, "1.5.2") != first


def test_search_false_makes_no_index_no_search_page_and_no_link(scratch_site: Callable[..., Path]) -> None:
    site = scratch_site(POSTS, "search: false\n")
    build(site, BuildOptions(now=NOW))
    out = site / "output"
    assert not (out / "pagefind").exists() and not (out / "sok").exists()
    home = parse_file(out / "index.html")
    assert "/sok/" not in [a.get("href") for a in home.find("header").find_all("a")]
    assert "sok" not in (out / "sitemap.xml").read_text(encoding="utf-8")


def fails(site: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Build through the CLI, which must fail with exit 1 and no traceback; what it printed."""
    assert main(["--root", str(site), "build"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    first = err.splitlines()[0]
    assert any(p.search(first) for p in troubleshooting_patterns()), f"README does not explain {first!r}"
    return err.replace(str(site) + os.sep, "")


def test_without_pagefind_installed_the_build_says_how_to_install_it_and_keeps_output(
        site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    build(site, BuildOptions(now=NOW))
    before = tree(site / "output")
    (site / "content/posts/vetlanda.md").write_text(post("Vetlanda", "2015-11-17", "Ändrad."),
                                                    encoding="utf-8")
    monkeypatch.setitem(sys.modules, "pagefind_bin", None)  # import pagefind_bin raises ImportError
    assert fails(site, capsys).splitlines()[:2] == [
        "search is on, but Pagefind is not installed",
        "  hint: install it with: pip install 'pagefind[bin]' (sbuv-site's own install brings it), "
        "or write 'search: false' in config.yaml to build without search"]
    assert tree(site / "output") == before


def test_a_pagefind_package_without_its_program_is_named(
        site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import pagefind_bin  # type: ignore[import-untyped]

    def missing() -> Path:
        raise FileNotFoundError("Could not find any of [...]")

    monkeypatch.setattr(pagefind_bin, "get_executable", missing)
    assert fails(site, capsys).splitlines()[:2] == [
        "search is on, but the Pagefind program is missing from its package (pagefind_bin)",
        "  hint: reinstall it with: pip install --force-reinstall 'pagefind[bin]', "
        "or write 'search: false' in config.yaml to build without search"]
    assert not (site / "output").exists()


def fake_program(tmp_path: Path, script: str) -> Path:
    program = tmp_path / "pagefind"
    program.write_text(script, encoding="utf-8")
    program.chmod(0o755)
    return program


def test_a_failing_pagefind_is_reported_in_its_own_words_and_output_is_kept(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    build(site, BuildOptions(now=NOW, search=False))
    before = tree(site / "output")
    program = fake_program(tmp_path, "#!/bin/sh\necho 'Running Pagefind'\n"
                                     "echo 'Error: No space left on device (os error 28)' >&2\n"
                                     "echo 'Error: No space left on device (os error 28)' >&2\nexit 1\n")
    monkeypatch.setattr(search, "find_program", lambda: program)
    assert fails(site, capsys).splitlines()[:2] == [
        "Pagefind could not index the site: No space left on device (os error 28)",
        "  hint: the output folder was left as it was; fix the cause and build again, or write "
        "'search: false' in config.yaml to build without search"]
    assert tree(site / "output") == before
    assert [p.name for p in site.iterdir() if p.name.startswith(".output.tmp")] == []  # no staging left


def test_a_pagefind_that_cannot_start_is_reported(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    program = fake_program(tmp_path, "not a program\n")  # no #! line: the kernel refuses to run it
    monkeypatch.setattr(search, "find_program", lambda: program)
    assert fails(site, capsys).splitlines()[:2] == [
        "Pagefind could not be started: Exec format error",
        "  hint: reinstall it with: pip install --force-reinstall 'pagefind[bin]', "
        "or write 'search: false' in config.yaml to build without search"]


def test_pagefind_gets_no_pagefind_settings_from_the_editors_environment(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen, where, pages = tmp_path / "env.txt", tmp_path / "cwd.txt", tmp_path / "pages.txt"
    program = fake_program(tmp_path, f"#!/bin/sh\nenv > {seen}\nls -A > {where}\n"
                                     f'cd "$2" && find . -name "*.html" | sort > {pages}\n'
                                     'mkdir -p "$4"\n')  # --site $2 --output-path $4
    monkeypatch.setattr(search, "find_program", lambda: program)
    monkeypatch.setenv("PAGEFIND_SITE", "/elsewhere")
    monkeypatch.chdir(site)  # where a pagefind.yml of the editor's could lie
    (site / "pagefind.yml").write_text("site: /elsewhere\n", encoding="utf-8")
    build(site, BuildOptions(now=NOW))
    assert "PAGEFIND_" not in seen.read_text(encoding="utf-8")
    assert where.read_text(encoding="utf-8") == ""  # it runs in an empty folder, not the site's
    # and it reads only the pages with data-pagefind-body: the posts and pages, not lists or the map
    assert pages.read_text(encoding="utf-8").split() == [
        "./2015/11/vetlanda/index.html", "./2016/03/haninge-och-kalix/index.html", "./om-bloggen/index.html"]
    assert not [p for p in (site / "output").iterdir() if p.name.startswith(search.PAGES_DIR)]


def test_a_pagefind_folder_the_site_makes_itself_is_refused(
        scratch_site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    site = scratch_site({**POSTS, "static/pagefind/notes.txt": "mine\n"})
    assert fails(site, capsys).splitlines()[:2] == [
        "output/pagefind: the site makes a 'pagefind' folder, where the search index goes",
        "  hint: rename the static folder's 'pagefind' (it would be overwritten), or write "
        "'search: false' in config.yaml to build without search"]


def test_a_missing_search_script_is_named_with_a_way_out(
        site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from sbuv_site import load  # search.js is built in: only a broken installation lacks it

    everything = load.builtin_static()
    without = tuple(f for f in everything if f.relpath != "search.js")
    monkeypatch.setattr(load, "builtin_static", lambda: without)
    assert fails(site, capsys).splitlines()[:2] == [
        "static/search.js: search is on, but search.js, which starts the search page, is missing",
        "  hint: copy search.js from the static folder of sbuv-site's repository, or write "
        "'search: false' in config.yaml"]


def test_search_filters_name_each_municipality_county_tag_and_the_year() -> None:
    from sbuv_site.model import Link, Post

    class Place:
        def __init__(self, name: str, county: str) -> None:
            self.name, self.county = name, county

    fields = dict.fromkeys(Post.__slots__)
    fields |= {"municipalities": (Place("Umeå", "Västerbottens län"), Place("Vännäs", "Västerbottens län")),
               "tag_links": (Link("bbic", "/taggar/bbic/"),), "date": None}
    undated = Post(**fields)  # type: ignore[arg-type]
    assert search_filters(undated, {"/taggar/bbic/": "BBIC"}) == (
        "Kommun:Umeå", "Kommun:Vännäs", "Län:Västerbottens län", "Tagg:BBIC")


def test_a_failed_index_through_write_output_leaves_the_old_tree(tmp_path: Path) -> None:
    from sbuv_site.render import OutputFile
    from sbuv_site.write import write_output

    out = tmp_path / "output"
    write_output([OutputFile("index.html", b"old")], out)
    seen: list[tuple[Path, Path | None]] = []

    def refuse(staging: Path, previous: Path | None) -> None:
        seen.append((staging, previous))
        assert (staging / "index.html").read_bytes() == b"new"  # every file is written first
        raise SiteError(None, None, "no index")

    with pytest.raises(SiteError):
        write_output([OutputFile("index.html", b"new")], out, before_swap=refuse)
    assert (out / "index.html").read_bytes() == b"old"
    assert seen[0][1] == out.resolve() and not seen[0][0].exists()


def test_a_site_with_no_posts_or_pages_yet_still_gets_a_working_search_page(
        scratch_site: Callable[..., Path]) -> None:
    site = scratch_site({})
    build(site, BuildOptions(now=NOW))
    out = site / "output"
    assert (out / "sok/index.html").is_file() and (out / "pagefind/pagefind-ui.js").is_file()
