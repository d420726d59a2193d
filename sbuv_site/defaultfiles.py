"""The layouts and static files the package ships, which a site's own files override one by one.

A site needs only config.yaml and content/: every layout and static file it lacks comes from
sbuv_site/default_layouts/ and sbuv_site/default_static/. Messages name these files
'(built-in) sbuv_site/default_layouts/post.html', so an editor can tell them from the site's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import PurePosixPath

from sbuv_site.static import StaticFile
from sbuv_site.yamltext import decode_text

LAYOUTS_FOLDER = "default_layouts"
STATIC_FOLDER = "default_static"
BUILTIN = "(built-in)"


def _package() -> Traversable:
    return resources.files("sbuv_site")


def builtin_layout_shown(name: str) -> str:
    """How messages name a built-in layout: '(built-in) sbuv_site/default_layouts/post.html'."""
    return f"{BUILTIN} sbuv_site/{LAYOUTS_FOLDER}/{name}"


def builtin_static_shown(relpath: str) -> str:
    """How messages name a built-in static file: '(built-in) sbuv_site/default_static/favicon.svg'."""
    return f"{BUILTIN} sbuv_site/{STATIC_FOLDER}/{relpath}"


def builtin_layouts_folder() -> str:
    """The folder of the built-in layouts as a path, so Jinja's tracebacks can be read back."""
    return str(_package() / LAYOUTS_FOLDER)


def read_builtin_layout(pieces: Sequence[str]) -> tuple[str, str] | None:
    """A built-in layout's text and file name, from its checked name pieces; None when there is none."""
    item = _package() / LAYOUTS_FOLDER
    for piece in pieces:
        item = item / piece
    if not item.is_file():
        return None
    name = "/".join(pieces)
    return decode_text(item.read_bytes(), builtin_layout_shown(name)), str(item)


def builtin_static() -> tuple[StaticFile, ...]:
    """Every built-in static file, sorted by path, each named as built-in for messages."""
    files = [StaticFile(relpath, item.read_bytes(), builtin_static_shown(relpath))
             for relpath, item in _walk(_package() / STATIC_FOLDER, "")]
    return tuple(sorted(files, key=lambda f: f.relpath))


def _walk(folder: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
    if not folder.is_dir():
        return
    for item in folder.iterdir():
        if item.name.startswith(".") or item.name == "__pycache__":
            continue
        relpath = f"{prefix}{item.name}"
        if item.is_dir():
            yield from _walk(item, relpath + "/")
        else:
            yield relpath, item


def merge_static(own: Sequence[StaticFile], builtin: Sequence[StaticFile]) -> tuple[StaticFile, ...]:
    """The site's static files and every built-in one the site does not replace, sorted by path.

    The site's file wins at its own path, and also where it stands in the way: a site file
    'css' keeps out the built-in 'css/site.css', and a site file 'favicon.svg/x' the built-in
    'favicon.svg' (both could not be written).
    """
    taken = {f.relpath for f in own}
    folders = {parent.as_posix() for f in own for parent in PurePosixPath(f.relpath).parents}
    kept = [f for f in builtin
            if f.relpath not in taken and f.relpath not in folders
            and not any(p.as_posix() in taken for p in PurePosixPath(f.relpath).parents)]
    return tuple(sorted([*own, *kept], key=lambda f: f.relpath))
