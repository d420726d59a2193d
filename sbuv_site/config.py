"""Site configuration: typed, with defaults and documentation where each key is declared."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, get_type_hints
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sbuv_site.dates import DateError, parse_date
from sbuv_site.errors import SiteError, did_you_mean, raise_all
from sbuv_site.yamltext import Located, decode_text, parse_yaml, type_name

CONFIG_FILE = "config.yaml"
VISIT_KINDS = ("besök", "återbesök", "extra besök")


@dataclass(frozen=True, slots=True)
class VisitConfig:
    """One visit by the coordinator, as an editor lists it in config.yaml."""

    municipality: str
    """Municipality name as SCB writes it (or its 4-digit code, or an alias)."""
    dates: tuple[date, ...] = ()
    """Days of the visit; empty when no source gives the day."""
    kind: str = "besök"
    """One of: besök, återbesök, extra besök."""
    source: str = ""
    """Where the visit is documented."""
    line: int = 0
    """Line in config.yaml, for messages (set by the loader)."""


@dataclass(frozen=True, slots=True)
class MarkdownConfig:
    """How Markdown is turned into HTML."""

    allow_html: bool = False
    """Let a safe allow-list of raw HTML tags through (scripts, iframes, styles are always removed)."""


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """The Atom feed at /atom.xml."""

    limit: int = 20
    """How many of the newest posts the feed holds."""
    full_content: bool = True
    """Put each post's whole text in the feed, not only its summary."""


@dataclass(frozen=True, slots=True)
class Config:
    """Everything config.yaml can say. Unknown keys are errors."""

    base_url: str
    """Absolute address the site is published at, e.g. https://www.example.se/ (required)."""
    title: str = "Social barn- och ungdomsvård"
    """Site name, shown in the header and the browser tab."""
    description: str = ""
    """One sentence about the site, for search engines and the feed."""
    language: str = "sv"
    """Language of the content (the html lang attribute)."""
    author: str = ""
    """Default author of posts."""
    per_page: int = 10
    """Posts per list page (home page, tag pages)."""
    permalink: str = "/{year}/{month}/{slug}/"
    """Address of a post; may use {year}, {month}, {day} and must use {slug}."""
    timezone: str = "Europe/Stockholm"
    """Zone in which dates without a time zone are read."""
    content_dir: str = "content"
    """Folder of posts/ and pages/."""
    layouts_dir: str = "layouts"
    """Folder of Jinja layouts."""
    static_dir: str = "static"
    """Folder copied into the output as is (CSS files get a content hash in their name)."""
    output_dir: str = "output"
    """Where the built site goes."""
    markdown: MarkdownConfig = field(default_factory=MarkdownConfig)
    """Markdown options."""
    feed: FeedConfig = field(default_factory=FeedConfig)
    """Feed options."""
    visits: tuple[VisitConfig, ...] = ()
    """The coordinator's visits (municipality, dates, kind, source)."""
    aliases: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Other names editors may use for a municipality, e.g. Gothenburg: Göteborg."""
    planned_visits: int = 52
    """How many municipalities the assignment was to visit (shown next to how many are known)."""

    @property
    def base_path(self) -> str:
        """The path part of base_url ('/' or '/blogg/'), which every link starts with."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.timezone)


_SECTIONS: dict[str, type] = {"markdown": MarkdownConfig, "feed": FeedConfig}


def load_config(root: Path) -> Config:
    """Read root/config.yaml into a Config, reporting every problem at once with its line.

    Messages name the file as 'config.yaml', relative to the site like every content path.
    """
    path = root / CONFIG_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SiteError(path, None, "no config.yaml here",
                        "run sbuv-site in the site's folder, or create config.yaml with base_url") from None
    return parse_config(decode_text(raw, CONFIG_FILE), CONFIG_FILE)


def parse_config(text: str, path: Path | str) -> Config:
    """Check a config document against Config's fields; gather all errors, then raise."""
    doc = parse_yaml(text, path)
    data = doc.value if doc.value is not None else {}
    if not isinstance(data, dict):
        raise SiteError(path, 1, "config.yaml must be a mapping of keys to values",
                        "write lines like 'title: Min blogg'")
    errors: list[SiteError] = []
    values = _check_fields(Config, data, doc, (), path, errors)
    if "base_url" not in data:
        errors.append(SiteError(path, 1, "base_url is missing",
                                "add e.g. 'base_url: https://www.example.se/'"))
    raise_all(errors)
    return Config(**values)


def _check_fields(cls: type, data: dict[str, Any], doc: Located, at: tuple[str | int, ...],
                  path: Path | str, errors: list[SiteError]) -> dict[str, Any]:
    hints = get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls) if f.name != "line"]
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = doc.line(*at, key)
        if key not in names:
            hint = did_you_mean(str(key), names) or f"known keys: {', '.join(names)}"
            errors.append(SiteError(path, line, f"unknown key '{key}'", hint))
            continue
        try:
            values[key] = _convert(key, hints[key], value, doc, (*at, key), path, errors)
        except _Wrong as wrong:
            errors.append(SiteError(path, line, f"'{key}' {wrong.message}", wrong.hint))
    return values


class _Wrong(Exception):
    def __init__(self, message: str, hint: str) -> None:
        self.message, self.hint = message, hint


def _convert(key: str, hint: Any, value: Any, doc: Located, at: tuple[str | int, ...],
             path: Path | str, errors: list[SiteError]) -> Any:
    if key in _SECTIONS:
        if not isinstance(value, dict):
            raise _Wrong(f"must be a mapping, not {type_name(value)}", f"indent '{key}:' options below it")
        return _SECTIONS[key](**_check_fields(_SECTIONS[key], value, doc, at, path, errors))
    if key == "visits":
        return _convert_visits(value, doc, at, path, errors)
    if key == "dates":
        return value  # a visit's dates: parsed one by one in _convert_visits
    if key == "aliases":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise _Wrong("must map names to municipality names", "write e.g. 'Gothenburg: Göteborg'")
        return MappingProxyType({str(k): v for k, v in value.items()})
    if hint is bool:
        if not isinstance(value, bool):
            raise _Wrong(f"must be true or false, not {type_name(value)}", "write true or false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _Wrong(f"must be a whole number of at least 1, not {type_name(value)}", "e.g. 10")
        return value
    if not isinstance(value, str):
        raise _Wrong(f"must be text, not {type_name(value)}", "put the value in quotes")
    return _check_text(key, value)


def _check_text(key: str, value: str) -> str:
    if key == "base_url":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise _Wrong(f"must be an absolute http(s) address, not '{value}'",
                         "write e.g. https://www.example.se/")
    if key == "permalink":
        unknown = set(re.findall(r"{(\w*)}", value)) - {"year", "month", "day", "slug"}
        if "{slug}" not in value or not value.startswith("/") or not value.endswith("/") or unknown:
            raise _Wrong(f"'{value}' is not a usable permalink",
                         "start and end with '/', use {slug} and only {year}, {month}, {day}")
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise _Wrong(f"'{value}' is not a known time zone", "use e.g. Europe/Stockholm") from None
    return value


def _convert_visits(value: Any, doc: Located, at: tuple[str | int, ...], path: Path | str,
                    errors: list[SiteError]) -> tuple[VisitConfig, ...]:
    if not isinstance(value, list):
        raise _Wrong("must be a list of visits", "start each visit with '- municipality: …'")
    visits = []
    for index, item in enumerate(value):
        line = doc.line(*at, index)
        if not isinstance(item, dict):
            errors.append(SiteError(path, line, "a visit must be a mapping",
                                    "write '- municipality: Umeå' with dates, kind, source below"))
            continue
        fields = _check_fields(VisitConfig, item, doc, (*at, index), path, errors)
        if "municipality" not in fields:
            errors.append(SiteError(path, line, "a visit has no municipality", "add 'municipality: …'"))
            continue
        dates = _visit_dates(item.get("dates", []), path, doc.line(*at, index, "dates"), errors)
        kind = fields.get("kind", "besök")
        if kind not in VISIT_KINDS:
            errors.append(SiteError(path, doc.line(*at, index, "kind"), f"unknown visit kind '{kind}'",
                                    did_you_mean(kind, VISIT_KINDS) or f"use one of {VISIT_KINDS}"))
        visits.append(VisitConfig(fields["municipality"], dates, kind, fields.get("source", ""), line))
    return tuple(visits)


def _visit_dates(value: Any, path: Path | str, line: int, errors: list[SiteError]) -> tuple[date, ...]:
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        try:
            found.append(parse_date(item))
        except DateError as exc:
            errors.append(SiteError(path, line, exc.message, exc.hint))
    return tuple(sorted(found))
