"""Properties that must hold for every input, found by hypothesis: the loader, slugs, dates, addresses.

Whatever an editor saves, sbuv-site answers with SiteErrors (path:line + hint), never a
traceback; what it accepts, it reads back exactly.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta, timezone
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import yaml
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from sbuv_site.config import parse_config
from sbuv_site.dates import FIRST_YEAR, LAST_YEAR, DateError, parse_date, parse_datetime
from sbuv_site.errors import SiteError, flatten
from sbuv_site.load import read_source
from sbuv_site.municipalities import load_registry
from sbuv_site.slugs import SLUG_PATTERN, is_valid_slug, slugify
from sbuv_site.urls import Urls
from sbuv_site.validate import POST_KEYS, RESERVED_SLUGS, validate
from sbuv_site.yamltext import INVISIBLE

PATH = Path("content/posts/inlagg.md")
ZONE = ZoneInfo("Europe/Stockholm")
REGISTRY = load_registry()
SETTINGS = settings(deadline=None, max_examples=200)

# Text an editor could type: every Unicode category except surrogates (which UTF-8 cannot hold).
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
yaml_words = st.sampled_from([
    *POST_KEYS, "titel", ":", ": ", "- ", "---", "\n", "\t", "  ", "'", '"', "[", "]", "{", "}", ",",
    "*", "&a", "*a", "!", "!!binary", "|", ">", "%", "@", "#", "?", "~", "null", "yes", "0114", "2015-13-01",
    "2015-12-01", "1 december 2015", "Göteborg", "Goteborg", "../", "/", "\ufeff", "\r\n", "\x00", "\x0c",
    "\u2028", "\x85", "é",
    # Every YAML form must meet the same rules: tags, merge keys, long numbers, deep nesting.
    "!!timestamp ", "!!int ", "!!python/object:os.system ", "!foo ", "&b !!str ", "<<", "? ", "[[[[",
    "9" * 1200, "0x", ".inf", "0001-01-01", "9999-12-31T23:59:59-23:59", "\u030a", "a\u0308",
])
yamlish = st.lists(yaml_words, max_size=40).map("".join)
front_matter_like = st.tuples(yamlish, any_text).map(lambda p: f"---\n{p[0]}\n---\n{p[1]}")


def check_only_site_errors(raw: bytes) -> None:
    """Load and validate one file: success, or SiteErrors that each name a line in the file."""
    try:
        validate([read_source(raw, PATH, "posts")], REGISTRY, {}, ZONE)
    except (SiteError, ExceptionGroup) as exc:
        problems = flatten(exc)
        assert problems, f"an exception group holding no SiteError: {exc!r}"
        if isinstance(exc, ExceptionGroup):
            assert exc.split(SiteError)[1] is None, f"a non-SiteError in the group: {exc!r}"
        lines = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1  # a lone CR ends one too
        for problem in problems:
            assert problem.path == PATH
            assert problem.line is None or 1 <= problem.line <= lines, problem.format()
            assert "\n" not in problem.message and problem.hint and "\n" not in problem.hint


@SETTINGS
@given(st.binary(max_size=400))
def test_loader_answers_any_bytes_with_site_errors_only(raw: bytes) -> None:
    check_only_site_errors(raw)


@SETTINGS
@given(st.one_of(any_text, yamlish, front_matter_like))
@example("---\nx: &a [*a]\n---\n")  # a recursive alias once looped for ever
@example("---\ntitle: a\u2028b\ndate: 2015-12-01\n---\n")  # YAML 1.1 reads U+2028 as a line break
@example("---\ntitle: \x85\n: x\n---\n")
@example("\r\x1f")  # an old-Mac line end: the control character is on line 2
def test_loader_answers_any_text_with_site_errors_only(text: str) -> None:
    check_only_site_errors(text.encode("utf-8"))


@SETTINGS
@given(front_matter_like)
def test_loader_answers_windows_files_like_unix_files(text: str) -> None:
    def outcome(raw: bytes) -> list[str] | tuple[object, ...]:
        try:
            return validate([read_source(raw, PATH, "posts")], REGISTRY, {}, ZONE)
        except (SiteError, ExceptionGroup) as exc:
            return [p.format() for p in flatten(exc)]

    assume("\r" not in text and "\ufeff" not in text)
    unix = text.encode("utf-8")
    windows = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    assert outcome(windows) == outcome(unix)


# Valid front matter, generated: what is written is what is read back.
titles = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]),
                 min_size=1, max_size=120).filter(lambda t: t == t.strip() and t.strip())
tag_words = st.text(st.characters(categories=["Ll", "Lu", "Nd"]), min_size=1, max_size=20).filter(
    lambda t: slugify(t, fallback="") != "")
valid_dates = st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31))
places = st.sampled_from(REGISTRY.municipalities)


@st.composite
def valid_posts(draw: st.DrawFn) -> dict[str, object]:
    front: dict[str, object] = {"title": draw(titles), "date": draw(valid_dates).isoformat()}
    if draw(st.booleans()):
        chosen = draw(st.lists(places, min_size=1, max_size=3, unique=True))
        how = draw(st.sampled_from(["name", "code", "lower"]))
        names = [m.code if how == "code" else m.name.lower() if how == "lower" else m.name for m in chosen]
        front["municipality"] = names[0] if len(names) == 1 else names
    if draw(st.booleans()):
        front["tags"] = draw(st.lists(tag_words, max_size=5, unique_by=lambda t: t.strip()))
    if draw(st.booleans()):
        front["draft"] = draw(st.booleans())
    if draw(st.booleans()):
        front["slug"] = draw(titles.map(slugify).filter(lambda s: s not in RESERVED_SLUGS))
    return front


def dump_front(front: dict[str, object]) -> str:
    """Front matter as an editor writes it: one line per key, lists as [a, b]."""
    def one(value: object) -> str:
        style = isinstance(value, list)
        return yaml.safe_dump(value, allow_unicode=True, default_flow_style=style, width=10**6,
                              explicit_end=False).removesuffix("\n...\n").strip()
    return "".join(f"{key}: {one(value)}\n" for key, value in front.items())


@SETTINGS
@given(valid_posts(), st.sampled_from(["\n", "\r\n"]), st.booleans(),
       any_text.map(lambda t: INVISIBLE.sub("", t)),  # refused characters: see the loader tests
       st.integers(0, 2), st.integers(0, 2))
def test_valid_front_matter_reads_back_exactly(front: dict[str, object], newline: str, bom: bool,
                                               body: str, blank_above: int, blank_below: int) -> None:
    lines = f"---\n{chr(10) * blank_above}{dump_front(front)}{chr(10) * blank_below}---\n{body}"
    text = lines.replace("\n", newline)
    raw = ("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8")
    doc = read_source(raw, PATH, "posts")
    posts, pages = validate([doc], REGISTRY, {}, ZONE)
    (post,) = posts
    assert pages == ()
    assert post.title == unicodedata.normalize("NFC", str(front["title"]))  # text is read composed
    assert post.published == datetime.combine(date.fromisoformat(str(front["date"])), datetime.min.time(),
                                              tzinfo=ZONE)
    given_places = front.get("municipality", [])
    names = [given_places] if isinstance(given_places, str) else given_places
    assert [m.name.lower() for m in post.municipalities] == [
        REGISTRY.lookup(str(n)).name.lower() for n in names]  # type: ignore[union-attr]
    assert list(post.tags) == [unicodedata.normalize("NFC", t) for t in front.get("tags", [])]  # type: ignore[attr-defined]
    assert post.draft is front.get("draft", False)
    assert post.slug == front.get("slug", slugify(str(front["title"])))
    for index, key in enumerate(front):
        assert doc.front.line(key) == 2 + blank_above + index, key  # line 1 is the opening '---'
    written_body = body.replace("\r\n", "\n").replace("\r", "\n")
    assert post.body.strip() == written_body.strip()  # blank lines after the "---" may go
    if post.body.strip():  # body_line + the body's own blank lines = the file line of its first text
        first_text = post.body.lstrip("\n").split("\n", 1)[0]
        file_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        at = doc.body_line + len(post.body) - len(post.body.lstrip("\n"))
        assert file_lines[at - 1] == first_text


# Slugs.
@SETTINGS
@given(any_text)
@example("..")
@example("../../etc/passwd")
@example("/")
@example("Å Ä Ö")
@example("-" * 200)
@example("a" * 79 + "-b")
def test_slug_is_one_safe_path_segment(text: str) -> None:
    slug = slugify(text)
    assert slug and SLUG_PATTERN.match(slug) and is_valid_slug(slug)
    assert ".." not in slug and "/" not in slug and len(slug) <= 80
    base = PurePosixPath("/srv/output")
    assert (base / slug).parent == base  # one segment below output/, never outside it


@SETTINGS
@given(any_text)
def test_slugify_is_idempotent_and_stable(text: str) -> None:
    slug = slugify(text)
    assert slugify(slug) == slug
    assert slugify(text) == slug
    assert slugify(unicodedata.normalize("NFD", text)) == slugify(unicodedata.normalize("NFC", text))
    assert slugify(text.upper()) == slugify(text.lower()) or not text.isascii()


@SETTINGS
@given(st.from_regex(r"\A[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,6}\Z"))
def test_a_valid_slug_of_at_most_80_characters_is_kept_as_it_is(slug: str) -> None:
    assume(len(slug) <= 80)
    assert is_valid_slug(slug)
    assert slugify(slug) == slug


# Dates.
@SETTINGS
@given(valid_dates)
def test_every_valid_date_round_trips(day: date) -> None:
    moment = parse_datetime(day.isoformat(), ZONE)
    assert moment == datetime(day.year, day.month, day.day, tzinfo=ZONE)
    assert parse_date(day.isoformat(), ZONE) == day
    assert parse_date(f"{day.year}-{day.month}-{day.day}", ZONE) == day  # without leading zeros


@SETTINGS
@given(st.datetimes(min_value=datetime(FIRST_YEAR, 1, 2), max_value=datetime(LAST_YEAR, 12, 30)),
       st.integers(min_value=-14 * 60, max_value=14 * 60), st.sampled_from([" ", "T"]))
def test_every_valid_date_and_time_round_trips(moment: datetime, offset: int, sep: str) -> None:
    moment = moment.replace(microsecond=0)
    sign = "-" if offset < 0 else "+"
    written = f"{moment:%Y-%m-%d}{sep}{moment:%H:%M:%S}{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    zone = timezone(timedelta(minutes=offset))
    assert parse_datetime(written, ZONE) == moment.replace(tzinfo=zone)
    assert parse_datetime(f"{moment:%Y-%m-%d %H:%M}", ZONE) == moment.replace(second=0, tzinfo=ZONE)


date_like = st.from_regex(r"\A\s?\d{1,5}[-./]\d{1,3}[-./]?\d{0,3}"
                          r"( ?[T ]\d{1,2}:\d{1,2}(:\d{1,2})?(\.\d+)?)?( ?(Z|[+-]\d{1,2}:?\d{1,2}))?\s?\Z")
words_like = st.from_regex(r"\A(\w+dag(en)? )?(den )?\d{1,3}(:e|:a)? [a-zåäö]{1,10}\.?( \d{1,4})?\Z")


@SETTINGS
@given(st.one_of(any_text, date_like, words_like))
@example("0000-01-01")
@example("9999-12-31 23:59-14:00")
@example("2015-12-01 10:00+99:00")
@example("٢٠١٥-١٢-٠١")
def test_every_string_parses_or_raises_date_error(text: str) -> None:
    try:
        moment = parse_datetime(text, ZONE)
    except DateError as exc:
        assert exc.message and exc.hint and "\n" not in exc.message + exc.hint
        return
    assert moment.tzinfo is not None and FIRST_YEAR <= moment.year <= LAST_YEAR
    assert text.strip().isascii()
    assert parse_date(text, ZONE) == moment.astimezone(ZONE).date()


@SETTINGS
@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.lists(st.integers(), max_size=3),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)))
def test_every_non_text_value_parses_or_raises_date_error(value: object) -> None:
    try:
        moment = parse_datetime(value, ZONE)
    except DateError as exc:
        assert "\n" not in exc.message
        return
    assert isinstance(value, int) and moment.tzinfo is not None



# Every YAML form of a date meets the same rules (issue 9): plain or quoted read alike, a tag refused.
def date_outcome(written: str) -> str:
    """What validate makes of 'date: <written>': the date it reads, or its first problem."""
    raw = f"---\ntitle: Besök\ndate: {written}\n---\n\nText.\n".encode()
    try:
        (post,), _ = validate([read_source(raw, PATH, "posts")], REGISTRY, {}, ZONE)
    except (SiteError, ExceptionGroup) as exc:
        return flatten(exc)[0].format()
    if post.published is None:  # a year or a month only ('2016-02'), or 'okänt'
        assert post.date is not None
        assert post.date.year is None or FIRST_YEAR <= post.date.year <= LAST_YEAR
        return post.date.iso or "okänt"
    assert FIRST_YEAR <= post.published.year <= LAST_YEAR
    offset = post.published.utcoffset()
    assert offset is not None and abs(offset) <= timedelta(hours=14)
    return post.published.isoformat()


@SETTINGS
@given(st.one_of(date_like, valid_dates.map(date.isoformat)),
       st.sampled_from(["!!timestamp", "!!str", "!!int", "!foo"]))
@example("0001-01-01", "!!timestamp")
@example("9999-12-31T23:59:59-23:59", "!!timestamp")
@example("2015-12-01 10:00+14:30", "!!timestamp")
def test_a_date_is_read_alike_plain_or_quoted_and_a_tagged_one_is_refused(text: str, tag: str) -> None:
    assume(text == text.strip())
    plain, quoted = date_outcome(text), date_outcome(f'"{text}"')
    assert date_outcome(f"'{text}'") == quoted
    refused = PATH.as_posix()
    assert plain.startswith(refused) == quoted.startswith(refused)  # '1.5' is a number, '"1.5"' text
    if not plain.startswith(refused):
        assert plain == quoted  # read as a date: quoting it changes nothing
    tagged = date_outcome(f"{tag} {text}")
    assert tagged.startswith(f"{PATH.as_posix()}:3: the YAML tag '{tag}' is not allowed")


# Unicode: a name typed decomposed (macOS, copy-paste) is the composed name.
@SETTINGS
@given(places, st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"]), st.sampled_from([str, str.lower, str.upper]))
def test_a_municipality_is_found_in_any_normal_form_and_case(place: object, form: str,
                                                             case: object) -> None:
    name = case(place.name)  # type: ignore[attr-defined,operator]
    assert REGISTRY.lookup(unicodedata.normalize(form, name)) == place  # type: ignore[arg-type]


def test_every_municipality_typed_decomposed_is_the_composed_one() -> None:
    for place in REGISTRY.municipalities:
        decomposed = unicodedata.normalize("NFD", place.name)
        composed = unicodedata.normalize("NFC", place.name)
        assert REGISTRY.lookup(decomposed) == REGISTRY.lookup(composed) == place


@SETTINGS
@given(any_text)
def test_front_matter_text_is_read_the_same_in_either_normal_form(text: str) -> None:
    assume("\x00" not in text)
    quoted = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    def read(form: str) -> str | list[str]:
        raw = unicodedata.normalize(form, f'---\ntitle: "{quoted}"\ndate: 2015-12-01\n---\n').encode()
        try:
            (post,), _ = validate([read_source(raw, PATH, "posts")], REGISTRY, {}, ZONE)
        except (SiteError, ExceptionGroup) as exc:
            return [p.format() for p in flatten(exc)]
        return post.title
    assert read("NFD") == read("NFC")


# Config values: what is accepted is safe to use as it is.
permalink_like = st.lists(st.sampled_from([
    "/", "{slug}", "{year}", "{month}", "{day}", "{", "}", "..", ".", "a", "-", "{slug:>9}", "{slug.x}",
    "{year[0]}", "{slug!r}", "{{", "}}", "\\", " ", "%", "?", "#", "~", "_", "{}", "{title}"]),
    max_size=12).map("".join)


@SETTINGS
@given(permalink_like)
@example("/{year}/{month}/{slug}/")
def test_an_accepted_permalink_formats_into_one_safe_address(permalink: str) -> None:
    quoted = permalink.replace("\\", "\\\\")
    try:
        config = parse_config(f'base_url: https://e.org/\npermalink: "{quoted}"\n', "config.yaml")
    except SiteError as exc:
        assert exc.line == 2 and "is not a usable permalink" in exc.message
        return
    url = config.permalink.format(year="2015", month="12", day="01", slug="besok")
    parts = url.split("/")
    assert url.startswith("/") and url.endswith("/") and "besok" in url
    assert all(part and not part.startswith(".") for part in parts[1:-1])
    assert not set(url) - set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~/")


@SETTINGS
@given(st.lists(st.sampled_from([
    "https://", "http://", "ftp://", "example.org", "[::1]", "[", ":", "8080", "99999", "0", "/", "blogg",
    "?",
    "#", "@", "u:p", " ", "\t", "..", "%20", "å", "\\"]), max_size=8).map("".join))
@example("https://example.org:99999/")
def test_an_accepted_base_url_is_one_plain_address(url: str) -> None:
    quoted = url.replace("\\", "\\\\").replace("\t", "\\t")
    try:
        config = parse_config(f'base_url: "{quoted}"\n', "config.yaml")
    except SiteError as exc:
        assert exc.line == 1 and exc.message.startswith("'base_url' ")
        return
    parts = urlsplit(config.base_url)
    assert parts.scheme in ("http", "https") and parts.hostname
    assert parts.port is None or 1 <= parts.port <= 65535
    assert not parts.query and not parts.fragment and parts.username is None
    assert not any(ch.isspace() for ch in config.base_url)


@SETTINGS
@given(st.sampled_from(["https://example.org/", "https://example.org/blogg/", "http://Ex.ORG:8080/a/b/",
                        "HTTPS://example.org"]),
       st.lists(st.sampled_from(["/", "//", "a", "B9", "-", "_", "~", "%C3%A5", ".", "..", ".x", "x.html",
                                 "?", "#", ";", " ", "\t", "å", ":", "@", "https:"]),
                max_size=8).map("".join))
@example("https://example.org/blogg/", "/2015/12/besok-i-umea/")
@example("https://example.org/", "/a/./b/../c//")
def test_an_absolute_address_is_the_one_urljoin_makes(base_url: str, url: str) -> None:
    # Urls.absolute skips urljoin for plain paths: it must agree with it for every address.
    assert Urls(base_url, "/", "/{year}/{slug}/").absolute(url) == urljoin(base_url, url)


@SETTINGS
@given(st.one_of(any_text, yamlish))
@example("per_page: " + "9" * 5000)
@example("feed: !!python/object:os.system {}")
@example("visits:\n  - municipality: Umeå\n    dates: [!!timestamp 0001-01-01]")
def test_any_config_text_gives_a_config_or_site_errors_only(text: str) -> None:
    try:
        parse_config(text, "config.yaml")
    except (SiteError, ExceptionGroup) as exc:
        problems = flatten(exc)
        assert problems, f"an exception group holding no SiteError: {exc!r}"
        if isinstance(exc, ExceptionGroup):
            assert exc.split(SiteError)[1] is None, f"a non-SiteError in the group: {exc!r}"
        for problem in problems:
            assert "\n" not in problem.message and problem.hint and "\n" not in problem.hint
