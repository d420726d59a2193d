"""One build at a time per output folder: a second build waits, then names the holder; none is lost.

The two-process tests run real `python -m sbuv_site build` processes; the first is paused
with SIGSTOP while its staging folder fills (a site big enough that writing takes a while),
so the second meets it in its write phase.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sbuv_site import write
from sbuv_site.build import BuildOptions, build
from sbuv_site.cli import main
from sbuv_site.errors import SiteError
from sbuv_site.outputguard import BUILD_MARK, MARK_TEXT, lock_output
from sbuv_site.serve import rebuild_and_report
from tests.conftest import NOW, ROOT, post, write_site
from tests.test_write import stable, tree

BODY = "Ett stycke text om samverkan mellan skola och socialtjänst. " * 40
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}


def big_site(root: Path, posts: int = 700) -> Path:
    files = {f"content/posts/p{i:04d}.md": post(f"Inlägg {i}", f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}",
                                               BODY, tags="[a, b]", municipality="Umeå")
             for i in range(posts)}
    return write_site(root, files)


def command(site: Path, *flags: str) -> list[str]:
    return [sys.executable, "-m", "sbuv_site", "--root", str(site), "build", *flags]


def staging_of(site: Path) -> list[Path]:
    return [p for p in site.glob(".output.tmp-*") if p.is_dir()]


@pytest.fixture
def paused_build(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[bytes], Path]]:
    """A real build stopped (SIGSTOP) in its write phase, over an earlier build's output/."""
    site = big_site(tmp_path / "site")
    out = site / "output"
    out.mkdir()
    (out / "index.html").write_text("previous build", encoding="utf-8")
    (out / BUILD_MARK).write_bytes(MARK_TEXT)
    first = subprocess.Popen(command(site), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    staging: list[Path] = []
    while time.monotonic() < deadline and first.poll() is None:
        staging = [p for p in staging_of(site) if any(p.rglob("*.html"))]
        if staging:
            os.kill(first.pid, signal.SIGSTOP)
            break
        time.sleep(0.002)
    try:
        assert staging, "the first build never reached its write phase"
        assert first.poll() is None and staging[0].is_dir(), "the first build was not paused while writing"
        yield site, first, staging[0]
    finally:
        if first.poll() is None:
            os.kill(first.pid, signal.SIGCONT)
        first.communicate(timeout=180)


def test_a_second_build_waits_then_names_the_paused_build_and_touches_nothing(
        paused_build: tuple[Path, subprocess.Popen[bytes], Path], tmp_path: Path) -> None:
    site, first, staging = paused_build
    before = tree(site / "output")
    files_in_staging = set(staging.rglob("*"))
    second = subprocess.run(command(site, "--wait", "1"), env=ENV, capture_output=True, text=True,
                            timeout=120)
    assert second.returncode == 1
    assert "Traceback" not in second.stderr
    lines = second.stderr.splitlines()
    assert lines[0].startswith(f"{site / 'output'}: another build is using this output folder: "
                               f"process {first.pid} (")
    assert " -m sbuv_site --root " in lines[0] and lines[0].endswith("build); gave up after waiting 1 s")
    assert lines[1] == ("  hint: let that build finish (or stop it), then build again; "
                        f"the lock is {site}/.output.lock")
    assert staging.is_dir() and set(staging.rglob("*")) >= files_in_staging  # its staging is left alone
    assert tree(site / "output") == before
    os.kill(first.pid, signal.SIGCONT)
    out, err = first.communicate(timeout=180)
    assert first.returncode == 0, err
    build(site, BuildOptions(output=tmp_path / "reference", now=NOW))
    assert stable(tree(site / "output")) == stable(tree(tmp_path / "reference"))  # (see test_write.stable)
    assert staging_of(site) == []


def lock_is_open_in(pid: int, lock: Path) -> bool:
    """True while the process has the lock file open: it is waiting for (or holding) the lock."""
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) == str(lock):
                return True
        except OSError:
            continue
    return False


def test_a_build_that_waits_runs_after_the_first_and_its_tree_is_the_one_published(
        paused_build: tuple[Path, subprocess.Popen[bytes], Path], tmp_path: Path) -> None:
    site, first, _ = paused_build
    (site / "content/posts/sent.md").write_text(post("Skrivet under bygget", "2016-12-24"), encoding="utf-8")
    second = subprocess.Popen(command(site), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not lock_is_open_in(second.pid, site / ".output.lock"):
        assert second.poll() is None and time.monotonic() < deadline, "the second build never met the lock"
        time.sleep(0.01)
    assert staging_of(site) and len(staging_of(site)) == 1  # only the paused build's folder
    os.kill(first.pid, signal.SIGCONT)
    first_err = first.communicate(timeout=180)[1]
    second_out, second_err = second.communicate(timeout=180)
    assert first.returncode == 0 and second.returncode == 0, first_err + second_err
    assert second_out.startswith(b"Built 701 posts")
    build(site, BuildOptions(output=tmp_path / "reference", now=NOW))
    assert stable(tree(site / "output")) == stable(tree(tmp_path / "reference"))  # (see test_write.stable)
    assert (site / "output/2016/12/skrivet-under-bygget/index.html").is_file()
    assert staging_of(site) == []


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {"content/posts/a.md": post("Första", "2016-01-01")})


def test_a_build_waits_a_bounded_time_for_a_held_lock(small_site: Path) -> None:
    build(small_site, BuildOptions(now=NOW))
    before = tree(small_site / "output")
    with lock_output((small_site / "output").resolve(), 0):
        with pytest.raises(SiteError) as caught:
            build(small_site, BuildOptions(now=NOW, wait=0.2))
    holder = f"another build is using this output folder: process {os.getpid()} ("
    assert caught.value.message.startswith(holder)
    assert caught.value.message.endswith("; gave up after waiting 0.2 s")
    assert tree(small_site / "output") == before
    build(small_site, BuildOptions(now=NOW, wait=0))  # released: the next build goes through


def test_serve_rebuild_waits_for_the_lock_then_keeps_serving_the_old_output(small_site: Path) -> None:
    build(small_site, BuildOptions(now=NOW))
    before = tree(small_site / "output")
    printed: list[str] = []
    with lock_output((small_site / "output").resolve(), 0):
        ok = rebuild_and_report(small_site, BuildOptions(output=small_site / "output", now=NOW, wait=0.1),
                                printed.append)
    assert not ok
    assert "another build is using this output folder" in printed[0]
    assert printed[-1] == "Build failed; still serving the previous output."
    assert tree(small_site / "output") == before


def test_a_lock_file_left_by_a_dead_build_does_not_block(small_site: Path) -> None:
    (small_site / ".output.lock").write_text("999999999\nsbuv-site build\n", encoding="utf-8")
    build(small_site, BuildOptions(now=NOW, wait=0))
    assert (small_site / "output/index.html").is_file()
    assert (small_site / ".output.lock").read_text().startswith(f"{os.getpid()}\n")


def test_leftovers_of_killed_builds_go_but_another_outputs_staging_stays(small_site: Path) -> None:
    build(small_site, BuildOptions(now=NOW))
    for name in (".output.tmp-1-abc", ".output.old-2-def", ".out2.tmp-3-ghi", ".output.tmp-x.tmp-4-jkl"):
        (small_site / name).mkdir()
        (small_site / name / "index.html").write_text("half", encoding="utf-8")
    build(small_site, BuildOptions(now=NOW))
    names = sorted(p.name for p in small_site.iterdir() if p.name.startswith("."))
    assert names == [".out2.tmp-3-ghi", ".output.lock", ".output.tmp-x.tmp-4-jkl", ".sbuv-cache"]


def test_a_swap_cut_between_its_two_renames_is_restored_by_the_next_build(small_site: Path) -> None:
    build(small_site, BuildOptions(now=NOW))
    before = tree(small_site / "output")
    (small_site / "output").rename(small_site / ".output.old-77-abcd")  # killed after the first rename
    (small_site / "content/posts/b.md").write_text(post("Trasig", "2016-02-30"), encoding="utf-8")
    with pytest.raises(SiteError):
        build(small_site, BuildOptions(now=NOW))
    assert tree(small_site / "output") == before
    assert not list(small_site.glob(".output.old-*"))


def test_without_rename_exchange_the_swap_takes_two_renames(small_site: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    monkeypatch.setattr(write, "_exchange", lambda a, b: errno.ENOSYS)
    build(small_site, BuildOptions(now=NOW))
    (small_site / "content/posts/b.md").write_text(post("Andra", "2016-02-01"), encoding="utf-8")
    build(small_site, BuildOptions(now=NOW))
    assert (small_site / "output/2016/02/andra/index.html").is_file()
    assert sorted(p.name for p in small_site.iterdir() if p.name.startswith(".")) == [".output.lock",
                                                                                    ".sbuv-cache"]


@pytest.mark.parametrize("wait", ["nan", "-1", "inf", "soon"])
def test_wait_takes_a_number_of_seconds(wait: str, small_site: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--root", str(small_site), "build", "--wait", wait])
    assert caught.value.code == 2
    assert f"'{wait}' is not a number of seconds from 0 to 86400" in capsys.readouterr().err


def test_a_lock_file_planted_as_a_link_is_never_followed(small_site: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    config = (small_site / "config.yaml").read_bytes()
    (small_site / ".output.lock").symlink_to(small_site / "config.yaml")
    assert main(["--root", str(small_site), "build"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{small_site}/.output.lock: cannot create the build's lock file: "
                          "Too many levels of symbolic links\n")
    assert (small_site / "config.yaml").read_bytes() == config
    assert not (small_site / "output").exists()
