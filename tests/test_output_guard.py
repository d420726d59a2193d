"""The output guard: a build never replaces a folder that holds the editor's files or a repository.

Each refused build must leave every file of the site (posts, config, layouts, the fake
repository) byte for byte as it was, exit 1 and name the folder and the rule it breaks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sbuv_site.build import BuildOptions, build
from sbuv_site.cli import main
from sbuv_site.errors import SiteError
from sbuv_site.outputguard import BUILD_MARK, MARK_TEXT
from tests.conftest import NOW, post, write_site


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under root: files by bytes, links by target, folders by name."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = f"-> {path.readlink()}"
        elif path.is_file():
            found[rel] = path.read_bytes()
        else:
            found[rel] = "folder"
    return found


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with its own layouts and static files, a fake repository and an editor's posts."""
    root = tmp_path / "site"
    write_site(root, {"content/posts/besok.md": post("Besök i Umeå", "2016-01-01"),
                      "content/pages/om.md": "---\ntitle: Om bloggen\n---\n\nText.\n",
                      "texter/posts/annan.md": post("Annan", "2016-02-01"),
                      ".git/HEAD": "ref: refs/heads/main\n", ".git/objects/ab/cdef": "blob",
                      ".git/refs/heads/main": "0" * 40 + "\n", "notes/plan.txt": "mina anteckningar\n"})
    return root


def set_config(site: Path, extra: str) -> None:
    with (site / "config.yaml").open("a", encoding="utf-8") as handle:
        handle.write(extra)


def refused(site: Path, capsys: pytest.CaptureFixture[str], *args: str, watch: Path | None = None) -> str:
    """Build with args; assert exit 1, no traceback and nothing changed; return what was printed."""
    watched = watch or site.parent
    before = snapshot(watched)
    code = main(["--root", str(site), "build", *args])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "Traceback" not in err and "\n  hint: " in err
    assert snapshot(watched) == before
    return err


@pytest.mark.parametrize(("output_dir", "says"), [
    ("content/posts", "the output folder lies inside the content folder"),
    ("content", "the output folder is the content folder"),
    ("content/posts/2016", "the output folder lies inside the content folder"),
    ("layouts", "the output folder is the layouts folder"),
    ("static", "the output folder is the static folder"),
    ("static/ut", "the output folder lies inside the static folder"),
    (".", "the output folder is the site folder"),
    ("..", "the output folder holds the site folder"),
    ("../..", "the output folder holds the site folder"),
    ("./content/../content", "the output folder is the content folder"),
    (".git", "the output folder is a version-control folder"),
    (".git/ut", "the output folder lies inside a version-control folder"),
    ("ut/.hg/x", "the output folder lies inside a version-control folder"),
    ("config.yaml", "the output path is an existing file, not a folder"),
    ("config.yaml/ut", "which is a file, not a folder"),
    ("notes", "the output folder holds files that no sbuv-site build made"),
])
def test_an_output_dir_that_would_destroy_the_editors_files_is_refused(
        site: Path, output_dir: str, says: str, capsys: pytest.CaptureFixture[str]) -> None:
    set_config(site, f"output_dir: {output_dir}\n")
    err = refused(site, capsys)
    first = err.splitlines()[0]
    assert says in first, err
    assert first.startswith(f"{site / output_dir}: ") or first.startswith(f"{(site / output_dir).resolve()}")


def test_a_custom_content_dir_is_protected_by_its_configured_name(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    set_config(site, "content_dir: texter\noutput_dir: texter\n")
    err = refused(site, capsys)
    assert f"the output folder is the content folder ({site / 'texter'})" in err


def test_an_output_folder_that_holds_the_content_through_a_link_is_refused(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "publish").symlink_to(site / "content")
    err = refused(site, capsys, "--output", str(tmp_path / "publish"))
    assert "the output folder is the content folder" in err


def test_a_bare_repository_is_refused_even_with_force(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bare = site.parent / "blog.git"
    parts = {"HEAD": "ref: refs/heads/main\n", "objects/pack/x": "", "refs/heads/main": "0\n"}
    for name, text in parts.items():
        (bare / name).parent.mkdir(parents=True, exist_ok=True)
        (bare / name).write_text(text, encoding="utf-8")
    err = refused(site, capsys, "--output", str(bare), "--force")
    assert "the output folder is a version-control folder" in err


@pytest.mark.parametrize("inside", [".git", "sub/dir/.git", ".svn", "arkiv/.hg"])
def test_an_earlier_build_holding_a_repository_is_refused_even_with_force(
        site: Path, inside: str, capsys: pytest.CaptureFixture[str]) -> None:
    output = site / "output"
    output.mkdir()
    (output / BUILD_MARK).write_bytes(MARK_TEXT)
    (output / inside).mkdir(parents=True)
    (output / inside / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    err = refused(site, capsys, "--force")
    assert f"the output folder holds a version-control folder ({output / inside})" in err


def test_a_git_worktree_file_in_the_output_folder_is_refused(site: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    output = site / "output"
    output.mkdir()
    (output / BUILD_MARK).write_bytes(MARK_TEXT)
    (output / ".git").write_text("gitdir: ../.git/worktrees/output\n", encoding="utf-8")
    assert "holds a version-control folder" in refused(site, capsys)


def test_a_folder_of_other_files_needs_force_and_then_is_replaced(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "www"
    other.mkdir()
    (other / "gammal.html").write_text("en annan sajt", encoding="utf-8")
    err = refused(site, capsys, "--output", str(other))
    says = f"{other}: the output folder holds files that no sbuv-site build made (it has no {BUILD_MARK})"
    assert says in err
    assert "build with --force" in err
    assert main(["--root", str(site), "build", "--output", str(other), "--force"]) == 0
    assert not (other / "gammal.html").exists() and (other / "index.html").is_file()
    assert (other / BUILD_MARK).read_bytes() == MARK_TEXT
    assert main(["--root", str(site), "build", "--output", str(other)]) == 0  # now marked: no --force


def test_an_empty_or_missing_folder_needs_no_force(site: Path, tmp_path: Path) -> None:
    (tmp_path / "tom").mkdir()
    for output in (tmp_path / "tom", tmp_path / "ny" / "mapp"):
        build(site, BuildOptions(output=output, now=NOW))
        assert (output / "2016/01/besok-i-umea/index.html").is_file()


def test_the_default_output_inside_a_repository_checkout_is_fine(site: Path) -> None:
    build(site, BuildOptions(now=NOW))
    build(site, BuildOptions(now=NOW))
    assert (site / "output/index.html").is_file() and (site / ".git/HEAD").is_file()


def test_a_symlinked_output_stays_a_link_and_its_target_gets_each_build(site: Path, tmp_path: Path) -> None:
    www = tmp_path / "srv" / "www" / "site"
    www.mkdir(parents=True)
    (site / "output").symlink_to(www)
    build(site, BuildOptions(now=NOW))
    assert (site / "output").is_symlink() and (site / "output").readlink() == www
    assert (www / "2016/01/besok-i-umea/index.html").is_file()
    (site / "content/posts/andra.md").write_text(post("Andra besöket", "2016-03-01"), encoding="utf-8")
    build(site, BuildOptions(now=NOW))
    assert (site / "output").is_symlink() and (site / "output").readlink() == www
    assert (www / "2016/03/andra-besoket/index.html").is_file() and www.is_dir() and not www.is_symlink()
    assert sorted(p.name for p in www.parent.iterdir()) == [".site.lock", "site"]  # staging beside the target
    assert not list(site.glob(".output*"))  # nothing beside the link


def test_a_dangling_output_link_gets_its_target_made(site: Path, tmp_path: Path) -> None:
    www = tmp_path / "srv" / "www" / "site"
    (site / "output").symlink_to(www)
    build(site, BuildOptions(now=NOW))
    assert (site / "output").is_symlink() and (www / "index.html").is_file()


def test_an_output_link_loop_is_a_message(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "output").symlink_to(site / "output")
    assert "the output path is a loop of symbolic links" in refused(site, capsys)


def test_the_guard_runs_before_anything_is_read_or_written(site: Path) -> None:
    set_config(site, "output_dir: content\n")
    (site / "content/posts/trasig.md").write_text("ingen front matter", encoding="utf-8")
    with pytest.raises(SiteError, match="is the content folder"):
        build(site, BuildOptions(now=NOW))
    assert not list(site.glob(".*.lock"))


def test_serve_refuses_the_same_folders_before_it_serves_anything(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(site)  # serve builds into .sbuv-preview/, or where --output says
    assert main(["--root", str(site), "serve", "--port", "1", "--output", str(site / "content")]) == 1
    assert "the output folder is the content folder" in capsys.readouterr().err
    assert snapshot(site) == before


def test_a_linked_build_mark_is_no_mark(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = site / "output"
    output.mkdir()
    (output / "eget.txt").write_text("mitt", encoding="utf-8")
    (output / BUILD_MARK).symlink_to(site / "config.yaml")
    assert "holds files that no sbuv-site build made" in refused(site, capsys)


def test_an_output_dir_with_a_nul_character_is_a_message(site: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    set_config(site, 'output_dir: "ut\\0put"\n')
    err = refused(site, capsys)
    assert "the output path holds a character no file name may have" in err or "output_dir" in err
