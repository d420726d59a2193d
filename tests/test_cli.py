"""The command line, called in-process as editors and CI call it (Click's CliRunner idea)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sbuv_site.build import BuildOptions, build
from sbuv_site.cli import main
from sbuv_site.load import read_source
from tests.conftest import post


def test_new_writes_a_post_skeleton_that_builds(scratch_site, capsys) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({})
    assert main(["--root", str(site), "new", "Besök i Umeå", "--municipality", "umeå",
                 "--tags", "samverkan, kompetens"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path == site / "content/posts/besok-i-umea.md"
    doc = read_source(path.read_bytes(), Path("x.md"), "posts")
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date().isoformat()
    assert doc.front.value == {"title": "Besök i Umeå", "date": today, "municipality": "Umeå",
                               "tags": ["samverkan", "kompetens"]}
    report = build(site, BuildOptions(now=datetime.now(ZoneInfo("UTC"))))
    assert report.posts == 1


def test_new_refuses_an_unknown_municipality_with_a_suggestion(scratch_site, capsys) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({})
    assert main(["--root", str(site), "new", "Besök", "--municipality", "Goteborg"]) == 1
    assert capsys.readouterr().err == (
        "--municipality: unknown municipality 'Goteborg'\n  hint: did you mean 'Göteborg'?\n")
    assert not (site / "content/posts").exists()


def test_new_never_overwrites_an_existing_post(scratch_site, capsys) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({"content/posts/besok.md": "mitt arbete\n"})
    assert main(["--root", str(site), "new", "Besök"]) == 1
    assert "exists already" in capsys.readouterr().err
    assert (site / "content/posts/besok.md").read_text() == "mitt arbete\n"


def test_build_prints_a_one_line_summary(scratch_site, capsys) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({"content/posts/a.md": post("A", "2016-01-01")})
    assert main(["--root", str(site), "build", "--output", str(site / "ut")]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("Built 1 posts into ") and out[0].endswith(" ms")
    assert (site / "ut/2016/01/a/index.html").is_file()


def test_build_errors_are_printed_sorted_without_traceback(scratch_site, capsys) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({
        "content/posts/b.md": post("B", "2016-13-01"),
        "content/posts/a.md": post("A", "2016-01-01", municipality="Umea"),
    })
    assert main(["--root", str(site), "build"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "content/posts/a.md:4: unknown municipality 'Umea'\n  hint: did you mean 'Umeå'?\n"
        "content/posts/b.md:3: date '2016-13-01' has month 13; a month is 1 to 12\n"
        "  hint: write the date as YYYY-MM-DD (year, month, day)\n"
        "2 problems; nothing was written.\n")
    assert not (site / "output").exists()


@pytest.mark.parametrize("command", [[], ["build"], ["serve"], ["new"], ["check"], ["import"]])
def test_every_command_has_help(command: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: sbuv-site" in capsys.readouterr().out


def test_missing_config_is_a_clear_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--root", str(tmp_path), "build"]) == 1
    assert "no config.yaml here" in capsys.readouterr().err


def test_drafts_flag_reaches_the_build(scratch_site) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({"content/posts/a.md": post("Utkast", "2016-01-01", draft="true")})
    assert main(["--root", str(site), "build"]) == 0
    assert not (site / "output/2016").exists()
    assert main(["--root", str(site), "build", "--drafts"]) == 0
    assert (site / "output/2016/01/utkast/index.html").is_file()
