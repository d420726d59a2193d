"""Split a list of items into numbered pages, with every link computed up front."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Pager(Generic[T]):
    """One page of a paginated list, as templates see it."""

    number: int  # 1-based
    total: int  # number of pages (at least 1)
    items: tuple[T, ...]
    url: str
    previous_url: str | None  # the page before (newer posts), if any
    next_url: str | None  # the page after (older posts), if any
    first_url: str
    last_url: str


def paginate(items: Sequence[T], per_page: int, url_for: Callable[[int], str]) -> tuple[Pager[T], ...]:
    """Pages of per_page items; an empty list still gets one (empty) first page."""
    total = max(1, -(-len(items) // per_page))
    return tuple(
        Pager(
            number=n,
            total=total,
            items=tuple(items[(n - 1) * per_page : n * per_page]),
            url=url_for(n),
            previous_url=url_for(n - 1) if n > 1 else None,
            next_url=url_for(n + 1) if n < total else None,
            first_url=url_for(1),
            last_url=url_for(total),
        )
        for n in range(1, total + 1)
    )
