"""The build cache in `.sbuv-cache/`: what the last build read and wrote, so the next does less.

Two files, each whole or ignored:
- `index.bin`: every source file's fingerprint (size, mtime, inode) and digests, and for each
  output folder the files last written there, by the key of what made them. Small: enough to
  see that nothing changed without reading a single post.
- `sources.bin`: each source's checked front matter and rendered Markdown, by path. Large;
  read only when something changed.

The cache is a record to be checked, never trusted: a file of another program version, of
other settings, cut short, corrupt or foreign is ignored and the build starts from nothing.
It is read with an unpickler that can only make the project's own frozen records and a few
plain types, so a planted file cannot run code; each file carries a digest of its bytes.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import hashlib
import io
import operator
import os
import pickle
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.reduction import ForkingPickler
from pathlib import Path, PosixPath
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import sbuv_site
from sbuv_site.dates import PostDate
from sbuv_site.images import DocumentImages, FoundImage, ImagePlace, ImageSize, ImageUse
from sbuv_site.markup import Heading, Rendered
from sbuv_site.municipalities import Municipality
from sbuv_site.validate import Alias, ImageField, PageFields, PostFields

CACHE_DIR = ".sbuv-cache"
_MAGIC = b"sbuv-site cache 1\n"
_PACKAGE = Path(sbuv_site.__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One post or page as last read: how to tell it is unchanged, and what it held."""

    kind: str  # "posts" or "pages"
    size: int
    mtime_ns: int
    inode: int
    digest: str  # of the file's bytes
    front: str  # digest of the front matter's text: a change there may change every page
    body: str  # digest of the Markdown text: a change there changes only pages that show it


@dataclass(frozen=True, slots=True)
class Parsed:
    """A source's checked fields and its Markdown as HTML."""

    fields: PostFields | PageFields
    rendered: Rendered
    digest: str  # of the bytes it was made from: index.bin and sources.bin are written apart, so
    # a build reuses it only when its record has the same digest (another build may have saved between)
    images: DocumentImages | None = None  # the sizes rendered into it and the files beside it


@dataclass(frozen=True, slots=True)
class FileRecord:
    """One file of a built output folder: the key of what made it, and how to know it is still there."""

    key: str
    digest: str
    inode: int
    size: int


@dataclass(frozen=True, slots=True)
class OutputRecord:
    """An output folder as the last build left it."""

    device: int  # the real folder's device and inode after the swap: another tree is another folder
    inode: int
    build_key: str  # everything that decides the whole output; equal means nothing to do
    next_change: float | None  # when a post left out as in the future comes due (POSIX time)
    files: dict[str, FileRecord]


def _call_form(cls: type) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    """How a frozen record pickles: its class and field values, read back by one call of the class.

    The default for a slotted dataclass goes through dataclasses' __getstate__/__setstate__, which
    look the fields up again for every object: two thirds of the cost of moving a parsed post
    between processes or into sources.bin.
    """
    found = dataclasses.fields(cls)
    names = tuple(f.name for f in found)  # all positional, so cls(*values) makes the same record
    assert all(f.init and not f.kw_only for f in found) and names == cls.__dict__["__slots__"], cls
    values = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda record: (cls, (values(record),))
    return lambda record: (cls, values(record))


def _path_form(path: PosixPath) -> tuple[type, tuple[str]]:
    return PosixPath, (str(path),)  # one text to split, not a call with each part to join


# Every record a parsed source holds, and the records of an output folder.
RECORDS: tuple[type, ...] = (Parsed, SourceRecord, FileRecord, OutputRecord, PostFields, PageFields, Alias,
                             ImageField, PostDate, Municipality, Rendered, Heading, DocumentImages, ImageSize,
                             ImageUse, ImagePlace, FoundImage)
REDUCERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {cls: _call_form(cls) for cls in RECORDS}
REDUCERS[PosixPath] = _path_form


class RecordPickler(pickle.Pickler):
    """pickle with the records' fast forms: for sources.bin and the front matter's digest."""

    dispatch_table = {**copyreg.dispatch_table, **REDUCERS}


def dumps_records(value: object) -> bytes:
    """value pickled (protocol 5) with RecordPickler; pickle.loads and the cache's unpickler read it."""
    buffer = io.BytesIO()
    RecordPickler(buffer, protocol=5).dump(value)
    return buffer.getvalue()


for _cls, _reduce in REDUCERS.items():  # and for the pipes that bring parsed posts back from workers
    ForkingPickler.register(_cls, _reduce)


@dataclass
class BuildCache:
    """What `.sbuv-cache/` holds, in memory; `serve` keeps one across rebuilds."""

    program: str  # program_version() of the build that wrote it
    source_key: str  # settings the checked fields and HTML depend on (see build.source_key)
    sources: dict[str, SourceRecord] = field(default_factory=dict)
    parsed: dict[str, Parsed] = field(default_factory=dict)
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    note: str | None = None  # why an existing cache was ignored, for --verbose
    parsed_loaded: bool = True  # False until sources.bin is read (lazily, when needed)
    root: Path | None = None


_program: str | None = None


def program_version() -> str:
    """A digest of the program itself: its code, built-in layouts and data files.

    An edit to any of them (a new release, a fix in a checkout) must not reuse pages made
    by the old program.
    """
    global _program
    if _program is None:
        digest = hashlib.sha256(sbuv_site.__version__.encode())
        for path in sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
        _program = digest.hexdigest()
    return _program


def digest_of(*parts: bytes | str) -> str:
    """One hex digest of several texts, each length-prefixed so that ('ab', 'c') != ('a', 'bc')."""
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def load_cache(root: Path, source_key: str) -> BuildCache:
    """The cache of the site in root, or an empty one (with a note saying why) if it cannot be used."""
    empty = BuildCache(program_version(), source_key, root=root)
    folder = root / CACHE_DIR
    if not folder.exists():
        return empty
    try:
        index = _read(folder / "index.bin")
        if not isinstance(index, dict) or index.get("program") != program_version():
            empty.note = "the cache was made by another version of sbuv-site; rebuilt"
            return empty
        if index.get("source_key") != source_key:
            empty.note = "settings that change every page differ from the cache's; rebuilt"
            return empty
        sources, outputs = index["sources"], index["outputs"]
        if not (isinstance(sources, dict) and isinstance(outputs, dict)
                and all(isinstance(r, SourceRecord) for r in sources.values())
                and all(isinstance(r, OutputRecord) for r in outputs.values())):
            raise ValueError("unexpected records")
    except (OSError, ValueError, KeyError, EOFError, pickle.UnpicklingError, TypeError, AttributeError,
            IndexError, ImportError, MemoryError, RecursionError) as exc:
        empty.note = f"the cache in {CACHE_DIR}/ could not be used ({_reason(exc)}); rebuilt"
        return empty
    return BuildCache(program_version(), source_key, sources, {}, outputs, parsed_loaded=False, root=root)


def load_parsed(cache: BuildCache) -> None:
    """Read sources.bin into cache.parsed, once; a bad file leaves it empty (all sources reread)."""
    if cache.parsed_loaded or cache.root is None:
        return
    cache.parsed_loaded = True
    try:
        parsed = _read(cache.root / CACHE_DIR / "sources.bin")
        if not (isinstance(parsed, dict) and parsed.get("program") == cache.program
                and parsed.get("source_key") == cache.source_key):
            raise ValueError("another program or settings")
        entries = parsed["parsed"]
        if not all(isinstance(k, str) and isinstance(v, Parsed) for k, v in entries.items()):
            raise ValueError("unexpected records")
        cache.parsed = entries
    except (OSError, ValueError, KeyError, EOFError, pickle.UnpicklingError, TypeError, AttributeError,
            IndexError, ImportError, MemoryError, RecursionError) as exc:
        cache.note = f"the cache's sources could not be used ({_reason(exc)}); reread"
        cache.parsed = {}


def save_cache(root: Path, cache: BuildCache, parsed_changed: bool) -> str | None:
    """Write the cache beside the site; a failure only costs the next build time (returns why)."""
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            _write(ignore, b"# made by sbuv-site: the build cache is never committed\n*\n")
        if parsed_changed or not (folder / "sources.bin").exists():
            _write_pickled(folder / "sources.bin", {"program": cache.program, "source_key": cache.source_key,
                                                    "parsed": cache.parsed})
        _write_pickled(folder / "index.bin", {"program": cache.program, "source_key": cache.source_key,
                                              "sources": cache.sources, "outputs": cache.outputs})
    except OSError as exc:
        return f"the build cache could not be saved in {CACHE_DIR}/ ({exc.strerror or exc})"
    return None


class _HashingWriter:
    """A file that hashes what is written to it, so a payload is hashed as it is pickled."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.handle.write(data)


_HEAD = len(_MAGIC) + 65  # the magic line, then the payload's sha256 in hex and a newline


def _write_pickled(path: Path, value: Any) -> None:
    """value pickled straight into the file, whole or not at all (a temporary file, then a rename).

    The payload's digest goes into the fixed-size head last. At 10,000 posts sources.bin is some
    200 MB: pickled into memory first, then joined to its head, it was held three times over and
    made the cache the build's largest use of memory.
    """
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(_MAGIC + b"0" * 64 + b"\n")
            writer = _HashingWriter(handle)
            RecordPickler(writer, protocol=5).dump(value)
            handle.seek(len(_MAGIC))
            handle.write(writer.digest.hexdigest().encode())
        os.replace(temp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _read(path: Path) -> Any:
    """A cache file's value, if its head is ours and its digest matches; read in chunks, not whole."""
    with open(path, "rb") as handle:
        head = handle.read(_HEAD)
        if not head.startswith(_MAGIC):
            raise ValueError("not a cache file of this program")
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
        if head[len(_MAGIC):len(_MAGIC) + 64] != digest.hexdigest().encode() or head[-1:] != b"\n":
            raise ValueError("its digest does not match: cut short or changed")
        handle.seek(_HEAD)
        return _SafeUnpickler(handle).load()


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a temporary file beside it, then a rename."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


_PLAIN = {("builtins", name) for name in ("dict", "list", "tuple", "set", "frozenset", "str", "int",
                                           "float", "bool", "bytes")}
_PLAIN |= {("datetime", name) for name in ("datetime", "date", "timedelta", "timezone")}
_PLAIN |= {("pathlib", "PosixPath"), ("pathlib", "PurePosixPath"), ("zoneinfo", "ZoneInfo"),
           ("zoneinfo._zoneinfo", "ZoneInfo"), ("zoneinfo._zoneinfo", "ZoneInfo._unpickle")}


class _SafeUnpickler(pickle.Unpickler):
    """Makes only the project's own dataclasses and plain values: never a function to call."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("builtins", "getattr"):
            return _zone_getattr  # how a datetime's ZoneInfo pickles itself, and nothing else
        if (module, name) in _PLAIN:
            return super().find_class(module, name)
        if module.startswith("sbuv_site.") and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type) and dataclasses.is_dataclass(found):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache file")



def _zone_getattr(owner: Any, name: str) -> Any:
    if owner is ZoneInfo and name == "_unpickle":
        return ZoneInfo._unpickle  # type: ignore[attr-defined]
    raise pickle.UnpicklingError(f"getattr({owner!r}, {name!r}) is not allowed in a cache file")
