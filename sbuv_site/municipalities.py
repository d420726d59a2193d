"""Sweden's 290 municipalities (SCB codes, names, counties, map shapes) and name lookup."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from sbuv_site.errors import fold, suggest
from sbuv_site.slugs import slugify

_CODE = re.compile(r"^\d{4}$")

# "X kommun": names ending in a vowel or in s, x, z stay as they are (Umeå kommun, Borås kommun,
# Kalix kommun); the others take the genitive -s (Göteborgs kommun, Tierps kommun). These are
# the official names that follow neither rule, by SCB code.
OFFICIAL_NAME_EXCEPTIONS = {
    "0880": "Kalmar kommun",  # Kalmar: no genitive -s
    "2080": "Falu kommun",  # Falun: the old genitive Falu
}
_STAYS = frozenset("aeiouyåäöéü" + "sxz")


def official_name(code: str, name: str) -> str:
    """The municipality's official name with 'kommun' ("Jönköpings kommun", "Haninge kommun")."""
    if code in OFFICIAL_NAME_EXCEPTIONS:
        return OFFICIAL_NAME_EXCEPTIONS[code]
    return f"{name} kommun" if name[-1].casefold() in _STAYS else f"{name}s kommun"


@dataclass(frozen=True, slots=True)
class Municipality:
    """One kommun as SCB lists it."""

    code: str  # four-digit SCB kommunkod, kept as text: "0114"
    name: str  # official short name with å/ä/ö: "Upplands Väsby"
    county: str  # "Stockholms län"
    county_code: str  # "01"
    slug: str  # URL word, unique among the 290: "upplands-vasby"
    official_name: str  # the name with 'kommun', in the genitive where Swedish uses it: "Göteborgs kommun"


@dataclass(frozen=True, slots=True)
class Shape:
    """A municipality's outline on the map, already projected (SWEREF 99 TM) and simplified."""

    code: str
    centroid: tuple[int, int]  # a point inside the outline, in map units (100 m, y down)
    path: str  # SVG path data


class LookupProblem(ValueError):
    """A municipality name that is not in the registry; carries the hint to show."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Registry:
    """All municipalities, with the indexes that lookups need."""

    municipalities: tuple[Municipality, ...]
    shapes: Mapping[str, Shape]
    view_box: tuple[int, int, int, int]
    source: str
    licence: str
    _by_name: Mapping[str, Municipality] = field(repr=False)
    _by_code: Mapping[str, Municipality] = field(repr=False)

    def by_code(self, code: str) -> Municipality:
        """The municipality with this SCB code (KeyError if none)."""
        return self._by_code[code]

    def lookup(self, text: str, aliases: Mapping[str, str] | None = None) -> Municipality:
        """Find a municipality by name (any case), SCB code or configured alias.

        ASCII spellings such as 'Goteborg' are not accepted silently: they raise
        LookupProblem whose hint names the real spelling, so a page never links wrongly.
        Names are compared in Unicode's composed form (NFC): 'Umeå' typed with a combining
        ring (macOS, copy-paste) is Umeå.
        """
        text = unicodedata.normalize("NFC", text)
        wanted = text.strip()
        if _CODE.match(wanted) and wanted in self._by_code:
            return self._by_code[wanted]
        found = self._by_name.get(wanted.casefold())
        if found:
            return found
        for alias, target in (aliases or {}).items():
            if unicodedata.normalize("NFC", alias).casefold() == wanted.casefold():
                return self.lookup(target)
        names = [m.name for m in self.municipalities] + list(aliases or {})
        official = next((m for m in self.municipalities
                         if m.official_name.casefold() == wanted.casefold()), None)
        if official:
            raise LookupProblem(f"unknown municipality '{text}'", f"write just the name: '{official.name}'")
        for suffix in (" kommun", " stad", "s kommun"):
            if wanted.casefold().endswith(suffix) and wanted[: -len(suffix)].casefold() in self._by_name:
                base = self._by_name[wanted[: -len(suffix)].casefold()]
                raise LookupProblem(
                    f"unknown municipality '{text}'", f"write just the name: '{base.name}'"
                )
        best = suggest(wanted, names)
        if best:
            return_hint = f"did you mean '{best}'?"
        elif _CODE.match(wanted):
            return_hint = "no municipality has this code; SCB codes run from 0114 to 2584"
        else:
            return_hint = (
                "write the name as SCB does (e.g. 'Umeå') or its 4-digit code, "
                "or add an alias under 'aliases:' in config.yaml"
            )
        raise LookupProblem(f"unknown municipality '{text}'", return_hint)

    def is_known(self, text: str) -> bool:
        """True when lookup() would succeed without aliases."""
        try:
            self.lookup(text)
        except LookupProblem:
            return False
        return True


def _unique_slugs(names: Mapping[str, str]) -> dict[str, str]:
    """Slug per code; names that fold alike ('Habo', 'Håbo') keep them apart with the code."""
    plain = {code: slugify(name) for code, name in names.items()}
    counts: dict[str, int] = {}
    for slug in plain.values():
        counts[slug] = counts.get(slug, 0) + 1
    result = {}
    for code, slug in plain.items():
        ascii_name = fold(names[code]) == names[code].casefold()
        result[code] = slug if counts[slug] == 1 or ascii_name else f"{slug}-{code}"
    return result


def build_registry(data: Mapping[str, object]) -> Registry:
    """Make the registry from the parsed data file (kept separate so tests can feed data)."""
    rows = data["municipalities"]
    assert isinstance(rows, list)
    names = {str(r["code"]): str(r["name"]) for r in rows}
    slugs = _unique_slugs(names)
    items = tuple(
        Municipality(str(r["code"]), str(r["name"]), str(r["county"]), str(r["county_code"]),
                     slugs[str(r["code"])], official_name(str(r["code"]), str(r["name"])))
        for r in sorted(rows, key=lambda r: str(r["code"]))
    )
    shapes = {
        str(r["code"]): Shape(str(r["code"]), (int(r["centroid"][0]), int(r["centroid"][1])),
                              str(r["path"]))
        for r in rows
    }
    box = data["view_box"]
    assert isinstance(box, list)
    return Registry(
        municipalities=items,
        shapes=shapes,
        view_box=(int(box[0]), int(box[1]), int(box[2]), int(box[3])),
        source=str(data["source"]),
        licence=str(data["licence"]),
        _by_name={m.name.casefold(): m for m in items},
        _by_code={m.code: m for m in items},
    )


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    """The registry from the package's data file, read once per process."""
    text = (resources.files("sbuv_site") / "data" / "municipalities.json").read_text("utf-8")
    return build_registry(json.loads(text))
