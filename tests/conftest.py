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


def add_layouts_and_static(site: Path) -> Path:
    """Copy the repository's layouts/ and static/ into a site: config may only name folders inside it."""
    for folder in ("layouts", "static"):
        shutil.copytree(ROOT / folder, site / folder, dirs_exist_ok=True)
    return site


def write_site(root: Path, files: dict[str, str], config: str | None = None) -> Path:
    """Write a throwaway site: the repository's layouts and static files, config.yaml (base
    config plus extra lines) and the given files."""
    add_layouts_and_static(root)
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
    """Build a copy of a committed fixture site (with the repository's layouts) into out."""
    site = out.parent / f"{out.name}-site"
    shutil.copytree(FIXTURES / "sites" / name, site)
    build(add_layouts_and_static(site), BuildOptions(output=out, now=NOW, **options))  # type: ignore[arg-type]
    return out


@pytest.fixture(scope="session")
def full_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 'full' fixture site, built once per test session."""
    return build_fixture("full", tmp_path_factory.mktemp("full") / "output")


@pytest.fixture
def copy_fixture(tmp_path: Path) -> Callable[[str], Path]:
    """A writable copy of a fixture site, with the repository's layouts and static files."""

    def make(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / "sites" / name, target)
        return add_layouts_and_static(target)

    return make
