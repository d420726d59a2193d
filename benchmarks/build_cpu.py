"""CPU seconds per stage of a clean build in one process, and optionally where they go (cProfile).

Usage: python benchmarks/build_cpu.py SITE [RUNS] [--profile N]
  SITE     a site folder (config.yaml, content/); it is built into a temporary folder, never in place
  RUNS     clean builds to make (default 3); the one with the least CPU is printed, as the machine
           is shared and a busy neighbour only ever adds time
  --profile N   one more build under cProfile: its N functions with the most time of their own

Wall-clock stage times (`sbuv-site build -v`) move with whatever else the machine runs; CPU time
(time.process_time) of one process (workers=1) moves less, and is what speed work changes. On a
machine shared with other busy processes it still grows with their load: compare two checkouts
in turns, not one now and one later. Run it with PYTHONPATH set to the checkout measured, and
TMPDIR=/dev/shm so that writing the output costs what it costs on a RAM disk, not a slow one.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sbuv_site import build as pipeline

T = TypeVar("T")


def cpu_by_stage(site: Path, output: Path) -> tuple[float, dict[str, float]]:
    """One clean one-process build: its CPU seconds in all and per stage."""
    spent: dict[str, float] = {}
    timed = pipeline._timed

    def cpu_timed(clock: dict[str, float], stage: str, step: Callable[[], T]) -> T:
        start = time.process_time()
        try:
            return timed(clock, stage, step)
        finally:
            spent[stage] = spent.get(stage, 0.0) + time.process_time() - start

    pipeline._timed = cpu_timed  # type: ignore[assignment]
    try:
        start = time.process_time()
        pipeline.build(site, pipeline.BuildOptions(output=output, workers=1, cache=False, force=True))
        return time.process_time() - start, spent
    finally:
        pipeline._timed = timed


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    site = Path(args[0])
    runs = int(args[1]) if len(args) > 1 else 3
    profile = int(argv[argv.index("--profile") + 1]) if "--profile" in argv else 0
    if profile:
        args.remove(str(profile))
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        total, stages = min((cpu_by_stage(site, output) for _ in range(runs)), key=lambda r: r[0])
        print(f"clean build of {site}, one process, least CPU of {runs}: {total:.2f} s")
        print("  stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items() if v >= 0.005))
        if profile:
            profiler = cProfile.Profile()
            options = pipeline.BuildOptions(output=output, workers=1, cache=False, force=True)
            profiler.runcall(pipeline.build, site, options)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(profile)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
