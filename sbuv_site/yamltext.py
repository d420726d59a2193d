"""YAML read with line numbers, so every problem in config or front matter names its line."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sbuv_site.errors import SiteError

_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present
_TAG = "tag:yaml.org,2002:"
# What plain YAML can mean in sbuv-site: text, numbers, true/false, nothing, lists and mappings.
# Dates stay text (we parse them ourselves with good messages), and '<<' and '=' are plain text.
_KEPT_TAGS = frozenset(_TAG + name for name in ("str", "int", "float", "bool", "null", "seq", "map"))
MAX_NUMBER_LENGTH = 1000  # characters of a number; str() of anything longer may fail (4300 digits)


class _Refused(Exception):
    """A YAML form sbuv-site does not read, found while composing or constructing (0-based line)."""

    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


class _Loader(_BASE):  # type: ignore[valid-type,misc]
    """SafeLoader that reads only plain YAML, so every form meets the same checks as plain text.

    Dates stay text: we parse them ourselves with good messages (PyYAML would raise a bare
    ValueError for '2015-13-01', and take '0001-01-01' that our rules refuse). Mapping keys
    are the text as written, so 'true: x' is the unknown key 'true', never the boolean.
    """

    node: yaml.Node | None = None  # the node being constructed, for the line of a failure

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        self.node = node
        return super().construct_object(node, deep)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # the node check refuses these first
                raise _Refused(key_node.start_mark.line, "a key must be a word, not a list or mapping",
                               _KEY_HINT)
            mapping[key_node.value] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        digits = len(node.value)
        if digits > MAX_NUMBER_LENGTH:
            raise _Refused(node.start_mark.line, f"this number has {digits} characters; a number may "
                           f"have at most {MAX_NUMBER_LENGTH}",
                           "put the value in quotes if it is text; otherwise write a shorter number")
        value: int = super().construct_yaml_int(node)
        return value


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag in _KEPT_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor(_TAG + "int", _Loader.construct_yaml_int)
_KEY_HINT = "write each entry as 'key: value', with a word as the key"

_NESTING_HINT = "write the value plainly; lists in lists in lists … are not needed here"
_QUOTE_IT = "put the whole value in quotes: title: \"…\""
_HINTS = (  # (words in PyYAML's problem or context, hint); the first match wins
    ("tab", "indent with spaces, not tabs"),
    ("'\\t'", "indent with spaces, not tabs"),
    ("quoted scalar", "end the text with the same quote it starts with, or put it in the other kind"),
    ("flow sequence", "close the list with ']' and separate its items with ','"),
    ("flow mapping", "close the '{' with '}', or put the value in quotes"),
    ("alias", "'*' at the start of a value starts a YAML alias; " + _QUOTE_IT),
    ("anchor", "'&' at the start of a value starts a YAML anchor; " + _QUOTE_IT),
    ("constructor for the tag", "'!' at the start of a value starts a YAML tag; " + _QUOTE_IT),
    ("block scalar", "'|' or '>' at the start of a value starts a block of text; " + _QUOTE_IT),
    ("directive", "'%' at the start of a line is YAML syntax; " + _QUOTE_IT),
    ("cannot start any token", _QUOTE_IT),
    ("end of stream", "a quote or bracket is not closed"),
    ("mapping values are not allowed", "put text containing ': ' in quotes"),
    ("sequence entries are not allowed", "a '- ' after 'key: ' starts a list; text that is a lone '-' "
                                         "goes in quotes: image_alt: \"-\""),
    ("could not find expected ':'", "write each entry as 'key: value'"),
    ("expected '-' indicator", "a list's items all start with '- ' at the same indentation"),
    ("expected key", "check the indentation of this line: keys start at the same column"),
    ("unhashable key", "a key must be a plain word, such as 'title'"),
    ("nesting depth", _NESTING_HINT),
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

    def written(self, *keys: str | int) -> str | None:
        """A plain value exactly as the editor wrote it, before YAML turned '0114' into 76."""
        node = self.node
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
            else:
                return None
        return node.value if isinstance(node, yaml.ScalarNode) else None


def decode_text(raw: bytes, path: Path | str) -> str:
    """Strict UTF-8 (a BOM is dropped, CRLF becomes LF); another encoding is named in the error.

    Control characters other than tab and newline, and the invisible marks that reorder
    text, are refused at their line: they would hide or scramble text (or break the feed's
    XML) without the editor seeing anything. Posts, pages, config.yaml and layouts all pass here.
    """
    hint = "save it as UTF-8 in your editor (Spara som… → Kodning: UTF-8)"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SiteError(path, 1, "file is not UTF-8 (it is UTF-16, which Windows calls 'Unicode')", hint)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = ("it looks like Latin-1 or Windows-1252" if _decodes_as_cp1252(raw)
                 else f"byte 0x{raw[exc.start : exc.start + 1].hex()} is not valid UTF-8 here")
        raise SiteError(path, line, f"file is not UTF-8 ({guess})", hint) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = INVISIBLE.search(text) if _may_hide_characters(raw) else None
    if found:
        raise _invisible_character(found.group(), text.count("\n", 0, found.start()) + 1, path)
    return text


# What decode_text refuses: C0 controls but tab and newline (CR is gone by then), DEL, C1
# controls (NEL included), the bidi embeddings, overrides and isolates, and the two
# noncharacters YAML refuses.
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
# The same characters as UTF-8 bytes, looked for in a file before it is decoded: the controls by
# deleting every other byte (CR too: it becomes a line break), the rest by their lead bytes, which
# a search finds at memchr speed. INVISIBLE's own test at every character costs twice as much.
_NOT_CONTROLS = bytes(b for b in range(256) if b not in {*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f})
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")  # U+0080-U+009F
_MARKS_UTF8 = re.compile(b"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])")  # U+202A-U+202E, U+2066-U+2069


def _may_hide_characters(raw: bytes) -> bool:
    """False when valid UTF-8 raw surely holds nothing INVISIBLE finds; True when it may."""
    return (bool(raw.translate(None, _NOT_CONTROLS))
            or (b"\xc2" in raw and _C1_UTF8.search(raw) is not None)
            or (b"\xe2" in raw and _MARKS_UTF8.search(raw) is not None)
            or b"\xef\xbf\xbe" in raw or b"\xef\xbf\xbf" in raw)  # U+FFFE, U+FFFF


_CONTROL_NAMES = {"\x08": "BACKSPACE", "\x0b": "LINE TABULATION", "\x0c": "FORM FEED", "\x1b": "ESCAPE",
                  "\x7f": "DELETE", "\x85": "NEXT LINE",
                  "\ufffe": "not a character", "\uffff": "not a character"}
_RETYPE = "delete it: it is invisible in most editors, so retype the line"
_CONTROL_HINTS = {
    "\x0b": "Word writes it for a line break (Shift+Enter); " + _RETYPE,
    "\x0c": "Word writes it for a page break; " + _RETYPE,
    "\x85": "it is usually a '…' from a Windows-1252 text read wrongly; retype the line",
}


def _invisible_character(char: str, line: int, path: Path | str) -> SiteError:
    """One message for any invisible character, the same in front matter, text and config.yaml."""
    code = f"U+{ord(char):04X}"
    if char == "\x00":
        return SiteError(path, line, "file holds a NUL character: it is not a text file, or it is damaged",
                         "open it in a text editor and save it again as UTF-8")
    if "\u202a" <= char <= "\u2069":
        return SiteError(path, line, f"the invisible direction character {code} "
                         f"({unicodedata.name(char)}) is not allowed",
                         "it reverses or hides the text after it; " + _RETYPE)
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "")
    shown = f" ({name})" if name else ""
    return SiteError(path, line, f"the control character {code}{shown} is not allowed",
                     _CONTROL_HINTS.get(char, _RETYPE))


def _decodes_as_cp1252(raw: bytes) -> bool:
    """True for text an older Windows editor saved: å ä ö as single bytes (Latin-1 is a subset)."""
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


_YAML11_BREAK_CHARS = ("\x85", "\u2028", "\u2029")
_YAML11_BREAKS = str.maketrans(dict.fromkeys(_YAML11_BREAK_CHARS, " "))
_WRITTEN_TAG = re.compile(r"(?:&\S+\s+)?(!(?:<[^>]*>|[^\s,\[\]{}]*))")


def parse_yaml(text: str, path: Path | str, first_line: int = 1) -> Located:
    """Parse one YAML document; any problem becomes a SiteError at its line with a hint.

    The text is read in Unicode's composed form (NFC), so 'Umeå' typed with a combining ring
    (macOS, copy-paste) is the same name, tag or key as 'Umeå'. NEL, LINE SEPARATOR and
    PARAGRAPH SEPARATOR (pasted from word processors) are read as spaces: YAML 1.1 would count
    them as line breaks, and every line number after them would then be wrong. Explicit tags
    ('!!timestamp', '!!python/…') and merge keys are refused, so every value meets the same
    checks whatever form it is written in, and nothing here raises anything but SiteError.
    """
    if any(brk in text for brk in _YAML11_BREAK_CHARS):  # rare; translate costs 25 µs per front matter
        text = text.translate(_YAML11_BREAKS)
    text = unicodedata.normalize("NFC", text)
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            _check_nodes(node, text)
            value = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except _Refused as exc:
        raise SiteError(path, first_line + exc.line, exc.message, exc.hint) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, text, path, first_line) from None
    except yaml.reader.ReaderError as exc:
        line = first_line + text.count("\n", 0, max(exc.position, 0))
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise SiteError(path, line, f"invalid YAML: the control character U+{code:04X} is not allowed",
                        "delete it (it is invisible in most editors; retype the line)") from None
    except yaml.YAMLError as exc:
        raise SiteError(path, first_line, f"invalid YAML: {str(exc).splitlines()[0]}",
                        "check the YAML syntax") from None
    except RecursionError:
        raise SiteError(path, first_line, "invalid YAML: lists or mappings are nested too deeply",
                        _NESTING_HINT) from None
    except (ValueError, ArithmeticError, TypeError, LookupError) as exc:  # a constructor's failure
        at = loader.node if loader is not None else None
        line = first_line + (at.start_mark.line if at is not None else 0)
        raise SiteError(path, line, f"invalid YAML: this value cannot be read ({type(exc).__name__})",
                        "write the value plainly, or put it in quotes") from None
    return Located(value, node, first_line)


def _check_nodes(root: yaml.Node | None, text: str) -> None:
    """Refuse tags, merge keys, keys that are lists or mappings, and a key given twice.

    Runs before any value is built, over each node once (an alias is the node it names, so
    '&a [*a]' and a billion laughs are walked in a few steps), without recursion.
    """
    lines = text.split("\n") if "!" in text else None  # without a '!', no tag is written
    visited: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in visited:
            continue
        visited.add(id(node))
        _check_tag(node, lines)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                _check_key(key_node, lines, seen)
                children += (key_node, value_node)
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        stack.extend(reversed(children))


def _check_key(key_node: yaml.Node, lines: list[str] | None, seen: set[str]) -> None:
    line = key_node.start_mark.line
    if not isinstance(key_node, yaml.ScalarNode):
        kind = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
        _check_tag(key_node, lines)
        raise _Refused(line, f"a key must be a word, not {kind}", _KEY_HINT)
    if key_node.value == "<<" and key_node.style in (None, ""):
        raise _Refused(line, "YAML merge keys ('<<') are not read here",
                       "write out the keys the merge would copy; an '&anchor' and '*alias' may stay")
    if key_node.value in seen:
        raise _Refused(line, f"key {shown(key_node.value)} is given twice",
                       "keep one of them; YAML would silently use the last")
    seen.add(key_node.value)


def _check_tag(node: yaml.Node, lines: list[str] | None) -> None:
    """Refuse a node written with an explicit tag ('!!int', '!!timestamp', '!foo'), or that needs one.

    lines is None when the text has no '!' at all: then no tag can be written, only implied.
    """
    mark = node.start_mark
    written = (_WRITTEN_TAG.match(lines[mark.line], mark.column)  # as matching the line's rest, uncopied
               if lines is not None and 0 <= mark.line < len(lines) else None)
    if written is None and node.tag in _KEPT_TAGS:
        return
    tag = written[1] if written else node.tag.replace(_TAG, "!!", 1)
    raise _Refused(mark.line, f"the YAML tag {shown(tag)} is not allowed",
                   f"remove '{tag}' and write the value plainly (e.g. date: 2015-12-01); "
                   "if the text must start with '!', put it in quotes: title: \"!…\"")


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: Path | str, first_line: int) -> SiteError:
    """PyYAML's (or libyaml's) complaint as one line at the place to fix, with a hint."""
    mark = exc.problem_mark or exc.context_mark
    found = text[mark.index] if mark and 0 <= mark.index < len(text) else ""
    if mark and found == "\t":
        return SiteError(path, first_line + mark.line, "invalid YAML: a tab is used to indent this line",
                         "indent with spaces, not tabs")
    if mark and "cannot start any token" in str(exc.problem) and found:
        return SiteError(path, first_line + mark.line, f"invalid YAML: a value cannot start with '{found}'",
                         _QUOTE_IT)
    opened = ("end of stream", "expected ',' or")
    if exc.context_mark and any(words in str(exc.problem) for words in opened):
        mark = exc.context_mark  # point at the opening quote or bracket, not where the file ends
    line = first_line + mark.line if mark else first_line
    problem = " ".join(f"{exc.problem or exc.context}".split())
    if "quoted scalar" in str(exc.context) and "end of stream" in problem:
        problem = "a quote opened on this line is never closed"
    hint = next((h for needle, h in _HINTS if needle in f"{exc.problem} {exc.context}"),
                "check the YAML syntax here")
    return SiteError(path, line, f"invalid YAML: {problem}", hint)


def shown(text: str, limit: int = 60) -> str:
    """Text in quotes for a one-line message: long text cut, line breaks and control characters escaped."""
    short = text if len(text) <= limit else text[: limit - 3] + "…"
    return f"'{short}'" if short.isprintable() else repr(short)


def type_name(value: object) -> str:
    """How a YAML value's type reads to an editor: 'a number', 'a list', …"""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        try:
            number = str(value)
        except ValueError:  # more digits than Python will write out
            return "a very long number"
        return f"the number {number if len(number) <= 30 else number[:27] + '…'}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return shown(value) if isinstance(value, str) else type(value).__name__


def string_list(value: object) -> Sequence[str] | None:
    """The value as a list of strings, or None when it is not one (a bare string is one item)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None
