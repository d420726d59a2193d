"""This repository's own site through the Nu Html Checker: the forms only its content has.

The 'full' fixture has every post dated to the day; this site has a post of '2017', one of
'okänt' (no <time>, the archive's "Datum okänt" section), a guest author's byline and visit
sources as links, so their markup is checked here too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sbuv_site.build import BuildOptions, build
from tests.browser.harness import VNU_JAR, require
from tests.conftest import NOW, ROOT
from tests.htmltree import parse_file

pytestmark = pytest.mark.browser


def test_the_repository_site_with_partial_and_unknown_dates_is_valid_html(tmp_path: Path) -> None:
    require(VNU_JAR.is_file(), f"{VNU_JAR} missing: npm ci --ignore-scripts")
    java = shutil.which("java")
    require(java, "no java (>= 11) on PATH: apt-get install default-jre-headless")
    out = tmp_path / "output"
    build(ROOT, BuildOptions(output=out, now=NOW))
    year_only = parse_file(out / "2017/uppfoljningsbesok-i-goteborg/index.html").find("time")
    assert year_only.get("datetime") == "2017"  # the forms under test are really there
    assert parse_file(out / "arkiv/index.html").find("section", id="datum-okant")
    run = subprocess.run([str(java), "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--skip-non-html",
                          str(out)], capture_output=True, text=True, timeout=120, check=False)
    assert run.stdout.strip(), f"vnu printed nothing (exit {run.returncode}): {run.stderr}"
    errors = [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}"
              for m in json.loads(run.stdout)["messages"] if m["type"] in ("error", "non-document-error")]
    assert not errors, "\n".join(errors)
