"""Preview server: build, serve output/ on 127.0.0.1, rebuild on every save, reload the browser.

A small tornado app speaking livereload's protocol to livereload's own browser client: the
`livereload` package's server throttles reloads (a save within 3 s of a reload never reached the
browser) and polls the whole tree. Here OS file events (watch.py) feed one builder thread; the
server keeps answering from the last good build while it rebuilds (the build swaps output/ in at
once); every finished rebuild, good or failed, reloads the browser; a failed one leaves its
problems over every served page until the next good build (overlay.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import json
import os
import socket
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

from tornado import netutil, web, websocket
from tornado.httpserver import HTTPServer

from sbuv_site.build import BuildOptions, BuildReport, BuildState, build, rebuild_edited
from sbuv_site.config import CONFIG_FILE, load_config
from sbuv_site.errors import SiteError, flatten
from sbuv_site.outputguard import check_output_dir, disk_problem
from sbuv_site.overlay import PREFIX
from sbuv_site.previewhttp import LiveReloadScript, LiveReloadSocket, OverlayStyle, SiteFiles
from sbuv_site.watch import SiteWatcher

FAILED = "Build failed; still serving the previous output."
PREVIEW_DIR = ".sbuv-preview"  # where serve builds, unless --output says otherwise (git-ignored)
NOTHING_TO_SERVE = ("Build failed and there is no earlier build to serve; "
                    "fix the problems above and start serve again.")
BUG_HINT = "this is a bug in sbuv-site, not in the site: the terminal shows the details; please report them"


def run_build(step: Callable[[], BuildReport], root: Path, err: Callable[[str], None]
              ) -> tuple[BuildReport | None, tuple[SiteError, ...]]:
    """One build for the preview: its report, or its problems printed (the old output stays)."""
    try:
        try:
            return step(), ()
        except OSError as exc:  # the file system refused: say so and keep serving
            raise disk_problem(exc, exc.filename or root, None) from None
    except (SiteError, ExceptionGroup) as exc:
        problems = tuple(flatten(exc))
        if not problems or (isinstance(exc, ExceptionGroup) and exc.split(SiteError)[1]):
            problems = (_bug(exc),)
    except Exception as exc:  # a bug must not stop the preview: show it, keep serving
        problems = (_bug(exc),)
    for problem in problems:
        err(problem.format())
    err(FAILED)
    return None, problems


def _bug(exc: BaseException) -> SiteError:
    traceback.print_exception(exc, file=sys.stderr)
    return SiteError(None, None, f"internal error: {type(exc).__name__}: {exc}", BUG_HINT)


def rebuild_and_report(root: Path, options: BuildOptions, err: Callable[[str], None]) -> bool:
    """One build for the preview: print its summary or its problems; the old output stays on error."""
    report, _ = run_build(lambda: build(root, options), root, err)
    if report:
        print(report.summary(), flush=True)
    return report is not None


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class PreviewServer:
    """The preview of one site: its builds, its watcher, its HTTP and live-reload server."""

    def __init__(self, root: Path, options: BuildOptions, host: str = "127.0.0.1", port: int = 8000,
                 err: Callable[[str], None] = _stderr) -> None:
        config = load_config(root)
        output = options.output or root / PREVIEW_DIR  # never output/: the preview holds drafts
        check_output_dir(output, root, config, options.force)  # never serve (or replace) the editor's files
        self.root, self.host, self.port, self.err = root, host, port, err
        self.options = dataclasses.replace(options, output=output)
        self.output = output
        self.base_path = config.base_path
        self._known_folders = [config.content_dir, config.layouts_dir, config.static_dir]
        self.problems: tuple[SiteError, ...] = ()  # the last build's; shown over every page until a good one
        self.batches: list[frozenset[Path]] = []  # each batch of saves the watcher reported, in order
        self.builds = 0  # rebuilds finished, good or failed
        self._notes: tuple[str, ...] = ()
        self._pending: set[Path] = set()
        self._state = threading.Condition()
        self._stop = threading.Event()
        self._waiters: set[LiveReloadSocket] = set()
        self._sockets: list[socket.socket] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._threads: list[threading.Thread] = []
        self._watcher = SiteWatcher(root, self._folders, self.changed)
        # The cache stays in memory between rebuilds, and output is updated file by file: an edit
        # re-renders and rewrites only the pages that show it.
        self._build_state = BuildState(in_place=True)

    # -- building ---------------------------------------------------------------------------------

    def _rebuild(self, changed: frozenset[Path]) -> BuildReport:
        """The one place the preview builds; `changed` is what was saved since the last build.

        A save that changed only the text of posts or pages takes the quick path (textedits.py).
        """
        quick = rebuild_edited(self.options, self._build_state, changed)
        return quick or build(self.root, self.options, self._build_state)

    def rebuild(self, changed: frozenset[Path] = frozenset()) -> bool:
        """Build once: print the outcome, keep its problems for the overlay; True when it went through."""
        report, problems = run_build(lambda: self._rebuild(changed), self.root, self.err)
        self.problems = problems
        if report is None:
            return False
        if report.notes != self._notes:  # drafts and future posts left out: said when it changes
            self._notes = report.notes
            for note in report.notes:
                self.err(f"note: {note}")
        print(report.summary(), flush=True)
        try:  # a config.yaml that moved base_url's path: follow it
            self.base_path = load_config(self.root).base_path
        except SiteError:
            pass
        return True

    def _folders(self) -> list[str]:
        try:
            config = load_config(self.root)
        except SiteError:  # a broken config.yaml: the build says so; watch what we know
            return self._known_folders
        self._known_folders = [config.content_dir, config.layouts_dir, config.static_dir]
        return self._known_folders

    def changed(self, paths: frozenset[Path]) -> None:
        """Called by the watcher with one batch of saved paths: queue a rebuild for them."""
        with self._state:
            self.batches.append(paths)
            self._pending |= paths
            self._state.notify_all()

    def _build_loop(self) -> None:
        """One rebuild at a time; saves made during a build are built right after it (none is lost)."""
        while True:
            with self._state:
                while not self._pending and not self._stop.is_set():
                    self._state.wait()
                if self._stop.is_set():
                    return
                changed = frozenset(self._pending)
                self._pending.clear()
            self.err(f"{_describe(changed, self.root)} changed: rebuilding")
            was_good = not self.problems
            good = self.rebuild(changed)
            self._reload(self._reload_path(changed) if good and was_good else "*")
            with self._state:
                self.builds += 1
                self._state.notify_all()

    def wait_for(self, ready: Callable[[], bool], timeout: float = 60) -> bool:
        """Wait until ready() holds (checked at each batch and build); for tests and tools."""
        with self._state:
            return self._state.wait_for(ready, timeout)

    def _reload_path(self, changed: frozenset[Path]) -> str:
        """'*' reloads the page; one static stylesheet alone is swapped in place (livereload.js liveCSS)."""
        static = (self.root / self._folders()[2]).absolute()
        if len(changed) == 1:
            (path,) = changed
            if path.suffix == ".css" and path.is_relative_to(static):
                return self.base_path + path.relative_to(static).as_posix()
        return "*"

    # -- the browser ------------------------------------------------------------------------------

    def _reload(self, path: str) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._send_reload, path)

    def _send_reload(self, path: str) -> None:
        message = json.dumps({"command": "reload", "path": path, "liveCSS": True, "liveImg": True})
        for waiter in list(self._waiters):
            try:
                waiter.write_message(message)
            except websocket.WebSocketClosedError:
                self._waiters.discard(waiter)

    def application(self) -> web.Application:
        own = {"server": self}
        return web.Application([
            (r"/livereload", LiveReloadSocket, own),
            (r"/livereload\.js", LiveReloadScript),
            (PREFIX.replace(".", r"\.") + r"overlay\.css", OverlayStyle),
            (r"/(.*)", SiteFiles, own),
        ], log_function=lambda handler: None)  # the terminal is for the editor's problems

    # -- running ----------------------------------------------------------------------------------

    def listen(self) -> int:
        """Take the address and port (0: any free one); return the port. A taken port is a SiteError."""
        problem = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)  # tornado drops, unclosed, a socket that failed
            try:
                self._sockets = netutil.bind_sockets(self.port, self.host)
            except OSError as exc:
                reason = exc.strerror or str(exc)
                problem = SiteError(None, None, f"cannot listen on {self.host}:{self.port}: {reason}",
                                    "another program (perhaps another serve) uses the port: stop it, or "
                                    "choose another port with --port 8001")
            if problem:
                gc.collect()
                raise problem
        self.port = int(self._sockets[0].getsockname()[1])
        return self.port

    def watched(self) -> dict[Path, int]:
        """A snapshot of the watched files, taken before the first build: start() compares it."""
        return snapshot(self.root, [*self._folders(), CONFIG_FILE])

    def start(self, before: dict[Path, int] | None = None) -> None:
        """Start watching and building; what changed since the snapshot `before` is rebuilt at once."""
        self._folders()
        self._watcher.start()
        builder = threading.Thread(target=self._build_loop, name="sbuv-builder", daemon=True)
        builder.start()
        self._threads.append(builder)
        if before is not None:
            missed = changed_between(before, self.watched())
            if missed:
                self.changed(missed)

    def run(self, ready: threading.Event | None = None) -> None:
        """Answer requests in this thread until stop() (or Ctrl+C)."""
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        http = HTTPServer(self.application())
        http.add_sockets(self._sockets)
        self._loop = loop
        if ready:
            ready.set()
        try:
            loop.run_forever()
        finally:
            self._loop = None
            http.stop()
            for waiter in list(self._waiters):
                waiter.close()
            loop.run_until_complete(http.close_all_connections())
            loop.close()
            asyncio.set_event_loop(None)

    def run_in_thread(self) -> None:
        """run() in a thread of its own, returning once requests are answered (for tests)."""
        ready = threading.Event()
        thread = threading.Thread(target=self.run, args=(ready,), name="sbuv-http", daemon=True)
        thread.start()
        self._threads.append(thread)
        ready.wait(30)

    def stop(self, timeout: float = 30) -> None:
        """Stop watching, building (after the build that runs, if it ends within timeout) and answering."""
        self._stop.set()
        with self._state:
            self._state.notify_all()
        self._watcher.stop()
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=timeout)
        for sock in self._sockets:  # closed by run() already, unless it never ran
            sock.close()


def _describe(paths: Iterable[Path], root: Path) -> str:
    names = sorted(os.path.relpath(p, root) for p in paths)
    return names[0] + (f" (and {len(names) - 1} more)" if len(names) > 1 else "")


def snapshot(root: Path, names: Iterable[str]) -> dict[Path, int]:
    """Each file under root/name (a folder or a file) with its modification time, to compare later."""
    found = {}
    for name in names:
        top = (root / name).absolute()
        walked = [(str(top.parent), [], [top.name])] if top.is_file() else os.walk(top)
        for folder, _, files in walked:
            for file in files:
                path = os.path.join(folder, file)
                try:
                    found[Path(path)] = os.stat(path).st_mtime_ns
                except OSError:  # gone meanwhile
                    pass
    return found


def changed_between(before: dict[Path, int], after: dict[Path, int]) -> frozenset[Path]:
    """Files saved, added or removed from one snapshot to the next."""
    return frozenset(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def serve(root: Path, options: BuildOptions, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve the built site with live reload; rebuild on each save to content, layouts, static, config."""
    server = PreviewServer(root, options, host, port)
    server.listen()
    try:
        before = server.watched()  # saves made during the first build are built right after it
        if not server.rebuild() and not Path(server.output).is_dir():
            _stderr(NOTHING_TO_SERVE)
            return 1
        server.start(before)  # watching starts after the first build, which so has every core
        print(f"Serving {server.output} at http://{host}:{server.port}{server.base_path} (Ctrl+C stops)",
              flush=True)
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop(timeout=1)  # a build cut short leaves output/ as it was: each build swaps in at once
    return 0
