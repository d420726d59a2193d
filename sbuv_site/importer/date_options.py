"""The dates an editor gives for old posts whose text does not state one: --date and --dates.

Every form YAML allows reaches the same rules: a value must be written YYYY-MM-DD with a year
from 1900 to 2999, also when a tag (`!!timestamp 0001-01-01`) made YAML read it as a date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import yaml

from sbuv_site.dates import DateError, parse_date
from sbuv_site.errors import SiteError, raise_all
from sbuv_site.importer.input_files import DATES_FILE, read_limited
from sbuv_site.yamltext import Located, decode_text, parse_yaml, type_name

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DATES_HINT = "write lines like '003_x.txt: 2015-11-17' (no '!!' tags)"
# What PyYAML itself may raise while it builds a value, before parse_yaml can make a message of
# it: a tagged timestamp with month 13 or offset +25:00 (ValueError), an integer beyond Python's
# digit limit (ValueError), a date it cannot hold (OverflowError), nesting too deep for its
# constructor (RecursionError). Caught only around parsing a file the editor gave.
YAML_VALUE_ERRORS = (ValueError, OverflowError, TypeError, RecursionError, yaml.YAMLError)


def read_date_options(options: Sequence[str], mapping_file: Path | None) -> dict[str, date]:
    """--date FILE=YYYY-MM-DD options and a YAML {file: date} file → {file base name: date}."""
    errors: list[SiteError] = []
    dates: dict[str, date] = {}
    if mapping_file is not None:
        dates.update(_read_mapping(mapping_file, errors))
    given: dict[str, date] = {}
    for option in options:
        name, sep, value = option.rpartition("=")
        if not sep or not name.strip():
            errors.append(SiteError("--date", None, f"'{option}' is not FILE=YYYY-MM-DD",
                                    "write e.g. --date 003_1144cd4ceaa138e8.txt=2015-11-17"))
            continue
        day = _date(value.strip(), value.strip(), "--date", None, errors, f"'{option}': ")
        base = Path(name.strip()).name
        if day is not None and given.get(base, day) != day:
            errors.append(SiteError("--date", None, f"two different dates for {base}",
                                    "give each file one --date"))
        elif day is not None:
            given[base] = day
    raise_all(errors)
    return dates | given  # an option on the command line wins over the mapping file


def _read_mapping(path: Path, errors: list[SiteError]) -> dict[str, date]:
    try:
        located = _parse(decode_text(read_limited(path, DATES_FILE), path), path)
    except SiteError as exc:
        errors.append(exc)
        return {}
    if located.value is None:
        return {}
    if not isinstance(located.value, dict):
        errors.append(SiteError(path, 1, f"the dates file must map file names to dates, not "
                                f"{type_name(located.value)}", "write lines like '003_x.txt: 2015-11-17'"))
        return {}
    found: dict[str, date] = {}
    for (key, value), (line, written) in zip(located.value.items(), _places(located), strict=True):
        if not isinstance(key, str):
            errors.append(SiteError(path, line, f"{_shown(key, written[0])} is not a file name",
                                    "put the file name in quotes"))
            continue
        day = _date(value, written[1], path, line, errors, f"{key}: ")
        base = Path(key).name
        if day is not None and found.get(base, day) != day:
            errors.append(SiteError(path, line, f"two different dates for {base}", "keep one of them"))
        elif day is not None:
            found[base] = day
    return found


def _places(located: Located) -> list[tuple[int, tuple[str | None, str | None]]]:
    """Each entry's line and its key and value as written, in the order of the mapping's items.

    Read from the YAML nodes, so a key that is not text (`1:`, `!!binary …:`) has its line too.
    """
    assert isinstance(located.value, dict)
    node = located.node
    pairs = node.value if isinstance(node, yaml.MappingNode) else []
    merged = any(key_node.tag == "tag:yaml.org,2002:merge" for key_node, _ in pairs)
    if merged or len(pairs) != len(located.value):  # '<<: *x' adds entries no pair shows
        return [(located.line(key) if isinstance(key, str) else located.first_line, (None, None))
                for key in located.value]
    return [(located.first_line + key_node.start_mark.line, (_written(key_node), _written(value_node)))
            for key_node, value_node in pairs]


def _written(node: yaml.Node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _parse(text: str, path: Path) -> Located:
    """parse_yaml, with whatever PyYAML raises while building a value turned into a SiteError."""
    try:
        return parse_yaml(text, path)
    except SiteError:
        raise
    except YAML_VALUE_ERRORS as exc:
        raise SiteError(path, None, yaml_problem(exc), _DATES_HINT) from None


def yaml_problem(exc: BaseException) -> str:
    """A message for what PyYAML raised while building a value (one of YAML_VALUE_ERRORS)."""
    return f"invalid YAML: {_why(exc)}"


def _why(exc: BaseException) -> str:
    words = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "digits" in words and "integer" in words:
        return "a number is longer than Python reads (4300 digits)"
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    return f"a value YAML cannot read ({words})"


def _date(value: object, written: str | None, path: Path | str, line: int | None,
          errors: list[SiteError], prefix: str) -> date | None:
    """A day YYYY-MM-DD; a value a YAML tag turned into a date is checked as it was written."""
    text = value if isinstance(value, str) else written if isinstance(value, date) else None
    if text is None or not _ISO_DATE.match(text.strip()):
        errors.append(SiteError(path, line, f"{prefix}{_shown(value, written)} is not a date YYYY-MM-DD",
                                "write the day as YYYY-MM-DD, e.g. 2015-11-17 (no time)"))
        return None
    try:
        return parse_date(text.strip())
    except DateError as exc:
        errors.append(SiteError(path, line, prefix + exc.message, exc.hint))
        return None


def _shown(value: object, written: str | None) -> str:
    """How a value reads in a message: as written when YAML made it a date, bytes or a set."""
    if isinstance(value, bool | int | float | list | dict) or value is None:
        return type_name(value)
    if isinstance(value, set | frozenset):
        return "a set"
    text = written if written is not None else str(value)
    short = text if len(text) <= 60 else text[:57] + "…"
    return f"'{short}'" if short.isprintable() else repr(short)
