"""Dates: what editors write in front matter, read strictly, and dates shown in Swedish."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from sbuv_site.dates import (
    DateError,
    PostDate,
    format_date_sv,
    month_name_sv,
    parse_date,
    parse_datetime,
    parse_post_date,
    swedish_dates_in,
    to_rfc3339,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_a_bare_date_is_midnight_in_stockholm() -> None:
    assert parse_datetime("2015-12-01") == datetime(2015, 12, 1, tzinfo=STOCKHOLM)
    assert parse_datetime("2015-12-01").utcoffset() == timedelta(hours=1)
    assert parse_datetime("2016-06-01").utcoffset() == timedelta(hours=2)  # summer time


def test_a_date_is_read_in_the_zone_given() -> None:
    helsinki = ZoneInfo("Europe/Helsinki")
    assert parse_datetime("2015-12-01", helsinki) == datetime(2015, 12, 1, tzinfo=helsinki)


@pytest.mark.parametrize(("text", "expected"), [
    ("2015-12-01 14:30", datetime(2015, 12, 1, 14, 30, tzinfo=STOCKHOLM)),
    ("2015-12-01T14:30:15", datetime(2015, 12, 1, 14, 30, 15, tzinfo=STOCKHOLM)),
    ("2015-12-01 14:30:15.250", datetime(2015, 12, 1, 14, 30, 15, tzinfo=STOCKHOLM)),
    ("2015-12-01 14:30 +01:00", datetime(2015, 12, 1, 14, 30, tzinfo=timezone(timedelta(hours=1)))),
    ("2015-12-01T14:30-0530", datetime(2015, 12, 1, 14, 30, tzinfo=timezone(-timedelta(minutes=330)))),
    ("2015-12-01T13:30Z", datetime(2015, 12, 1, 13, 30, tzinfo=UTC)),
    ("  2015-1-5  ", datetime(2015, 1, 5, tzinfo=STOCKHOLM)),
    ("2016-02-29", datetime(2016, 2, 29, tzinfo=STOCKHOLM)),
])
def test_dates_with_times_and_offsets_are_read_exactly(text: str, expected: datetime) -> None:
    moment = parse_datetime(text)
    assert moment == expected and moment.utcoffset() == expected.utcoffset()


def test_date_and_datetime_values_pass_through_with_a_zone() -> None:
    assert parse_datetime(date(2015, 12, 1)) == datetime(2015, 12, 1, tzinfo=STOCKHOLM)
    assert parse_datetime(datetime(2015, 12, 1, 9, 0)) == datetime(2015, 12, 1, 9, 0, tzinfo=STOCKHOLM)
    aware = datetime(2015, 12, 1, 9, 0, tzinfo=UTC)
    assert parse_datetime(aware) is aware


def test_parse_date_gives_the_calendar_day_in_the_blog_zone() -> None:
    assert parse_date("2015-12-01") == date(2015, 12, 1)
    assert parse_date("2015-12-01 23:30 -02:00") == date(2015, 12, 2)  # 02:30 in Stockholm


@pytest.mark.parametrize(("value", "message", "hint"), [
    ("2015-13-01", "date '2015-13-01' has month 13; a month is 1 to 12",
     "write the date as YYYY-MM-DD (year, month, day)"),
    ("2015-00-10", "date '2015-00-10' has month 0; a month is 1 to 12",
     "write the date as YYYY-MM-DD (year, month, day)"),
    ("2015-02-31", "date '2015-02-31' has day 31, but februari 2015 has 28 days", "use a day from 1 to 28"),
    ("2016-02-30", "date '2016-02-30' has day 30, but februari 2016 has 29 days", "use a day from 1 to 29"),
    ("2015-04-00", "date '2015-04-00' has day 0, but april 2015 has 30 days", "use a day from 1 to 30"),
    ("1 december 2015", "date '1 december 2015' is written in words", "write it as 2015-12-01"),
    ("tisdag 1 december 2015", "date 'tisdag 1 december 2015' is written in words",
     "write it as 2015-12-01"),
    ("den 17:e November 2015", "date 'den 17:e November 2015' is written in words",
     "write it as 2015-11-17"),
    ("1 december", "date '1 december' is written in words and has no year",
     "write it as YYYY-12-01 with the year"),
    ("01.12.2015", "date '01.12.2015' is not written year-month-day", "write it as 2015-12-01"),
    ("1/12/2015", "date '1/12/2015' is not written year-month-day", "write it as 2015-12-01"),
    ("20151201", "date '20151201' is not written year-month-day", "write it as 2015-12-01"),
    (20151201, "date '20151201' is not written year-month-day", "write it as 2015-12-01"),
    ("igår", "date 'igår' is not a date", "write the date as YYYY-MM-DD, e.g. 2015-12-01"),
    ("1 dec 2015", "date '1 dec 2015' is not a date", "write the date as YYYY-MM-DD, e.g. 2015-12-01"),
    ("0215-12-01", "date '0215-12-01' has the year 215", "use a year from 1900 to 2999; is it a typo?"),
    ("2015-12-01 25:30", "time in '2015-12-01 25:30' is not a time of day",
     "write the time as HH:MM, 00:00-23:59"),
    ("2015-12-01 10:00+25:00", "time zone offset in '2015-12-01 10:00+25:00' is not a real one",
     "write it as +01:00 or +02:00 (Swedish winter and summer time), or leave it out"),
    ("2015-12-01\n10:00", "date '2015-12-01\\n10:00' is not a date",
     "write the date as YYYY-MM-DD, e.g. 2015-12-01"),
    (None, "date must be written like 2015-12-01, not as nothing",
     "write the date as YYYY-MM-DD, e.g. 2015-12-01"),
    (True, "date must be written like 2015-12-01, not as true/false",
     "write the date as YYYY-MM-DD, e.g. 2015-12-01"),
    (2015.5, "date must be written like 2015-12-01, not as the number 2015.5",
     "write the date as YYYY-MM-DD, e.g. 2015-12-01"),
    (["2015-12-01"], "date must be written like 2015-12-01, not as a list",
     "write the date as YYYY-MM-DD, e.g. 2015-12-01"),
])
def test_a_wrong_date_says_what_is_wrong_and_how_to_write_it(value: object, message: str, hint: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_datetime(value)
    assert (caught.value.message, caught.value.hint) == (message, hint)


def test_digits_from_other_scripts_are_not_a_date() -> None:
    with pytest.raises(DateError, match="is not a date"):
        parse_datetime("٢٠١٥-١٢-٠١")


def test_a_long_wrong_date_is_cut_in_the_message() -> None:
    with pytest.raises(DateError) as caught:
        parse_datetime("x" * 500)
    assert len(caught.value.message) < 100 and "…" in caught.value.message


def test_a_date_error_is_a_value_error() -> None:
    assert issubclass(DateError, ValueError)


def test_dates_are_shown_the_swedish_way() -> None:
    assert format_date_sv(date(2015, 11, 17)) == "17 november 2015"
    assert format_date_sv(date(2016, 1, 5)) == "5 januari 2016"
    assert [month_name_sv(m) for m in (1, 5, 8, 12)] == ["januari", "maj", "augusti", "december"]


def test_feed_timestamps_have_an_explicit_offset() -> None:
    assert to_rfc3339(datetime(2015, 12, 1, tzinfo=STOCKHOLM)) == "2015-12-01T00:00:00+01:00"
    assert to_rfc3339(datetime(2015, 12, 1, 9, 5, 7, 999, tzinfo=UTC)) == "2015-12-01T09:05:07+00:00"


@pytest.mark.parametrize("value", [date(1, 1, 1), datetime(9999, 12, 31, 23, 59), date(1899, 12, 31),
                                   datetime(3000, 1, 1, tzinfo=UTC)])
def test_date_objects_meet_the_same_year_rule_as_text(value: date) -> None:
    with pytest.raises(DateError) as caught:
        parse_datetime(value)
    assert f"has the year {value.year}" in caught.value.message
    assert caught.value.hint == "use a year from 1900 to 2999; is it a typo?"


def test_a_datetime_object_with_an_offset_past_14_hours_is_refused() -> None:
    far = datetime(2015, 12, 1, 10, 0, tzinfo=timezone(-timedelta(hours=23, minutes=59)))
    with pytest.raises(DateError) as caught:
        parse_datetime(far)
    assert caught.value.message == "time zone offset in '2015-12-01T10:00:00-23:59' is not a real one"


@pytest.mark.parametrize("written", ["2015-12-01 10:00+14:30", "2015-12-01 10:00-14:01",
                                     "2015-12-01 10:00+1460"])
def test_an_offset_past_14_hours_is_not_a_real_one(written: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_datetime(written)
    assert caught.value.message == f"time zone offset in '{written}' is not a real one"


@pytest.mark.parametrize("written", ["2015-12-01 10:00+14:00", "2015-12-01 10:00-14:00"])
def test_an_offset_of_14_hours_is_the_farthest_allowed(written: str) -> None:
    assert abs(parse_datetime(written).utcoffset() or timedelta()) == timedelta(hours=14)


def test_a_number_far_too_long_for_a_date_is_not_a_date() -> None:
    with pytest.raises(DateError) as caught:
        parse_datetime(10**5000)
    assert caught.value.message == "date 'a very long number' is not a date"


# Post dates known only to the month or year, or not at all (issue 10, item 5).
@pytest.mark.parametrize(("value", "year", "month", "text", "iso"), [
    ("2016-02", 2016, 2, "februari 2016", "2016-02"),
    ("2016-2", 2016, 2, "februari 2016", "2016-02"),
    (" 2017 ", 2017, None, "2017", "2017"),
    (2017, 2017, None, "2017", "2017"),
    ("okänt", None, None, "datum okänt", None),
    ("Okänt", None, None, "datum okänt", None),
    ("oka\u0308nt", None, None, "datum okänt", None),  # typed decomposed
])
def test_a_post_date_may_be_known_to_the_month_or_year_or_not_at_all(
        value: object, year: int | None, month: int | None, text: str, iso: str | None) -> None:
    when = parse_post_date(value, STOCKHOLM)
    assert (when.year, when.month, when.day, when.moment) == (year, month, None, None)
    assert (when.text, when.iso, when.known) == (text, iso, year is not None)


def test_a_full_post_date_keeps_its_moment_in_the_site_zone() -> None:
    when = parse_post_date("2015-12-01 23:30+00:00", STOCKHOLM)
    assert when.moment == datetime(2015, 12, 2, 0, 30, tzinfo=STOCKHOLM)
    assert (when.year, when.month, when.day) == (2015, 12, 2)  # the Swedish calendar day
    assert (when.text, when.iso) == ("2 december 2015", "2015-12-02")


@pytest.mark.parametrize(("value", "message", "hint"), [
    ("2016-13", "date '2016-13' has month 13; a month is 1 to 12", "write a month as YYYY-MM"),
    ("2016-00", "date '2016-00' has month 0; a month is 1 to 12", "write a month as YYYY-MM"),
    ("1899", "date '1899' has the year 1899", "use a year from 1900 to 2999"),
    ("0217", "date '0217' has the year 217", "is it a typo?"),
    ("okänd", "date 'okänd' is not a date", "write 'date: okänt'"),
    ("unknown", "date 'unknown' is not a date", "write 'date: okänt'"),
    ("?", "date '?' is not a date", "write 'date: okänt'"),
    ("2016-02-31", "date '2016-02-31' has day 31, but februari 2016 has 29 days", "use a day from 1 to 29"),
    ("20160201", "date '20160201' is not written year-month-day", "write it as 2016-02-01"),
    (True, "date must be written like 2015-12-01, not as true/false", "YYYY-MM-DD"),
    (201, "date '201' is not a date", "YYYY-MM-DD"),
])
def test_a_wrong_post_date_says_what_is_wrong(value: object, message: str, hint: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_post_date(value, STOCKHOLM)
    assert caught.value.message == message
    assert hint in caught.value.hint


def test_newest_first_a_period_comes_after_the_days_within_it_and_undated_last() -> None:
    def day(text: str) -> PostDate:
        return parse_post_date(text, STOCKHOLM)
    dates = [day("okänt"), day("2016-02"), day("2016-02-03"), day("2017"), day("2016-01-31"),
             day("2017-05-01 10:00"), day("2016-03"), day("2016"), day("2017-05-01 09:00")]
    newest_first = sorted(dates, key=PostDate.sort_key, reverse=True)
    assert [d.text for d in newest_first] == [
        "1 maj 2017", "1 maj 2017", "2017", "mars 2016", "3 februari 2016", "februari 2016",
        "31 januari 2016", "2016", "datum okänt"]
    assert newest_first[0].moment == datetime(2017, 5, 1, 10, 0, tzinfo=STOCKHOLM)


def test_a_period_starts_on_its_first_day_and_an_unknown_date_never() -> None:
    assert parse_post_date("2030", STOCKHOLM).starts(STOCKHOLM) == datetime(2030, 1, 1, tzinfo=STOCKHOLM)
    assert parse_post_date("2030-07", STOCKHOLM).starts(STOCKHOLM) == datetime(2030, 7, 1, tzinfo=STOCKHOLM)
    assert parse_post_date("okänt", STOCKHOLM).starts(STOCKHOLM) is None


def test_a_post_date_cannot_hold_a_month_without_a_year_or_a_moment_of_another_month() -> None:
    with pytest.raises(AssertionError):
        PostDate(None, 3)
    with pytest.raises(AssertionError):
        PostDate(2016, 3, datetime(2016, 4, 1, tzinfo=STOCKHOLM))


def test_iso_dates_in_a_note_are_written_in_swedish_words() -> None:
    assert swedish_dates_in("Värmlandsbygden 2017-01-19: ”Besök”") == (
        "Värmlandsbygden 19 januari 2017: ”Besök”")
    assert swedish_dates_in("2015-06-22 och 2016-09-21") == "22 juni 2015 och 21 september 2016"
    # not dates: kept as written
    assert swedish_dates_in("2015-02-31, 2014-2016, 12015-01-01, 2015-01-011, dnr 2014-06-314") == (
        "2015-02-31, 2014-2016, 12015-01-01, 2015-01-011, dnr 2014-06-314")
