"""The one user-facing error type: a problem an editor can fix, with where and how."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import FrozenInstanceError, dataclass
from pathlib import Path
from typing import ClassVar

_FIELDS = frozenset({"path", "line", "message", "hint"})


@dataclass(eq=True)
class SiteError(Exception):
    """A problem in the editor's input, printed as `path:line: message` and a hint.

    Its fields are fixed once set, but not with dataclass(frozen=True): that would also
    refuse Python's own exception attributes, so `add_note()` or a `with` block that
    re-raises (contextlib sets `__traceback__`) would crash with FrozenInstanceError.
    """

    path: Path | str | None
    line: int | None
    message: str
    hint: str | None = None
    exit_code: ClassVar[int] = 1

    def __setattr__(self, name: str, value: object) -> None:
        if name in _FIELDS and name in self.__dict__:
            raise FrozenInstanceError(f"cannot assign to field '{name}'")
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if name in _FIELDS:
            raise FrozenInstanceError(f"cannot delete field '{name}'")
        super().__delattr__(name)

    def __hash__(self) -> int:
        return hash((str(self.path), self.line, self.message, self.hint))

    def __str__(self) -> str:
        return self.format()

    def format(self) -> str:
        """Render as `path:line: message (hint: …)`, the form editors and editors' tools read."""
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def sort_key(self) -> tuple[str, int, str]:
        """Errors print sorted by file, then line, so the report reads like the files."""
        return (str(self.path or ""), self.line or 0, self.message)


def raise_all(errors: Sequence[SiteError]) -> None:
    """Raise every gathered problem at once, or nothing when the list is empty."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ExceptionGroup(f"{len(errors)} problems", list(errors))


def problem_count(count: int) -> str:
    """'1 problem', '3 problems': the count in the summary line under every list of problems."""
    return f"{count} problem{'' if count == 1 else 's'}"


def flatten(exc: BaseException) -> list[SiteError]:
    """All SiteErrors inside an exception or exception group, sorted for printing."""
    if isinstance(exc, SiteError):
        return [exc]
    if isinstance(exc, BaseExceptionGroup):
        found = [err for sub in exc.exceptions for err in flatten(sub)]
        return sorted(found, key=SiteError.sort_key)
    return []


def fold(text: str) -> str:
    """Lower-case and strip diacritics, so 'Göteborg', 'goteborg' and 'GÖTEBORG' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def suggest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest choice to a mistyped word (diacritics ignored), or None."""
    options = list(choices)
    by_fold: dict[str, str] = {}
    for choice in options:
        by_fold.setdefault(fold(choice), choice)
    if fold(word) in by_fold:
        return by_fold[fold(word)]
    close = difflib.get_close_matches(fold(word), list(by_fold), n=1, cutoff=cutoff)
    return by_fold[close[0]] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A ready-made hint 'did you mean X?' for a mistyped word, or None."""
    best = suggest(word, choices)
    return f"did you mean '{best}'?" if best else None
