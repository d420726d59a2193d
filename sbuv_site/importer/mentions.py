"""Which municipality a post is about, found from its title and text through the registry.

The rule, in order:
1. Names in the title are the post's municipalities ("Haninge och Kalix" gives both).
2. Otherwise the body decides: every name mentioned at least MIN_MENTIONS times and at least
   half as often as the most-mentioned one ("Borås" nine times beats "Mölndal" once).
3. Otherwise none, and the editor is told which names were seen.
A mention is the registry's spelling as a whole word, capitalised, optionally in the genitive
('Umeås', 'Göteborgs stad'); 'Stockholms län' names a county, not the municipality. Names that
are also ordinary words or people's names ('Vara', 'Mora', 'Lund') count only with a place
word before them ('i Mora', 'från Lund') or 'kommun'/'stad' after them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sbuv_site.municipalities import Registry

MIN_MENTIONS = 3
AMBIGUOUS_NAMES = frozenset({
    # people's names and surnames
    "Ale", "Berg", "Dorotea", "Lund", "Mark", "Mora", "Nora", "Norberg", "Sala", "Salem",
    "Vilhelmina",
    # ordinary words that start sentences ('Vara med…', 'Boden…', 'Skara…' = a crowd)
    "Boden", "Eda", "Kil", "Köping", "Skara", "Säter", "Trosa", "Vara", "Älvdalen",
    # provinces that share a municipality's name
    "Härjedalen",
})
_PLACE_WORDS = frozenset({"i", "från", "till", "mot", "kring", "utanför", "inom", "besökte",
                          "besöker", "besök", "återbesök", "uppföljningsbesök"})
_AFTER_PLACE = re.compile(r"^\s+(kommun|stad|Stad|kommuns|stads)\b")
_COUNTY_AFTER = re.compile(r"^\s+län\b")
_JOINERS = re.compile(r"^[\s,&]*(?:och[\s,&]*)?$")


@dataclass(frozen=True, slots=True)
class Mentions:
    """The chosen municipalities and, when none could be chosen, why."""

    names: tuple[str, ...]  # registry spellings, in order of importance
    counts: tuple[tuple[str, int], ...]  # every name seen in the text, most mentioned first
    problem: str | None  # for the report when names is empty


def find_municipalities(title: str, body: Sequence[str], registry: Registry) -> Mentions:
    """Apply the module's rule to a post's title and body paragraphs."""
    pattern = _pattern(tuple(m.name for m in registry.municipalities))
    in_title = _mentions(pattern, title, whole_title=True)
    counts = Counter(name for text in body for name in _mentions(pattern, text, whole_title=False))
    ranked = tuple(sorted(counts.items(), key=lambda item: (-item[1], _first(body, item[0]))))
    if in_title:
        return Mentions(tuple(dict.fromkeys(in_title)), ranked, None)
    top = ranked[0][1] if ranked else 0
    chosen = tuple(name for name, n in ranked if n >= MIN_MENTIONS and 2 * n >= top)
    if chosen:
        return Mentions(chosen, ranked, None)
    seen = ", ".join(f"{name} ×{n}" for name, n in ranked) or "none"
    return Mentions((), ranked, "no municipality in the title and none mentioned "
                    f"{MIN_MENTIONS}+ times in the text (seen: {seen})")


@lru_cache(maxsize=4)
def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(names, key=lambda n: (-len(n), n))
    alternatives = "|".join(re.escape(name) for name in ordered)
    return re.compile(rf"(?<![\w-])(?P<name>{alternatives})(?P<genitive>s)?(?![\w-])")


def _mentions(pattern: re.Pattern[str], text: str, whole_title: bool) -> list[str]:
    found: list[tuple[str, bool]] = []
    for match in pattern.finditer(text):
        name = match["name"]
        if name.endswith(("s", "x", "z")) and match["genitive"]:
            continue  # 'Boråss' is no word
        after = text[match.end():]
        if _COUNTY_AFTER.match(after):
            continue
        before = re.search(r"(\w+)\W*$", text[: match.start()])
        placed = bool(_AFTER_PLACE.match(after)) or (
            before is not None and before[1].casefold() in _PLACE_WORDS)
        found.append((name, placed or name not in AMBIGUOUS_NAMES))
    if whole_title and found and not all(ok for _, ok in found):
        leftover = pattern.sub("", text)
        if _JOINERS.match(leftover):  # a title that is only names: 'Mora och Sala'
            return [name for name, _ in found]
    return [name for name, ok in found if ok]


def _first(body: Sequence[str], name: str) -> int:
    joined = "\n".join(body)
    index = joined.find(name)
    return index if index >= 0 else len(joined)
