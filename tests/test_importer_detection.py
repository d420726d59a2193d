"""What the importer reads out of old posts' words: the day of the visit and the municipality."""

from __future__ import annotations

from datetime import date

import pytest

from sbuv_site.importer.mentions import find_municipalities
from sbuv_site.importer.stated_dates import find_stated_date, read_timestamp
from sbuv_site.municipalities import load_registry


def places(title: str, *body: str) -> tuple[str, ...]:
    return find_municipalities(title, body, load_registry()).names


@pytest.mark.parametrize(("text", "expected"), [
    ("Besöket var avsatt till tisdagen den 1 december, men", date(2015, 12, 1)),
    ("vi kom torsdagen den 1 december", date(2016, 12, 1)),
    ("Måndagen den 1 december", date(2014, 12, 1)),
    ("tisdag 21 mars", date(2017, 3, 21)),
    ("den 17 november 2015", date(2015, 11, 17)),
])
def test_a_weekday_or_a_year_fixes_the_date_of_a_day_and_month(text: str, expected: date) -> None:
    stated = find_stated_date("Rubrik", [text])
    assert stated is not None and stated.resolved == expected


def test_a_day_and_month_alone_is_stated_but_not_resolved() -> None:
    stated = find_stated_date("Vetlanda den 17 november – Höga förväntningar", ["besöket den 17 november"])
    assert stated is not None
    assert (stated.month, stated.day, stated.resolved) == (11, 17, None)
    assert "without a year or weekday" in stated.reason


def test_a_weekday_that_fits_no_year_of_the_assignment_resolves_nothing() -> None:
    stated = find_stated_date("Rubrik", ["onsdagen den 1 december"])  # Mon 2014, Tue 2015, Thu 2016
    assert stated is not None and stated.resolved is None
    assert "fits 0 years" in stated.reason


def test_the_title_day_wins_and_a_weekday_later_in_the_text_gives_its_year() -> None:
    body = ["Workshop den 16 september.", "tisdagen den 1 december"]
    stated = find_stated_date("Besök den 1 december", body)
    assert stated is not None and stated.resolved == date(2015, 12, 1)


def test_another_day_in_the_text_never_dates_the_post() -> None:
    stated = find_stated_date("Besök den 17 november", ["Workshopen torsdagen den 16 september 2016."])
    assert stated is not None and stated.resolved is None


def test_text_without_any_day_states_no_date() -> None:
    assert find_stated_date("Haninge och Kalix", ["Förra året tog Haninge emot 200 barn."]) is None
    assert find_stated_date("Rubrik", ["den 31 februari"]) is None


@pytest.mark.parametrize(("line", "expected"), [
    ("2016-09-21 16:41", "2016-09-21 16:41"), (" 2016-09-21 ", "2016-09-21"),
    ("2016-02-30 10:00", None), ("2016-09-21 kl 16", None), ("Text 2016-09-21", None),
])
def test_a_date_line_is_read_only_when_it_is_a_real_date(line: str, expected: str | None) -> None:
    assert read_timestamp(line) == expected


def test_names_in_the_title_decide_and_both_of_two_are_kept() -> None:
    assert places("Haninge och Kalix", "Stockholms län", "Kalix", "Kalix") == ("Haninge", "Kalix")
    assert places("Snöfattigt Umeå i förändring", "Torsby Torsby Torsby Torsby") == ("Umeå",)


def test_without_a_name_in_the_title_the_most_mentioned_names_decide() -> None:
    body = ["I Borås och Sjuhärad.", "Borås Stad är en av dem.", "i Borås i januari", "I Mölndals stad"]
    assert places("Lokala planer", *body) == ("Borås",)


def test_two_names_mentioned_about_equally_often_are_both_kept() -> None:
    body = ["Luleå och Piteå.", "Luleå igen, Piteå igen.", "Luleå, Piteå och Boden."]
    assert places("Norrbotten", *body) == ("Luleå", "Piteå")


def test_a_name_mentioned_fewer_than_three_times_is_not_enough_and_is_reported() -> None:
    found = find_municipalities("Lokala planer", ["I Borås.", "Borås Stad."], load_registry())
    assert found.names == ()
    assert found.problem is not None and "Borås ×2" in found.problem


def test_genitive_forms_and_stad_count_as_mentions() -> None:
    found = find_municipalities("Rubrik", ["Umeås plan", "Göteborgs stad", "Umeå kommun", "Umeås"],
                                load_registry())
    assert dict(found.counts) == {"Umeå": 3, "Göteborg": 1}


def test_ordinary_words_and_person_names_need_a_place_word() -> None:
    assert places("Rubrik", "Vara med och delta.", "Vara ska vi.", "Vara snäll.") == ()
    assert places("Besök i Vara") == ("Vara",)
    assert places("Rubrik", "Mora sa att", "Ulla Mora", "Mora igen") == ()
    assert places("Rubrik", "Vi åkte till Mora.", "Mora kommun", "i Mora") == ("Mora",)
    assert places("Mora och Sala") == ("Mora", "Sala")


def test_counties_compounds_and_lower_case_words_are_not_mentions() -> None:
    found = find_municipalities("Rubrik", ["Stockholms län", "Boråsregionen", "en mark", "Danmark",
                                           "Göteborg4"], load_registry())
    assert found.counts == ()
