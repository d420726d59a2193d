"""The bad-input corpus: every broken input gives clear `path:line: message` + hint, never a traceback.

Each folder in tests/bad_inputs/ is one case: a tiny site (content/, maybe config.yaml and
layouts/ overrides) and expected.yaml saying the exit code and the problems, in the order
they must be printed. See tests/bad_inputs/README.md for the format.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from sbuv_site.cli import main
from sbuv_site.errors import problem_count
from sbuv_site.outputguard import BUILD_MARK, MARK_TEXT
from tests.conftest import BASE_CONFIG, ROOT
from tests.htmltree import Node, parse_file

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.yaml").is_file())
MARKER = "built by an earlier, good build\n"
SUMMARY = re.compile(r"^\d+ problems?; nothing was written\.$")


def runnable_scripts(doc: Node) -> list[Node]:
    """<script> elements a browser would run: all but JSON-LD data blocks, which it never runs."""
    return [s for s in doc.find_all("script") if s.get("type") != "application/ld+json"]


@dataclass(frozen=True)
class Outcome:
    """What one build of a case printed and left behind."""

    site: Path
    code: int
    out: str
    err: str  # with the site's own folder removed from paths, as an editor in it would read them
    seconds: float

    @property
    def problems(self) -> list[tuple[str, str | None]]:
        """Each printed problem: its first line and its hint line (None when it has none)."""
        lines = self.err.splitlines()
        found: list[tuple[str, str | None]] = []
        for index, line in enumerate(lines):
            if not line or line.startswith((" ", "note: ")) or SUMMARY.match(line):
                continue
            following = lines[index + 1] if index + 1 < len(lines) else ""
            found.append((line, following if following.startswith("  hint: ") else None))
        return found

    @property
    def notes(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("note: ")]

    def page(self, url: str) -> Node:
        return parse_file(self.site / "output" / url.strip("/") / "index.html")


def load_expected(case: str) -> dict[str, Any]:
    data = yaml.safe_load((CORPUS / case / "expected.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data.get("exit") in (0, 1), f"{case}: expected.yaml needs exit: 0|1"
    return data


def make_site(case: str, target: Path) -> Path:
    """Copy a case into target: its own files (layouts and static files are built in unless it has them)."""
    expected = load_expected(case)
    site = target / "site"
    shutil.copytree(CORPUS / case, site, ignore=shutil.ignore_patterns("expected.yaml"))
    if not (site / "config.yaml").exists():
        (site / "config.yaml").write_text(BASE_CONFIG, encoding="utf-8")
    for link, points_to in (expected.get("symlinks") or {}).items():
        (site / link).parent.mkdir(parents=True, exist_ok=True)
        (site / link).symlink_to(points_to)
    generated = expected.get("generate")
    if generated:
        (site / generated["path"]).write_bytes(big_post(int(generated["bytes"])))
    (site / "output").mkdir()
    (site / "output" / "marker.txt").write_text(MARKER, encoding="utf-8")
    (site / "output" / BUILD_MARK).write_bytes(MARK_TEXT)  # the sign an earlier build leaves
    return site


PARAGRAPH = ("Samordnaren besökte **Umeå** och talade om [kompetens](https://example.org/) "
             "i den sociala barn- och ungdomsvården, med _många_ exempel från kommunerna.\n\n").encode()


def big_post(size: int) -> bytes:
    """A post of about `size` bytes: paragraphs with a link and emphasis each (slow to render)."""
    head = "---\ntitle: Ett mycket långt inlägg\ndate: 2015-12-01\n---\n\n".encode()
    return head + PARAGRAPH * (size // len(PARAGRAPH) + 1)


def build_case(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> Outcome:
    site = make_site(case, tmp_path)
    start = time.perf_counter()
    code = main(["--root", str(site), "build", *flags])
    seconds = time.perf_counter() - start
    captured = capsys.readouterr()
    return Outcome(site, code, captured.out, captured.err.replace(f"{site}/", ""), seconds)


def expected_first_line(problem: dict[str, Any]) -> str:
    where = problem.get("path")
    if where is None:
        return ""
    return f"{where}:{problem['line']}: " if problem.get("line") is not None else f"{where}: "


@functools.cache
def troubleshooting_patterns() -> list[re.Pattern[str]]:
    """The first column of README's Troubleshooting table, '…' read as 'anything'."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Troubleshooting", 1)[1].split("\n## ", 1)[0]
    patterns = []
    for row in section.splitlines():
        if not row.startswith("| `"):
            continue
        first = row.split(" | ", 1)[0]
        for shown in re.findall(r"`([^`]+)`", first):
            if len(shown.replace("…", "").strip()) < 6:
                continue  # a character shown in passing, such as `'*' …`, is not a message
            parts = [re.escape(part.replace("\\|", "|")) for part in shown.split("…")]
            patterns.append(re.compile(".*".join(parts)))
    return patterns


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_reported_as_expected(case: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    expected = load_expected(case)
    outcome = build_case(case, tmp_path, capsys, *expected.get("flags", []))

    assert "Traceback" not in outcome.err + outcome.out
    assert outcome.code == expected["exit"], outcome.err
    wanted = expected.get("problems") or []
    got = outcome.problems
    assert len(got) == len(wanted), outcome.err
    for (line, hint), problem in zip(got, wanted, strict=True):
        prefix = expected_first_line(problem)
        assert line.startswith(prefix), f"{line!r} should start with {prefix!r}"
        assert problem["message"] in line[len(prefix):], f"{line!r} should say {problem['message']!r}"
        assert hint is not None, f"{line!r} has no hint"
        assert problem["hint"] in hint, f"{hint!r} should say {problem['hint']!r}"
        explained = any(p.search(line[len(prefix):]) for p in troubleshooting_patterns())
        assert explained, f"README's Troubleshooting has no row for {line!r}"
    if wanted:  # one problem too: the same summary line, so the end of the output is always clear
        assert outcome.err.splitlines()[-1] == f"{problem_count(len(wanted))}; nothing was written."
    assert outcome.seconds < expected.get("max_seconds", 10), "a build must not stall"
    for note in expected.get("notes") or []:
        assert any(note in line for line in outcome.notes), outcome.err
    for line in outcome.notes:
        assert any(p.search(line) for p in troubleshooting_patterns()), f"README does not explain {line!r}"
    output = outcome.site / "output"
    if outcome.code == 0:
        assert (output / "index.html").is_file()
        assert not (output / "marker.txt").exists(), "a good build replaces the whole output folder"
    else:
        left_in_output = sorted(p.name for p in output.iterdir())
        assert left_in_output == [BUILD_MARK, "marker.txt"], "a failed build must not write"
        assert (output / "marker.txt").read_text(encoding="utf-8") == MARKER
        left = [p.name for p in outcome.site.glob(".output*") if p.name != ".output.lock"]
        assert not left, "no staging folder is left behind"


def test_corpus_has_at_least_thirty_cases_each_with_a_site() -> None:
    assert len(CASES) >= 30
    for case in CASES:
        assert any((CORPUS / case).iterdir()), case
        assert (CORPUS / case / "config.yaml").exists() or (CORPUS / case / "content").is_dir(), case


def test_bom_and_crlf_post_shows_its_title_and_text(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    outcome = build_case("bom_crlf", tmp_path, capsys)
    doc = outcome.page("/2015/12/besok-i-umea/")
    assert doc.find("h1").text() == "Besök i Umeå"
    assert doc.find("title").text() == "Besök i Umeå – Testbloggen"
    assert "En text från Windows." in doc.find("div", class_="post-body").text()
    assert "\ufeff" not in (outcome.site / "output" / "2015/12/besok-i-umea/index.html").read_text("utf-8")


def test_script_in_title_is_shown_as_text_never_run(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    outcome = build_case("title_with_script", tmp_path, capsys)
    doc = outcome.page("/2015/12/besok-script-alert-x-script-i-umea/")
    assert runnable_scripts(doc) == []
    assert doc.find("h1").text() == "Besök <script>alert('x')</script> i Umeå"
    data = [json.loads(s.text()) for s in doc.find_all("script", type="application/ld+json")]
    assert data[0]["headline"] == "Besök <script>alert('x')</script> i Umeå"  # kept inside the data block
    home = outcome.page("/")
    assert runnable_scripts(home) == []
    assert "Besök <script>alert('x')</script> i Umeå" in home.text()


@pytest.mark.parametrize("case", ["markdown_unsafe_html", "markdown_unsafe_html_allowed"])
def test_scripts_frames_and_javascript_links_never_reach_a_page(
        case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = build_case(case, tmp_path, capsys)
    for url in ("/2015/12/besok-i-umea/", "/"):
        doc = outcome.page(url)
        assert runnable_scripts(doc) == [] and doc.find_all("iframe") == [], url
        hrefs = [node.get("href") or "" for node in doc.iter()]
        assert not any(h.strip().lower().startswith("javascript:") for h in hrefs), url
    body = outcome.page("/2015/12/besok-i-umea/").find("div", class_="post-body").text()
    assert "Första stycket." in body and "Klicka här" in body


def test_post_just_under_the_size_limit_builds_with_every_paragraph(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = build_case("post_900kb", tmp_path, capsys)
    doc = outcome.page("/2015/12/ett-mycket-langt-inlagg/")
    paragraphs = doc.find("div", class_="post-body").find_all("p")
    assert len(paragraphs) == big_post(990_000).count(PARAGRAPH)
    assert paragraphs[-1].find("a").get("href") == "https://example.org/"


def test_future_post_is_built_with_the_future_flag(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    outcome = build_case("post_in_future", tmp_path, capsys, "--future")
    assert outcome.code == 0, outcome.err
    # Only the note every site without an accessibility statement gets: nothing was left out.
    assert [n for n in outcome.notes if "'accessibility:'" not in n] == []
    title = outcome.page("/2999/01/ett-inlagg-fran-framtiden/").find("h1").text()
    assert title == "Ett inlägg från framtiden"


def test_future_post_is_left_out_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = build_case("post_in_future", tmp_path, capsys)
    assert not (outcome.site / "output" / "2999").exists()
    assert outcome.page("/2015/12/ett-inlagg-fran-forr/").find("h1").text() == "Ett inlägg från förr"


def test_code_with_leading_zero_links_the_right_municipality(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = build_case("municipality_code_with_leading_zero", tmp_path, capsys)
    places = outcome.page("/2015/12/besok-i-upplands-vasby/").find("span", class_="places")
    assert [a.text() for a in places.find_all("a")] == ["Upplands Väsby"]


def test_names_typed_in_decomposed_unicode_are_the_composed_names(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = build_case("unicode_decomposed_names", tmp_path, capsys)
    assert outcome.code == 0, outcome.err
    doc = outcome.page("/2015/12/besok-i-umea/")
    assert doc.find("h1").text() == "Besök i Umeå"  # composed (NFC), as typed on most keyboards
    places = doc.find("span", class_="places")
    assert [a.text() for a in places.find_all("a")] == ["Umeå", "Göteborg"]  # the second by its alias
    tag = outcome.page("/taggar/skolgang/")
    assert tag.find("h1").text().count("Skolgång") == 1
    hrefs = {a.get("href") for a in tag.find_all("a")}
    assert {"/2015/12/besok-i-umea/", "/2015/12/skolgang-i-lulea/"} <= hrefs  # one tag, both posts
    assert outcome.page("/kommuner/skovde/").find("h1").text().startswith("Skövde")  # the visit's name


def test_markdown_posts_and_pages_in_any_case_are_published(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    outcome = build_case("markdown_extension_uppercase", tmp_path, capsys)
    assert outcome.code == 0, outcome.err
    assert outcome.page("/2015/12/besok-i-kalix/").find("h1").text() == "Besök i Kalix"
    assert outcome.page("/2015/12/besok-i-lulea/").find("h1").text() == "Besök i Luleå"
    assert outcome.page("/om-bloggen/").find("h1").text() == "Om bloggen"
    titles = [a.text() for a in outcome.page("/").find_all("a") if "/2015/12/" in (a.get("href") or "")]
    assert {"Besök i Kalix", "Besök i Luleå", "Besök i Umeå"} <= set(titles)
