"""A full disk, a read-only folder or a failed rename: one message, and the folder as it was.

Tests run as root, which file permissions do not stop, so the failing OS call is simulated with
monkeypatch (raising the errno the kernel would); one test lets the kernel itself refuse a
write, with RLIMIT_FSIZE in a child process.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sbuv_site.cli import main
from sbuv_site.errors import SiteError
from sbuv_site.importer import import_paths, saving
from tests.conftest import ROOT
from tests.test_bad_inputs import troubleshooting_patterns

PAGE = "{title}\n\nkl. av | Taggar:\n\nVi var i Kalix. Kalix kommun bjöd in till ett möte om {title}.\n"
HAND = "---\ntitle: Min egen\ndate: 2016-01-01\n---\n\nEgen.\n"


def pages(tmp_path: Path, *titles: str) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    paths = []
    for number, title in enumerate(titles):
        path = folder / f"{number}.txt"
        path.write_text(PAGE.format(title=title), encoding="utf-8")
        paths.append(path)
    return paths


def contents(folder: Path) -> dict[str, bytes]:
    """Every entry of the folder, hidden ones too: a temporary file left behind shows here."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def posts_with_one_hand_written(tmp_path: Path) -> Path:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "egen.md").write_text(HAND, encoding="utf-8")
    return posts


def fail_on_call(monkeypatch: pytest.MonkeyPatch, name: str, number: int, code: int) -> None:
    """Make os.<name> raise OSError(code) from its `number`-th call on (1-based)."""
    real = getattr(os, name)
    calls = 0

    def failing(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls >= number:
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, failing)


def explained(problem: SiteError) -> bool:
    return problem.hint is not None and any(p.search(problem.message) for p in troubleshooting_patterns())


def test_a_full_disk_while_writing_the_second_post_writes_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = posts_with_one_hand_written(tmp_path)
    before = contents(posts)
    real_write = os.write
    written: list[int] = []

    def disk_fills(handle: int, data: bytes | memoryview) -> int:
        written.append(len(data))
        if len(written) >= 2:  # the second post: part of it fits, then the disk is full
            if len(written) == 2:
                return real_write(handle, bytes(data)[:10])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(handle, data)

    monkeypatch.setattr(os, "write", disk_fills)
    with pytest.raises(SiteError) as caught:
        import_paths(pages(tmp_path, "Kalix", "Haninge", "Umeå"), posts)
    assert caught.value.path == posts / "haninge.md"
    assert caught.value.message == "cannot write the post: No space left on device; no post was written"
    assert caught.value.hint == "the disk is full: free some space, then import again"
    assert explained(caught.value)
    assert contents(posts) == before  # no post, no half post, no temporary file


def test_a_read_only_folder_writes_nothing_and_names_the_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = posts_with_one_hand_written(tmp_path)
    before = contents(posts)
    real_open = os.open

    def read_only(path: str, flags: int, mode: int = 0o777, **kwargs: object) -> int:
        if flags & os.O_CREAT:  # mkstemp creates its file with os.open; reading still works
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(SiteError) as caught:
        import_paths(pages(tmp_path, "Kalix"), posts)
    assert (caught.value.path, caught.value.message) == (
        posts, "cannot write in this folder: Read-only file system; no post was written")
    assert caught.value.hint == "the disk is read-only: import into a folder on a writable disk (--into)"
    monkeypatch.undo()
    assert contents(posts) == before


def test_a_rename_that_fails_takes_back_the_posts_this_run_created(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = posts_with_one_hand_written(tmp_path)
    before = contents(posts)
    fail_on_call(monkeypatch, "replace", 3, errno.EACCES)
    with pytest.raises(SiteError) as caught:
        import_paths(pages(tmp_path, "Kalix", "Haninge", "Umeå"), posts)
    assert (caught.value.path, caught.value.message) == (
        posts / "umea.md", "cannot write the post: Permission denied; no post was written")
    assert caught.value.hint == "sbuv-site may not write there: check the folder's permissions"
    monkeypatch.undo()
    assert contents(posts) == before


def test_a_rename_that_fails_after_a_replaced_post_says_so_and_that_post_is_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = posts_with_one_hand_written(tmp_path)
    kalix, haninge = pages(tmp_path, "Kalix", "Haninge")
    import_paths([kalix], posts)
    (posts / "kalix.md").write_text("---\ntitle: ändrad\n---\n", encoding="utf-8")  # no source: by hand
    import_paths([kalix], posts, force=True)  # saved beside it as kalix-2.md
    old = (posts / "kalix-2.md").read_bytes()
    (posts / "kalix-2.md").write_bytes(old.replace(b"Vi var", b"Vi var nog"))
    fail_on_call(monkeypatch, "replace", 2, errno.EIO)
    with pytest.raises(SiteError) as caught:
        import_paths([kalix, haninge], posts, force=True)
    assert caught.value.path == posts / "haninge.md"
    assert caught.value.message == ("cannot write the post: Input/output error; 1 earlier post was already "
                                    "replaced by the new import; no other post was written")
    assert caught.value.hint == "check that the folder can be written"
    monkeypatch.undo()
    assert (posts / "kalix-2.md").read_bytes() == old  # replaced whole by the new import
    assert sorted(contents(posts)) == ["egen.md", "kalix-2.md", "kalix.md"]


def test_a_failing_fsync_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = posts_with_one_hand_written(tmp_path)
    before = contents(posts)
    fail_on_call(monkeypatch, "fsync", 1, errno.ENOSPC)  # delayed allocation: the disk fills at flush
    with pytest.raises(SiteError, match="No space left on device; no post was written"):
        import_paths(pages(tmp_path, "Kalix"), posts)
    monkeypatch.undo()
    assert contents(posts) == before


def test_an_interrupted_import_leaves_no_temporary_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = posts_with_one_hand_written(tmp_path)
    before = contents(posts)

    def interrupted(handle: int, data: bytes | memoryview) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        import_paths(pages(tmp_path, "Kalix", "Haninge"), posts)
    monkeypatch.undo()
    assert contents(posts) == before


def test_a_folder_that_cannot_be_made_is_one_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = pages(tmp_path, "Kalix")
    fail_on_call(monkeypatch, "mkdir", 1, errno.EROFS)
    with pytest.raises(SiteError) as caught:
        import_paths(inputs, tmp_path / "ny/posts")
    assert (caught.value.path, caught.value.message) == (
        tmp_path / "ny/posts", "cannot make the folder: Read-only file system; no post was written")
    assert explained(caught.value)


@pytest.mark.parametrize("case", ["file", "under_a_file", "broken_link"])
def test_into_that_is_no_folder_is_refused_before_anything_is_read_or_written(
        case: str, tmp_path: Path) -> None:
    (tmp_path / "fil.md").write_text(HAND, encoding="utf-8")
    os.symlink(tmp_path / "borta", tmp_path / "länk")
    into = {"file": tmp_path / "fil.md", "under_a_file": tmp_path / "fil.md/posts/2016",
            "broken_link": tmp_path / "länk"}[case]
    expected = {
        "file": "the folder for the posts is a file, not a folder",
        "under_a_file": f"cannot make the folder for the posts: {tmp_path / 'fil.md'} is a file",
        "broken_link": "the folder for the posts is a broken symbolic link, not a folder",
    }[case]
    for dry_run in (True, False):
        with pytest.raises(SiteError) as caught:
            import_paths(pages(tmp_path, "Kalix"), into, dry_run=dry_run)
        assert (caught.value.path, caught.value.message) == (into, expected)
        assert explained(caught.value)
    assert (tmp_path / "fil.md").read_text(encoding="utf-8") == HAND
    assert saving.folder_problem(tmp_path / "ny/posts") is None


def test_the_command_line_prints_a_full_disk_as_one_problem(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    posts = posts_with_one_hand_written(tmp_path)
    before = contents(posts)
    fail_on_call(monkeypatch, "write", 1, errno.ENOSPC)
    code = main(["import", *map(str, pages(tmp_path, "Kalix")), "--into", str(posts)])
    monkeypatch.undo()
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert captured.err.splitlines() == [
        f"{posts / 'kalix.md'}: cannot write the post: No space left on device; no post was written",
        "  hint: the disk is full: free some space, then import again",
        "1 problem; nothing was written.",
    ]
    assert contents(posts) == before


def test_the_kernel_refusing_a_write_is_one_message_and_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    """A real failing write: RLIMIT_FSIZE makes the kernel refuse bytes beyond 200 (EFBIG)."""
    posts = posts_with_one_hand_written(tmp_path)
    before = contents(posts)
    [page] = pages(tmp_path, "Kalix " + "lång rubrik " * 30)
    child = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"  # EFBIG instead of being killed
        "resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))\n"
        "from sbuv_site.cli import main\n"
        f"sys.exit(main(['import', {str(page)!r}, '--into', {str(posts)!r}]))\n"
    )
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].endswith(": cannot write the post: File too large; no post was written")
    assert lines[1] == "  hint: the file system refused the file as too large: check the disk's limits"
    assert "Traceback" not in result.stderr
    assert contents(posts) == before
