"""The Atom feed of the full fixture site against a strict RELAX NG schema of RFC 4287 (tests/atom.rnc)."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

SCHEMA = Path(__file__).with_name("atom.rnc")  # from shared/docs/browser-testing-atom.rnc
NS = {"atom": "http://www.w3.org/2005/Atom"}


def require_module(name: str) -> ModuleType:
    """Import a test-only tool; skip when it is missing locally, fail in CI (CI=true)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        pass
    why = f"{name} missing: .venv/bin/pip install -r requirements-dev.txt"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why} -- required in CI", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="module")
def etree() -> ModuleType:
    require_module("rnc2rng")  # lxml reads .rnc through it
    return require_module("lxml.etree")


@pytest.fixture(scope="module")
def feed(etree: ModuleType, full_site: Path) -> Any:
    return etree.parse(str(full_site / "atom.xml"))  # XMLSyntaxError if not well-formed


def test_feed_validates_against_the_strict_atom_schema(etree: ModuleType, feed: Any) -> None:
    schema = etree.RelaxNG.from_rnc_string(SCHEMA.read_text(encoding="utf-8"))
    assert schema.validate(feed), "\n".join(f"atom.xml:{e.line}: {e.message}" for e in schema.error_log)


def test_feed_has_entries_and_each_id_is_unique_and_absolute(feed: Any) -> None:
    ids = feed.xpath("/atom:feed/atom:id/text() | /atom:feed/atom:entry/atom:id/text()", namespaces=NS)
    entries = feed.xpath("/atom:feed/atom:entry", namespaces=NS)
    assert len(entries) == 6 and len(ids) == len(entries) + 1, ids
    assert len(set(ids)) == len(ids), f"repeated ids: {sorted(i for i in ids if ids.count(i) > 1)}"
    for atom_id in ids:
        parts = urlsplit(atom_id)
        assert parts.scheme in ("https", "http", "tag", "urn") and (parts.netloc or parts.path), atom_id
        assert parts.scheme not in ("https", "http") or parts.netloc == "example.org", atom_id


def test_feed_without_an_author_gives_one_in_every_entry(feed: Any) -> None:
    """RFC 4287 4.1.1: an entry needs an author unless the feed (or its source) has one."""
    if not feed.xpath("/atom:feed/atom:author", namespaces=NS):
        lacking = feed.xpath("/atom:feed/atom:entry[not(atom:author) and not(atom:source/atom:author)]"
                             "/atom:id/text()", namespaces=NS)
        assert not lacking, lacking
