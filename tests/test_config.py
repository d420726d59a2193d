"""config.yaml: typed, with defaults, closed to unknown keys, every problem at its line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sbuv_site.config import Config, FeedConfig, MarkdownConfig, VisitConfig, load_config, parse_config
from sbuv_site.errors import SiteError, flatten


def problems(text: str) -> list[str]:
    """Every problem parse_config reports for this config text, as printed."""
    with pytest.raises((SiteError, ExceptionGroup)) as caught:
        parse_config(text, "config.yaml")
    return [p.format() for p in flatten(caught.value)]


def test_a_config_with_only_base_url_gets_every_default() -> None:
    config = parse_config("base_url: https://www.example.se/\n", "config.yaml")
    assert config == Config(base_url="https://www.example.se/")
    assert (config.title, config.language, config.per_page, config.permalink) == (
        "Social barn- och ungdomsvård", "sv", 10, "/{year}/{month}/{slug}/")
    assert config.markdown == MarkdownConfig(allow_html=False)
    assert config.feed == FeedConfig(limit=20, full_content=True)
    assert (config.visits, dict(config.aliases), config.planned_visits) == ((), {}, 52)
    assert config.zone.key == "Europe/Stockholm"


def test_every_key_is_read_with_its_type() -> None:
    config = parse_config("""\
base_url: https://example.org/blogg/
title: Bloggen
description: Om barn och unga.
language: sv
author: Samordnaren
per_page: 5
permalink: /{year}/{slug}/
timezone: Europe/Helsinki
output_dir: public
markdown:
  allow_html: true
feed:
  limit: 3
  full_content: false
planned_visits: 40
aliases:
  Gothenburg: Göteborg
""", "config.yaml")
    assert (config.title, config.author, config.per_page, config.permalink) == (
        "Bloggen", "Samordnaren", 5, "/{year}/{slug}/")
    assert (config.output_dir, config.planned_visits, config.zone.key) == ("public", 40, "Europe/Helsinki")
    assert config.markdown.allow_html is True
    assert config.feed == FeedConfig(limit=3, full_content=False)
    assert dict(config.aliases) == {"Gothenburg": "Göteborg"}
    assert config.base_path == "/blogg/"


def test_base_path_is_the_path_of_base_url_with_a_slash() -> None:
    assert Config(base_url="https://example.org").base_path == "/"
    assert Config(base_url="https://example.org/blogg").base_path == "/blogg/"


def test_visits_are_read_with_sorted_dates_kind_source_and_line() -> None:
    config = parse_config("""\
base_url: https://example.org/
visits:
  - municipality: Skövde
    dates: [2017-03-22, 2017-03-21]
    kind: återbesök
    source: "Skövde kommun"
  - municipality: Torsby
    dates: []
""", "config.yaml")
    assert config.visits == (
        VisitConfig("Skövde", (date(2017, 3, 21), date(2017, 3, 22)), "återbesök", "Skövde kommun", 3),
        VisitConfig("Torsby", (), "besök", "", 7),
    )


def test_an_unknown_key_suggests_the_closest_known_one() -> None:
    assert problems("base_url: https://example.org/\nper_pgae: 5\n") == [
        "config.yaml:2: unknown key 'per_pgae'\n  hint: did you mean 'per_page'?"]


def test_an_unknown_key_without_a_close_match_lists_the_known_keys() -> None:
    (problem,) = problems("base_url: https://example.org/\nfärg: blå\n")
    assert problem.startswith("config.yaml:2: unknown key 'färg'\n  hint: known keys: base_url, title,")


def test_an_unknown_key_inside_a_section_names_its_own_line() -> None:
    assert problems("base_url: https://example.org/\nfeed:\n  limt: 5\n") == [
        "config.yaml:3: unknown key 'limt'\n  hint: did you mean 'limit'?"]


PERMALINK_HINT = "  hint: start and end with '/', use {slug} and only {year}, {month}, {day}: /{year}/{month}/{slug}/"


@pytest.mark.parametrize(("line", "expected"), [
    ("per_page: tio", "config.yaml:2: 'per_page' must be a whole number from 1 to 1000, not 'tio'\n"
                      "  hint: e.g. 10"),
    ("per_page: 0", "config.yaml:2: 'per_page' must be a whole number from 1 to 1000, not the number 0\n"
                    "  hint: e.g. 10"),
    ("per_page: true", "config.yaml:2: 'per_page' must be a whole number from 1 to 1000, not true/false\n"
                       "  hint: e.g. 10"),
    ("title: [a, b]", "config.yaml:2: 'title' must be text, not a list\n  hint: put the value in quotes"),
    ("markdown: ja", "config.yaml:2: 'markdown' must be a mapping, not 'ja'\n"
                     "  hint: indent 'markdown:' options below it"),
    ("markdown: {allow_html: ja}", "config.yaml:2: 'allow_html' must be true or false, not 'ja'\n"
                                   "  hint: write true or false"),
    ("visits: Umeå", "config.yaml:2: 'visits' must be a list of visits\n"
                     "  hint: start each visit with '- municipality: …'"),
    ("aliases: [Göteborg]", "config.yaml:2: 'aliases' must map names to municipality names\n"
                            "  hint: write e.g. 'Gothenburg: Göteborg'"),
    ("timezone: Europe/Göteborg", "config.yaml:2: 'timezone' 'Europe/Göteborg' is not a known time zone\n"
                                  "  hint: use e.g. Europe/Stockholm"),
    ("permalink: /{year}/{title}/",
     "config.yaml:2: 'permalink' '/{year}/{title}/' is not a usable permalink: '{title}' is not one of "
     "{year}, {month}, {day}, {slug}\n" + PERMALINK_HINT),
    ("permalink: '{slug}'", "config.yaml:2: 'permalink' '{slug}' is not a usable permalink: it must start "
                            "and end with '/'\n" + PERMALINK_HINT),
])
def test_a_wrong_value_is_named_with_its_line_and_how_to_write_it(line: str, expected: str) -> None:
    assert problems(f"base_url: https://example.org/\n{line}\n") == [expected]


def test_base_url_is_required_and_absolute() -> None:
    assert problems("title: Bloggen\n") == [
        "config.yaml:1: base_url is missing\n  hint: add e.g. 'base_url: https://www.example.se/'"]
    assert problems("base_url: /blogg/\n") == [
        "config.yaml:1: 'base_url' must be an absolute http(s) address, not '/blogg/'\n"
        "  hint: write e.g. https://www.example.se/ (or https://www.example.se/blogg/)"]
    assert problems("base_url: ftp://example.org/\n")[0].startswith("config.yaml:1: 'base_url' must be")


def test_a_config_that_is_not_a_mapping_is_refused() -> None:
    assert problems("- base_url: https://example.org/\n") == [
        "config.yaml:1: config.yaml must be a mapping of keys to values\n"
        "  hint: write lines like 'title: Min blogg'"]


def test_an_empty_config_only_lacks_base_url() -> None:
    assert problems("") == [
        "config.yaml:1: base_url is missing\n  hint: add e.g. 'base_url: https://www.example.se/'"]


def test_visit_problems_are_each_reported_at_their_line() -> None:
    assert problems("""\
base_url: https://example.org/
visits:
  - municipality: Umeå
    kind: aterbesok
  - Kalix
  - dates: [2015-13-01]
  - municipality: Kalix
    dates: [1 december 2015]
    vem: Samordnaren
""") == [
        "config.yaml:4: unknown visit kind 'aterbesok'\n  hint: did you mean 'återbesök'?",
        "config.yaml:5: a visit must be a mapping\n"
        "  hint: write '- municipality: Umeå' with dates, kind, source below",
        "config.yaml:6: a visit has no municipality\n  hint: add 'municipality: …'",
        "config.yaml:8: date '1 december 2015' is written in words\n  hint: write it as 2015-12-01",
        "config.yaml:9: unknown key 'vem'\n  hint: known keys: municipality, dates, kind, source",
    ]


def test_all_problems_are_reported_together() -> None:
    found = problems("per_pgae: 5\ntitle: [x]\nfeed: {limit: 0}\n")
    assert [p.split("\n")[0] for p in found] == [
        "config.yaml:1: base_url is missing",
        "config.yaml:1: unknown key 'per_pgae'",
        "config.yaml:2: 'title' must be text, not a list",
        "config.yaml:3: 'limit' must be a whole number from 1 to 10000, not the number 0",
    ]


def test_invalid_yaml_in_config_names_its_line() -> None:
    assert problems("base_url: https://example.org/\ntitle: 'Bloggen\n") == [
        "config.yaml:2: invalid YAML: a quote opened on this line is never closed\n"
        "  hint: end the text with the same quote it starts with, or put it in the other kind"]
    assert problems("base_url: https://example.org/\ntitle: a\ntitle: b\n") == [
        "config.yaml:3: key 'title' is given twice\n"
        "  hint: keep one of them; YAML would silently use the last"]


def test_load_config_reads_a_file_with_bom_and_crlf(tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    (tmp_path / "config.yaml").write_bytes(bom + b"base_url: https://example.org/\r\ntitle: Bloggen\r\n")
    assert load_config(tmp_path).title == "Bloggen"


def test_load_config_names_the_folder_when_there_is_no_config(tmp_path: Path) -> None:
    with pytest.raises(SiteError) as caught:
        load_config(tmp_path)
    assert caught.value.format() == (
        f"{tmp_path / 'config.yaml'}: no config.yaml here\n"
        "  hint: run sbuv-site in the site's folder, or create config.yaml with base_url")


def test_load_config_names_a_latin1_file_as_such_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_bytes(b"base_url: https://example.org/\ntitle: Bes\xf6k\n")
    with pytest.raises(SiteError) as caught:
        load_config(tmp_path)
    assert caught.value.format() == (
        "config.yaml:2: file is not UTF-8 (it looks like Latin-1 or Windows-1252)\n"
        "  hint: save it as UTF-8 in your editor (Spara som… → Kodning: UTF-8)")


def test_load_config_reports_problems_relative_to_the_site_like_content(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("base_url: https://example.org/\nper_page: -1\n", encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        load_config(tmp_path)
    assert caught.value.path == "config.yaml" and caught.value.line == 2
