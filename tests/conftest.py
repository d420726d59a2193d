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

BASE_CONFIG = f"""\
title: Testbloggen
base_url: https://example.org/
layouts_dir: {ROOT / 'layouts'}
static_dir: {ROOT / 'static'}
"""


def write_site(root: Path, files: dict[str, str], config: str | None = None) -> Path:
    """Write a throwaway site: config.yaml (base config plus extra lines) and the given files."""
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
    """Build a committed fixture site into out (the fixture folder itself stays clean)."""
    build(FIXTURES / "sites" / name, BuildOptions(output=out, now=NOW, **options))  # type: ignore[arg-type]
    return out


@pytest.fixture(scope="session")
def full_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 'full' fixture site, built once per test session."""
    return build_fixture("full", tmp_path_factory.mktemp("full") / "output")


@pytest.fixture
def copy_fixture(tmp_path: Path) -> Callable[[str], Path]:
    """A writable copy of a fixture site, with layout paths made absolute."""

    def make(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / "sites" / name, target)
        config = (target / "config.yaml").read_text(encoding="utf-8")
        config = config.replace("../../../../layouts", str(ROOT / "layouts"))
        config = config.replace("../../../../static", str(ROOT / "static"))
        (target / "config.yaml").write_text(config, encoding="utf-8")
        return target

    return make
