"""serve's quick path for text edits, timed in-process: save → the files that show the text rewritten.

Usage, from the project root:

    python benchmarks/text_edit.py SITE [TRIALS]     # a site folder, e.g. /tmp/anchors/corpus-10000/sbuv-site
    python benchmarks/text_edit.py 10000 [TRIALS]    # or a generated blog of N posts (build_speed.make_site)

Builds the site once as `serve` does (drafts shown, search off, in place, the cache in memory),
then TRIALS times appends a sentence to the middle post and runs the quick path for that save
(build.rebuild_edited, what PreviewServer._rebuild calls first). Prints each time (wall and CPU), the
medians and the files made. The whole save → page time a browser sees adds the watcher's batching (about
20-50 ms) and the HTTP request: ../shared/bench/serve_latency.py measures that from outside.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from build_speed import make_site  # type: ignore[import-not-found]

from sbuv_site.build import BuildOptions, BuildState, build, rebuild_edited


def main() -> None:
    what = sys.argv[1] if len(sys.argv) > 1 else "1000"
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    with tempfile.TemporaryDirectory(prefix="sbuv-text-edit-") as scratch:
        if what.isdigit():
            root = Path(scratch) / "site"
            root.mkdir()
            make_site(root, int(what))
        else:
            root = Path(what)
        options = BuildOptions(drafts=True, search=False, output=Path(scratch) / "preview", cache=False)
        state = BuildState(in_place=True)
        start = time.perf_counter()
        first = build(root, options, state)
        print(f"first build: {time.perf_counter() - start:.1f} s, {first.posts} posts, {first.files} files")
        posts = sorted((root / "content" / "posts").rglob("*.md"))
        victim = posts[len(posts) // 2]
        original = victim.read_bytes()
        times, cpu = [], []
        try:
            for trial in range(trials):
                victim.write_bytes(original + f"\n\nRedigerad {trial} {time.time_ns()}.\n".encode())
                start, start_cpu = time.perf_counter(), time.process_time()
                report = rebuild_edited(options, state, frozenset({victim.absolute()}))
                took = time.perf_counter() - start
                cpu.append(time.process_time() - start_cpu)
                if report is None:
                    raise SystemExit(f"{victim}: the quick path did not take this save")
                times.append(took)
                print(f"trial {trial}: {took * 1000:.0f} ms (CPU {cpu[-1] * 1000:.0f} ms), "
                      f"{report.changed} files made", flush=True)
        finally:
            victim.write_bytes(original)
    print(f"quick path, {first.posts} posts: median {statistics.median(times) * 1000:.0f} ms, "
          f"min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}; "
          f"CPU median {statistics.median(cpu) * 1000:.0f} ms (n={len(times)})")


if __name__ == "__main__":
    main()
