"""Which saves the preview rebuilds for: OS file events (inotify, via watchfiles' RustNotify) on the site's
own folders and config.yaml, editor temp files left out, a save that writes twice seen once.

Two watchers: the site folder itself, not recursively (config.yaml; a content, layouts or static
folder that appears, goes or is replaced), and those folders recursively. Nothing else of the
site is watched: not output/ (each build replaces it), not .sbuv-preview/ or .sbuv-cache/, not .git/.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sbuv_site.config import CONFIG_FILE

if TYPE_CHECKING:
    from watchfiles._rust_notify import RustNotify

DEBOUNCE_MS = 50  # at most this long from the first event of a save to its batch
STEP_MS = 20  # a batch ends when this long passes without a new event
RUST_TIMEOUT_MS = 500  # how often a watcher looks at its stop flag while nothing happens

# vim's swap files (.swp, .swo, …, its .swx probe) and write probe "4913", backups "name~", Emacs'
# lock ".#name" and auto-save "#name#", JetBrains' safe-write copies, gedit's and Kate's temporary files.
_TEMP = re.compile(r"""(?x) ^(?: \.\#.* | \#.*\# | 4913 | \.goutputstream-.* | .*\.kate-swp )$
                   | \.sw[a-px]$ | ~$ | ___jb_(?:tmp|old)___$ """)


def is_editor_temp(name: str) -> bool:
    """A file an editor writes beside the one being saved, which the build never reads."""
    return bool(_TEMP.search(name))


class _Either:
    """Stops a watcher when either flag is set (watchfiles checks is_set() every step)."""

    def __init__(self, *flags: threading.Event) -> None:
        self.flags = flags

    def is_set(self) -> bool:
        return any(flag.is_set() for flag in self.flags)


class SiteWatcher:
    """Calls `changed(paths)` from its own threads with each batch of relevant changed paths."""

    def __init__(self, root: Path, folders: Callable[[], Iterable[str]],
                 changed: Callable[[frozenset[Path]], None]) -> None:
        """folders() names the watched folders relative to root; it is asked again on each restart,
        so a config.yaml that moves content_dir is followed."""
        self.root = root.absolute()
        self._folders = folders
        self._changed = changed
        self._stop = threading.Event()
        self._restart = threading.Event()
        self._tops: frozenset[str] = frozenset()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Watch from now on: a save made once this returns is seen (the OS watches are in place)."""
        top = _notify([self.root], recursive=False)
        folders = _notify(self._dirs(), recursive=True)
        for target, notify in ((self._watch_root, top), (self._watch_folders, folders)):
            thread = threading.Thread(target=target, args=(notify,), name=f"sbuv-{target.__name__}",
                                      daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _dirs(self) -> list[Path]:
        folders = list(self._folders())
        self._tops = frozenset(Path(folder).parts[0] for folder in folders if Path(folder).parts)
        return [d for d in (self.root / folder for folder in folders) if d.is_dir()]

    def _watch_root(self, notify: RustNotify | None) -> None:
        config = self.root / CONFIG_FILE
        for paths in _batches(notify, self._stop):
            moved = {p for p in paths if p.parent == self.root and p.name in self._tops}
            if moved:  # a watched folder appeared, went or was replaced: watch it anew
                self._restart.set()
            wanted = frozenset(p for p in paths if p == config or p in moved)
            if wanted:
                self._changed(wanted)

    def _watch_folders(self, notify: RustNotify | None) -> None:
        while True:
            for paths in _batches(notify, _Either(self._stop, self._restart)):
                wanted = frozenset(p for p in paths if not is_editor_temp(p.name))
                if wanted:
                    self._changed(wanted)
            if self._stop.is_set():
                return
            if notify is None:  # nothing to watch yet: the root watcher says when a folder appears
                self._restart.wait(RUST_TIMEOUT_MS / 1000)
            self._restart.clear()
            notify = _notify(self._dirs(), recursive=True)


def _notify(paths: list[Path], recursive: bool) -> RustNotify | None:
    """OS watches on paths, collecting events from now on; None when there is nothing (left) to watch."""
    from watchfiles._rust_notify import RustNotify

    try:
        return RustNotify([str(p) for p in paths], False, False, 300, recursive, True) if paths else None
    except FileNotFoundError:  # a folder went between looking and watching
        return None


def _batches(notify: RustNotify | None, stop: _Either | threading.Event) -> Iterator[set[Path]]:
    """Each batch of changed paths until stop is set; one batch per save (DEBOUNCE_MS, STEP_MS)."""
    if notify is None:
        return
    with notify:
        while not stop.is_set():
            batch = notify.watch(DEBOUNCE_MS, STEP_MS, RUST_TIMEOUT_MS, stop)
            if isinstance(batch, set):
                yield {Path(path) for _, path in batch}
