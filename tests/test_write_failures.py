"""When the file system refuses (disk full, read-only, permission, file size limit) or a feed is broken.

Every such build or `new` prints one message naming the path and what failed, exits 1,
leaves output/ as it was with no staging folder, and never shows a traceback. Tests run
as root, where permissions do not stop a write: the refusals are simulated by making the
failing call raise the OSError the kernel would give, and one is real (RLIMIT_FSIZE → EFBIG).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from sbuv_site import write
from sbuv_site.cli import main
from sbuv_site.errors import SiteError
from sbuv_site.render import OutputFile
from sbuv_site.write import check_well_formed
from tests.conftest import ROOT, post, write_site
from tests.test_write import tree

CHILD = ("import resource, signal, sys\n"
         "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
         "limit = int(sys.argv[1])\n"
         "resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))\n"
         "from sbuv_site.cli import main\n"
         "sys.exit(main(sys.argv[2:]))\n")
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with its own static folder and an earlier, good build in output/."""
    long_post = post("Första", "2016-01-01", "Ord. " * 12000)  # a page over the file size limit below
    root = write_site(tmp_path / "site", {"content/posts/a.md": long_post})  # with its own static/
    assert main(["--root", str(root), "build"]) == 0
    return root


def failed_build(site: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Build; assert exit 1, no traceback, output/ as it was and no staging left; the printed lines."""
    capsys.readouterr()
    before = tree(site / "output")
    assert main(["--root", str(site), "build", "--no-cache"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert tree(site / "output") == before
    assert not list(site.glob(".output.tmp-*")) and not list(site.glob(".output.old-*"))
    return err.splitlines()


def refuse(where: str, code: int, *, call: object, ending: str = "") -> object:
    """A stand-in for `call` that fails with errno `code` when its path holds `where` (and ends so)."""

    def failing(self_or_path: object, *args: object, **kwargs: object) -> object:
        if where in str(self_or_path) and str(self_or_path).endswith(ending):
            raise OSError(code, os.strerror(code), str(self_or_path))
        return call(self_or_path, *args, **kwargs)  # type: ignore[operator]

    return failing


def test_a_full_disk_while_writing_names_the_file_and_keeps_output(
        site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # the writer opens the staged atom.xml with os.open (the layout of the same name is read with it too)
    monkeypatch.setattr(os, "open", refuse(".tmp-", errno.ENOSPC, call=os.open, ending="/atom.xml"))
    lines = failed_build(site, capsys)
    assert lines == [f"{site}/output/atom.xml: cannot write the built file: No space left on device",
                     "  hint: the disk is full: free some space and try again; "
                     "the output folder was left as it was",
                     "1 problem; nothing was written."]


def test_a_refused_folder_inside_the_staging_folder_is_named_as_in_output(
        site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(os, "mkdir", refuse("/2016/01", errno.EACCES, call=os.mkdir))
    lines = failed_build(site, capsys)
    assert lines[0] == f"{site}/output/2016/01: cannot create the folder: Permission denied"
    assert lines[1].startswith("  hint: check who owns the folder and its permissions")


def test_a_read_only_site_folder_refuses_the_staging_folder(
        site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def mkdtemp(*args: object, **kwargs: object) -> str:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(kwargs.get("dir")))

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    lines = failed_build(site, capsys)
    assert lines[0] == (f"{site}: cannot create a staging folder beside the output folder: "
                        "Read-only file system")
    assert lines[1].startswith("  hint: the file system is read-only: use a writable folder (for a build: "
                               "--output DIR)")


def test_a_refused_swap_keeps_the_previous_output(
        site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(write, "_exchange", lambda a, b: errno.EACCES)
    lines = failed_build(site, capsys)
    assert lines[0] == f"{site}/output: cannot swap the new build into place: Permission denied"


def test_a_swap_whose_second_rename_fails_puts_the_old_output_back(
        site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(write, "_exchange", lambda a, b: errno.ENOSYS)
    real_rename = os.rename

    def rename(src: str, dst: str) -> None:
        if ".output.tmp-" in str(src):
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(dst))
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    lines = failed_build(site, capsys)
    assert lines[0] == f"{site}/output: cannot swap the new build into place: Input/output error"


def test_a_real_file_size_limit_stops_the_build_with_a_message(site: Path) -> None:
    before = tree(site / "output")
    assert max(len(data) for data in before.values()) > 40_000
    child = subprocess.run([sys.executable, "-c", CHILD, "40000", "--root", str(site), "build", "--no-cache"],
                           env=ENV, capture_output=True, text=True, timeout=120)
    assert child.returncode == 1, child.stderr
    assert "Traceback" not in child.stderr
    first, hint = child.stderr.splitlines()[:2]
    assert first.startswith(f"{site}/output/")
    assert first.endswith(": cannot write the built file: File too large")
    assert hint.startswith("  hint: the file is larger than this system allows (ulimit -f)")
    assert tree(site / "output") == before
    assert not list(site.glob(".output.tmp-*"))


def test_another_file_system_error_is_a_message_not_a_traceback(
        site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(Path, "read_bytes", refuse("/config.yaml", errno.EIO, call=Path.read_bytes))
    lines = failed_build(site, capsys)
    assert lines[0] == f"{site}/config.yaml: file system error: Input/output error"
    assert lines[1] == "  hint: fix the cause and try again"


def test_new_on_a_full_disk_leaves_no_half_written_post(
        site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", fsync)
    before = sorted(p.name for p in (site / "content/posts").iterdir())
    assert main(["--root", str(site), "new", "Besök i Umeå"]) == 1
    err = capsys.readouterr().err
    assert err == (f"{site}/content/posts/besok-i-umea.md: cannot write the new file: "
                   "No space left on device\n"
                   "  hint: the disk is full: free some space and try again; no file was written\n"
                   "1 problem; nothing was written.\n")
    assert sorted(p.name for p in (site / "content/posts").iterdir()) == before


def test_new_in_a_read_only_content_folder_is_a_message(
        site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(site / "content/posts")
    monkeypatch.setattr(Path, "mkdir", refuse("/content/posts", errno.EROFS, call=Path.mkdir))
    assert main(["--root", str(site), "new", "Besök i Umeå"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{site}/content/posts: cannot create the folder: Read-only file system\n")
    assert "Traceback" not in err and not (site / "content/posts").exists()


def test_new_under_a_real_file_size_limit_leaves_no_half_written_post(site: Path) -> None:
    child = subprocess.run([sys.executable, "-c", CHILD, "20", "--root", str(site), "new", "Besök i Umeå"],
                           env=ENV, capture_output=True, text=True, timeout=60)
    assert child.returncode == 1
    assert child.stderr.startswith(f"{site}/content/posts/besok-i-umea.md: cannot write the new file: "
                                   "File too large\n")
    assert sorted(p.name for p in (site / "content/posts").iterdir()) == ["a.md"]


def test_a_static_file_that_is_not_well_formed_xml_is_named_at_its_line(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "static").mkdir(exist_ok=True)
    (site / "static/logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg">\n<g>\n</svg>\n',
                                          encoding="utf-8")
    lines = failed_build(site, capsys)
    assert lines[0] == "static/logo.svg:3: this file is not well-formed XML (mismatched tag, column 2)"


def test_well_formed_feeds_pass_and_a_bare_ampersand_does_not() -> None:
    good = OutputFile("atom.xml", b'<?xml version="1.0"?><feed><title>A &amp; B</title></feed>')
    check_well_formed([good, OutputFile("index.html", b"<p>&</p>")], {}, {})
    bad = OutputFile("atom.xml", b"<feed><title>Skola & socialtj\xc3\xa4nst</title></feed>")
    with pytest.raises(SiteError) as caught:
        check_well_formed([bad], {"atom.xml": "layouts/atom.xml"}, {})
    assert (caught.value.path, caught.value.line) == ("layouts/atom.xml", None)
    assert caught.value.message == ("this layout makes atom.xml, which is not well-formed XML "
                                    "(not well-formed (invalid token) at line 1, column 20 of atom.xml)")
