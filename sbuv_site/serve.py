"""Preview server: build, serve output/ on 127.0.0.1 with live reload, rebuild on every change."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

from sbuv_site.build import BuildOptions, build
from sbuv_site.config import CONFIG_FILE, load_config
from sbuv_site.errors import SiteError, flatten
from sbuv_site.outputguard import check_output_dir, disk_problem


def rebuild_and_report(root: Path, options: BuildOptions, err: Callable[[str], None]) -> bool:
    """One build for the preview: print its summary or its problems; the old output stays on error."""
    try:
        try:
            report = build(root, options)
        except OSError as exc:  # the file system refused: say so and keep serving
            raise disk_problem(exc, exc.filename or root, None) from None
    except (SiteError, ExceptionGroup) as exc:
        problems = flatten(exc)
        if not problems:
            raise
        for problem in problems:
            err(problem.format())
        err("Build failed; still serving the previous output.")
        return False
    print(report.summary(), flush=True)
    return True


def serve(root: Path, options: BuildOptions, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve the built site with livereload; watch content, layouts, static files and config."""
    from livereload import Server  # type: ignore[import-untyped]  # only the preview needs tornado

    config = load_config(root)
    output = options.output or root / config.output_dir
    check_output_dir(output, root, config, options.force)  # never serve (or replace) the editor's files
    options = dataclasses.replace(options, output=output)

    def err(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    rebuild_and_report(root, options, err)
    if not output.is_dir():
        return 1
    server = Server()
    for folder in (config.content_dir, config.layouts_dir, config.static_dir):
        server.watch(str(root / folder), lambda: rebuild_and_report(root, options, err))
    server.watch(str(root / CONFIG_FILE), lambda: rebuild_and_report(root, options, err))
    print(f"Serving {output} at http://{host}:{port}/ (Ctrl+C stops)", flush=True)
    server.serve(host=host, port=port, root=str(output), open_url_delay=None)
    return 0
