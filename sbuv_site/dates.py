"""Dates: parse what editors write in front matter; show dates in Swedish."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

MONTHS_SV = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)
WEEKDAYS_SV = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")

_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?$",
    re.ASCII,  # '٢٠١٥' is not a year an editor meant
)
_WORDS = re.compile(
    r"^(?:(?:\w+dag(?:en)?)\s+)?(?:den\s+)?(?P<d>[0-9]{1,2})\s*(?::e|:a)?\s+(?P<month>[a-zåäö]+)\.?"
    r"(?:\s+(?P<y>[0-9]{4}))?$",
    re.IGNORECASE,
)

_COMPACT = re.compile(r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$")  # 20151201
_DAY_FIRST = re.compile(r"^(?P<d>[0-9]{1,2})[./-](?P<m>[0-9]{1,2})[./-](?P<y>[0-9]{4})$")  # 1.12.2015
FIRST_YEAR, LAST_YEAR = 1900, 2999  # outside: a typo ('0215'), and out of datetime's safe range
MAX_OFFSET = timedelta(hours=14)  # the farthest any zone is from UTC (Kiribati, +14:00)
_OFFSET_HINT = "write it as +01:00 or +02:00 (Swedish winter and summer time), or leave it out"


class DateError(ValueError):
    """A date an editor wrote that is not a real ISO date; carries a hint to fix it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def stockholm() -> tzinfo:
    """Europe/Stockholm, the zone every undated-zone time in the blog is read in."""
    return ZoneInfo("Europe/Stockholm")


def parse_datetime(value: object, zone: tzinfo | None = None) -> datetime:
    """Read a front-matter date ('2015-12-01', '2015-12-01 10:30', with or without offset).

    A bare date means midnight in the blog's zone. Raises DateError with a hint on
    anything else, so '2015-02-31' or '1 december 2015' never become a wrong page.
    """
    zone = zone or stockholm()
    if isinstance(value, date):  # from a caller in Python; YAML gives text (see yamltext)
        return _checked(value, zone)
    if isinstance(value, int) and not isinstance(value, bool):
        # 20151201: explained below, with the ISO form; a number far too long is no date
        value = str(value) if value.bit_length() <= 64 else "a very long number"
    if not isinstance(value, str):
        raise DateError(
            f"date must be written like 2015-12-01, not as {_kind(value)}",
            "write the date as YYYY-MM-DD, e.g. 2015-12-01",
        )
    text = value.strip()
    match = _ISO.match(text)
    if not match:
        raise _words_error(text)
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateError(f"date {_shown(text)} has the year {year}",
                        f"use a year from {FIRST_YEAR} to {LAST_YEAR}; is it a typo?")
    if not 1 <= month <= 12:
        raise DateError(
            f"date {_shown(text)} has month {month}; a month is 1 to 12",
            "write the date as YYYY-MM-DD (year, month, day)",
        )
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DateError(
            f"date {_shown(text)} has day {day}, but {MONTHS_SV[month - 1]} {year} has {last} days",
            f"use a day from 1 to {last}",
        )
    hour, minute, second = int(match["H"] or 0), int(match["M"] or 0), int(match["S"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise DateError(f"time in {_shown(text)} is not a time of day",
                        "write the time as HH:MM, 00:00-23:59")
    tz: tzinfo = zone
    if match["tz"]:
        tz = _offset(match["tz"], text)
    return datetime(year, month, day, hour, minute, second, tzinfo=tz)


def _checked(value: date, zone: tzinfo) -> datetime:
    """A date or datetime object under the same rules as written text: years and offsets."""
    moment = value if isinstance(value, datetime) else datetime.combine(value, time())
    moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise DateError(f"date '{moment.isoformat()}' has the year {moment.year}",
                        f"use a year from {FIRST_YEAR} to {LAST_YEAR}; is it a typo?")
    offset = moment.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise DateError(f"time zone offset in '{moment.isoformat()}' is not a real one", _OFFSET_HINT)
    return moment


def parse_date(value: object, zone: tzinfo | None = None) -> date:
    """The calendar date of a front-matter value, in the blog's zone."""
    return parse_datetime(value, zone).astimezone(zone or stockholm()).date()


def _offset(text: str, written: str) -> tzinfo:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if int(digits[2:]) > 59 or offset > MAX_OFFSET:
        raise DateError(f"time zone offset in {_shown(written)} is not a real one", _OFFSET_HINT)
    return timezone(sign * offset)


def _shown(text: str) -> str:
    """The text in quotes for a one-line message: escapes for line breaks, long text cut."""
    short = text if len(text) <= 60 else text[:57] + "…"
    return f"'{short}'" if short.isprintable() else repr(short)


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _words_error(text: str) -> DateError:
    """Explain a date written another way, with the ISO form when it can be worked out."""
    other = _COMPACT.match(text) or _DAY_FIRST.match(text)
    if other and 1 <= int(other["m"]) <= 12 and 1 <= int(other["d"]) <= 31:
        iso = f"{int(other['y']):04d}-{int(other['m']):02d}-{int(other['d']):02d}"
        return DateError(f"date {_shown(text)} is not written year-month-day", f"write it as {iso}")
    words = _WORDS.match(text)
    if words and words["month"].lower() in MONTHS_SV:
        month = MONTHS_SV.index(words["month"].lower()) + 1
        if words["y"]:
            iso = f"{int(words['y']):04d}-{month:02d}-{int(words['d']):02d}"
            return DateError(f"date {_shown(text)} is written in words", f"write it as {iso}")
        return DateError(
            f"date {_shown(text)} is written in words and has no year",
            f"write it as YYYY-{month:02d}-{int(words['d']):02d} with the year",
        )
    return DateError(f"date {_shown(text)} is not a date", "write the date as YYYY-MM-DD, e.g. 2015-12-01")


def format_date_sv(day: date) -> str:
    """'17 november 2015': how Swedish readers expect a date in running text."""
    return f"{day.day} {MONTHS_SV[day.month - 1]} {day.year}"


def month_name_sv(month: int) -> str:
    """'november' for 11."""
    return MONTHS_SV[month - 1]


def to_rfc3339(moment: datetime) -> str:
    """An Atom/sitemap timestamp with an explicit offset."""
    return moment.isoformat(timespec="seconds")


UNKNOWN_DATE = "okänt"  # 'date: okänt': no source states when the post was written
_PARTIAL = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2}))?$", re.ASCII)  # '2017', '2016-02'
# What editors may write when they mean 'okänt'; answered with a hint rather than read as it.
_UNKNOWN_LIKE = frozenset({"okand", "okant", "okänd", "unknown", "odaterad", "odaterat", "saknas",
                           "?", "-", "x", "xxxx", "null", "none", "n/a", "ingen", "inget"})
_ISO_IN_TEXT = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])", re.ASCII)


@dataclass(frozen=True, slots=True)
class PostDate:
    """A post's date as far as sources know it: the day (and time), the month, the year, or nothing.

    Nothing is filled in: a post known only to the year has no month and no day, and the site
    says so ("2017", "februari 2016", "datum okänt") instead of inventing the rest.
    """

    year: int | None
    month: int | None = None
    moment: datetime | None = None  # aware, in the site's zone; exactly when the day is known

    def __post_init__(self) -> None:
        if self.moment is not None:
            assert (self.year, self.month) == (self.moment.year, self.moment.month), self
        assert self.year is not None or self.month is None, self
        assert self.month is None or 1 <= self.month <= 12, self

    @classmethod
    def exact(cls, moment: datetime) -> PostDate:
        """A date known to the day (a time may come with it); moment is aware."""
        return cls(moment.year, moment.month, moment)

    @property
    def day(self) -> int | None:
        """The day of the month, when known."""
        return self.moment.day if self.moment else None

    @property
    def known(self) -> bool:
        """False for 'date: okänt'."""
        return self.year is not None

    @property
    def text(self) -> str:
        """In Swedish, as precise as known: '1 december 2015', 'februari 2016', '2017', 'datum okänt'."""
        if self.moment is not None:
            return format_date_sv(self.moment.date())
        if self.month is not None:
            return f"{MONTHS_SV[self.month - 1]} {self.year}"
        return str(self.year) if self.year is not None else "datum okänt"

    @property
    def iso(self) -> str | None:
        """For <time datetime>: '2015-12-01', '2016-02', '2017'; None when unknown."""
        if self.moment is not None:
            return self.moment.date().isoformat()
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}" if self.year is not None else None

    def sort_key(self) -> tuple[bool, int, bool, int, float]:
        """Oldest first, and within a period the posts known only to the period before the dated ones.

        Sorted newest first (reversed), a post of '2017' comes after every post dated in 2017,
        one of 'februari 2016' after those dated in February 2016, and undated posts come last.
        """
        return (self.year is not None, self.year or 0, self.month is not None, self.month or 0,
                self.moment.timestamp() if self.moment else float("-inf"))

    def starts(self, zone: tzinfo) -> datetime | None:
        """The first instant the date may mean (to tell a future post); None when unknown."""
        if self.moment is not None:
            return self.moment
        if self.year is None:
            return None
        return datetime(self.year, self.month or 1, 1, tzinfo=zone)


def parse_post_date(value: object, zone: tzinfo | None = None) -> PostDate:
    """A post's front-matter date: a full date (and time), '2016-02', '2017', or 'okänt'.

    Raises DateError with a hint on anything else, under the same rules as parse_datetime.
    """
    zone = zone or stockholm()
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else None
    if text is not None and unicodedata.normalize("NFC", text).casefold() == UNKNOWN_DATE:
        return PostDate(None)
    partial = _PARTIAL.match(text) if text is not None else None
    if partial:
        year = int(partial["y"])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise DateError(f"date {_shown(text or '')} has the year {year}",
                            f"use a year from {FIRST_YEAR} to {LAST_YEAR}; is it a typo?")
        month = int(partial["m"]) if partial["m"] else None
        if month is not None and not 1 <= month <= 12:
            raise DateError(f"date {_shown(text or '')} has month {month}; a month is 1 to 12",
                            "write a month as YYYY-MM (year, month), e.g. 2016-02")
        return PostDate(year, month)
    if text is not None and unicodedata.normalize("NFC", text).casefold() in _UNKNOWN_LIKE:
        raise DateError(f"date {_shown(text)} is not a date",
                        f"when no source states the date, write 'date: {UNKNOWN_DATE}'")
    return PostDate.exact(parse_datetime(value, zone).astimezone(zone))


def swedish_dates_in(text: str) -> str:
    """Text with each ISO date ('2017-01-19') written in Swedish words ('19 januari 2017').

    For editors' notes shown to readers (a visit's source): a page never puts an ISO date
    beside Swedish ones. Anything that is not a real date is left as written.
    """
    def words(match: re.Match[str]) -> str:
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return match[0]
        return format_date_sv(day)
    return _ISO_IN_TEXT.sub(words, text)
