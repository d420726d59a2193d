"""The record of published addresses: once a post had an address, a link to it must keep working.

`published-addresses.txt`, beside config.yaml and committed with the content, lists one address a
line, as a path from the site's root ('/2015/12/besok-i-umea/'), so a new base_url changes nothing.
`sbuv-site addresses --update` adds the address of every post and page the site has now and never
takes a line away; `sbuv-site check` fails when a recorded address is served by no file of the
built site, that is when a post got a new slug or date without an `aliases:` line for the old one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sbuv_site.config import load_config
from sbuv_site.errors import SiteError, raise_all
from sbuv_site.load import load_inputs
from sbuv_site.markup import make_markdown
from sbuv_site.model import build_site
from sbuv_site.municipalities import load_registry
from sbuv_site.urls import Urls
from sbuv_site.validate import alias_problem, validate
from sbuv_site.yamltext import shown

MANIFEST = "published-addresses.txt"
HEADER = ("# Addresses this site has published, one a line, as paths from the site's root.\n"
          "# Written by 'sbuv-site addresses --update'; 'sbuv-site check' fails when one of them is\n"
          "# no longer served: give the post an 'aliases:' line with its old address.\n")


@dataclass(frozen=True, slots=True)
class Recorded:
    """One address of the record and its line, for messages."""

    path: str
    line: int


def read_manifest(root: Path) -> list[Recorded]:
    """The recorded addresses; no file is an empty record (a site that never ran --update)."""
    manifest = root / MANIFEST
    if not manifest.is_file():
        return []
    recorded, errors = [], []
    for number, raw in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        problem = alias_problem(text)
        if problem or "?" in text:
            errors.append(SiteError(MANIFEST, number, f"recorded address {shown(text)} "
                                    f"{problem or 'has a query'}",
                                    "write one path from the site's root a line, "
                                    "e.g. /2015/12/besok-i-umea/"))
            continue
        recorded.append(Recorded(text, number))
    raise_all(errors)
    return recorded


def current_addresses(root: Path, now: datetime | None = None) -> list[str]:
    """The address of every post and page the site publishes now (no drafts, no future posts)."""
    config = load_config(root)
    registry = load_registry()
    documents, _ = load_inputs(root, config.content_dir, config.static_dir)
    posts, pages = validate(documents, registry, config.aliases, config.zone)
    site = build_site(posts, pages, config, registry, make_markdown(config.markdown.allow_html),
                      now=now or datetime.now(UTC))
    urls = Urls.for_config(config)
    published = [p.url for p in site.posts] + [p.url for p in site.pages]
    return ["/" + url[len(urls.base_path):] for url in published]


def update_manifest(root: Path, now: datetime | None = None) -> int:
    """Add today's addresses to the record (never remove one); how many were new."""
    recorded = [r.path for r in read_manifest(root)]
    new = [url for url in current_addresses(root, now) if url not in recorded]
    if not new and (root / MANIFEST).is_file():
        return 0
    lines = sorted(set(recorded) | set(new))
    staging = root / f".{MANIFEST}.new"
    staging.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    os.replace(staging, root / MANIFEST)  # whole or not at all: a half record would lose addresses
    return len(new)


def missing_addresses(root: Path, output: Path, base_path: str) -> list[str]:
    """Each recorded address that no file of the built site serves, as a 'path:line: …' message."""
    urls = Urls("", base_path, "")
    problems = []
    for recorded in read_manifest(root):
        served = output / urls.redirect_path(base_path + recorded.path.lstrip("/"))
        if not served.is_file():
            problems.append(SiteError(
                MANIFEST, recorded.line,
                f"the published address {recorded.path} is no longer served",
                f"a post's slug or date changed: add 'aliases: [{recorded.path}]' to it; if the post "
                "was removed on purpose, delete this line").format())
    return problems
