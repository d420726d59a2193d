"""The preview server: loopback only by default, nothing outside output/, rebuilds on change."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import post, write_site

SECRET = "hemlig-rad-i-config"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(port: int, raw_path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.putrequest("GET", raw_path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on port, from /proc/net/tcp (IPv4)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if int(hex_port, 16) == port and state == "0A":
            found.add(".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, Path, subprocess.Popen[bytes]]]:
    site = write_site(tmp_path / "site", {"content/posts/a.md": post("Första inlägget", "2016-01-01")},
                      f"# {SECRET}\n")
    port = free_port()
    code = "import sys; from sbuv_site.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen([sys.executable, "-c", code, "--root", str(site), "serve", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if get(port, "/")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail(f"server did not start: {proc.communicate()[0].decode(errors='replace')}")
    yield port, site, proc
    proc.terminate()
    proc.wait(timeout=10)
    assert proc.stdout is not None
    proc.stdout.close()


def test_serve_binds_to_loopback_only_by_default(server) -> None:  # type: ignore[no-untyped-def]
    port, _, _ = server
    assert listening_addresses(port) == {"127.0.0.1"}


@pytest.mark.parametrize("raw_path", [
    "/../config.yaml", "/..%2fconfig.yaml", "/%2e%2e/config.yaml", "/%2e%2e%2fconfig.yaml",
    "/..%5cconfig.yaml", "/%252e%252e%252fconfig.yaml", "//..//config.yaml", "/.%2e/config.yaml",
    "/css/../../config.yaml", "/css/..%2f..%2fconfig.yaml",
])
def test_serve_never_serves_files_outside_output(server, raw_path: str) -> None:  # type: ignore[no-untyped-def]
    port, _, _ = server
    status, body = get(port, raw_path)
    assert SECRET.encode() not in body
    assert status in (400, 403, 404)


def test_serve_shows_the_site_and_rebuilds_when_a_post_changes(server) -> None:  # type: ignore[no-untyped-def]
    port, site, _ = server
    status, body = get(port, "/2016/01/forsta-inlagget/")
    assert status == 200 and "Första inlägget".encode() in body
    (site / "content/posts/b.md").write_text(post("Andra inlägget", "2016-02-01"), encoding="utf-8")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and get(port, "/2016/02/andra-inlagget/")[0] != 200:
        time.sleep(0.2)
    assert get(port, "/2016/02/andra-inlagget/")[0] == 200
