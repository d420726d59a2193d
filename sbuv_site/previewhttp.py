"""What the preview answers over HTTP: the built site (with the live-reload client and the problems'
box added to each page), livereload.js, the box's style, and livereload's socket.

serve.py runs the server and the builds; the handlers here only read what it holds (the Preview
protocol below), so the server's threads and the HTTP side meet in few, named places.
"""

from __future__ import annotations

import json
import mimetypes
import os
from importlib import resources
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from tornado import httputil, web, websocket

from sbuv_site.errors import SiteError
from sbuv_site.overlay import STYLE, decorated_page

PROTOCOL = "http://livereload.com/protocols/official-7"


class Preview(Protocol):
    """What the handlers read of the preview server (serve.PreviewServer)."""

    base_path: str  # base_url's path, under which the site is served
    output: Path  # the folder the builds write
    problems: tuple[SiteError, ...]  # the last build's, shown over every page
    _waiters: set[LiveReloadSocket]  # the open pages to reload after a build


class LiveReloadSocket(websocket.WebSocketHandler):
    """livereload's protocol: 'hello' answered with our protocol, 'info' joins the reload list."""

    def initialize(self, server: Preview) -> None:
        self.preview = server

    def on_message(self, message: str | bytes) -> None:
        try:
            command = json.loads(message).get("command")
        except (ValueError, AttributeError):
            return  # not the protocol: ignored, as livereload does
        if command == "hello":
            self.write_message(json.dumps({"command": "hello", "protocols": [PROTOCOL],
                                           "serverName": "sbuv-site"}))
        elif command == "info":
            self.preview._waiters.add(self)

    def on_close(self) -> None:
        self.preview._waiters.discard(self)


class LiveReloadScript(web.RequestHandler):
    """livereload.js, the browser client that ships with the livereload package."""

    def get(self) -> None:
        script = resources.files("livereload").joinpath("vendors/livereload.js").read_bytes()
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.write(script)


class OverlayStyle(web.RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.write(STYLE)


class SiteFiles(web.RequestHandler):
    """The built site under base_url's path; unknown addresses get the site's own 404.html."""

    def initialize(self, server: Preview) -> None:
        self.preview = server

    def head(self, path: str) -> None:
        self.get(path, body=False)

    def get(self, path: str, body: bool = True) -> None:
        base = self.preview.base_path
        asked = "/" + path
        if not asked.startswith(base):
            if asked in ("/", base.rstrip("/")):
                return self.redirect(base)
            return self._send(404, self._not_found(), body)
        parts = [part for part in asked[len(base):].split("/") if part]
        if any(part in (".", "..") or "\\" in part or "\0" in part for part in parts):
            return self._send(404, self._not_found(), body)
        top = Path(os.path.realpath(self.preview.output))
        found = Path(os.path.realpath(top.joinpath(*parts)))
        if found != top and top not in found.parents:  # a link out of output/
            return self._send(404, self._not_found(), body)
        if found.is_dir():
            if not asked.endswith("/"):
                query = f"?{self.request.query}" if self.request.query else ""
                return self.redirect(quote(base + "/".join(parts) + "/") + query, permanent=True)
            found = found / "index.html"
        try:
            content = found.read_bytes()
        except OSError:  # gone, or never there
            return self._send(404, self._not_found(), body)
        self._send(200, (found.name, content), body)

    def _not_found(self) -> tuple[str, bytes]:
        try:
            return "404.html", (Path(self.preview.output) / "404.html").read_bytes()
        except OSError:
            return "404.txt", b"404: Not Found (this site has no 404.html)\n"

    def _send(self, status: int, file: tuple[str, bytes], body: bool) -> None:
        name, content = file
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if kind == "text/html":
            content = decorated_page(content, _port(self.request), self.preview.problems)
        if kind.startswith("text/") or kind in ("application/javascript", "application/xml",
                                                "application/json", "image/svg+xml"):
            kind += "; charset=utf-8"
        self.set_status(status)
        self.set_header("Content-Type", kind)
        self.set_header("Cache-Control", "no-store")  # a reload must show the newest build
        self.set_header("Content-Length", str(len(content)))
        if body:
            self.write(content)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        if status_code == 404:
            self._send(404, self._not_found(), self.request.method != "HEAD")
        else:
            super().write_error(status_code, **kwargs)


def _port(request: httputil.HTTPServerRequest) -> int:
    """The port the browser reached us on (an SSH tunnel or a proxy may change it), for the client."""
    _, colon, port = request.host.rpartition(":")
    if colon and port.isdigit():
        return int(port)
    return 443 if request.protocol == "https" else 80
