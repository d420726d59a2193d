"""Site configuration: typed, with defaults and documentation where each key is declared."""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, get_type_hints
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sbuv_site.dates import DateError, parse_date
from sbuv_site.errors import SiteError, did_you_mean, raise_all
from sbuv_site.yamltext import Located, decode_text, parse_yaml, shown, type_name

CONFIG_FILE = "config.yaml"
VISIT_KINDS = ("besök", "återbesök", "extrabesök")
OLD_KIND_SPELLINGS = {"extra besök": "extrabesök"}  # still read, so older config files keep working
COMPLIANCE = ("helt förenlig", "delvis förenlig", "inte förenlig")  # with lagen (2018:1937)
DIGG_URL = "https://www.digg.se/"


@dataclass(frozen=True, slots=True)
class VisitConfig:
    """One visit by the coordinator, as an editor lists it in config.yaml."""

    municipality: str
    """Municipality name as SCB writes it (or its 4-digit code, or an alias)."""
    dates: tuple[date, ...] = ()
    """Days of the visit; empty when no source gives the day."""
    kind: str = "besök"
    """One of: besök, återbesök, extrabesök (the old spelling 'extra besök' is read as extrabesök)."""
    source: str = ""
    """Where the visit is documented, in words: shown on the municipality's page."""
    line: int = 0
    """Line in config.yaml, for messages (set by the loader)."""
    url: tuple[str, ...] = ()
    """Addresses (http or https) of the sources, one or a list: shown as links after the source."""


@dataclass(frozen=True, slots=True)
class MarkdownConfig:
    """How Markdown is turned into HTML."""

    allow_html: bool = False
    """Let a safe allow-list of raw HTML tags through (scripts, iframes, styles are always removed)."""


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """The feeds: /atom.xml, /feed.json and each municipality's and tag's Atom feed."""

    limit: int = 20
    """How many of the newest posts each feed holds."""
    full_content: bool = True
    """Put each post's whole text in the feeds, not only its summary."""


@dataclass(frozen=True, slots=True)
class AccessibilityConfig:
    """The tillgänglighetsredogörelse that lagen (2018:1937) requires of a public body's site."""

    organisation: str
    """Who stands behind the site, e.g. 'Nationell samordnare för den sociala barn- och ungdomsvården'."""
    status: str
    """How far the site complies with the law: helt förenlig, delvis förenlig or inte förenlig."""
    assessed: date
    """When the site was last assessed (YYYY-MM-DD)."""
    statement_date: date
    """When this statement was written (YYYY-MM-DD)."""
    email: str = ""
    """E-mail address for reporting accessibility problems (email, form_url or phone is required)."""
    form_url: str = ""
    """Address of a web form for reporting problems."""
    phone: str = ""
    """Telephone number for reporting problems."""
    shortcomings: tuple[str, ...] = ()
    """What is known not to be accessible, one item each; required unless helt förenlig."""
    assessment: str = "egen granskning"
    """How the site was assessed, completing 'Bedömningen är gjord genom …'."""
    tools: tuple[str, ...] = ()
    """Tools and tests used in the assessment."""
    updated: date | None = None
    """When the statement was last updated, if after statement_date."""
    supervisor_url: str = DIGG_URL
    """Where to complain to the supervisory body, DIGG (Myndigheten för digital förvaltning)."""
    line: int = 0
    """Line of 'accessibility:' in config.yaml, for messages (set by the loader)."""


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
    accessibility: AccessibilityConfig | None = None
    """The accessibility statement at /tillganglighet/; without it the site has none (a note says so)."""
    search: bool = True
    """Build a search index (Pagefind) after each build and the search page /sok/ with a header link."""

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
    _check_apart(values, doc, path, errors)
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
            errors.append(SiteError(path, line, f"unknown key {shown(str(key))}", hint))
            continue
        try:
            values[key] = _convert(key, hints[key], value, doc, (*at, key), path, errors)
        except _Wrong as wrong:
            errors.append(SiteError(path, line, f"'{key}' {wrong.message}", wrong.hint))
    return values


class _Wrong(Exception):
    def __init__(self, message: str, hint: str) -> None:
        self.message, self.hint = message, hint


# Whole numbers: (least, most). More posts per page or feed entries than this is a typo, and
# the assignment could not plan more visits than Sweden has municipalities.
_RANGES = {"per_page": (1, 1000), "limit": (1, 10_000), "planned_visits": (1, 290)}
_FOLDERS = ("content_dir", "layouts_dir", "static_dir")  # read from: inside the site, apart


def _convert(key: str, hint: Any, value: Any, doc: Located, at: tuple[str | int, ...],
             path: Path | str, errors: list[SiteError]) -> Any:
    if key == "accessibility":
        return _convert_accessibility(value, doc, at, path, errors)
    if key in _SECTIONS:
        if not isinstance(value, dict):
            raise _Wrong(f"must be a mapping, not {type_name(value)}", f"indent '{key}:' options below it")
        return _SECTIONS[key](**_check_fields(_SECTIONS[key], value, doc, at, path, errors))
    if key == "visits":
        return _convert_visits(value, doc, at, path, errors)
    if key == "dates":
        return value  # a visit's dates: parsed one by one in _convert_visits
    if key == "url":
        return _visit_urls(value, doc, at, path, errors)
    if key == "aliases":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise _Wrong("must map names to municipality names", "write e.g. 'Gothenburg: Göteborg'")
        return MappingProxyType({str(k): v for k, v in value.items()})
    if hint is bool:
        if not isinstance(value, bool):
            raise _Wrong(f"must be true or false, not {type_name(value)}", "write true or false")
        return value
    if hint is int:
        least, most = _RANGES.get(key, (1, 1000))
        if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
            raise _Wrong(f"must be a whole number from {least} to {most}, not {type_name(value)}",
                         f"e.g. {_default(key)}")
        return value
    if not isinstance(value, str):
        raise _Wrong(f"must be text, not {type_name(value)}", "put the value in quotes")
    return _check_text(key, value)


def _default(key: str) -> Any:
    """The default of a Config or FeedConfig field, for hints."""
    for cls in (Config, FeedConfig):
        for item in dataclasses.fields(cls):
            if item.name == key:
                return item.default
    return None


def _check_text(key: str, value: str) -> str:
    if key == "base_url":
        _check_base_url(value)
    elif key == "permalink":
        _check_permalink(value)
    elif key == "timezone":
        _check_timezone(value)
    elif key == "language" and not _LANGUAGE.match(value):
        raise _Wrong(f"{shown(value)} is not a language code", "write e.g. sv (or sv-SE)")
    elif key in (*_FOLDERS, "output_dir"):
        _check_folder(value, _default(key), inside_site=key == "content_dir",
                      theme=key in ("layouts_dir", "static_dir"))
    return value


_LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")  # BCP 47, as the html lang attribute
_ZONE = re.compile(r"^[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*$")  # 'Europe/Stockholm', 'Etc/GMT+1'
_PERMALINK_FIELD = re.compile(r"{([^{}]*)}")
_PERMALINK_TEXT = re.compile(r"^[A-Za-z0-9_.~/-]*$")  # what may stand between the fields
PERMALINK_FIELDS = ("year", "month", "day", "slug")


def _check_base_url(value: str) -> None:
    """An absolute http(s) address every link and feed entry can start with, and nothing more."""
    example = "write e.g. https://www.example.se/ (or https://www.example.se/blogg/)"
    if not value.isprintable() or any(ch.isspace() for ch in value):
        raise _Wrong(f"{shown(value)} is not a usable address: it holds a space or an invisible "
                     "character", "write the address without spaces (a space in a path is %20)")
    try:
        parts = urlsplit(value)
        port = parts.port  # raises for a port that is no number from 0 to 65535
    except ValueError:  # also '[' without ']'
        port = 0
    if port == 0:
        raise _Wrong(f"{shown(value)} is not a usable address: its host or port cannot be read",
                     "a port is a number from 1 to 65535 after the host: https://www.example.se:8443/")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Wrong(f"must be an absolute http(s) address, not {shown(value)}", example)
    if "@" in parts.netloc:
        raise _Wrong(f"{shown(value)} is not a usable address: it holds a user name or password",
                     "remove the 'user:password@' part; the address is printed on every page")
    if "?" in value or "#" in value:
        raise _Wrong(f"{shown(value)} is not a usable address: it has a query ('?') or a "
                     "fragment ('#')", example)
    if any(segment in (".", "..") for segment in parts.path.split("/")) or "\\" in parts.path:
        raise _Wrong(f"{shown(value)} is not a usable address: its path holds '.', '..' or '\\'",
                     example)


def link_problem(value: str) -> str | None:
    """Why an address cannot be a link on a page ('it holds a space'), or None when it can.

    For addresses editors give for sources: absolute http(s), a host, nothing invisible, no
    password; a query or fragment is fine (unlike base_url, this is someone else's page).
    """
    if not value.isprintable() or any(ch.isspace() for ch in value):
        return "it holds a space or an invisible character"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises for a port that is no number)
    except ValueError:
        return "its host or port cannot be read"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "it does not start with http:// or https:// and a host"
    if "@" in parts.netloc:
        return "it holds a user name or password"
    return None


def _visit_urls(value: Any, doc: Located, at: tuple[str | int, ...], path: Path | str,
                errors: list[SiteError]) -> tuple[str, ...]:
    """A visit's source addresses: one or a list, each a usable http(s) address, at its own line."""
    items = value if isinstance(value, list) else [value]
    found = []
    for index, item in enumerate(items):
        line = doc.line(*at, index) if isinstance(value, list) else doc.line(*at)
        if not isinstance(item, str):
            errors.append(SiteError(path, line, f"'url' must be an address or a list of addresses, "
                                    f"not {type_name(item)}",
                                    "write e.g. url: https://www.kalix.se/… (a list: [https://…, https://…])"))
            continue
        problem = link_problem(item)
        if problem:
            errors.append(SiteError(path, line, f"'url' {shown(item)} is not a usable address: {problem}",
                                    "copy the whole address from the browser's address bar, "
                                    "starting with https:// or http://"))
            continue
        found.append(item)
    return tuple(found)


def _check_permalink(value: str) -> None:
    """Only {year}, {month}, {day} and {slug}: nothing str.format would read more into."""
    hint = "start and end with '/', use {slug} and only {year}, {month}, {day}: /{year}/{month}/{slug}/"
    fields = _PERMALINK_FIELD.findall(value)
    between = _PERMALINK_FIELD.sub("", value)
    segments = value[1:-1].split("/")
    if any(field not in PERMALINK_FIELDS for field in fields):
        wrong = next(field for field in fields if field not in PERMALINK_FIELDS)
        reason = f"'{{{wrong}}}' is not one of {{year}}, {{month}}, {{day}}, {{slug}}"
    elif "{" in between or "}" in between:
        reason = "a '{' or '}' has no partner"
    elif "slug" not in fields:
        reason = "it does not use {slug}"
    elif not value.startswith("/") or not value.endswith("/") or len(value) < 2:
        reason = "it must start and end with '/'"
    elif not _PERMALINK_TEXT.match(between):
        reason = "it holds a character other than letters, digits, '-', '_', '.', '~' and '/'"
    elif any(segment == "" or segment.startswith(".") for segment in segments):
        reason = "it has an empty part ('//') or a part starting with '.' (such as '..')"
    else:
        return
    raise _Wrong(f"{shown(value)} is not a usable permalink: {reason}", hint)


def _check_timezone(value: str) -> None:
    try:
        if not _ZONE.match(value):
            raise ValueError(value)
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise _Wrong(f"{shown(value)} is not a known time zone", "use e.g. Europe/Stockholm") from None


# Folders whose files are the system's own: a theme's static files are published as they are.
_SYSTEM_TREES = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/run", "/sbin", "/sys")
_SYSTEM_FOLDERS = ("/", "/usr", "/var", "/home", "/root", "/srv", "/opt", "/tmp")


def _check_folder(value: str, example: str, inside_site: bool, theme: bool = False) -> None:
    """A folder name that reads the same everywhere; content lies inside the site.

    Layouts and static files may come from a theme folder outside the site (`../theme/layouts`,
    `/srv/theme/static`), as Hugo's themes and Pelican's theme paths may: config.yaml names it
    deliberately, unlike a symbolic link, and sitefiles.Scope still refuses links out of it. A
    system folder or one that holds the site is refused: its files would be published.
    """
    if not value.strip():
        raise _Wrong("is empty", f"name a folder, e.g. '{example}'")
    if not value.isprintable():
        raise _Wrong(f"{shown(value)} holds a control character", "retype the folder name")
    if not inside_site and not theme:
        return  # the output folder may lie anywhere: the build's own guard checks what it holds
    parts = PurePosixPath(value.replace("\\", "/")).parts
    if theme and value.startswith("/"):
        normal = os.path.normpath(value)
        if normal in _SYSTEM_FOLDERS or any(normal == tree or normal.startswith(tree + "/")
                                            for tree in _SYSTEM_TREES):
            raise _Wrong(f"{shown(value)} is a system folder",
                         f"name a folder of the site's own, e.g. '{example}', or a theme folder")
        return
    if theme and parts and parts[0] == ".." and any(part not in ("..", ".") for part in parts):
        return  # a theme folder beside the site, e.g. ../theme/static
    if value.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", value):
        raise _Wrong(f"{shown(value)} is not a folder inside the site",
                     f"write the folder relative to the site, e.g. '{example}'")
    if ".." in parts or not [part for part in parts if part != "."]:
        raise _Wrong(f"{shown(value)} is not a folder inside the site",
                     f"write a folder below the site's own, without '..', e.g. '{example}'")
    if any(part.startswith(".") for part in parts if part != "."):
        raise _Wrong(f"{shown(value)} is a hidden folder (its name starts with '.')",
                     f"use a visible folder, e.g. '{example}'; hidden folders such as .git are never read")


def _check_apart(values: dict[str, Any], doc: Located, path: Path | str,
                 errors: list[SiteError]) -> None:
    """content, layouts and static must not hold one another: static would publish the posts' sources."""
    folders = {key: PurePosixPath(values.get(key) or _default(key)) for key in _FOLDERS}
    for key, folder in folders.items():
        for other, place in folders.items():
            if key != other and (folder == place or place in folder.parents) and key in values:
                errors.append(SiteError(path, doc.line(key), f"'{key}' {shown(str(folder))} lies inside "
                                        f"'{other}' {shown(str(place))}",
                                        "give content, layouts and static folders of their own"))
                break


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
        dates = _visit_dates(item.get("dates", []), doc, (*at, index, "dates"), path, errors)
        kind = fields.get("kind", "besök")
        kind = OLD_KIND_SPELLINGS.get(kind, kind)
        if kind not in VISIT_KINDS:
            errors.append(SiteError(path, doc.line(*at, index, "kind"), f"unknown visit kind '{kind}'",
                                    did_you_mean(kind, VISIT_KINDS) or f"use one of {VISIT_KINDS}"))
        visits.append(VisitConfig(fields["municipality"], dates, kind, fields.get("source", ""), line,
                                  fields.get("url", ())))
    return tuple(visits)


def _visit_dates(value: Any, doc: Located, at: tuple[str | int, ...], path: Path | str,
                 errors: list[SiteError]) -> tuple[date, ...]:
    """A visit's days under the same rules as a post's date, each problem at its own line."""
    items = value if isinstance(value, list) else [value]
    found = []
    for index, item in enumerate(items):
        try:
            found.append(parse_date(item))
        except DateError as exc:
            line = doc.line(*at, index) if isinstance(value, list) else doc.line(*at)
            errors.append(SiteError(path, line, exc.message, exc.hint))
    return tuple(sorted(found))


# The accessibility statement (tillgänglighetsredogörelse). Lists and dates are read here; text
# keys, and unknown keys with their did-you-mean, by _check_fields like every other section.
_STATEMENT_LISTS = ("shortcomings", "tools")
_STATEMENT_DATES = ("assessed", "statement_date", "updated")
_STATEMENT_REQUIRED = {
    "organisation": "add 'organisation: …', who stands behind the site, under 'accessibility:'",
    "status": "add 'status: delvis förenlig' (or helt förenlig, inte förenlig) under 'accessibility:'",
    "assessed": "add 'assessed: YYYY-MM-DD', the day the site was last assessed",
    "statement_date": "add 'statement_date: YYYY-MM-DD', the day this statement was written",
}
_EMAIL = re.compile(r"[^@\s:/]+@[^@\s/]+\.[^@\s./]+")
_PHONE = re.compile(r"\+?[0-9 ()-]+")


def _convert_accessibility(value: Any, doc: Located, at: tuple[str | int, ...], path: Path | str,
                           errors: list[SiteError]) -> AccessibilityConfig | None:
    """Check the statement section; every missing or wrong fact is its own error at its line."""
    if not isinstance(value, dict):
        raise _Wrong(f"must be a mapping, not {type_name(value)}",
                     "indent the statement's keys (organisation, status, email, …) below 'accessibility:'")
    line, found = doc.line(*at), len(errors)
    plain = {k: v for k, v in value.items() if k not in (*_STATEMENT_LISTS, *_STATEMENT_DATES)}
    fields: dict[str, Any] = _check_fields(AccessibilityConfig, plain, doc, at, path, errors)
    for key in _STATEMENT_LISTS:
        if key in value:
            fields[key] = _statement_list(key, value[key], doc, (*at, key), path, errors)
    for key in _STATEMENT_DATES:
        if key in value:
            try:
                fields[key] = parse_date(value[key])
            except DateError as exc:
                errors.append(SiteError(path, doc.line(*at, key), f"accessibility: {exc.message}", exc.hint))
    for key, hint in _STATEMENT_REQUIRED.items():
        if key not in value:
            errors.append(SiteError(path, line, f"accessibility: '{key}' is missing", hint))
        elif isinstance(fields.get(key), str) and not fields[key].strip():
            errors.append(SiteError(path, doc.line(*at, key), f"accessibility: '{key}' is empty",
                                    f"write the value after '{key}: '"))
    errors.extend(_statement_problems(fields, doc, at, path, line))
    if len(errors) > found:
        return None
    return AccessibilityConfig(**fields, line=line)


def _statement_list(key: str, value: Any, doc: Located, at: tuple[str | int, ...], path: Path | str,
                    errors: list[SiteError]) -> tuple[str, ...] | None:
    """The items as tuple, or None when one is wrong (reported), so no later check misreads it."""
    if not isinstance(value, list):
        errors.append(SiteError(path, doc.line(*at), f"accessibility: '{key}' must be a list, not "
                                f"{type_name(value)}", "write each item on its own line as '- …'"))
        return None
    items = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            empty = isinstance(item, str) or item is None
            wrong = "is empty" if empty else f"must be text, not {type_name(item)}"
            errors.append(SiteError(path, doc.line(*at, index), f"accessibility: an item of '{key}' {wrong}",
                                    "write the item as a sentence, in quotes if it holds ': '"))
        else:
            items.append(" ".join(item.split()))
    return tuple(items) if len(items) == len(value) else None


def _statement_problems(fields: dict[str, Any], doc: Located, at: tuple[str | int, ...],
                        path: Path | str, line: int) -> list[SiteError]:
    """What the law and common sense ask of the facts once they have their types."""
    found = []

    def problem(key: str | None, message: str, hint: str) -> None:
        where = doc.line(*at, key) if key else line
        found.append(SiteError(path, where, f"accessibility: {message}", hint))

    status = fields.get("status")
    if isinstance(status, str) and status.strip() and status not in COMPLIANCE:
        first = status.casefold().split()[0]  # 'delvis' for 'delvis förenlig' (no å, ä, ö in it)
        guess = did_you_mean(status, COMPLIANCE) or next(
            (f"did you mean '{s}'?" for s in COMPLIANCE if s.startswith(first)), None)
        problem("status", f"unknown status '{status}'",
                guess or f"use one of: {', '.join(COMPLIANCE)}")
    elif status in COMPLIANCE[1:] and fields.get("shortcomings", ()) == ():
        problem("status", f"a site that is {status} must list its 'shortcomings'",
                "list what is not accessible under 'shortcomings:', one '- …' line each")
    elif status == COMPLIANCE[0] and fields.get("shortcomings"):
        problem("shortcomings", "a site that is helt förenlig has no 'shortcomings'",
                "write 'status: delvis förenlig', or remove the shortcomings")
    if not any(fields.get(key) for key in ("email", "form_url", "phone")):
        problem(None, "no contact for reporting accessibility problems",
                "add 'email: …', 'form_url: …' or 'phone: …' under 'accessibility:'")
    email = fields.get("email")
    if email and not _EMAIL.fullmatch(email):
        problem("email", f"'email' '{email}' is not an e-mail address",
                "write only the address, e.g. tillganglighet@example.se")
    phone = fields.get("phone")
    if phone and (not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 6):
        problem("phone", f"'phone' '{phone}' is not a telephone number",
                "write digits, spaces and dashes, e.g. 08-123 456 00 or +46 8 123 456 00")
    for key in ("form_url", "supervisor_url"):
        parts = urlsplit(fields.get(key) or "")
        if key in fields and (parts.scheme not in ("http", "https") or not parts.netloc):
            problem(key, f"'{key}' must be an absolute http(s) address, not '{fields[key]}'",
                    "write the whole address, e.g. https://www.digg.se/")
    statement_date, updated = fields.get("statement_date"), fields.get("updated")
    if statement_date and updated and updated < statement_date:
        problem("updated", f"'updated' {updated} is before 'statement_date' {statement_date}",
                "updated is the day of the latest change, on or after the day the statement was written")
    return found
