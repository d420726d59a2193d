"""The progress bar: on a terminal, after a second; never in CI logs or pipes."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path

from sbuv_site.build import BuildOptions, build
from sbuv_site.progress import DELAY, TerminalProgress
from tests.conftest import NOW


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_build_reports_each_stage_up_to_its_total(copy_fixture: Callable[[str], Path]) -> None:
    seen: dict[str, list[tuple[int, int]]] = {}
    report = build(copy_fixture("full"), BuildOptions(now=NOW, cache=False),
                   progress=lambda stage, done, total: seen.setdefault(stage, []).append((done, total)))
    assert seen["render"][-1] == (report.files, report.files)
    assert seen["read"][-1][0] == seen["read"][-1][1] == 9  # the fixture's posts and page
    assert all(a[0] < b[0] for a, b in zip(seen["render"], seen["render"][1:], strict=False))


def test_on_a_terminal_the_bar_appears_after_a_second_and_is_cleared() -> None:
    stream = Terminal()
    bar = TerminalProgress(stream)
    bar("render", 10, 100)
    assert stream.getvalue() == ""  # a quick build shows nothing
    bar.started = time.monotonic() - DELAY - 0.5
    bar("render", 50, 100)
    shown = stream.getvalue()
    assert shown.startswith("\rBygger") and "50/100" in shown and "#" in shown and "." in shown
    bar.finish()
    assert stream.getvalue().endswith("\r") and stream.getvalue().count("\r") == 3


def test_without_a_terminal_nothing_is_written() -> None:
    stream = io.StringIO()
    bar = TerminalProgress(stream)
    bar.started -= 10
    bar("render", 50, 100)
    bar.finish()
    assert stream.getvalue() == ""
