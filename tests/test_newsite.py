"""`sbuv-site init DIR`: a new site that builds at once, made only in a new or empty folder."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from sbuv_site import newsite
from sbuv_site.cli import main
from sbuv_site.config import AccessibilityConfig, Config, FeedConfig, MarkdownConfig, VisitConfig, load_config
from sbuv_site.load import load_sources
from sbuv_site.municipalities import load_registry
from tests.conftest import ROOT
from tests.htmltree import parse_file
from tests.test_bad_inputs import troubleshooting_patterns

FILES = ["config.yaml", "content/posts/besok-i-umea.md", "content/pages/om-bloggen.md", ".gitignore"]
NOT_EMPTY_HINT = ("  hint: init writes a new site only into an empty or new folder, and never over a file: "
                  "give a new folder's name, e.g. sbuv-site init min-blogg")


def files_below(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_init_then_build_makes_a_site_with_the_built_in_layouts(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "min-blogg"
    assert main(["init", str(site)]) == 0
    assert capsys.readouterr().out == (
        f"Made a new site in {site}: {', '.join(FILES)}\n"
        f"Next: set base_url and title in {site / 'config.yaml'}, "
        f"then sbuv-site --root {site} build (or serve)\n")
    assert sorted(files_below(site)) == sorted(FILES)
    assert not (site / "layouts").exists() and not (site / "static").exists()
    assert main(["--root", str(site), "build"]) == 0
    out = site / "output"
    links = {a.text(): a.get("href") for a in parse_file(out / "index.html").find_all("a")}
    assert links["Om bloggen"] == "/om-bloggen/"  # in the menu
    assert re.fullmatch(r"/\d{4}/\d\d/besok-i-umea/", links["Besök i Umeå"] or "")  # on the list
    post_page = out / (links["Besök i Umeå"] or "").strip("/") / "index.html"
    assert parse_file(post_page).find("h1").text() == "Besök i Umeå"
    assert parse_file(out / "om-bloggen" / "index.html").find("h1").text() == "Om bloggen"
    assert (out / "kommuner" / "umea" / "index.html").is_file()


def test_init_and_build_work_as_commands_outside_the_repository(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for command in (["init", "blogg"], ["--root", "blogg", "build"]):
        done = subprocess.run([sys.executable, "-m", "sbuv_site", *command], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "blogg" / "output" / "index.html").is_file()
    assert any(p.name.startswith("site.") for p in (tmp_path / "blogg" / "output" / "css").iterdir())


def test_init_refuses_a_folder_that_holds_anything_and_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "blogg"
    (site / "content").mkdir(parents=True)
    (site / "config.yaml").write_text("base_url: https://example.org/\n", encoding="utf-8")
    before = files_below(site)
    assert main(["init", str(site)]) == 1
    assert capsys.readouterr().err == (f"{site}: the folder is not empty (it holds config.yaml, content)\n"
                                       f"{NOT_EMPTY_HINT}\n1 problem; nothing was written.\n")
    assert files_below(site) == before
    assert sorted(p.name for p in site.iterdir()) == ["config.yaml", "content"]


def test_init_refuses_a_hidden_file_too_and_names_at_most_four(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "blogg"
    site.mkdir()
    for name in (".env", "a", "b", "c", "d"):
        (site / name).write_text("x", encoding="utf-8")
    assert main(["init", str(site)]) == 1
    first = capsys.readouterr().err.splitlines()[0]
    assert first == f"{site}: the folder is not empty (it holds .env, a, b, c, …)"


def test_init_refuses_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "blogg").write_text("x", encoding="utf-8")
    assert main(["init", str(tmp_path / "blogg")]) == 1
    assert capsys.readouterr().err == (
        f"{tmp_path / 'blogg'}: this is a file, not a folder\n"
        "  hint: give the name of a new folder, e.g. sbuv-site init min-blogg\n"
        "1 problem; nothing was written.\n")
    assert (tmp_path / "blogg").read_text(encoding="utf-8") == "x"


def test_init_accepts_an_empty_folder_or_one_where_git_init_was_run(tmp_path: Path) -> None:
    (tmp_path / "tom").mkdir()
    (tmp_path / "git" / ".git").mkdir(parents=True)
    (tmp_path / "git" / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    assert newsite.init_site(tmp_path / "tom", date(2026, 1, 2)) == FILES
    assert newsite.init_site(tmp_path / "git", date(2026, 1, 2)) == FILES
    assert (tmp_path / "git" / ".git" / "HEAD").read_text(encoding="utf-8") == "ref: refs/heads/main\n"


def test_init_never_writes_over_a_file_that_appears_meanwhile(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulated: the post's file is made by someone else between the check and the write."""
    site = tmp_path / "blogg"
    real = newsite.create_file

    def racing(path: Path, data: bytes) -> None:
        if path.name == "besok-i-umea.md":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("någon annans", encoding="utf-8")
        real(path, data)

    monkeypatch.setattr(newsite, "create_file", racing)
    with pytest.raises(newsite.SiteError) as caught:
        newsite.init_site(site)
    assert caught.value.format() == (
        f"{site / 'content/posts/besok-i-umea.md'}: this file appeared while the site was made\n"
        "  hint: nothing was overwritten; remove the folder and run init again")
    assert (site / "content/posts/besok-i-umea.md").read_text(encoding="utf-8") == "någon annans"


def config_keys(cls: type, prefix: str = "") -> list[str]:
    return [f"{prefix}{f.name}" for f in dataclasses.fields(cls) if f.name != "line"]


def test_the_new_config_names_every_key_the_config_knows(tmp_path: Path) -> None:
    newsite.init_site(tmp_path / "s", date(2026, 1, 2))
    text = (tmp_path / "s" / "config.yaml").read_text(encoding="utf-8")
    written = set(re.findall(r"^[#\s-]*(\w+):", text, re.MULTILINE))
    known = {*config_keys(Config), *config_keys(MarkdownConfig), *config_keys(FeedConfig),
             *config_keys(VisitConfig), *config_keys(AccessibilityConfig)}
    assert known - written == set()


def defaults(cls: type) -> dict[str, Any]:
    return {f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING}


def test_the_commented_out_values_are_the_defaults(tmp_path: Path) -> None:
    newsite.init_site(tmp_path / "s", date(2026, 1, 2))
    lines = (tmp_path / "s" / "config.yaml").read_text(encoding="utf-8").splitlines()
    top = defaults(Config)
    sections = {"markdown": defaults(MarkdownConfig), "feed": defaults(FeedConfig)}
    checked = 0
    section = None
    for line in lines:
        if match := re.fullmatch(r"# (\w+):(?: (.*))?", line):
            key, value = match.groups()
            section = key if value is None and key in sections else None
            if value is not None and key in top:
                assert yaml.safe_load(value) == top[key], key
                checked += 1
        elif section and (match := re.fullmatch(r"#   (\w+): (.*)", line)):
            assert yaml.safe_load(match.group(2)) == sections[section][match.group(1)], match.group(1)
            checked += 1
    assert checked == 14


def test_the_new_site_is_swedish_with_a_real_municipality_and_tags_as_a_list(tmp_path: Path) -> None:
    site = tmp_path / "s"
    newsite.init_site(site, date(2026, 1, 2))
    config = load_config(site)
    assert (config.title, config.language, config.timezone) == ("Min blogg", "sv", "Europe/Stockholm")
    post, page = sorted(load_sources(site, "content"), key=lambda d: d.kind != "posts")
    front = post.front.value
    assert front["draft"] is False and front["tags"] == ["samverkan", "kompetensförsörjning"]
    assert load_registry().lookup(front["municipality"], {}).name == "Umeå"
    assert front["date"] == "2026-01-02"
    assert page.front.value["title"] == "Om bloggen"
    ignored = (site / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"output/", ".sbuv-cache/"} <= set(ignored)


def test_every_init_message_has_a_troubleshooting_row(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fil").write_text("x", encoding="utf-8")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "a").write_text("x", encoding="utf-8")
    monkeypatch.setattr(newsite, "create_file", lambda path, data: (_ for _ in ()).throw(FileExistsError()))
    messages = []
    for folder in ("fil", "full", "ny"):
        with pytest.raises(newsite.SiteError) as caught:
            newsite.init_site(tmp_path / folder)
        messages.append(caught.value.message)
    assert len(set(messages)) == 3
    for message in messages:
        assert any(p.search(message) for p in troubleshooting_patterns()), message
