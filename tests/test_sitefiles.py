"""Only ordinary files inside the site are read: no link out of it, no FIFO, device or socket.

FIFOs, sockets and devices cannot be committed, so the cases the bad-input corpus cannot
hold are made here. Every test that could block on a FIFO runs under an alarm, so a
regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import os
import signal
import socket
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest

from sbuv_site import sitefiles
from sbuv_site.cli import main
from sbuv_site.errors import SiteError, flatten
from sbuv_site.load import MAX_SOURCE_BYTES, load_sources, load_static
from sbuv_site.outputguard import BUILD_MARK, MARK_TEXT
from sbuv_site.render import make_environment
from sbuv_site.sitefiles import Scope, read_bounded
from tests.conftest import post, write_site

GOOD = post("Besök i Umeå", "2015-12-01")


@pytest.fixture(autouse=True)
def never_hang() -> Iterator[None]:
    """Fail (not hang) if anything blocks, e.g. on opening a FIFO."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError("blocked: a FIFO or device was opened")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def problems(call: Callable[[], object]) -> list[str]:
    with pytest.raises((SiteError, ExceptionGroup)) as caught:
        call()
    return [p.format() for p in flatten(caught.value)]


def site(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    """A site whose static/ holds only what the test puts there."""
    root = write_site(tmp_path / "site", {})
    for name, text in {"content/posts/besok.md": GOOD, **(files or {})}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def build(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Build over an earlier build's output/ (marked as one), which a failed build must leave alone."""
    (root / "output").mkdir(exist_ok=True)
    (root / "output" / BUILD_MARK).write_bytes(MARK_TEXT)
    (root / "output" / "marker.txt").write_text("old\n", encoding="utf-8")
    code = main(["--root", str(root), "build"])
    err = capsys.readouterr().err.replace(f"{root}/", "")
    if code:
        assert sorted(p.name for p in (root / "output").iterdir()) == [BUILD_MARK, "marker.txt"], \
            "output/ was touched"
    return code, err


ORDINARY_HINT = "  hint: remove it; sbuv-site reads only ordinary files (or links to them inside the site)"


def test_a_fifo_among_the_posts_is_refused_without_opening_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = site(tmp_path)
    os.mkfifo(root / "content/posts/ror.md")  # opening it for reading would block for ever
    code, err = build(root, capsys)
    assert code == 1
    assert err == ("content/posts/ror.md: not an ordinary file: it is a named pipe (FIFO)\n"
                   f"{ORDINARY_HINT}\n1 problem; nothing was written.\n")


def test_a_fifo_in_static_and_a_link_to_one_are_refused(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = site(tmp_path, {"static/site.css": "body {}\n"})
    os.mkfifo(root / "static/ror.css")
    os.symlink("ror.css", root / "static/lank.css")
    code, err = build(root, capsys)
    assert code == 1
    assert err.splitlines() == [
        "static/lank.css: not an ordinary file: it is a named pipe (FIFO)", ORDINARY_HINT,
        "static/ror.css: not an ordinary file: it is a named pipe (FIFO)", ORDINARY_HINT,
        "2 problems; nothing was written."]


def test_a_socket_in_static_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = site(tmp_path, {"static/site.css": "body {}\n"})
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        with monkeypatch.context() as local:
            local.chdir(root / "static")  # a socket path is limited to ~100 bytes: bind a short one
            sock.bind("uttag")
        assert problems(lambda: load_static(root, "static")) == [
            f"static/uttag: not an ordinary file: it is a socket\n{ORDINARY_HINT}"]


def test_a_device_inside_the_site_is_refused(tmp_path: Path) -> None:
    root = site(tmp_path)
    try:
        os.mknod(root / "content/posts/noll.md", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero
    except PermissionError:
        pytest.skip("making a device needs root (CI runs as root)")
    assert problems(lambda: load_sources(root, "content")) == [
        f"content/posts/noll.md: not an ordinary file: it is a character device\n{ORDINARY_HINT}"]


def test_links_that_stay_inside_the_site_are_followed(tmp_path: Path) -> None:
    root = site(tmp_path, {"delat/bild.svg": "<svg/>", "delat/inlagg/annat.md": GOOD})
    (root / "static").mkdir()
    os.symlink("../delat/bild.svg", root / "static/bild.svg")
    os.symlink("../delat", root / "static/delat")
    os.symlink("../../delat/inlagg", root / "content/posts/delat")
    assert [f.relpath for f in load_static(root, "static")] == ["bild.svg", "delat/bild.svg",
                                                               "delat/inlagg/annat.md"]
    assert [str(d.path) for d in load_sources(root, "content")] == [
        "content/posts/besok.md", "content/posts/delat/annat.md"]


def test_a_link_out_of_the_site_is_named_with_its_target(tmp_path: Path) -> None:
    outside = tmp_path / "hemligt"
    outside.mkdir()
    (outside / "losen.txt").write_text("hemligt\n", encoding="utf-8")
    root = site(tmp_path)
    (root / "static").mkdir()
    os.symlink(outside / "losen.txt", root / "static/losen.txt")
    os.symlink("../../hemligt", root / "static/mapp")  # relative, and still outside
    assert problems(lambda: load_static(root, "static")) == [
        f"static/losen.txt: symbolic link to {outside / 'losen.txt'}, which is outside the site\n"
        "  hint: copy the file into the site, or remove the link",
        f"static/mapp: symbolic link to {outside}, which is outside the site\n"
        "  hint: copy the folder into the site, or remove the link"]


def test_a_content_folder_that_is_a_link_out_of_the_site_is_refused(tmp_path: Path) -> None:
    outside = write_site(tmp_path / "annan", {"content/posts/x.md": GOOD})
    root = write_site(tmp_path / "site", {})
    os.symlink(outside / "content", root / "content")
    assert problems(lambda: load_sources(root, "content")) == [
        f"content: symbolic link to {outside / 'content'}, which is outside the site\n"
        "  hint: copy the folder into the site, or remove the link"]


def test_a_folder_config_yaml_places_outside_the_site_is_read_but_not_links_out_of_it(
        tmp_path: Path) -> None:
    theme = tmp_path / "tema" / "static"
    theme.mkdir(parents=True)
    (theme / "site.css").write_text("body {}\n", encoding="utf-8")
    root = site(tmp_path)
    assert [f.relpath for f in load_static(root, "../tema/static")] == ["site.css"]
    os.symlink("/etc/hostname", theme / "host.txt")
    assert problems(lambda: load_static(root, str(theme))) == [
        f"{theme / 'host.txt'}: symbolic link to {os.path.realpath('/etc/hostname')}, "
        "which is outside the site\n"
        "  hint: copy the file into the site, or remove the link"]


def test_a_read_stops_one_byte_past_the_limit_even_if_the_file_grows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "vaxer.md"
    path.write_bytes(b"x" * (3 * MAX_SOURCE_BYTES))
    small = os.stat(tmp_path / "vaxer.md")
    fake = os.stat_result((small.st_mode, *small[1:6], 10, *small[7:]))  # 10 bytes when it was checked
    monkeypatch.setattr(sitefiles, "check_file", lambda *_: fake)
    asked: list[int] = []
    real_read = os.read

    def read(fd: int, size: int) -> bytes:
        asked.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(sitefiles.os, "read", read)
    sizes: list[int] = []

    def too_big(size: int) -> SiteError:
        sizes.append(size)
        return SiteError("vaxer.md", None, "too big")

    with pytest.raises(SiteError, match="too big"):
        read_bounded(path, "vaxer.md", Scope.for_folder(tmp_path, "."), MAX_SOURCE_BYTES, too_big)
    assert sum(asked) == MAX_SOURCE_BYTES + 1 and sizes == [MAX_SOURCE_BYTES + 1]


def test_a_file_that_turned_into_a_fifo_after_its_check_does_not_block(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "vanlig.md").write_text(GOOD, encoding="utf-8")
    os.mkfifo(tmp_path / "ror.md")
    checked = os.stat(tmp_path / "vanlig.md")
    monkeypatch.setattr(sitefiles, "check_file", lambda *_: checked)  # the check saw an ordinary file
    with pytest.raises(SiteError) as caught:
        read_bounded(tmp_path / "ror.md", "ror.md", Scope.for_folder(tmp_path, "."), 100,
                     lambda size: SiteError("ror.md", None, "too big"))
    assert caught.value.message == "not an ordinary file: it changed while it was read"


def test_a_static_file_over_100_mb_is_refused_without_reading_it(tmp_path: Path) -> None:
    root = site(tmp_path)
    (root / "static").mkdir()
    with (root / "static/film.mp4").open("wb") as sparse:
        sparse.truncate(150_000_000)
    assert problems(lambda: load_static(root, "static")) == [
        "static/film.mp4: file is 150.0 MB; a static file may be at most 100 MB\n"
        "  hint: publish large files (video, archives) elsewhere and link to them"]


def test_a_file_that_cannot_be_read_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root reads any file whatever its mode, so the refusal is simulated at os.open.
    root = site(tmp_path)

    def refuse(*args: Any) -> int:
        raise PermissionError(13, "Permission denied", str(args[0]))

    monkeypatch.setattr(sitefiles.os, "open", refuse)
    assert problems(lambda: load_sources(root, "content")) == [
        "content/posts/besok.md: cannot read this file: Permission denied\n"
        "  hint: check that the file exists and that you may read it"]


def test_a_folder_that_cannot_be_listed_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = site(tmp_path, {"content/posts/2015/a.md": GOOD})
    real_scandir = os.scandir
    locked = root / "content/posts/2015"

    def scandir(path: Any) -> Any:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)  # what os.walk calls; root could list any folder
    assert problems(lambda: load_sources(root, "content")) == [
        "content/posts/2015: cannot read this folder: Permission denied\n"
        "  hint: check that the folder exists and that you may read it"]


def layouts(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "site"
    (root / "layouts").mkdir(parents=True)
    for name, text in files.items():
        (root / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "layouts" / name).write_text(text, encoding="utf-8")
    return root


def env_for(root: Path) -> jinja2.Environment:
    return make_environment(str(root / "layouts"), "layouts", str(root))


def test_a_layout_that_links_out_of_the_site_is_refused(tmp_path: Path) -> None:
    root = layouts(tmp_path, {"page.html": "ok"})
    os.symlink("/etc/passwd", root / "layouts/base.html")
    with pytest.raises(SiteError) as caught:
        env_for(root).get_template("base.html")
    assert caught.value.format() == (
        f"layouts/base.html: symbolic link to {os.path.realpath('/etc/passwd')}, which is outside the site\n"
        "  hint: copy the file into the site, or remove the link")
    assert env_for(root).get_template("page.html").render() == "ok"


def test_an_included_layout_that_links_out_of_the_site_is_refused_while_rendering(tmp_path: Path) -> None:
    root = layouts(tmp_path, {"page.html": 'före {% include "partials/meta.html" %} efter'})
    (root / "layouts/partials").mkdir()
    os.symlink("/etc/passwd", root / "layouts/partials/meta.html")
    template = env_for(root).get_template("page.html")
    with pytest.raises(SiteError) as caught:
        template.render()
    assert str(caught.value.path) == "layouts/partials/meta.html"
    assert "outside the site" in caught.value.message


def test_a_layout_linked_from_elsewhere_in_the_site_is_used(tmp_path: Path) -> None:
    root = layouts(tmp_path, {"page.html": '{% include "delad.html" %}'})
    (root / "delat").mkdir()
    (root / "delat/delad.html").write_text("delad text", encoding="utf-8")
    os.symlink("../delat/delad.html", root / "layouts/delad.html")
    assert env_for(root).get_template("page.html").render() == "delad text"


def test_a_layout_that_is_a_fifo_is_refused_and_a_missing_one_is_not_found(tmp_path: Path) -> None:
    root = layouts(tmp_path, {"page.html": "ok"})
    os.mkfifo(root / "layouts/base.html")
    with pytest.raises(SiteError) as caught:
        env_for(root).get_template("base.html")
    assert caught.value.format() == (
        f"layouts/base.html: not an ordinary file: it is a named pipe (FIFO)\n{ORDINARY_HINT}")
    with pytest.raises(jinja2.TemplateNotFound):
        env_for(root).get_template("saknas.html")


def test_a_layout_in_another_encoding_is_named_not_a_traceback(tmp_path: Path) -> None:
    root = layouts(tmp_path, {})
    (root / "layouts/base.html").write_bytes("<p>Umeå</p>\n".encode("latin-1"))
    with pytest.raises(SiteError) as caught:
        env_for(root).get_template("base.html")
    assert caught.value.format().startswith("layouts/base.html:1: file is not UTF-8")


def test_layouts_outside_any_site_are_read_from_their_own_folder_only(tmp_path: Path) -> None:
    root = layouts(tmp_path, {"page.html": "ok", "../utanfor.html": "utanför"})
    os.symlink("../utanfor.html", root / "layouts/lank.html")
    env = make_environment(str(root / "layouts"))  # no site root given: the folder is the limit
    assert env.get_template("page.html").render() == "ok"
    with pytest.raises(SiteError, match="outside the site"):
        env.get_template("lank.html")


def test_a_changed_layout_is_read_again(tmp_path: Path) -> None:
    root = layouts(tmp_path, {"page.html": "ett"})
    env = env_for(root)
    assert env.get_template("page.html").render() == "ett"
    (root / "layouts/page.html").write_text("två", encoding="utf-8")
    os.utime(root / "layouts/page.html", (1, 1))
    assert env.get_template("page.html").render() == "två"


def test_a_link_to_a_hidden_file_or_folder_of_the_site_is_refused(tmp_path: Path) -> None:
    root = site(tmp_path, {".git/config": "[remote]\nurl = https://token@example.org/\n",
                           "static/.env": "SECRET=1\n", "static/site.css": "body {}\n"})
    os.symlink("../.git/config", root / "static/git.txt")
    os.symlink(".env", root / "static/env.txt")
    os.symlink("../.git", root / "static/git")
    assert problems(lambda: load_static(root, "static")) == [
        f"static/env.txt: symbolic link to {os.path.realpath(root / 'static/.env')}, which is a hidden file "
        "or folder of the site\n  hint: copy the file into the site, or remove the link",
        f"static/git: symbolic link to {os.path.realpath(root / '.git')}, which is a hidden file or folder "
        "of the site\n  hint: copy the folder into the site, or remove the link",
        f"static/git.txt: symbolic link to {os.path.realpath(root / '.git/config')}, which is a hidden file "
        "or folder of the site\n  hint: copy the file into the site, or remove the link"]


def test_a_configured_folder_may_itself_have_a_hidden_name(tmp_path: Path) -> None:
    root = site(tmp_path, {".tema/static/site.css": "body {}\n", ".tema/static/.dold": "x"})
    os.symlink("site.css", root / ".tema/static/lank.css")
    assert [f.relpath for f in load_static(root, ".tema/static")] == ["lank.css", "site.css"]


def test_a_file_below_a_folder_link_out_of_the_site_names_the_link(tmp_path: Path) -> None:
    outside = tmp_path / "annan"
    outside.mkdir()
    (outside / "bas.html").write_text("utanför", encoding="utf-8")
    root = layouts(tmp_path, {})
    os.symlink(outside, root / "layouts/delat")
    with pytest.raises(SiteError) as caught:
        env_for(root).get_template("delat/bas.html")
    assert caught.value.format() == (
        f"layouts/delat/bas.html: symbolic link to {outside}, which is outside the site\n"
        "  hint: the link layouts/delat leads there: remove it")
