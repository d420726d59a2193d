"""Split the heavy per-file work (reading and Markdown, rendering and writing pages) over the cores.

The work is a function of frozen data, so forked workers inherit the data and take chunks
as they free up; the results are merged in index order, byte-identical to a one-process build.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from sbuv_site.errors import SiteError, raise_all

T = TypeVar("T")
MIN_ITEMS = 300  # below this, starting workers costs more than it saves

_CHUNK_TASK: Callable[[range], Any] | None = None  # set just before forking; workers inherit it


def worker_count(items: int, wanted: int | None = None) -> int:
    """How many processes to use: one for small sites, for threads or where fork is missing."""
    if wanted is not None:
        return max(1, wanted)
    if items < MIN_ITEMS or threading.active_count() > 1 or not sys.platform.startswith("linux"):
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep every object alive now out of the garbage collector's way while a stage runs (gc.freeze).

    Reading, the model and rendering each make far more objects than the site they read, and
    each full collection they set off would walk the whole site again: at 10,000 posts in one
    process that was 1.6 s of collections (a third of the model stage's CPU); frozen, 0.5 s.
    A forked worker's collections then also leave its memory pages shared with the parent, as
    the gc docs advise. The objects are thawed afterwards and collected as before once unused.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _run_chunk(chunk: range) -> tuple[str, Any]:
    assert _CHUNK_TASK is not None
    try:
        return "ok", _CHUNK_TASK(chunk)
    except SiteError as err:
        return "site-error", (str(err.path) if err.path is not None else None, err.line, err.message,
                              err.hint)
    except ExceptionGroup as group:  # several problems in one chunk: every one is reported
        found = [e for e in group.exceptions if isinstance(e, SiteError)]
        if len(found) != len(group.exceptions):
            raise
        return "site-errors", [(str(e.path) if e.path is not None else None, e.line, e.message, e.hint)
                               for e in found]


def run_chunks(task: Callable[[range], list[T]], count: int, workers: int, chunk: int = 32,
               progress: Callable[[int], None] | None = None) -> list[T]:
    """task over range(count) in chunks, on `workers` forked processes; results in index order.

    Chunks are handed out as workers free up, so one slow item (the map) does not hold back
    a fixed share. Workers inherit everything task closes over at the fork: nothing big is
    pickled to them, and only task's (small) results come back. Every chunk's problems are
    gathered and raised together, as a one-process run would.
    """
    global _CHUNK_TASK
    chunks = [range(start, min(start + chunk, count)) for start in range(0, count, chunk)]
    errors: list[SiteError] = []
    merged: list[T] = []

    def take(status: str, value: Any, size: int) -> None:
        if status == "ok":
            merged.extend(value)
        elif status == "site-error":
            errors.append(SiteError(*value))
        else:
            errors.extend(SiteError(*one) for one in value)
        if progress:
            progress(size)

    _CHUNK_TASK = task
    try:
        with frozen_heap():  # a forked worker's collections then leave the parent's pages shared
            if workers <= 1 or len(chunks) <= 1:
                for part in chunks:
                    take(*_run_chunk(part), len(part))
            else:
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    for part, (status, value) in zip(chunks, pool.imap(_run_chunk, chunks), strict=True):
                        take(status, value, len(part))
    finally:
        _CHUNK_TASK = None
    unique = {(str(e.path), e.line, e.message, e.hint): e for e in errors}  # one broken layout, many pages
    raise_all(list(unique.values()))
    return merged
