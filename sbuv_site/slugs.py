"""Slugs: the lower-case ASCII words in URLs, made from Swedish text."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPECIAL = str.maketrans(
    {"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "þ": "th", "ð": "d", "œ": "oe", "&": " och "}
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@lru_cache(maxsize=65536)  # a site names the same tags and places thousands of times
def slugify(text: str, fallback: str = "inlagg") -> str:
    """Turn a title into a URL word: å/ä→a, ö→o, é→e, other marks dropped, words joined by '-'.

    Never empty (the fallback is used) and idempotent, so a slug can be fed back in.
    """
    lowered = unicodedata.normalize("NFKC", text).casefold().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    slug = _NOT_SLUG.sub("-", ascii_only.encode("ascii", "ignore").decode()).strip("-")
    return slug[:80].strip("-") or fallback


def is_valid_slug(slug: str) -> bool:
    """True when a slug given by an editor is safe to use as one path segment."""
    return bool(SLUG_PATTERN.match(slug))
