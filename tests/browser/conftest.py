"""Browser fixtures: the built 'full' site on a loopback server, Debian's Chromium, what a page did wrong."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, require, require_chromium, served

try:
    import pytest_playwright  # noqa: F401  (its fixtures: playwright, browser, context, page)
except ImportError:  # a developer who installed only '.[test]': skip here, fail in CI
    HAVE_PLAYWRIGHT = False
else:
    HAVE_PLAYWRIGHT = True

WHY_NO_PLAYWRIGHT = "playwright/pytest-playwright missing: .venv/bin/pip install -r requirements-dev.txt"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: needs Chromium, axe-core or the Nu Html Checker")


@pytest.fixture(scope="session")
def base_url(full_site: Path) -> Iterator[str]:
    """The built 'full' site over HTTP on 127.0.0.1, a free port (overrides pytest-playwright's base_url)."""
    with served(full_site) as url:
        yield url


@pytest.fixture(scope="session")
def results_dir(pytestconfig: pytest.Config) -> Path:
    """Where screenshots go: pytest-playwright's --output folder (test-results/, emptied at session start)."""
    path = Path(pytestconfig.getoption("--output", "test-results")).absolute()
    path.mkdir(parents=True, exist_ok=True)
    return path


if HAVE_PLAYWRIGHT:

    @pytest.fixture(scope="session")
    def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
        require_chromium()
        return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}

else:

    @pytest.fixture
    def page() -> None:
        require(False, WHY_NO_PLAYWRIGHT)

    @pytest.fixture
    def browser() -> None:
        require(False, WHY_NO_PLAYWRIGHT)


@pytest.fixture
def page_problems(page: Any) -> list[str]:
    """Console errors, uncaught exceptions, failed requests and HTTP >= 400 responses seen by `page`."""
    seen: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error":  # a 404 for a resource shows here too, with its URL only in location
            seen.append(f"console: {message.text} {message.location['url']}")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            seen.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.append(f"pageerror: {error}"))
    page.on("requestfailed", lambda request: seen.append(f"failed: {request.url} {request.failure}"))
    page.on("response", on_response)
    return seen
