"""Write the built files beside output/, then swap them in at once: all or nothing."""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from sbuv_site.errors import SiteError
from sbuv_site.render import OutputFile

_RENAME_EXCHANGE = 2
TMP_PREFIX = ".output.tmp-"
OLD_PREFIX = ".output.old-"


def check_output_dir(output: Path, root: Path) -> None:
    """Refuse an output folder whose replacement would delete the editor's own files."""
    out, site = output.resolve(), root.resolve()
    protected = [site, site / "content", site / "layouts", site / "static"]
    if out in protected or out in site.parents or any(p.is_relative_to(out) for p in protected):
        raise SiteError(output, None, "this output folder would hold or replace the site's own files",
                        "build into a separate folder, e.g. --output output")


def write_output(files: Iterable[OutputFile], output: Path) -> int:
    """Write every file into a temporary folder next to output, then swap it in atomically.

    A failure (or a kill) before the swap leaves the old output/ exactly as it was;
    files whose pages are gone are gone from the new tree.
    """
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(output)
    staging = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=output.parent))
    count = 0
    try:
        made: set[Path] = set()
        for file in files:
            parts = PurePosixPath(file.relpath).parts
            if not parts or file.relpath.startswith("/") or ".." in parts:
                raise AssertionError(f"output path escapes the output folder: {file.relpath}")
            target = staging.joinpath(*parts)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(file.data)
            count += 1
        staging.chmod(0o755)
        _swap(staging, output)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return count


def _swap(staging: Path, output: Path) -> None:
    if output.exists() and _exchange(staging, output):
        shutil.rmtree(staging)  # staging now holds the previous build
        return
    if output.exists():
        old = output.parent / f"{OLD_PREFIX}{output.name}"
        os.replace(output, old)
        os.replace(staging, output)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, output)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step with Linux renameat2(RENAME_EXCHANGE); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def _remove_leftovers(output: Path) -> None:
    """Clear staging folders of builds that were killed; restore output/ if a swap was cut short."""
    for stale in output.parent.glob(f"{TMP_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)
    old = output.parent / f"{OLD_PREFIX}{output.name}"
    if old.exists():
        if output.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(old, output)
