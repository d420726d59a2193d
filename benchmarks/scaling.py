"""Build time and peak memory at several sizes: is the cost per post flat, and memory bounded?

Usage, from the project root, with sbuv-site installed (pip install -e .):

    python benchmarks/scaling.py 1000 10000 100000          # as the site is configured: search on
    python benchmarks/scaling.py --no-search 1000 10000      # like the anchors' sites: no search index

Each size uses the shared benchmark's deterministic corpus (../shared/bench/anchors/make_corpus.py,
made once under /tmp/anchors/corpus-N), built clean (--no-cache) into /dev/shm, timed with
/usr/bin/time: wall and CPU seconds and the peak resident memory of the largest process. Prints
one line per size and the cost per 1,000 posts relative to the smallest size.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
CORPORA = Path("/tmp/anchors")
OUT = Path("/dev/shm/sbuv-scaling")


def corpus(count: int, search: bool = True) -> Path:
    """The shared corpus of `count` posts, as sbuv-site content (slug from the file name)."""
    folder = CORPORA / f"corpus-{count}"
    if not (folder / "sbuv" / "content" / "posts").is_dir():
        subprocess.run([sys.executable, str(BENCH / "anchors" / "make_corpus.py"), str(count), str(folder)],
                       check=True)
    site = folder / "sbuv-scaling"
    posts = site / "content" / "posts"
    if not (site / ".made").exists():
        shutil.rmtree(site, ignore_errors=True)
        posts.mkdir(parents=True)
        for source in sorted((folder / "sbuv" / "content" / "posts").iterdir()):
            text = source.read_text(encoding="utf-8")
            (posts / source.name).write_text(f"---\nslug: {source.stem}\n" + text[4:], encoding="utf-8")
        (site / ".made").write_text("", encoding="utf-8")
    config = "base_url: https://example.org/\n" + ("" if search else "search: false\n")
    (site / "config.yaml").write_text(config, encoding="utf-8")
    return site


def timed_build(site: Path, out: Path) -> dict[str, float]:
    shutil.rmtree(out, ignore_errors=True)
    command = [shutil.which("sbuv-site") or "sbuv-site", "build", "--no-cache", "--output", str(out)]
    with tempfile.NamedTemporaryFile("r", suffix=".time") as times:
        start = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", times.name, *command], cwd=site,
                       check=True, capture_output=True)
        wall = time.perf_counter() - start
        elapsed, user, system, peak = times.read().split()[-4:]
    return {"wall": wall, "cpu": float(user) + float(system), "rss_mib": int(peak) / 1024,
            "elapsed": float(elapsed)}


def main() -> int:
    search = "--no-search" not in sys.argv
    sizes = [int(n) for n in sys.argv[1:] if n != "--no-search"] or [1000, 10000]
    OUT.mkdir(parents=True, exist_ok=True)
    state = "on" if search else "off"
    print(f"machine: {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}; search {state}")
    base = None
    for count in sizes:
        figures = timed_build(corpus(count, search), OUT / str(count))
        per = figures["wall"] / count * 1000
        base = base or per
        print(f"{count:>7} posts: wall {figures['wall']:7.2f} s, cpu {figures['cpu']:7.2f} s, "
              f"peak rss {figures['rss_mib']:6.0f} MiB, {per:.2f} s per 1,000 posts ({per / base:.2f}x)",
              flush=True)
        shutil.rmtree(OUT / str(count), ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
