"""Shared fixtures: committed fixture sites, scratch sites, and one build of the full site."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sbuv_site.build import BuildOptions, build

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # a fixed "today": tests must not depend on the clock

BASE_CONFIG = """\
title: Testbloggen
base_url: https://example.org/
"""


BUILTIN_LAYOUTS = ROOT / "sbuv_site" / "default_layouts"
BUILTIN_STATIC = ROOT / "sbuv_site" / "default_static"


def add_layouts_and_static(site: Path) -> Path:
    """Copy the built-in layouts and static files into a site's layouts/ and static/, as a site
    that overrides every one of them would have them (sites need none of their own)."""
    shutil.copytree(BUILTIN_LAYOUTS, site / "layouts", dirs_exist_ok=True)
    shutil.copytree(BUILTIN_STATIC, site / "static", dirs_exist_ok=True)
    return site


def override_layout(site: Path, name: str) -> Path:
    """Copy one built-in layout into the site's layouts/, to be edited there; returns its path."""
    target = site / "layouts" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(BUILTIN_LAYOUTS / name, target)
    return target


def write_site(root: Path, files: dict[str, str], config: str | None = None) -> Path:
    """Write a throwaway site: config.yaml (base config plus extra lines) and the given files;
    its layouts and static files are the built-in ones unless files holds its own."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.yaml").write_text(BASE_CONFIG + textwrap.dedent(config or ""), encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def scratch_site(tmp_path: Path) -> Callable[..., Path]:
    """Make a site in tmp_path from a dict of files, like Lektor's scratch_project."""

    def make(files: dict[str, str], config: str | None = None) -> Path:
        return write_site(tmp_path / "site", files, config)

    return make


def post(title: str, date: str, body: str = "Text.", **fields: str) -> str:
    """The text of a post file with front matter."""
    extra = "".join(f"{key}: {value}\n" for key, value in fields.items())
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n\n{body}\n"


def build_fixture(name: str, out: Path, **options: object) -> Path:
    """Build a copy of a committed fixture site (with the built-in layouts) into out."""
    site = out.parent / f"{out.name}-site"
    shutil.copytree(FIXTURES / "sites" / name, site)
    build(site, BuildOptions(output=out, now=NOW, **options))  # type: ignore[arg-type]
    return out


@pytest.fixture(scope="session")
def full_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 'full' fixture site, built once per test session."""
    return build_fixture("full", tmp_path_factory.mktemp("full") / "output")


@pytest.fixture
def copy_fixture(tmp_path: Path) -> Callable[[str], Path]:
    """A writable copy of a fixture site (which uses the built-in layouts and static files)."""

    def make(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / "sites" / name, target)
        return target

    return make
