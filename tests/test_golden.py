"""Golden files: the stable pages of the 'full' fixture, byte for byte.

When a change to layouts or rendering is intended, run `python -m tests.regen_golden` and
review the diff of tests/golden/ like code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.regen_golden import GOLDEN, PAGES


@pytest.mark.parametrize("rel", PAGES)
def test_page_matches_its_golden_file(full_site: Path, rel: str) -> None:
    expected = (GOLDEN / "full" / rel).read_bytes()
    actual = (full_site / rel).read_bytes()
    assert actual == expected, f"{rel} differs from its golden file (intended? python -m tests.regen_golden)"
