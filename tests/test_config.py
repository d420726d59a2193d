"""config.yaml: typed, with defaults, closed to unknown keys, every problem at its line."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from sbuv_site.config import Config, FeedConfig, MarkdownConfig, VisitConfig, load_config, parse_config
from sbuv_site.errors import SiteError, flatten
from sbuv_site.yamltext import shown


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


def test_a_visit_has_one_source_address_or_a_list_of_them() -> None:
    config = parse_config("""\
base_url: https://example.org/
visits:
  - municipality: Kalix
    url: https://www.kalix.se/Aktuellt/kraftsamling/
  - municipality: Skövde
    url: [http://skovde.se/a/?b=c#d, https://sla.se/skovde/2017/03/20/besoker-boende]
  - municipality: Torsby
""", "config.yaml")
    assert [v.url for v in config.visits] == [
        ("https://www.kalix.se/Aktuellt/kraftsamling/",),
        ("http://skovde.se/a/?b=c#d", "https://sla.se/skovde/2017/03/20/besoker-boende"),
        (),
    ]


@pytest.mark.parametrize(("written", "reason"), [
    ("www.kalix.se/a", "it does not start with http:// or https:// and a host"),
    ("ftp://kalix.se/a", "it does not start with http:// or https:// and a host"),
    ("https:///a", "it does not start with http:// or https:// and a host"),
    ("https://kalix.se/a b", "it holds a space or an invisible character"),
    ("https://user:pw@kalix.se/", "it holds a user name or password"),
    ("https://kalix.se:99999/", "its host or port cannot be read"),
])
def test_a_visit_url_that_is_no_whole_address_is_named_at_its_line(written: str, reason: str) -> None:
    text = f"base_url: https://example.org/\nvisits:\n  - municipality: Kalix\n    url: '{written}'\n"
    assert problems(text) == [f"config.yaml:4: 'url' {shown(written)} is not a usable address: {reason}\n"
                              "  hint: copy the whole address from the browser's address bar, "
                              "starting with https:// or http://"]


def test_the_old_spelling_extra_besok_is_read_as_extrabesok() -> None:
    config = parse_config("base_url: https://example.org/\nvisits:\n  - municipality: Haninge\n"
                          "    kind: extra besök\n  - municipality: Kalix\n    kind: extrabesök\n",
                          "config.yaml")
    assert [v.kind for v in config.visits] == ["extrabesök", "extrabesök"]
    assert problems("base_url: https://example.org/\nvisits:\n  - municipality: Kalix\n"
                    "    kind: extra_besok\n") == [
        "config.yaml:4: unknown visit kind 'extra_besok'\n  hint: did you mean 'extrabesök'?"]


def test_an_unknown_key_suggests_the_closest_known_one() -> None:
    assert problems("base_url: https://example.org/\nper_pgae: 5\n") == [
        "config.yaml:2: unknown key 'per_pgae'\n  hint: did you mean 'per_page'?"]


def test_an_unknown_key_without_a_close_match_lists_the_known_keys() -> None:
    (problem,) = problems("base_url: https://example.org/\nfärg: blå\n")
    assert problem.startswith("config.yaml:2: unknown key 'färg'\n  hint: known keys: base_url, title,")


def test_an_unknown_key_inside_a_section_names_its_own_line() -> None:
    assert problems("base_url: https://example.org/\nfeed:\n  limt: 5\n") == [
        "config.yaml:3: unknown key 'limt'\n  hint: did you mean 'limit'?"]


PERMALINK_HINT = ("  hint: start and end with '/', use {slug} and only {year}, {month}, {day}: "
                  "/{year}/{month}/{slug}/")


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
        "config.yaml:9: unknown key 'vem'\n  hint: known keys: municipality, dates, kind, source, url",
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


def config_problem(line: str) -> str:
    """The one problem of a config that is good but for this line (line 2)."""
    (found,) = problems(f"base_url: https://example.org/\n{line}\n")
    return found


@pytest.mark.parametrize(("permalink", "reason"), [
    ("/{slug:>10}/", "'{slug:>10}' is not one of {year}, {month}, {day}, {slug}"),
    ("/{slug.__class__}/", "'{slug.__class__}' is not one of {year}, {month}, {day}, {slug}"),
    ("/{year[0]}/{slug}/", "'{year[0]}' is not one of {year}, {month}, {day}, {slug}"),
    ("/{slug!r}/", "'{slug!r}' is not one of {year}, {month}, {day}, {slug}"),
    ("/{}/{slug}/", "'{}' is not one of {year}, {month}, {day}, {slug}"),
    ("/{slug", "a '{' or '}' has no partner"),
    ("/slug}/{slug}/", "a '{' or '}' has no partner"),
    ("/{{slug}}/", "a '{' or '}' has no partner"),
    ("/{year}/", "it does not use {slug}"),
    ("{slug}/", "it must start and end with '/'"),
    ("/../{slug}/", "it has an empty part ('//') or a part starting with '.' (such as '..')"),
    ("/a//{slug}/", "it has an empty part ('//') or a part starting with '.' (such as '..')"),
    ("/.{slug}/", "it has an empty part ('//') or a part starting with '.' (such as '..')"),
    ("/a\\b/{slug}/", "it holds a character other than letters, digits, '-', '_', '.', '~' and '/'"),
    ("/a b/{slug}/", "it holds a character other than letters, digits, '-', '_', '.', '~' and '/'"),
    ("/a?b/{slug}/", "it holds a character other than letters, digits, '-', '_', '.', '~' and '/'"),
])
def test_a_permalink_may_hold_only_the_four_fields_and_safe_text(permalink: str, reason: str) -> None:
    quoted = permalink.replace("\\", "\\\\")
    assert config_problem(f'permalink: "{quoted}"') == (
        f"config.yaml:2: 'permalink' '{permalink}' is not a usable permalink: {reason}\n{PERMALINK_HINT}")


@pytest.mark.parametrize("permalink", ["/{year}/{month}/{slug}/", "/{slug}/", "/inlagg/{slug}.html/",
                                       "/blogg/{year}-{month}-{day}/{slug}/", "/{year}/{month}/{day}/{slug}/",
                                       ])
def test_a_usable_permalink_formats_into_a_safe_address(permalink: str) -> None:
    config = parse_config(f"base_url: https://example.org/\npermalink: {permalink}\n", "config.yaml")
    url = config.permalink.format(year="2015", month="12", day="01", slug="besok-i-umea")
    assert url.startswith("/") and url.endswith("/") and "besok-i-umea" in url
    assert not any(part in ("", ".", "..") for part in url[1:-1].split("/"))


@pytest.mark.parametrize(("url", "reason"), [
    ("https://example.org/?utm=x", "it has a query ('?') or a fragment ('#')"),
    ("https://example.org/#top", "it has a query ('?') or a fragment ('#')"),
    ("https://example .org/", "it holds a space or an invisible character"),
    ("https://example.org/\\u00a0", "it holds a space or an invisible character"),
    ("https://example.org\\x7f/", "it holds a space or an invisible character"),
    ("https://example.org:99999/", "its host or port cannot be read"),
    ("https://example.org:http/", "its host or port cannot be read"),
    ("https://example.org:0/", "its host or port cannot be read"),
    ("https://[::1/", "its host or port cannot be read"),
    ("https://redaktor:hemligt@example.org/", "it holds a user name or password"),
    ("https://redaktor@example.org/", "it holds a user name or password"),
    ("https://example.org/a/../b/", "its path holds '.', '..' or '\\'"),
])
def test_base_url_is_one_plain_address(url: str, reason: str) -> None:
    found = problems(f'base_url: "{url}"\n')
    written = url.encode().decode("unicode_escape")
    assert found == [f"config.yaml:1: 'base_url' {shown(written)} is not a usable address: {reason}\n"
                     f"  hint: {found[0].split('  hint: ')[1]}"]


@pytest.mark.parametrize("url", ["https://example.org", "http://example.org/blogg/", "https://example.org:8443/",
                                 "HTTPS://Example.org/", "https://[::1]:8000/", "https://exempel.se/blögg/"])
def test_a_plain_address_is_accepted_and_its_port_can_be_read(url: str) -> None:
    config = parse_config(f"base_url: {url}\n", "config.yaml")
    assert config.base_url == url and config.base_path.endswith("/")


@pytest.mark.parametrize(("line", "expected"), [
    ("per_page: 0", "'per_page' must be a whole number from 1 to 1000, not the number 0"),
    ("per_page: -5", "'per_page' must be a whole number from 1 to 1000, not the number -5"),
    ("per_page: 1001", "'per_page' must be a whole number from 1 to 1000, not the number 1001"),
    ("per_page: 1" + "0" * 100, "'per_page' must be a whole number from 1 to 1000, not the number "
                                "100000000000000000000000000…"),
    ("per_page: 10.0", "'per_page' must be a whole number from 1 to 1000, not the number 10.0"),
    ("per_page: .inf", "'per_page' must be a whole number from 1 to 1000, not the number inf"),
    ("planned_visits: 291", "'planned_visits' must be a whole number from 1 to 290, not the number 291"),
    ("planned_visits: false", "'planned_visits' must be a whole number from 1 to 290, not true/false"),
    ("feed: {limit: 10001}", "'limit' must be a whole number from 1 to 10000, not the number 10001"),
])
def test_numbers_must_lie_in_a_sane_range(line: str, expected: str) -> None:
    assert config_problem(line).startswith(f"config.yaml:2: {expected}\n  hint: e.g. ")


def test_the_range_limits_themselves_are_accepted() -> None:
    config = parse_config("base_url: https://e.org/\nper_page: 1000\nplanned_visits: 290\nfeed: {limit: 1}\n",
                          "config.yaml")
    assert (config.per_page, config.planned_visits, config.feed.limit) == (1000, 290, 1)


@pytest.mark.parametrize("zone", ["../../etc/passwd", "", "UTC\\0", "/etc/localtime", "Europe", "Europe/",
                                  "a" * 5000, "Europe/Stockholm "])
def test_a_time_zone_that_is_a_path_or_empty_is_a_message(zone: str) -> None:
    found = config_problem(f'timezone: "{zone}"')
    assert found.startswith("config.yaml:2: 'timezone' ") and "is not a known time zone" in found


def test_language_is_a_language_code() -> None:
    assert config_problem("language: 'sv\" onload=\"x'") == (
        "config.yaml:2: 'language' 'sv\" onload=\"x' is not a language code\n"
        "  hint: write e.g. sv (or sv-SE)")
    assert parse_config("base_url: https://e.org/\nlanguage: sv-SE\n", "config.yaml").language == "sv-SE"


@pytest.mark.parametrize(("line", "message", "hint"), [
    ("static_dir: /etc", "'static_dir' '/etc' is a system folder",
     "name a folder of the site's own, e.g. 'static', or a theme folder"),
    ("static_dir: /etc/ssl/../ssl/private", "'static_dir' '/etc/ssl/../ssl/private' is a system folder",
     "name a folder of the site's own, e.g. 'static', or a theme folder"),
    ("layouts_dir: /", "'layouts_dir' '/' is a system folder",
     "name a folder of the site's own, e.g. 'layouts', or a theme folder"),
    ("layouts_dir: '\\\\srv\\\\layouts'",
     "'layouts_dir' '\\\\srv\\\\layouts' is not a folder inside the site",
     "write the folder relative to the site, e.g. 'layouts'"),
    ("content_dir: C:/blogg", "'content_dir' 'C:/blogg' is not a folder inside the site",
     "write the folder relative to the site, e.g. 'content'"),
    ("static_dir: ..", "'static_dir' '..' is not a folder inside the site",
     "write a folder below the site's own, without '..', e.g. 'static'"),
    ("content_dir: innehall/../../x", "'content_dir' 'innehall/../../x' is not a folder inside the site",
     "write a folder below the site's own, without '..', e.g. 'content'"),
    ("static_dir: ./.", "'static_dir' './.' is not a folder inside the site",
     "write a folder below the site's own, without '..', e.g. 'static'"),
    ("static_dir: .git", "'static_dir' '.git' is a hidden folder (its name starts with '.')",
     "use a visible folder, e.g. 'static'; hidden folders such as .git are never read"),
    ("layouts_dir: ''", "'layouts_dir' is empty", "name a folder, e.g. 'layouts'"),
    ("output_dir: '  '", "'output_dir' is empty", "name a folder, e.g. 'output'"),
    ('output_dir: "ut\\0"', "'output_dir' 'ut\\x00' holds a control character", "retype the folder name"),
    ("static_dir: content/bilder", "'static_dir' 'content/bilder' lies inside 'content_dir' 'content'",
     "give content, layouts and static folders of their own"),
])
def test_folders_are_named_inside_the_site_and_apart(line: str, message: str, hint: str) -> None:
    assert config_problem(line) == f"config.yaml:2: {message}\n  hint: {hint}"


def test_folders_inside_the_site_and_an_output_anywhere_are_accepted() -> None:
    config = parse_config("base_url: https://e.org/\ncontent_dir: ./innehall\nlayouts_dir: mallar/html\n"
                          "static_dir: filer\noutput_dir: /srv/www/blogg\n", "config.yaml")
    assert (config.content_dir, config.layouts_dir, config.static_dir, config.output_dir) == (
        "./innehall", "mallar/html", "filer", "/srv/www/blogg")


def test_keys_written_as_numbers_booleans_or_null_are_unknown_keys_by_their_text() -> None:
    found = problems("base_url: https://e.org/\n1: x\ntrue: y\nnull: z\n")
    assert [p.split("\n")[0] for p in found] == [
        "config.yaml:2: unknown key '1'", "config.yaml:3: unknown key 'true'",
        "config.yaml:4: unknown key 'null'"]


def test_a_tag_in_config_is_refused_at_its_line() -> None:
    assert config_problem('per_page: !!int "12"').startswith(
        "config.yaml:2: the YAML tag '!!int' is not allowed\n  hint: remove '!!int'")


def test_each_visit_date_gets_the_date_rules_at_its_own_line() -> None:
    found = problems("base_url: https://e.org/\nvisits:\n  - municipality: Umeå\n    dates:\n"
                     "      - 2015-12-01\n      - 0001-01-01\n      - 2016-01-01T10:00-23:59\n")
    assert [p.split("\n")[0] for p in found] == [
        "config.yaml:6: date '0001-01-01' has the year 1",
        "config.yaml:7: time zone offset in '2016-01-01T10:00-23:59' is not a real one"]


def test_visit_names_and_aliases_are_read_in_composed_unicode() -> None:
    decomposed = unicodedata.normalize("NFD", "base_url: https://e.org/\nvisits:\n  - municipality: Skövde\n"
                                              "aliases:\n  Västra Göta: Göteborg\n")
    config = parse_config(decomposed, "config.yaml")
    assert config.visits[0].municipality == "Skövde"
    assert dict(config.aliases) == {"Västra Göta": "Göteborg"}


def test_layouts_and_static_may_come_from_a_theme_folder_outside_the_site() -> None:
    config = parse_config("base_url: https://e.org/\nlayouts_dir: /work/theme/layouts\n"
                          "static_dir: ../theme/static\n", "config.yaml")
    assert (config.layouts_dir, config.static_dir) == ("/work/theme/layouts", "../theme/static")
    assert config_problem("content_dir: ../theme/content") == (
        "config.yaml:2: 'content_dir' '../theme/content' is not a folder inside the site\n"
        "  hint: write a folder below the site's own, without '..', e.g. 'content'")


def test_search_is_on_by_default_and_false_turns_it_off() -> None:
    assert parse_config("base_url: https://example.org/\n", "config.yaml").search is True
    assert parse_config("base_url: https://example.org/\nsearch: false\n", "config.yaml").search is False


def test_a_misspelt_search_key_suggests_search() -> None:
    assert problems("base_url: https://example.org/\nserach: false\n") == [
        "config.yaml:2: unknown key 'serach'\n  hint: did you mean 'search'?"]


def test_search_must_be_true_or_false() -> None:
    assert problems("base_url: https://example.org/\nsearch: nej\n") == [
        "config.yaml:2: 'search' must be true or false, not 'nej'\n  hint: write true or false"]
