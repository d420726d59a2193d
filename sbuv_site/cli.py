"""Command line: init | build | serve | new | check | addresses | import; problems, never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import yaml

from sbuv_site import __version__
from sbuv_site.build import BuildOptions, build
from sbuv_site.cache import CACHE_DIR
from sbuv_site.config import load_config
from sbuv_site.errors import SiteError, flatten, problem_count
from sbuv_site.municipalities import LookupProblem, load_registry
from sbuv_site.outputguard import DEFAULT_WAIT, disk_problem
from sbuv_site.progress import TerminalProgress
from sbuv_site.slugs import slugify
from sbuv_site.validate import NEW_POST_PLACEHOLDER
from sbuv_site.write import create_file


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sbuv-site", description="Build the SBUV coordinator's blog from Markdown into a static site.")
    parser.add_argument("--version", action="version", version=f"sbuv-site {__version__}")
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="the site folder, holding config.yaml (default: this folder)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", help="make a new site in a new folder",
                               description="Write config.yaml (every setting, explained), one sample post, "
                                           "one page and .gitignore into DIR, which must be new or empty. "
                                           "The site builds at once with the built-in layouts.")
    init.add_argument("dir", type=Path, metavar="DIR", help="the new site's folder")

    b = commands.add_parser("build", help="build the site into output/",
                            description="Build the whole site; output/ is replaced only if all went well.")
    _build_flags(b, drafts_by_default=False)
    talk = b.add_mutually_exclusive_group()
    talk.add_argument("--quiet", "-q", action="store_true",
                      help="print nothing but problems (no summary, no notes)")
    talk.add_argument("--verbose", "-v", action="store_true",
                      help="after the summary, print the time of each stage of the build")

    s = commands.add_parser("serve", help="preview with live reload",
                            description="Build, serve output/ and rebuild when content, layouts, "
                                        "static files or config.yaml change. Drafts are shown, "
                                        "marked 'Utkast', unless --no-drafts.")
    _build_flags(s, drafts_by_default=True)
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000)")

    n = commands.add_parser("new", help="start a new post", description="Write a draft post with "
                            "today's date into content/posts/ and print its path.")
    n.add_argument("title", help="the post's title, in quotes")
    n.add_argument("--municipality", action="append", default=[],
                   help="municipality the post is about (repeat for several)")
    n.add_argument("--tags", default="", help="comma-separated tags, e.g. samverkan,kompetens")
    state = n.add_mutually_exclusive_group()
    state.add_argument("--draft", action="store_true",
                       help="mark the post 'draft: true' (the default): serve shows it, build leaves it out")
    state.add_argument("--publish", action="store_true",
                       help="write a post without 'draft: true', published by the next build")

    c = commands.add_parser("check", help="check a built site's links, feed and pages",
                            description="Verify output/: internal links and assets resolve, feed and "
                                        "sitemap are well-formed, every page has a title, one h1 and lang.")
    c.add_argument("--output", type=Path, default=None, help="built site to check (default: output/)")

    a = commands.add_parser("addresses", help="record the addresses of the published posts",
                            description="Add every post's and page's address to published-addresses.txt "
                            "(never removing one), so 'check' notices an address that stops working.")
    a.add_argument("--update", action="store_true", required=True, help="add today's addresses")
    i = commands.add_parser("import", help="import old WordPress posts",
                            description="Turn WordPress pages saved as text (.txt) or WordPress exports "
                                        "(.xml) into Markdown posts.")
    i.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    i.add_argument("--into", type=Path, default=None, help="folder for the posts (default content/posts)")
    i.add_argument("--dry-run", action="store_true", help="report what would be written; write nothing")
    i.add_argument("--force", action="store_true", help="overwrite posts that exist already")
    i.add_argument("--date", action="append", default=[], metavar="FILE=YYYY-MM-DD",
                   help="the date of a post whose text does not state it (repeatable)")
    i.add_argument("--address", action="append", default=[], metavar="FILE=URL",
                   help="a saved page's old address, kept as the post's alias (repeatable)")
    i.add_argument("--dates", type=Path, default=None, metavar="MAPPING.yaml",
                   help="YAML file mapping input file names to dates")
    return parser


def _build_flags(sub: argparse.ArgumentParser, drafts_by_default: bool) -> None:
    if drafts_by_default:  # the preview shows the editor's drafts, as `hugo server -D` does
        drafts = sub.add_mutually_exclusive_group()
        drafts.add_argument("--drafts", action="store_true", default=True,
                            help="include posts marked draft: true (the default for serve)")
        drafts.add_argument("--no-drafts", dest="drafts", action="store_false",
                            help="leave drafts out, as the published site does")
    else:
        sub.add_argument("--drafts", action="store_true", help="include posts marked draft: true")
    sub.add_argument("--future", action="store_true", help="include posts dated in the future")
    sub.add_argument("--output", type=Path, default=None, help="build into DIR instead of output/")
    sub.add_argument("--force", action="store_true",
                     help="build even into a folder holding files that no sbuv-site build made "
                          "(they are deleted); never into the site's own folders or a repository")
    sub.add_argument("--no-cache", dest="cache", action="store_false",
                     help=f"build everything from nothing: neither read nor write {CACHE_DIR}/")
    sub.add_argument("--wait", type=_seconds, default=DEFAULT_WAIT, metavar="SECONDS",
                     help="how long to wait for another build of the same output folder "
                          f"(default {DEFAULT_WAIT:g})")


def _seconds(text: str) -> float:
    """A waiting time for --wait: a number of seconds from 0 to a day."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:  # also refuses nan
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds from 0 to 86400")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit code (0 ok, 1 problems in the input, 2 usage)."""
    args = _parser().parse_args(argv)
    root: Path = args.root
    try:
        try:
            return _run(args, root)
        except OSError as exc:  # the system refused: a message, not a traceback
            if exc.filename is None:
                raise SiteError(None, None, f"system error: {exc.strerror or exc}",
                                "fix the cause and try again") from None
            raise disk_problem(exc, exc.filename, None) from None
    except (SiteError, ExceptionGroup) as exc:
        problems = flatten(exc)
        if not problems or (isinstance(exc, ExceptionGroup) and exc.split(SiteError)[1]):
            raise  # not the editor's problem: a bug, which keeps its traceback
        for problem in problems:
            print(problem.format(), file=sys.stderr)
        print(f"{problem_count(len(problems))}; nothing was written.", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, root: Path) -> int:
    if args.command == "init":
        from sbuv_site.newsite import init_site
        written = init_site(args.dir)
        print(f"Made a new site in {args.dir}: {', '.join(written)}")
        print(f"Next: set base_url and title in {args.dir / 'config.yaml'}, then "
              f"sbuv-site --root {args.dir} build (or serve)")
        return 0
    if args.command in ("build", "serve"):
        options = BuildOptions(drafts=args.drafts, future=args.future, output=args.output, force=args.force,
                               cache=args.cache, wait=args.wait)
        if args.command == "serve":
            from sbuv_site.serve import serve
            return serve(root, options, host=args.host, port=args.port)
        bar = TerminalProgress(sys.stderr) if not args.quiet else None
        try:
            report = build(root, options, progress=bar)
        finally:
            if bar:
                bar.finish()
        if not args.quiet:
            for note in report.notes:
                print(f"note: {note}", file=sys.stderr)
            print(report.summary())
        if args.verbose:
            for stage, seconds in report.timings.items():
                print(f"  {stage:<10} {seconds * 1000:7.0f} ms")
        return 0
    if args.command == "new":
        draft = not args.publish
        path = new_post(root, args.title, args.municipality, args.tags, draft)
        print(path)
        if draft:
            print(f"note: {path} is a draft: 'sbuv-site serve' shows it; remove the line 'draft: true' "
                  "to publish it", file=sys.stderr)
        return 0
    if args.command == "check":
        from sbuv_site.addresses import MANIFEST, missing_addresses
        from sbuv_site.check import check_site
        output = args.output or root / load_config(root).output_dir
        problems = check_site(output)
        if (root / MANIFEST).is_file():  # old addresses must still lead somewhere
            problems += missing_addresses(root, output, load_config(root).base_path)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"{problem_count(len(problems))} in {output}", file=sys.stderr)
            return 1
        print(f"{output}: all links, feed, sitemap and pages are fine")
        return 0
    if args.command == "addresses":
        from sbuv_site.addresses import MANIFEST, update_manifest
        added = update_manifest(root)
        print(f"{root / MANIFEST}: {added} new address{'es' if added != 1 else ''} recorded")
        return 0
    if args.command == "import":
        from sbuv_site.importer import import_paths, read_address_options, read_date_options
        dates = read_date_options(args.date, args.dates)
        addresses = read_address_options(args.address)
        into = args.into or root / load_config(root).content_dir / "posts"
        imported = import_paths(args.paths, into, dry_run=args.dry_run, force=args.force, dates=dates,
                                addresses=addresses)
        print(imported.format())
        return 0
    raise AssertionError(args.command)


def new_post(root: Path, title: str, municipalities: Sequence[str], tags: str, draft: bool = True) -> Path:
    """Write a post skeleton dated today (in the blog's zone); never overwrite an existing file.

    A draft by default, so the placeholder text is never published by accident: the build
    refuses a published post that still holds it.
    """
    config = load_config(root)
    registry = load_registry()
    names = []
    for name in municipalities:
        try:
            names.append(registry.lookup(name, config.aliases).name)
        except LookupProblem as exc:
            raise SiteError("--municipality", None, exc.message, exc.hint) from None
    if not title.strip():
        raise SiteError("title", None, "the title is empty", 'give a title: sbuv-site new "Besök i Umeå"')
    today = datetime.now(config.zone).date()
    front = {"title": title.strip(), "date": today.isoformat()}
    if names:
        front["municipality"] = names[0] if len(names) == 1 else names  # type: ignore[assignment]
    front["tags"] = [t.strip() for t in tags.split(",") if t.strip()]  # type: ignore[assignment]
    if draft:
        front["draft"] = True  # type: ignore[assignment]
    path = root / config.content_dir / "posts" / f"{slugify(title)}.md"
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=None)
    text = text.replace(f"date: '{today.isoformat()}'", f"date: {today.isoformat()}")
    skeleton = f"---\n{text}---\n\n{NEW_POST_PLACEHOLDER}\n"
    try:
        create_file(path, skeleton.encode("utf-8"))  # whole or not at all, never over a file
    except FileExistsError:
        raise SiteError(path, None, "a post with this name exists already",
                        "choose another title, or edit the existing file") from None
    return path
