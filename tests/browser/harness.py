"""What the browser tests share: where the tools are, which pages to visit, and require()."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    from playwright.sync_api import expect as expect
except ImportError:  # only '.[test]' installed: the page/browser fixtures skip (or fail in CI) first
    expect = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # Debian's apt package; no `playwright install`
# Playwright adds --headless, --no-sandbox and a fresh --user-data-dir itself. The resolver rule stops
# Chromium's own calls home (update/sync/accounts hosts): only the loopback test server is reachable.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # npm ci --ignore-scripts
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# One address per page kind of the built 'full' fixture site (tests/fixtures/sites/full).
PAGES = {
    "home": "/",
    "list-page-2": "/sida/2/",
    # breadcrumbs, contents list, heading anchors, footnote, places, tags, related posts, neighbours
    "post": "/2015/12/snofattigt-umea-i-forandring/",
    "post-with-table": "/2016/01/reflektioner-efter-ett-ar/",
    "tags": "/taggar/",
    "tag": "/taggar/kompetens/",
    "map": "/karta/",
    "municipalities": "/kommuner/",
    "municipality": "/kommuner/umea/",
    "archive": "/arkiv/",
    "archive-year": "/arkiv/2016/",
    "page": "/om-bloggen/",
    "feeds": "/prenumerera/",
    "not-found": "/404.html",
    "statement": "/tillganglighet/",
    "search": "/sok/",  # before any search: tests/browser/test_search.py searches
}


def require(ok: object, why: str) -> None:
    """Skip when a tool is missing locally; fail in CI (CI=true), so CI can't pass by skipping."""
    if not ok:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{why} -- required in CI", pytrace=False)
        pytest.skip(why)


def require_chromium() -> None:
    require(shutil.which(CHROMIUM), f"no Chromium at {CHROMIUM}: apt-get install chromium")


def axe_violations(page: Any) -> list[str]:
    """Run axe-core's WCAG 2.0/2.1 A and AA rules on the loaded page; one line per failing node."""
    require(AXE_JS.is_file(), f"{AXE_JS} missing: npm ci --ignore-scripts")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    options = {"runOnly": {"type": "tag", "values": WCAG_A_AA}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [f"{v['id']} ({v['impact']}): {node['target']} -- {v['help']} -- {node['failureSummary']}"
            for v in result["violations"] for node in v["nodes"]]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site; keeps the request log out of the test output."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's name)
        pass


@contextlib.contextmanager
def served(folder: Path, handler: type[QuietHandler] = QuietHandler) -> Iterator[str]:
    """folder over HTTP on 127.0.0.1 at a free port while the block runs: its base URL."""
    serve = functools.partial(handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), serve)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
