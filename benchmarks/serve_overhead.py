"""What the preview server adds to a rebuild: save → rebuild start, rebuild end → reload message
→ page served, measured in-process around serve.py's build seam (PreviewServer._rebuild).

Usage: python benchmarks/serve_overhead.py [N] [TRIALS]   (defaults 200 posts, 10 trials).
The save-to-page time a browser sees is these plus the build itself; ../shared/bench/serve_latency.py
measures that whole, over HTTP, from outside.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import queue
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from build_speed import make_site  # type: ignore[import-not-found]
from tornado.websocket import websocket_connect

from sbuv_site.build import BuildOptions, BuildReport
from sbuv_site.previewhttp import PROTOCOL
from sbuv_site.serve import PreviewServer


def listen(port: int, arrived: queue.Queue[float], ready: threading.Event) -> None:
    """A livereload client: the moment of each reload message goes into `arrived`."""

    async def talk() -> None:
        conn = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
        await conn.write_message(json.dumps({"command": "hello", "protocols": [PROTOCOL]}))
        await conn.read_message()
        await conn.write_message(json.dumps({"command": "info", "url": "http://127.0.0.1/"}))
        ready.set()
        while await conn.read_message() is not None:
            arrived.put(time.perf_counter())

    asyncio.run(talk())


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_site(root, count)
        server = PreviewServer(root, BuildOptions(), port=0, err=lambda text: None)
        server.listen()
        server.rebuild()
        marks: dict[str, float] = {}
        real = server._rebuild

        def timed(changed: frozenset[Path]) -> BuildReport:
            marks["start"] = time.perf_counter()
            try:
                return real(changed)
            finally:
                marks["end"] = time.perf_counter()

        server._rebuild = timed  # type: ignore[method-assign]
        server.start()
        server.run_in_thread()
        arrived: queue.Queue[float] = queue.Queue()
        ready = threading.Event()
        threading.Thread(target=listen, args=(server.port, arrived, ready), daemon=True).start()
        ready.wait(30)
        post = root / "content/posts/post-00000.md"
        original = post.read_text(encoding="utf-8")
        url = post_url(root)
        rows = []
        for trial in range(trials):
            marker = f"SERVEPROBE{trial}X{time.time_ns()}"
            saved = time.perf_counter()
            post.write_text(original + f"\n{marker}\n", encoding="utf-8")
            reloaded = arrived.get(timeout=600)
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            conn.request("GET", url)
            body = conn.getresponse().read()
            served = time.perf_counter()
            conn.close()
            assert marker.encode() in body, "the reloaded page is not the new one"
            rows.append((marks["start"] - saved, marks["end"] - marks["start"], reloaded - marks["end"],
                         served - reloaded, served - saved))
            start, took, reload, page, _ = (value * 1000 for value in rows[-1])
            print(f"trial {trial}: save→start {start:.0f} ms, build {took:.0f} ms, "
                  f"end→reload {reload:.1f} ms, reload→page {page:.1f} ms", flush=True)
            time.sleep(0.3)
        server.stop()
    names = ("save → rebuild start", "rebuild (the build)", "rebuild end → reload message",
             "reload → page served", "save → page served")
    print(f"{count} posts, {trials} trials, medians:")
    for k, name in enumerate(names):
        print(f"  {name}: {statistics.median(r[k] for r in rows) * 1000:.1f} ms")
    return 0


def post_url(root: Path) -> str:
    """The edited post's address, found in output/ by its slug."""
    for folder in (root / "output").rglob("inlagg-nummer-0"):
        return "/" + folder.relative_to(root / "output").as_posix() + "/"
    raise SystemExit("the edited post is not in output/")


if __name__ == "__main__":
    sys.exit(main())
