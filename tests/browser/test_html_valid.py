"""The Nu Html Checker (vnu.jar, the W3C validator) over every page of the built site, in one JVM run."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.browser.harness import VNU_JAR, require

pytestmark = pytest.mark.browser


def test_every_page_is_valid_html(full_site: Path) -> None:
    require(VNU_JAR.is_file(), f"{VNU_JAR} missing: npm ci --ignore-scripts")
    java = shutil.which("java")
    require(java, "no java (>= 11) on PATH: apt-get install default-jre-headless")
    pages = sorted(full_site.rglob("*.html"))
    assert len(pages) > 20, pages  # the whole site was built
    # One run for the whole folder: starting the JVM costs more than checking the pages. Without
    # --stdout the JSON goes to stderr. All messages are asked for so the warnings can be counted,
    # but only errors fail the test (the same set that --errors-only would print).
    run = subprocess.run([str(java), "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--skip-non-html",
                          str(full_site)], capture_output=True, text=True, timeout=120, check=False)
    assert run.stdout.strip(), f"vnu printed nothing (exit {run.returncode}): {run.stderr}"
    messages = json.loads(run.stdout)["messages"]
    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    warnings = [m for m in messages if m.get("subType") == "warning"]
    lines = [f"{Path(unquote(m['url'].removeprefix('file:'))).relative_to(full_site)}:{m.get('lastLine')}: "
             f"{m.get('subType', m['type'])}: {m['message']} [{' '.join(m.get('extract', '').split())}]"
             for m in errors + warnings]
    summary = f"{len(errors)} errors and {len(warnings)} warnings (warnings don't fail) in {len(pages)} pages"
    assert not errors, summary + ":\n" + "\n".join(lines)
    assert run.returncode == 0, run.stderr
