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


# parse_yaml decides how a tag, an overlong number or a merge key is refused (today it builds
# tagged values and the importer checks them as written; once the YAML hardening lands it refuses
# the tag itself). Either way the contract below holds: a message at the dates file, at the
# entry's line when one is known, explained in README with a hint; never a date the plain form
# would refuse, never a traceback.
@pytest.mark.parametrize("value", [
    "!!timestamp 0001-01-01",  # before 1900
    "!!timestamp 9999-12-31T23:59:59-14:00",  # after 2999, and an offset that overflows in Stockholm
    "!!timestamp 2015-11-17 10:00:00",  # a time: no day
    "!!timestamp 2015-13-01",  # PyYAML's own constructor raises ValueError
    "!!timestamp 2015-11-17T10:00:00+25:00",  # an offset no datetime can hold
    "!!binary aGVsbG8=", "!!set {x}", "!!float 1e400", "!!int '" + "1" * 5000 + "'",
    "!!python/object/apply:os.system ['true']", "9" * 5000,
])
def test_a_value_in_any_yaml_form_that_is_no_valid_day_is_a_message_at_its_line(
        value: str, tmp_path: Path) -> None:
    found = problems_of(tmp_path, f"a.txt: 2015-11-17\nb.txt: {value}\n")
    assert [(str(p.path).endswith("dates.yaml"), p.line in (None, 2)) for p in found] == [(True, True)]


def test_a_tagged_day_before_1900_gets_the_year_rule_when_yaml_reads_it(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path, "a.txt: 2015-11-17\nb.txt: !!timestamp 0001-01-01\n")
    assert problem.line == 2
    assert problem.message in ("b.txt: date '0001-01-01' has the year 1",  # the tag read, the day checked
                               "the YAML tag '!!timestamp' is not allowed")  # the tag refused


def test_a_valid_tagged_day_is_that_day_or_a_message(tmp_path: Path) -> None:
    for value in ("!!timestamp 2015-11-17", "!!str 2015-11-17"):
        path = mapping(tmp_path, f"a.txt: {value}\n")
        try:
            assert read_date_options([], path) == {"a.txt": date(2015, 11, 17)}
        except SiteError as problem:
            assert problem.line == 1 and any(p.search(problem.message) for p in troubleshooting_patterns())


def test_keys_that_yaml_reads_as_no_text_are_file_names_or_messages(tmp_path: Path) -> None:
    path = mapping(tmp_path, "1: 2015-11-17\n~: 2015-11-18\n? " + "7" * 5000 + "\n: 2015-11-19\n")
    try:
        dates = read_date_options([], path)
    except (SiteError, ExceptionGroup) as caught:
        found = flatten(caught)
        assert [p.line for p in found if p.line is not None] in ([1, 2], [1, 2, 3], [3], [])
        assert all(any(p.search(problem.message) for p in troubleshooting_patterns()) for problem in found)
    else:
        assert dates == {"1": date(2015, 11, 17), "~": date(2015, 11, 18), "7" * 5000: date(2015, 11, 19)}


def test_values_of_other_kinds_are_named_in_the_message(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "c.txt: 20151117\nd.txt: 1e400\ne.txt: [2015-11-17]\nf.txt:\n")
    assert [(p.line, p.message) for p in found] == [
        (1, "c.txt: the number 20151117 is not a date YYYY-MM-DD"),
        (2, "d.txt: '1e400' is not a date YYYY-MM-DD"),
        (3, "e.txt: a list is not a date YYYY-MM-DD"),
        (4, "f.txt: nothing is not a date YYYY-MM-DD"),
    ]


def test_a_merge_key_never_lets_a_bad_date_through(tmp_path: Path) -> None:
    found = problems_of(tmp_path, "base: &b {a.txt: 2015-13-01}\n<<: *b\n")
    assert all(p.line in (1, 2) for p in found)


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
