"""The --dates file and --date options: every YAML form meets the same date rules, never a traceback."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from sbuv_site.cli import main
from sbuv_site.errors import SiteError, flatten
from sbuv_site.importer import read_date_options
from tests.test_bad_inputs import troubleshooting_patterns


def mapping(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "dates.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str | bytes) -> list[SiteError]:
    with pytest.raises((SiteError, ExceptionGroup)) as caught:
        read_date_options([], mapping(tmp_path, text))
    found = flatten(caught.value)
    assert found, caught.value
    for problem in found:  # each one is a message an editor can look up, with a hint
        assert problem.hint and any(p.search(problem.message) for p in troubleshooting_patterns()), problem
    return found


def test_a_tagged_timestamp_is_checked_as_it_was_written_and_a_good_one_is_read(tmp_path: Path) -> None:
    assert read_date_options([], mapping(tmp_path, "a.txt: !!timestamp 2015-11-17\n")) == {
        "a.txt": date(2015, 11, 17)}
    text = mapping(tmp_path, "a.txt: !!str 2015-11-17\n")
    assert read_date_options([], text) == {"a.txt": date(2015, 11, 17)}


def test_a_tagged_timestamp_before_1900_gives_the_year_message(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, "a.txt: 2015-11-17\nb.txt: !!timestamp 0001-01-01\n")
    assert (problem.line, problem.message) == (2, "b.txt: date '0001-01-01' has the year 1")


def test_a_tagged_timestamp_after_2999_with_an_offset_is_refused_not_overflowed(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, "a.txt: !!timestamp 9999-12-31T23:59:59-14:00\n")
    assert problem.line == 1
    assert problem.message == "a.txt: '9999-12-31T23:59:59-14:00' is not a date YYYY-MM-DD"


def test_a_tagged_timestamp_with_a_time_is_not_a_day(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, "a.txt: !!timestamp 2015-11-17 10:00:00\n")
    assert problem.message == "a.txt: '2015-11-17 10:00:00' is not a date YYYY-MM-DD"


@pytest.mark.parametrize("text", [
    "a.txt: !!timestamp 2015-13-01\n",  # PyYAML's own constructor raises ValueError
    "a.txt: !!timestamp 2015-11-17T10:00:00+25:00\n",  # an offset datetime cannot hold
])
def test_a_tagged_timestamp_yaml_cannot_build_is_a_message(text: str, tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, text)  # explained in README, with a hint (see problems_of)
    assert str(problem.path).endswith("dates.yaml") and problem.line in (None, 1)


@pytest.mark.parametrize("text", ["a.txt: " + "9" * 5000 + "\n", "a.txt: !!int '" + "1" * 5000 + "'\n",
                                  "? " + "7" * 5000 + "\n: 2015-11-17\n"])
def test_an_integer_beyond_pythons_digit_limit_is_a_message(text: str, tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, text)
    assert str(problem.path).endswith("dates.yaml") and problem.line in (None, 1, 2)


def test_a_python_tag_is_refused_at_its_line(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, "a.txt: 2015-11-17\nb.txt: !!python/object/apply:os.system ['true']\n")
    assert problem.line == 2


def test_keys_that_are_not_file_names_are_reported_each_at_its_line(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "1: 2015-11-17\n~: 2015-11-18\n!!binary aGVsbG8=: 2015-11-19\n")
    assert [(p.line, p.message) for p in found] == [
        (1, "the number 1 is not a file name"),
        (2, "nothing is not a file name"),
        (3, "'aGVsbG8=' is not a file name"),
    ]


def test_values_of_other_yaml_types_are_named_as_written(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "a.txt: !!binary aGVsbG8=\nb.txt: !!set {x}\nc.txt: 20151117\n"
                                  "d.txt: !!float 1e400\n")
    assert [p.message for p in found] == [
        "a.txt: 'aGVsbG8=' is not a date YYYY-MM-DD",
        "b.txt: a set is not a date YYYY-MM-DD",
        "c.txt: the number 20151117 is not a date YYYY-MM-DD",
        "d.txt: the number inf is not a date YYYY-MM-DD",
    ]


def test_a_date_option_gets_the_same_year_rule(tmp_path: Path) -> None:
    with pytest.raises(SiteError) as caught:
        read_date_options(["a.txt=0215-11-17"], None)
    assert caught.value.message == "'a.txt=0215-11-17': date '0215-11-17' has the year 215"
    with pytest.raises(SiteError, match="is not a date YYYY-MM-DD"):
        read_date_options(["a.txt=٢٠١٥-١١-١٧"], None)  # Arabic-Indic digits are no year an editor meant


def test_a_deeply_nested_dates_file_is_a_message(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, "a.txt: " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert str(problem.path).endswith("dates.yaml")


@pytest.mark.parametrize("case", ["folder", "fifo", "dev_zero", "too_large", "not_utf8"])
def test_a_dates_file_that_is_no_small_text_file_is_refused_before_it_is_read(
        case: str, tmp_path: Path) -> None:
    path = tmp_path / "dates.yaml"
    if case == "folder":
        path.mkdir()
    elif case == "fifo":
        os.mkfifo(path)
    elif case == "dev_zero":
        os.symlink("/dev/zero", path)
    elif case == "too_large":
        with open(path, "wb") as sparse:
            sparse.truncate(3_000_000)
    else:
        path.write_bytes("a.txt: 2015-11-17 # Göteborg\n".encode("latin-1"))
    with pytest.raises(SiteError) as caught:
        read_date_options([], path)
    expected = {
        "folder": "this is a folder, not a dates file",
        "fifo": "this is a named pipe (FIFO), not a dates file; it is not read",
        "dev_zero": "this is a device, not a dates file; it is not read",
        "too_large": "the file is 3 MB; a dates file may be at most 1 MB",
        "not_utf8": "file is not UTF-8 (it looks like Latin-1 or Windows-1252)",
    }[case]
    assert caught.value.message == expected
    assert any(p.search(caught.value.message) for p in troubleshooting_patterns())


def test_the_command_line_prints_a_tagged_date_problem_without_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "kalix.txt"
    page.write_text("Besök i Kalix\n\nVi var i Kalix.\n", encoding="utf-8")
    dates = mapping(tmp_path, "kalix.txt: !!timestamp 2015-13-01\n")
    code = main(["import", str(page), "--dates", str(dates), "--into", str(tmp_path / "posts")])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert err.startswith(f"{dates}:") and "\n  hint: " in err
    assert not (tmp_path / "posts").exists()


def test_a_merge_key_is_read_and_its_entries_get_the_same_rules(tmp_path: Path) -> None:
    text = "base: &b {a.txt: 2015-11-17}\n<<: *b\n"
    found = problems_of(tmp_path, text)  # 'base' maps to a mapping, which is no date
    assert [p.message for p in found] == ["base: a mapping is not a date YYYY-MM-DD"]
    merged = mapping(tmp_path, "<<: {a.txt: 2015-11-17}\n")
    assert read_date_options([], merged) == {"a.txt": date(2015, 11, 17)}
