"""YAML read with line numbers, so every problem in config or front matter names its line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sbuv_site.errors import SiteError


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: we parse them ourselves with good messages.

    (PyYAML would raise a bare ValueError for '2015-13-01' while constructing it.)
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_HINTS = (
    ("'\\t'", "indent with spaces, not tabs"),
    ("end of stream", "a quote or bracket is not closed"),
    ("mapping values are not allowed", "put text containing ': ' in quotes"),
    ("could not find expected ':'", "write each entry as 'key: value'"),
    ("did not find expected key", "check the indentation of this line"),
    ("found undefined alias", "'*' starts a YAML alias; put the value in quotes"),
    ("expected <block end>", "check the indentation, or put the value in quotes"),
)


@dataclass(frozen=True)
class Located:
    """A parsed YAML document plus the line of every key and item, for messages."""

    value: Any
    node: yaml.Node | None
    first_line: int  # line of the document's first line in the file (1-based)

    def line(self, *keys: str | int) -> int:
        """The 1-based file line of the value at this key path (or the nearest parent)."""
        node = self.node
        line = self.first_line
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                found = next((pair for pair in node.value if pair[0].value == key), None)
                if found is None:
                    break
                line = self.first_line + found[0].start_mark.line
                node = found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
                line = self.first_line + node.start_mark.line
            else:
                break
        return line


def parse_yaml(text: str, path: Path | str, first_line: int = 1) -> Located:
    """Parse one YAML document; a syntax error becomes a SiteError at its line with a hint."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        value = _Loader(text).get_single_data() if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "end of stream" in str(exc.problem) and exc.context_mark:
            mark = exc.context_mark  # point at the opening quote, not the end of the file
        line = first_line + mark.line if mark else first_line
        problem = f"{exc.problem or exc.context}".strip()
        hint = next((h for needle, h in _HINTS if needle in str(exc)), "check the YAML syntax here")
        raise SiteError(path, line, f"invalid YAML: {problem}", hint) from None
    except yaml.YAMLError as exc:
        raise SiteError(path, first_line, f"invalid YAML: {exc}", "check the YAML syntax") from None
    duplicate = _first_duplicate_key(node)
    if duplicate is not None:
        key, mark_line = duplicate
        raise SiteError(path, first_line + mark_line, f"key '{key}' is given twice",
                        "keep one of them; YAML would silently use the last")
    return Located(value, node, first_line)


def _first_duplicate_key(node: yaml.Node | None) -> tuple[str, int] | None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.value in seen:
                return str(key_node.value), key_node.start_mark.line
            seen.add(key_node.value)
            inner = _first_duplicate_key(value_node)
            if inner:
                return inner
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            inner = _first_duplicate_key(item)
            if inner:
                return inner
    return None


def type_name(value: object) -> str:
    """How a YAML value's type reads to an editor: 'a number', 'a list', …"""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return f"'{value}'"


def string_list(value: object) -> Sequence[str] | None:
    """The value as a list of strings, or None when it is not one (a bare string is one item)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None
