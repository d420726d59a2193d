"""Items related by keys they share (municipality, county, tag), closest first, never comparing all pairs."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence


class KeyIndex:
    """For each key, the positions of the items that carry it, in item order.

    Built once in one pass over the items; a query then walks only the few positions around
    the asking item, so finding related items for all n items costs about n, not n².
    """

    def __init__(self, keys_per_item: Iterable[Iterable[Hashable]]) -> None:
        self._lists: dict[Hashable, list[int]] = defaultdict(list)
        for index, keys in enumerate(keys_per_item):
            for key in dict.fromkeys(keys):  # a key named twice by one item counts once
                self._lists[key].append(index)

    def positions(self, key: Hashable) -> Sequence[int]:
        """The items that carry key, in item order (empty if none)."""
        return self._lists.get(key, ())

    def nearest(self, index: int, keys: Iterable[Hashable], skip: set[int], wanted: int) -> list[int]:
        """Up to `wanted` items sharing one of keys, closest in position to `index` (the lower on a tie).

        Items in `skip` are passed over. Each key's list is walked outwards from `index`, so a
        list costs at most `wanted` + len(skip) steps however long it is.
        """
        found: set[int] = set()
        for key in dict.fromkeys(keys):
            items = self.positions(key)
            lower = bisect_left(items, index) - 1  # walking towards the first item
            upper = lower + 1  # this item and the ones after it, walking towards the last
            taken = 0
            while taken < wanted and (lower >= 0 or upper < len(items)):
                if upper >= len(items) or (lower >= 0 and index - items[lower] <= items[upper] - index):
                    candidate, lower = items[lower], lower - 1
                else:
                    candidate, upper = items[upper], upper + 1
                if candidate not in skip and candidate not in found:
                    found.add(candidate)
                    taken += 1
        return sorted(found, key=lambda i: (abs(i - index), i))[:wanted]
