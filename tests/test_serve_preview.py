"""The preview server in-process: the site's 404 page, the error overlay, no lost reloads, file
events for the site's own folders only, answers during a rebuild. No timings: each wait has a
deadline only so that a broken server fails instead of hanging."""

from __future__ import annotations

import asyncio
import http.client
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tornado.websocket import WebSocketClientConnection, websocket_connect

from sbuv_site import serve
from sbuv_site.build import BuildOptions, BuildReport
from sbuv_site.cli import main
from sbuv_site.errors import SiteError
from sbuv_site.overlay import OVERLAY_ID, STYLE_URL, decorated_page
from sbuv_site.previewhttp import PROTOCOL
from sbuv_site.serve import (
    NOTHING_TO_SERVE,
    PREVIEW_DIR,
    PreviewServer,
    changed_between,
    snapshot,
)
from sbuv_site.watch import is_editor_temp
from tests.conftest import BUILTIN_STATIC, NOW, post, write_site
from tests.htmltree import Node, parse_html

WAIT = 60.0  # a deadline for a broken server, never a measured time


def get(port: int, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def page(port: int, path: str) -> tuple[int, Node]:
    status, _, body = get(port, path)
    return status, parse_html(body.decode("utf-8"))


class Browser:
    """What livereload.js does: hello, info, then every message the server sends, in a queue."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.hello: dict[str, Any] = {}
        self._conn: WebSocketClientConnection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._talk()), daemon=True)
        self._thread.start()
        assert self._ready.wait(WAIT), "the live-reload handshake did not finish"

    async def _talk(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._conn = await websocket_connect(f"ws://127.0.0.1:{self.port}/livereload")
        await self._conn.write_message(json.dumps({"command": "hello", "protocols": [PROTOCOL]}))
        self.hello = json.loads(str(await self._conn.read_message()))
        await self._conn.write_message(json.dumps({"command": "info", "url": "http://127.0.0.1/",
                                                   "plugins": {}}))
        self._ready.set()
        while (message := await self._conn.read_message()) is not None:
            self.messages.put(json.loads(message))

    def next_reload(self) -> dict[str, Any]:
        message = self.messages.get(timeout=WAIT)
        assert message["command"] == "reload"
        return message

    def close(self) -> None:
        if self._loop and self._conn:
            self._loop.call_soon_threadsafe(self._conn.close)
        self._thread.join(WAIT)


def wait_until(ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not ready():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.01)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {"content/posts/a.md": post("Första inlägget", "2016-01-01")})


@pytest.fixture
def start(site: Path) -> Iterator[Callable[..., PreviewServer]]:
    """Start a preview of `site` (or another) on a free port; stopped after the test."""
    started: list[PreviewServer] = []

    def make(root: Path = site) -> PreviewServer:
        printed: list[str] = []
        server = PreviewServer(root, BuildOptions(now=NOW), port=0, err=printed.append)
        server.printed = printed  # type: ignore[attr-defined]
        server.listen()
        started.append(server)
        assert server.rebuild(), printed
        server.start()
        server.run_in_thread()
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def browser(start: Callable[..., PreviewServer]) -> Iterator[tuple[PreviewServer, Browser]]:
    server = start()
    client = Browser(server.port)
    wait_until(lambda: len(server._waiters) == 1)  # the server has taken our 'info'
    yield server, client
    client.close()


def hold_rebuilds(server: PreviewServer,
                  monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Each rebuild sets the first event when it starts and waits for the second before it builds."""
    entered, go_on = threading.Event(), threading.Event()
    real = server._rebuild

    def held(changed: frozenset[Path]) -> BuildReport:
        entered.set()
        assert go_on.wait(WAIT)
        return real(changed)

    monkeypatch.setattr(server, "_rebuild", held)
    return entered, go_on


def builds(server: PreviewServer, n: int) -> None:
    assert server.wait_for(lambda: server.builds >= n, WAIT), f"no build {n}: {server.batches}"


def test_an_unknown_address_gets_the_sites_own_404_page_with_status_404(
        start: Callable[..., PreviewServer]) -> None:
    server = start()
    status, tree = page(server.port, "/finns-inte/")
    assert status == 404
    assert tree.find("h1").text() == "Sidan finns inte"
    assert tree.find("script").get("src") == f"/livereload.js?port={server.port}"
    status, headers, body = get(server.port, "/finns-inte/", "HEAD")
    assert (status, body) == (404, b"")
    assert int(headers["content-length"]) > 0
    status, _, body = get(server.port, "/css/finns-inte.css")
    assert status == 404 and b"Sidan finns inte" in body


def test_pages_carry_the_live_reload_client_but_output_does_not(
        start: Callable[..., PreviewServer], site: Path) -> None:
    server = start()
    status, headers, body = get(server.port, "/2016/01/forsta-inlagget/")
    assert status == 200 and headers["cache-control"] == "no-store"
    scripts = [s.get("src") for s in parse_html(body.decode()).find_all("script")]
    assert f"/livereload.js?port={server.port}" in scripts
    assert "livereload.js" not in (site / PREVIEW_DIR / "2016/01/forsta-inlagget/index.html").read_text()
    status, headers, body = get(server.port, "/livereload.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript") and b"LiveReload" in body
    assert get(server.port, "/2016/01/forsta-inlagget")[0] == 301  # a folder without its slash


def test_the_live_reload_handshake_speaks_livereloads_protocol(
        browser: tuple[PreviewServer, Browser]) -> None:
    _, client = browser
    assert client.hello["command"] == "hello"
    assert PROTOCOL in client.hello["protocols"]


def test_a_broken_save_shows_its_problems_over_every_page_until_the_next_good_save(
        browser: tuple[PreviewServer, Browser], site: Path) -> None:
    server, client = browser
    broken = site / "content/posts/b.md"
    broken.write_text(post("Andra <inlägget>", "2016-02-30"), encoding="utf-8")
    builds(server, 1)
    assert client.next_reload()["path"] == "*"  # the browser reloads at once to show the box
    for address, status in (("/", 200), ("/2016/01/forsta-inlagget/", 200), ("/finns-inte/", 404)):
        got, tree = page(server.port, address)
        assert got == status
        box = tree.find("aside", id=OVERLAY_ID)
        assert box.get("lang") == "en"
        item = box.find("li")
        assert item.find("code").text() == "content/posts/b.md:3"
        assert "has day 30, but februari 2016 has 29 days" in item.text()
        assert item.find("p", class_="sbuv-hint").text() == "hint: use a day from 1 to 29"
        assert STYLE_URL in [link.get("href") for link in tree.find_all("link")]
    assert OVERLAY_ID not in (site / PREVIEW_DIR / "index.html").read_text()  # never in the built site
    printed = server.printed  # type: ignore[attr-defined]
    assert printed[-2:] == [
        "content/posts/b.md:3: date '2016-02-30' has day 30, but februari 2016 has 29 days\n"
        "  hint: use a day from 1 to 29", "Build failed; still serving the previous output."]
    status, headers, _ = get(server.port, STYLE_URL)
    assert status == 200 and headers["content-type"].startswith("text/css")

    broken.write_text(post("Andra <inlägget>", "2016-02-28"), encoding="utf-8")
    builds(server, 2)
    client.next_reload()
    status, tree = page(server.port, "/")
    assert status == 200 and not tree.find_all("aside", id=OVERLAY_ID)
    assert "Andra <inlägget>" in tree.text()


def test_the_overlay_escapes_what_the_problem_quotes() -> None:
    problems = [SiteError("content/posts/<b>.md", 3, "'<script>alert(1)</script>' is not a date", "a & b"),
                SiteError(None, None, "the output folder <x>")]
    served = decorated_page(b"<html><head></head><body class='x'><p>Sidan</p></body></html>", 8000, problems)
    tree = parse_html(served.decode())
    box = tree.find("body").children[0]
    assert isinstance(box, Node) and box.get("id") == OVERLAY_ID  # first in the page: read first
    assert [s.get("src") for s in tree.find_all("script")] == ["/livereload.js?port=8000"]
    first, second = box.find_all("li")
    assert first.find("code").text() == "content/posts/<b>.md:3"
    assert first.find("p").text().endswith(": '<script>alert(1)</script>' is not a date")
    assert first.find("p", class_="sbuv-hint").text() == "hint: a & b"
    assert second.text() == "the output folder <x>" and not second.find_all("code")
    assert box.find("h2").text() == "The build failed: 2 problems"


def test_two_saves_in_quick_succession_both_reach_the_browser(
        browser: tuple[PreviewServer, Browser], site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server, client = browser
    entered, go_on = hold_rebuilds(server, monkeypatch)
    target = site / "content/posts/a.md"
    target.write_text(post("Första inlägget", "2016-01-01", "Version ett."), encoding="utf-8")
    assert entered.wait(WAIT)  # the first save is being built...
    target.write_text(post("Första inlägget", "2016-01-01", "Version två."), encoding="utf-8")
    assert server.wait_for(lambda: len(server.batches) >= 2, WAIT)  # ...when the second is seen
    go_on.set()
    builds(server, 2)
    assert [client.next_reload()["path"], client.next_reload()["path"]] == ["*", "*"]
    _, tree = page(server.port, "/2016/01/forsta-inlagget/")
    assert "Version två." in tree.text()


def test_a_saved_text_takes_the_quick_path_and_a_new_title_the_full_build(
        start: Callable[..., PreviewServer], site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    full_builds: list[Path] = []
    real = serve.build

    def counted(root: Path, *args: Any) -> BuildReport:
        full_builds.append(root)
        return real(root, *args)

    monkeypatch.setattr(serve, "build", counted)
    server = start()
    assert len(full_builds) == 1  # the first build
    target = site / "content/posts/a.md"
    target.write_text(post("Första inlägget", "2016-01-01", "Bara texten är ny."), encoding="utf-8")
    builds(server, 1)
    _, tree = page(server.port, "/2016/01/forsta-inlagget/")
    assert "Bara texten är ny." in tree.text() and len(full_builds) == 1
    target.write_text(post("Nytt namn", "2016-01-01", "Bara texten är ny."), encoding="utf-8")
    builds(server, 2)
    _, tree = page(server.port, "/2016/01/nytt-namn/")  # the address follows the title
    assert "Nytt namn" in tree.find("h1").text() and len(full_builds) == 2


def test_editor_temp_files_cache_and_output_are_not_watched(
        start: Callable[..., PreviewServer], site: Path) -> None:
    server = start()
    posts = site / "content/posts"
    for name in (".#a.md", "#a.md#", "a.md~", "4913", ".a.md.swp", ".a.md.swx", "a.md___jb_tmp___"):
        (posts / name).write_text("temp", encoding="utf-8")
    (site / ".sbuv-cache").mkdir(exist_ok=True)
    (site / ".sbuv-cache/x").write_text("cache", encoding="utf-8")
    (site / PREVIEW_DIR / "extra.html").write_text("<p>x</p>", encoding="utf-8")
    (posts / "a.md").write_text(post("Första inlägget", "2016-01-01", "Ny text."), encoding="utf-8")
    builds(server, 1)
    (site / "config.yaml").write_text((site / "config.yaml").read_text() + "# ändrad\n", encoding="utf-8")
    builds(server, 2)  # after a build wrote the preview: still only what was saved
    seen = {path for batch in server.batches for path in batch}
    assert seen == {(posts / "a.md").absolute(), (site / "config.yaml").absolute()}


def test_the_server_answers_from_the_last_good_build_while_it_rebuilds(
        start: Callable[..., PreviewServer], site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = start()
    entered, go_on = hold_rebuilds(server, monkeypatch)
    (site / "content/posts/b.md").write_text(post("Andra inlägget", "2016-02-01"), encoding="utf-8")
    assert entered.wait(WAIT)
    try:
        status, tree = page(server.port, "/")
        assert status == 200 and "Första inlägget" in tree.text() and "Andra inlägget" not in tree.text()
        assert get(server.port, "/2016/02/andra-inlagget/")[0] == 404
    finally:
        go_on.set()
    builds(server, 1)
    assert get(server.port, "/2016/02/andra-inlagget/")[0] == 200


def test_a_bug_in_a_rebuild_is_shown_and_the_server_goes_on(
        start: Callable[..., PreviewServer], site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = start()

    def broken(changed: frozenset[Path]) -> BuildReport:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(server, "_rebuild", broken)
    (site / "content/posts/a.md").write_text(post("Första inlägget", "2016-01-01", "Ny."), encoding="utf-8")
    builds(server, 1)
    _, tree = page(server.port, "/")
    assert "internal error: ZeroDivisionError: division by zero" in tree.find("aside", id=OVERLAY_ID).text()
    monkeypatch.undo()
    (site / "content/posts/a.md").write_text(post("Första inlägget", "2016-01-01", "Igen."), encoding="utf-8")
    builds(server, 2)
    _, tree = page(server.port, "/2016/01/forsta-inlagget/")
    assert not tree.find_all("aside", id=OVERLAY_ID) and "Igen." in tree.text()


def test_a_site_under_a_sub_path_is_served_there(
        start: Callable[..., PreviewServer], tmp_path: Path) -> None:
    sub = write_site(tmp_path / "sub", {"content/posts/a.md": post("Första inlägget", "2016-01-01")},
                     "base_url: https://example.org/blogg/\n")
    (sub / "config.yaml").write_text((sub / "config.yaml").read_text().replace(
        "base_url: https://example.org/\n", ""), encoding="utf-8")
    server = start(sub)
    assert get(server.port, "/blogg/2016/01/forsta-inlagget/")[0] == 200
    status, headers, _ = get(server.port, "/")
    assert status == 302 and headers["location"] == "/blogg/"
    status, tree = page(server.port, "/2016/01/forsta-inlagget/")
    assert status == 404 and tree.find("h1").text() == "Sidan finns inte"


def test_serve_without_any_build_to_show_says_so(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "content/posts/a.md").write_text(post("Trasig", "2016-02-30"), encoding="utf-8")
    assert main(["--root", str(site), "serve", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert "content/posts/a.md:3: date '2016-02-30' has day 30" in err
    assert err.rstrip().endswith(NOTHING_TO_SERVE)
    assert not (site / PREVIEW_DIR).exists()


def test_a_port_in_use_is_a_message(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--root", str(site), "serve", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cannot listen on 127.0.0.1:{port}: Address already in use\n"
                          "  hint: another program (perhaps another serve) uses the port")
    assert not (site / PREVIEW_DIR).exists()  # refused before building anything


@pytest.mark.parametrize(("name", "temp"), [
    (".#a.md", True), ("#a.md#", True), ("a.md~", True), ("4913", True), (".a.md.swp", True),
    (".a.md.swo", True), (".a.md.swx", True), ("a.md___jb_old___", True), (".goutputstream-X1Y2", True),
    ("a.md.kate-swp", True),
    ("a.md", False), ("4913.md", False), ("site.css", False), ("#hashtag.md", False), ("bild.png", False),
])
def test_editor_temp_files_are_known_by_name(name: str, temp: bool) -> None:
    assert is_editor_temp(name) is temp


def test_files_saved_removed_or_added_before_watching_began_are_found(site: Path) -> None:
    import os

    posts = site / "content/posts"
    (posts / "gone.md").write_text(post("Borta", "2016-01-03"), encoding="utf-8")
    before = snapshot(site, ["content", "layouts", "config.yaml", "missing"])
    os.utime(posts / "a.md", ns=(1, 1))
    (posts / "gone.md").unlink()
    (posts / "new.md").write_text(post("Ny", "2016-01-02"), encoding="utf-8")
    after = snapshot(site, ["content", "layouts", "config.yaml", "missing"])
    expected = {(posts / name).absolute() for name in ("a.md", "gone.md", "new.md")}
    assert changed_between(before, after) == expected
    assert changed_between(after, after) == set()


def test_a_stylesheet_saved_alone_is_swapped_in_place_and_anything_else_reloads_the_page(
        browser: tuple[PreviewServer, Browser], site: Path) -> None:
    server, client = browser
    css = site / "static/css/site.css"  # the site's own stylesheet, overriding the built-in one
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text((BUILTIN_STATIC / "css/site.css").read_text(encoding="utf-8"), encoding="utf-8")
    builds(server, 1)
    assert client.next_reload()["path"] == "*"  # a new folder and file: the whole page
    css.write_text(css.read_text(encoding="utf-8") + "\n/* ändrad */\n", encoding="utf-8")
    builds(server, 2)
    assert client.next_reload()["path"] == f"/css/{css.name}"  # livereload.js swaps the stylesheet
    (site / "content/posts/a.md").write_text(post("Första inlägget", "2016-01-01", "Ny."), encoding="utf-8")
    builds(server, 3)
    assert client.next_reload()["path"] == "*"
