"""SiteError: how one problem prints, how many are gathered and sorted, and 'did you mean'."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from sbuv_site.errors import SiteError, did_you_mean, flatten, fold, raise_all, suggest


def test_format_gives_path_line_message_and_an_indented_hint() -> None:
    err = SiteError(Path("content/2016/ystad.md"), 4, "unknown municipality 'Goteborg'",
                    "did you mean 'Göteborg'?")
    assert err.format() == ("content/2016/ystad.md:4: unknown municipality 'Goteborg'\n"
                            "  hint: did you mean 'Göteborg'?")
    assert str(err) == err.format()


def test_format_leaves_out_what_is_not_known() -> None:
    assert SiteError("config.yaml", None, "no config.yaml here", None).format() == \
        "config.yaml: no config.yaml here"
    assert SiteError(None, None, "nothing to build").format() == "nothing to build"
    assert SiteError("a.md", 0, "line 0 means no line").format() == "a.md: line 0 means no line"


def test_a_site_error_exits_with_status_one() -> None:
    assert SiteError("a.md", 1, "m").exit_code == 1


def test_flatten_sorts_problems_by_path_then_line_through_nested_groups() -> None:
    b3 = SiteError("content/posts/b.md", 3, "third")
    a10 = SiteError("content/posts/a.md", 10, "second")
    a2 = SiteError("content/posts/a.md", 2, "first")
    config = SiteError("config.yaml", 5, "before content/, by name")
    group = ExceptionGroup("4 problems", [b3, ExceptionGroup("inner", [config, a10]), a2])
    assert flatten(group) == [config, a2, a10, b3]  # 10 after 2: lines compare as numbers


def test_flatten_sorts_a_problem_without_line_before_the_file_lines() -> None:
    loop = SiteError("content/posts", None, "symbolic link loop")
    first = SiteError("content/posts", 1, "first line")
    assert flatten(ExceptionGroup("2", [first, loop])) == [loop, first]


def test_flatten_finds_nothing_in_other_exceptions() -> None:
    assert flatten(ValueError("a bug")) == []
    assert flatten(ExceptionGroup("bugs", [KeyError("x")])) == []


def test_raise_all_raises_nothing_one_error_or_a_group() -> None:
    raise_all([])
    one = SiteError("a.md", 1, "one")
    with pytest.raises(SiteError) as caught:
        raise_all([one])
    assert caught.value is one
    two = SiteError("b.md", 2, "two")
    with pytest.raises(ExceptionGroup) as group:
        raise_all([one, two])
    assert group.value.message == "2 problems"
    assert list(group.value.exceptions) == [one, two]


def test_fields_are_fixed_once_set() -> None:
    err = SiteError("a.md", 1, "m", "h")
    with pytest.raises(dataclasses.FrozenInstanceError):
        err.line = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        del err.message
    assert err == SiteError("a.md", 1, "m", "h")
    assert len({err, SiteError("a.md", 1, "m", "h")}) == 1


def test_a_site_error_can_carry_notes_and_pass_through_a_with_block() -> None:
    @contextlib.contextmanager
    def stage() -> Iterator[None]:
        yield  # contextlib sets __traceback__ on the way out: a frozen dataclass refused that

    err = SiteError("a.md", 1, "m")
    err.add_note("while loading")
    with pytest.raises(SiteError) as caught, stage():
        raise err
    assert caught.value is err and err.__notes__ == ["while loading"]


def test_fold_ignores_case_and_diacritics() -> None:
    assert fold("GÖTEBORG") == fold("göteborg") == fold("Goteborg") == "goteborg"
    assert fold("Malå") == "mala"


def test_suggest_finds_the_closest_name_diacritics_ignored() -> None:
    names = ["Göteborg", "Umeå", "Malmö", "Upplands Väsby"]
    assert suggest("Goteborg", names) == "Göteborg"
    assert suggest("umea", names) == "Umeå"
    assert suggest("Upplands Vasby", names) == "Upplands Väsby"
    assert suggest("Malmoe", names) == "Malmö"
    assert suggest("Stockholm", names) is None


def test_did_you_mean_writes_the_hint_or_nothing() -> None:
    assert did_you_mean("per_pgae", ["per_page", "permalink"]) == "did you mean 'per_page'?"
    assert did_you_mean("zzz", ["per_page"]) is None
