"""Dates as the old posts state them in Swedish text, resolved only when the text fixes the year."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sbuv_site.dates import MONTHS_SV, WEEKDAYS_SV, DateError, parse_datetime

# The coordinator's assignment (dnr S2014/06314/FST): a weekday with day and month names
# exactly one date in this period, which is how "tisdagen den 1 december" becomes 2015-12-01.
ASSIGNMENT_START = date(2014, 11, 1)
ASSIGNMENT_END = date(2017, 4, 30)

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?$")
_MENTION = re.compile(
    r"(?<![\w-])(?:(?P<weekday>" + "|".join(WEEKDAYS_SV) + r")(?:en)?\s+)?"
    r"(?:den\s+)?(?P<day>\d{1,2})(?::e|:a)?\s+(?P<month>" + "|".join(MONTHS_SV) + r")"
    r"(?:\s+(?P<year>\d{4}))?(?![\w-])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class StatedDate:
    """The day a post names, and the date it fixes (None when the year is not in the text)."""

    wording: str  # as written, e.g. "tisdagen den 1 december"
    month: int
    day: int
    resolved: date | None
    reason: str  # how the year was fixed, or why it could not be


def read_timestamp(line: str) -> str | None:
    """'2016-09-21 16:41' on a line of its own (WordPress's date line) as front-matter text."""
    text = line.strip()
    if not _TIMESTAMP.match(text):
        return None
    try:
        parse_datetime(text)
    except DateError:
        return None
    return text


def find_stated_date(title: str, body: Sequence[str]) -> StatedDate | None:
    """The post's day: the first day-and-month in the title, else in the body.

    Its year comes from any mention of that same day and month which gives a year, or a
    weekday that falls on it in exactly one year of the assignment. Other days in the text
    (a workshop 'den 16 september') are never used: they may be other events.
    """
    mentions = [m for text in (title, *body) for m in _MENTION.finditer(text) if _valid(m)]
    if not mentions:
        return None
    first = mentions[0]
    month, day = MONTHS_SV.index(first["month"].lower()) + 1, int(first["day"])
    same = [m for m in mentions if (MONTHS_SV.index(m["month"].lower()) + 1, int(m["day"])) == (month, day)]
    for mention in same:
        if mention["year"]:
            return StatedDate(mention[0], month, day, date(int(mention["year"]), month, day),
                              f"the text says '{mention[0]}'")
    for mention in same:
        if mention["weekday"]:
            years = _years_with_weekday(month, day, mention["weekday"].lower())
            if len(years) == 1:
                return StatedDate(mention[0], month, day, date(years[0], month, day),
                                  f"'{mention[0]}' falls in {years[0]} within the assignment period")
            return StatedDate(mention[0], month, day, None,
                              f"'{mention[0]}' fits {len(years)} years of the assignment period")
    return StatedDate(first[0], month, day, None, f"the text says '{first[0]}' without a year or weekday")


def _valid(mention: re.Match[str]) -> bool:
    month = MONTHS_SV.index(mention["month"].lower()) + 1
    try:
        date(int(mention["year"] or 2016), month, int(mention["day"]))  # 2016: allows 29 February
    except ValueError:
        return False
    return True


def _years_with_weekday(month: int, day: int, weekday: str) -> list[int]:
    wanted = WEEKDAYS_SV.index(weekday)
    years = []
    for year in range(ASSIGNMENT_START.year, ASSIGNMENT_END.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if ASSIGNMENT_START <= candidate <= ASSIGNMENT_END and candidate.weekday() == wanted:
            years.append(year)
    return years
