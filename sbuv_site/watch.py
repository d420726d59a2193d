"""Which saves the preview rebuilds for: OS file events (inotify, via watchfiles) on the site's
own folders and config.yaml, editor temp files left out, a save that writes twice seen once.

Two watchers: the site folder itself, not recursively (config.yaml; a content, layouts or static
folder that appears, goes or is replaced), and those folders recursively. Nothing else of the
site is watched: not output/ (each build replaces it), not .sbuv-cache/, not .git/.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from sbuv_site.config import CONFIG_FILE

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
        for target in (self._watch_root, self._watch_folders):
            thread = threading.Thread(target=target, name=f"sbuv-{target.__name__}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _dirs(self) -> list[Path]:
        dirs = [self.root / folder for folder in self._folders()]
        self._tops = frozenset(Path(folder).parts[0] for folder in self._folders() if Path(folder).parts)
        return [d for d in dirs if d.is_dir()]

    def _watch_root(self) -> None:
        from watchfiles import watch

        config = self.root / CONFIG_FILE
        for batch in watch(self.root, recursive=False, debounce=DEBOUNCE_MS, step=STEP_MS,
                           rust_timeout=RUST_TIMEOUT_MS, stop_event=self._stop, raise_interrupt=False):
            paths = {Path(path) for _, path in batch}
            moved = {p for p in paths if p.parent == self.root and p.name in self._tops}
            if moved:  # a watched folder appeared, went or was replaced: watch it anew
                self._restart.set()
            wanted = frozenset(p for p in paths if p == config or p in moved)
            if wanted:
                self._changed(wanted)

    def _watch_folders(self) -> None:
        from watchfiles import watch

        while not self._stop.is_set():
            self._restart.clear()
            dirs = self._dirs()
            if not dirs:  # nothing to watch yet: the root watcher says when a folder appears
                self._restart.wait(RUST_TIMEOUT_MS / 1000)
                continue
            try:
                for batch in watch(*dirs, debounce=DEBOUNCE_MS, step=STEP_MS, rust_timeout=RUST_TIMEOUT_MS,
                                   stop_event=_Either(self._stop, self._restart), raise_interrupt=False,
                                   watch_filter=lambda _, path: not is_editor_temp(os.path.basename(path))):
                    self._changed(frozenset(Path(path) for _, path in batch))
            except FileNotFoundError:  # a folder went between looking and watching: look again
                continue
