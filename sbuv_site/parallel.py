"""Split the pure, heavy stages (Markdown, page rendering) over the machine's cores.

The stages are pure functions of frozen data, so forked workers inherit the data and
each does a fixed share; the results are merged in a fixed order, byte-identical to a
one-process build.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sbuv_site.errors import SiteError

T = TypeVar("T")
MIN_ITEMS = 300  # below this, starting workers costs more than it saves

_TASK: Callable[[int, int], Any] | None = None  # set just before forking; workers inherit it


def worker_count(items: int, wanted: int | None = None) -> int:
    """How many processes to use: one for small sites, for threads or where fork is missing."""
    if wanted is not None:
        return max(1, wanted)
    if items < MIN_ITEMS or threading.active_count() > 1 or not sys.platform.startswith("linux"):
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _run_share(share: tuple[int, int]) -> tuple[str, Any]:
    assert _TASK is not None
    try:
        return "ok", _TASK(*share)
    except SiteError as err:  # sent back as plain values: SiteError is rebuilt in the parent
        return "site-error", (str(err.path) if err.path is not None else None, err.line, err.message,
                              err.hint)


def run_shared(task: Callable[[int, int], list[T]], workers: int) -> list[T]:
    """Run task(k, n) for k in 0..n-1 in n forked processes and join the lists in order of k."""
    global _TASK
    if workers <= 1:
        return task(0, 1)
    _TASK = task
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_run_share, [(k, workers) for k in range(workers)])
    finally:
        _TASK = None
    merged: list[T] = []
    for status, value in results:
        if status == "site-error":
            path, line, message, hint = value
            raise SiteError(path, line, message, hint)
        merged.extend(value)
    return merged


def split(items: Sequence[T], k: int, n: int) -> Sequence[T]:
    """The k-th of n interleaved shares of items (interleaved, so long and short items mix)."""
    return items[k::n]
