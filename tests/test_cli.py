"""The command line, called in-process as editors and CI call it (Click's CliRunner idea)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sbuv_site import cli
from sbuv_site.build import BuildOptions, BuildReport, build
from sbuv_site.cli import main
from sbuv_site.load import read_source
from sbuv_site.validate import NEW_POST_PLACEHOLDER
from tests.conftest import post
from tests.htmltree import parse_file
from tests.test_bad_inputs import SUMMARY, troubleshooting_patterns


def assert_explained(err: str) -> None:
    """Every message printed (hints and the summary line aside) has a row in README's Troubleshooting."""
    for line in err.splitlines():
        if line.startswith("  hint: ") or SUMMARY.match(line):
            continue
        assert any(p.search(line) for p in troubleshooting_patterns()), f"README does not explain {line!r}"


def test_new_writes_a_draft_that_build_leaves_out_and_serve_shows(
        scratch_site, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({})
    assert main(["--root", str(site), "new", "Besök i Umeå", "--municipality", "umeå",
                 "--tags", "samverkan, kompetens"]) == 0
    out, err = capsys.readouterr()
    path = Path(out.strip())  # stdout is the path alone, for scripts and editors' tools
    assert path == site / "content/posts/besok-i-umea.md"
    assert err == (f"note: {path} is a draft: 'sbuv-site serve' shows it; "
                   "remove the line 'draft: true' to publish it\n")
    assert_explained(err)
    doc = read_source(path.read_bytes(), Path("x.md"), "posts")
    today = datetime.now(ZoneInfo("Europe/Stockholm")).date().isoformat()
    assert doc.front.value == {"title": "Besök i Umeå", "date": today, "municipality": "Umeå",
                               "tags": ["samverkan", "kompetens"], "draft": True}
    assert doc.body.strip() == NEW_POST_PLACEHOLDER

    assert main(["--root", str(site), "build"]) == 0  # a draft is never published by a plain build
    assert f"note: {Path('content/posts/besok-i-umea.md')}: draft left out" in capsys.readouterr().err
    assert not (site / "output" / today[:4]).exists()

    served: list[BuildOptions] = []  # serve as the editor runs it, without flags: the draft is there
    monkeypatch.setattr("sbuv_site.serve.serve",
                        lambda root, options, host, port: served.append(options) or 0)
    assert main(["--root", str(site), "serve"]) == 0
    assert main(["--root", str(site), "serve", "--no-drafts"]) == 0
    assert [o.drafts for o in served] == [True, False]
    build(site, served[0])
    page = parse_file(site / "output" / today[:4] / today[5:7] / "besok-i-umea/index.html")
    assert page.find("h1").text() == "Besök i Umeå"
    assert page.find("span", class_="draft").text() == "Utkast"


def test_new_publish_writes_a_post_the_build_refuses_until_its_text_is_written(
        scratch_site, capsys) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({})
    assert main(["--root", str(site), "new", "Besök i Kalix", "--publish"]) == 0
    out, err = capsys.readouterr()
    path = Path(out.strip())
    assert err == ""
    text = path.read_text(encoding="utf-8")
    assert "draft" not in read_source(text.encode(), Path("x.md"), "posts").front.value
    line = text.splitlines().index(NEW_POST_PLACEHOLDER) + 1
    assert main(["--root", str(site), "build"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"content/posts/besok-i-kalix.md:{line}: the post still holds the placeholder text that "
        "'sbuv-site new' wrote\n"
        "  hint: replace that line with the post's own text, or set 'draft: true' to keep the post "
        "out of the site\n"
        "1 problem; nothing was written.\n")
    assert_explained(err)
    path.write_text(text.replace(NEW_POST_PLACEHOLDER, "Samordnaren besökte Kalix."), encoding="utf-8")
    assert main(["--root", str(site), "build"]) == 0


def test_new_takes_draft_or_publish_not_both(scratch_site, capsys) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({})
    with pytest.raises(SystemExit) as exit_info:
        main(["--root", str(site), "new", "Besök", "--draft", "--publish"])
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert not (site / "content/posts").exists()


def test_new_refuses_an_unknown_municipality_with_a_suggestion(scratch_site, capsys) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({})
    assert main(["--root", str(site), "new", "Besök", "--municipality", "Goteborg"]) == 1
    assert capsys.readouterr().err == (
        "--municipality: unknown municipality 'Goteborg'\n  hint: did you mean 'Göteborg'?\n"
        "1 problem; nothing was written.\n")
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


def test_one_problem_ends_with_the_same_summary_line_as_many(scratch_site, capsys) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({"content/posts/a.md": post("A", "2016-13-01")})
    assert main(["--root", str(site), "build"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "content/posts/a.md:3: date '2016-13-01' has month 13; a month is 1 to 12",
        "  hint: write the date as YYYY-MM-DD (year, month, day)",
        "1 problem; nothing was written."]


QUIET_SITE = {"content/posts/a.md": post("A", "2016-01-01"),
              "content/posts/b.md": post("Utkast", "2016-01-02", draft="true")}  # gives a note


def test_build_quiet_prints_nothing_when_all_went_well(scratch_site, capsys) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site(QUIET_SITE)
    assert main(["--root", str(site), "build"]) == 0
    loud = capsys.readouterr()
    assert loud.out.startswith("Built 1 posts") and "note: " in loud.err  # what --quiet leaves out
    assert main(["--root", str(site), "build", "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert (site / "output/2016/01/a/index.html").is_file()


def test_build_quiet_still_prints_every_problem_and_the_summary(scratch_site, capsys) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({"content/posts/a.md": post("A", "2016-01-01", tags="samverkan, kompetens")})
    assert main(["--root", str(site), "build", "-q"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ("content/posts/a.md:4: tag 'samverkan, kompetens' holds a comma, so it would be one tag\n"
                   "  hint: write the tags as a list, one item per tag: tags: [samverkan, kompetens]\n"
                   "1 problem; nothing was written.\n")


def test_build_verbose_prints_each_stage_after_the_summary(scratch_site, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site(QUIET_SITE)
    reports: list[BuildReport] = []

    def recorded(root: Path, options: BuildOptions, **more: object) -> BuildReport:
        reports.append(build(root, options, **more))  # type: ignore[arg-type]
        return reports[-1]

    monkeypatch.setattr(cli, "build", recorded)
    assert main(["--root", str(site), "build", "--verbose"]) == 0
    out, err = capsys.readouterr()
    summary, *stages = out.splitlines()
    assert summary == reports[0].summary()
    assert [line.split()[0] for line in stages] == list(reports[0].timings)
    assert {"load", "validate", "render"} <= set(reports[0].timings)  # render: made and written by workers
    for line, seconds in zip(stages, reports[0].timings.values(), strict=True):
        assert re.fullmatch(r"  \S+ +\d+ ms", line) and line.endswith(f" {seconds * 1000:.0f} ms")
    assert "note: " in err  # notes as without --verbose


def test_quiet_and_verbose_exclude_each_other(scratch_site, capsys) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site(QUIET_SITE)
    with pytest.raises(SystemExit) as exit_info:
        main(["--root", str(site), "build", "--quiet", "--verbose"])
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
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
