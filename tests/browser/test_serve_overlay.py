"""The preview in Chromium: livereload.js reloads an open page after a broken save, the problems'
box appears without any click, passes axe's WCAG A/AA rules in light and dark mode, and goes
after the next good save."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sbuv_site.build import BuildOptions
from sbuv_site.overlay import OVERLAY_ID
from sbuv_site.serve import PreviewServer
from tests.browser.harness import axe_violations
from tests.conftest import NOW, post, write_site

pytestmark = pytest.mark.browser
WAIT_MS = 60_000  # a deadline for a broken server, never a measured time


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[PreviewServer]:
    site = write_site(tmp_path / "site", {"content/posts/a.md": post("Första inlägget", "2016-01-01")})
    server = PreviewServer(site, BuildOptions(now=NOW), port=0, err=lambda text: None)
    server.listen()
    assert server.rebuild()
    server.start()
    server.run_in_thread()
    yield server
    server.stop()


def test_a_broken_save_shows_the_box_on_the_open_page_and_a_good_one_removes_it(
        page: Any, preview: PreviewServer) -> None:
    page.goto(f"http://127.0.0.1:{preview.port}/2016/01/forsta-inlagget/")
    deadline = time.monotonic() + WAIT_MS / 1000
    while not preview._waiters:  # livereload.js has said hello and info
        assert time.monotonic() < deadline, "livereload.js did not connect"
        time.sleep(0.05)
    broken = Path(preview.root) / "content/posts/b.md"
    broken.write_text(post("Trasig <b>", "2016-02-30"), encoding="utf-8")
    box = page.wait_for_selector(f"#{OVERLAY_ID}", timeout=WAIT_MS)  # reloaded by livereload.js
    assert "content/posts/b.md:3" in box.inner_text()
    assert box.is_visible()
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert axe_violations(page) == [], scheme
    broken.write_text(post("Hel", "2016-02-28"), encoding="utf-8")
    page.wait_for_selector(f"#{OVERLAY_ID}", state="detached", timeout=WAIT_MS)
    assert page.locator("h1").inner_text() == "Första inlägget"
