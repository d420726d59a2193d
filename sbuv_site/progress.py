"""A progress bar for builds that take a while, on a terminal only.

A build shows nothing extra when it is over within a second, or when its output is not a
terminal (CI logs, pipes): there a bar would only be noise, and `\r` makes logs unreadable.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from typing import TextIO

DELAY = 1.0  # seconds before a bar appears
_STAGES = {"read": "Läser", "render": "Bygger"}  # the bar speaks the editor's language, as the site does


class TerminalProgress:
    """Callable as build's progress(stage, done, total); call finish() when the build ends."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self.shown = False
        self._last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if now - self.started < DELAY or (now - self._last < 0.1 and done < total):
            return  # quick builds show nothing; at most ten redraws a second
        self._last = now
        width = max(10, min(40, shutil.get_terminal_size((80, 20)).columns - 40))
        filled = width * done // total
        label = _STAGES.get(stage, stage)
        self.stream.write(f"\r{label:7} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        """Clear the bar's line, so the summary line starts on a clean one."""
        if self.shown:
            width = shutil.get_terminal_size((80, 20)).columns
            self.stream.write("\r" + " " * (width - 1) + "\r")
            self.stream.flush()
            self.shown = False


Progress = Callable[[str, int, int], None]  # (stage, items done, items in all)


def stage_counter(progress: Progress | None, stage: str, total: int) -> Callable[[int], None] | None:
    """One stage's counter for a Progress: called with each batch of items done."""
    if progress is None:
        return None
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        progress(stage, done, total)

    return step
