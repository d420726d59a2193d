"""Check each SourceDocument's front matter and turn it into typed fields; no I/O here."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from urllib.parse import unquote

import yaml

from sbuv_site.config import link_problem
from sbuv_site.dates import UNKNOWN_DATE, DateError, PostDate, parse_datetime, parse_post_date
from sbuv_site.errors import SiteError, did_you_mean, raise_all
from sbuv_site.load import SourceDocument
from sbuv_site.municipalities import LookupProblem, Municipality, Registry
from sbuv_site.slugs import is_valid_slug, slugify
from sbuv_site.yamltext import shown, string_list, type_name

POST_KEYS = ("title", "date", "municipality", "tags", "summary", "slug", "draft", "updated",
             "author", "image", "image_alt", "source", "edited", "aliases")
PAGE_KEYS = ("title", "summary", "slug", "draft", "updated", "menu", "aliases")
RESERVED_SLUGS = frozenset({"taggar", "kommuner", "arkiv", "karta", "sida", "static", "css", "utkast",
                            "atom.xml", "sitemap.xml", "robots.txt", "404", "prenumerera"})
MAX_TITLE = 300
# The text `sbuv-site new` puts in a post's body; a published post that still holds it is an error.
NEW_POST_PLACEHOLDER = "Skriv inlägget här. Första stycket blir sammanfattningen."
_WORDPRESS_ID = re.compile(r"p=[0-9]+")


@dataclass(frozen=True, slots=True)
class Alias:
    """An old address of a post or page ('/2015/12/01/slug/', '/?p=123') and its line, for messages."""

    path: str
    line: int

    @property
    def query(self) -> str | None:
        """'p=123' for the WordPress form '/?p=123' (no file can live there), else None."""
        return self.path.split("?", 1)[1] if "?" in self.path else None


@dataclass(frozen=True, slots=True)
class ImageField:
    """A post's `image` and `image_alt`: the address as written, the alt text, the line of `image`."""

    src: str
    alt: str  # never empty; '-' marks a decorative image
    line: int


@dataclass(frozen=True, slots=True)
class PostFields:
    """A post's checked front matter and its Markdown body."""

    path: Path
    title: str
    date: PostDate | None  # as far as known ('2017', 'okänt'); None only for a draft with no date yet
    updated: datetime | None
    municipalities: tuple[Municipality, ...]
    tags: tuple[str, ...]
    summary: str | None  # Markdown, when given
    slug: str
    draft: bool
    author: str | None
    image: ImageField | None
    source: str | None
    body: str
    body_line: int
    slug_line: int  # where the slug came from (the slug key, else the title), for collisions
    aliases: tuple[Alias, ...] = ()  # old addresses that must lead here

    @property
    def published(self) -> datetime | None:
        """The moment of publication, when the date is known to the day."""
        return self.date.moment if self.date else None


@dataclass(frozen=True, slots=True)
class PageFields:
    """A standalone page's checked front matter and body."""

    path: Path
    title: str
    summary: str | None
    slug: str
    draft: bool
    updated: datetime | None
    menu: int | None  # position in the main navigation, or absent
    body: str
    body_line: int
    slug_line: int
    aliases: tuple[Alias, ...] = ()


def validate(documents: Sequence[SourceDocument], registry: Registry,
             aliases: Mapping[str, str], zone: tzinfo) -> tuple[tuple[PostFields, ...],
                                                                 tuple[PageFields, ...]]:
    """Check every document, gather every problem across all files, then raise once."""
    posts: list[PostFields] = []
    pages: list[PageFields] = []
    errors: list[SiteError] = []
    for doc in documents:
        fields = check_document(doc, registry, aliases, zone, errors)
        if isinstance(fields, PostFields):
            posts.append(fields)
        elif fields is not None:
            pages.append(fields)
    raise_all(errors)
    return tuple(posts), tuple(pages)


def check_document(doc: SourceDocument, registry: Registry, aliases: Mapping[str, str], zone: tzinfo,
                   errors: list[SiteError]) -> PostFields | PageFields | None:
    """One document's fields, or None with its problems added to errors (for one file at a time)."""
    checker = _Checker(doc, errors)
    return checker.post(registry, aliases, zone) if doc.kind == "posts" else checker.page(zone)


class _Checker:
    """Checks one document's fields, appending problems to a shared list."""

    def __init__(self, doc: SourceDocument, errors: list[SiteError]) -> None:
        self.doc = doc
        self.data: dict[str, object] = doc.front.value or {}
        self.errors = errors
        self.count = len(errors)

    def fail(self, key: str | None, message: str, hint: str | None) -> None:
        line = self.doc.front.line(key) if key else self.doc.front.first_line
        self.errors.append(SiteError(self.doc.path, line, message, hint))

    @property
    def ok(self) -> bool:
        return len(self.errors) == self.count

    def unknown_keys(self, allowed: Sequence[str]) -> None:
        for key in self.data:
            if key not in allowed:
                hint = did_you_mean(str(key), allowed) or f"allowed keys: {', '.join(allowed)}"
                self.fail(str(key), f"unknown front matter key {shown(str(key))}", hint)

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(None, f"'{key}' is missing", f"add a line '{key}: …' to the front matter")
            return None
        if isinstance(value, int | float | bool):
            value = self.doc.front.written(key) or str(value)  # '1.10' stays '1.10', 'Ja' stays 'Ja'
        if not isinstance(value, str):
            self.fail(key, f"'{key}' must be text, not {type_name(value)}",
                      "write it as text, in quotes if needed")
            return None
        if required and not value.strip():
            self.fail(key, f"'{key}' is empty", f"write the {key} after '{key}: '")
            return None
        return value.strip()

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, f"'{key}' must be true or false, not {type_name(value)}", "write true or false")
            return False
        return value

    def moment(self, key: str, zone: tzinfo, required: bool = False) -> datetime | None:
        if key not in self.data or self.data[key] is None:
            if required:
                self.fail(None, f"'{key}' is missing", "add e.g. 'date: 2015-12-01' to the front matter")
            return None
        try:
            return parse_datetime(self.data[key], zone)
        except DateError as exc:
            self.fail(key, exc.message, exc.hint)
            return None

    def post_date(self, zone: tzinfo, required: bool) -> PostDate | None:
        value = self.data.get("date")
        if value is None:
            if required:
                self.fail(None, "'date' is missing", "add e.g. 'date: 2015-12-01' to the front matter; "
                          f"'date: 2017' or 'date: {UNKNOWN_DATE}' when only the year, or nothing, is known")
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = self.doc.front.written("date") or value  # 'date: 0215' is the typo '0215', not 141
        try:
            return parse_post_date(value, zone)
        except DateError as exc:
            self.fail("date", exc.message, exc.hint)
            return None

    def origin(self) -> str | None:
        """The 'source' text; when it is an address, it must be a usable one (it becomes a link)."""
        source = self.text("source")
        if source and source.casefold().startswith(("http", "www.")):
            problem = link_problem(source)
            if problem:
                self.fail("source", f"'source' {shown(source)} is not a usable address: {problem}",
                          "write the whole address where the post was first published, "
                          "e.g. https://www.socialbarnungdom.se/…; or a note without 'http'")
        return source

    def slug(self, title: str | None) -> tuple[str, int]:
        given = self.data.get("slug")
        if isinstance(given, int | float) and not isinstance(given, bool):
            given = self.doc.front.written("slug") or str(given)  # 'slug: 2015' is a fine slug
        if given is None:
            return slugify(title or self.doc.path.stem), self.doc.front.line("title")
        if not isinstance(given, str):
            self.fail("slug", f"'slug' must be text, not {type_name(given)}",
                      "write e.g. 'slug: besok-i-umea'")
            return slugify(title or self.doc.path.stem), self.doc.front.line("slug")
        if not is_valid_slug(given) or given in RESERVED_SLUGS:
            reason = "is reserved for the site's own pages" if given in RESERVED_SLUGS else (
                "may only hold a-z, 0-9 and single '-' (no '/', '..' or spaces)")
            self.fail("slug", f"slug {shown(given)} {reason}",
                      f"use e.g. '{slugify(given)}'" if given not in RESERVED_SLUGS
                      else "choose another slug")
        return slugify(given), self.doc.front.line("slug")

    def aliases(self) -> tuple[Alias, ...]:
        """Old addresses: site paths only, so a redirect can never lead off the site or out of it."""
        value = self.data.get("aliases")
        if value is None:
            return ()
        paths = string_list(value)
        if paths is None:
            self.fail("aliases", f"'aliases' must be a list of old addresses, not {type_name(value)}",
                      "write e.g. 'aliases: [/2015/12/01/besok-i-umea/, /?p=123]'")
            return ()
        found = []
        for index, path in enumerate(paths):
            line = self.doc.front.line("aliases", index)
            problem = alias_problem(path.strip())
            if problem:
                self.errors.append(SiteError(
                    self.doc.path, line, f"alias {shown(path)} {problem}",
                    "write the old address as a path from the site's root, e.g. "
                    "/2015/12/01/besok-i-umea/ or /?p=123 (no https://, host, '..' or spaces)"))
            else:
                found.append(Alias(path.strip(), line))
        return tuple(found)

    def image(self) -> ImageField | None:
        """The post's image and its alt text: an image without one is an error (WCAG 1.1.1)."""
        src, alt = self.text("image"), self.text("image_alt")
        if not src:
            if alt is not None:
                self.fail("image_alt", "'image_alt' is given, but 'image' is not",
                          "add 'image: bild.jpg' (the image the alt text describes), or remove 'image_alt'")
            return None
        if not alt:
            self.fail("image", "'image' has no alt text",
                      "add a line 'image_alt: …' that describes what the image shows, for readers who "
                      "cannot see it (WCAG 1.1.1); for a purely decorative image write 'image_alt: \"-\"'")
            return None
        return ImageField(src, alt, self.doc.front.line("image"))

    def title(self) -> str | None:
        title = self.text("title", required=True)
        if title and len(title) > MAX_TITLE:
            self.fail("title", f"title is {len(title)} characters long", f"keep it under {MAX_TITLE}")
        return title

    def municipalities(self, registry: Registry, aliases: Mapping[str, str]) -> tuple[Municipality, ...]:
        value = self.data.get("municipality")
        if value is None:
            return ()
        names = string_list(self._codes_as_written(value))
        if names is None:
            self.fail("municipality",
                      f"'municipality' must be a name or a list of names, not {type_name(value)}",
                      "write e.g. 'municipality: Umeå' or 'municipality: [Haninge, Kalix]'")
            return ()
        found: list[Municipality] = []
        for index, name in enumerate(names):
            try:
                place = registry.lookup(name, aliases)
            except LookupProblem as exc:
                if "," in name:  # 'Haninge, Kalix': two names written as one text
                    at = (index,) if isinstance(value, list) else ()
                    self.errors.append(SiteError(
                        self.doc.path, self.doc.front.line("municipality", *at),
                        f"municipality {shown(name)} holds a comma, so it is read as one name",
                        "write several municipalities as a list: municipality: "
                        + flow_list(self._names_in(names, registry, aliases))))
                    continue
                hint = exc.hint
                if name.strip().isdigit() and len(name.strip()) != 4:
                    hint = "an SCB code has four digits, from 0114 to 2584 (e.g. 1480 for Göteborg)"
                self.fail("municipality", exc.message, hint)
                continue
            if place not in found:
                found.append(place)
        return tuple(found)

    @staticmethod
    def _names_in(names: Sequence[str], registry: Registry, aliases: Mapping[str, str]) -> list[str]:
        """The names inside comma-joined texts, as SCB writes them where known, for a hint."""
        found: list[str] = []
        for part in (part.strip() for name in names for part in name.split(",")):
            if part:
                try:
                    part = registry.lookup(part, aliases).name
                except LookupProblem:
                    pass
                found.append(part)
        return list(dict.fromkeys(found))

    def placeholder(self) -> None:
        """A published post must not still say what `sbuv-site new` wrote for the editor to replace."""
        if NEW_POST_PLACEHOLDER not in self.doc.body:  # one scan; splitting every body into lines costs more
            return
        for offset, line in enumerate(self.doc.body.splitlines()):
            if NEW_POST_PLACEHOLDER in line:
                self.errors.append(SiteError(
                    self.doc.path, self.doc.body_line + offset,
                    "the post still holds the placeholder text that 'sbuv-site new' wrote",
                    "replace that line with the post's own text, "
                    "or set 'draft: true' to keep the post out of the site"))
                return

    def _codes_as_written(self, value: object) -> object:
        """SCB codes as the editor wrote them: YAML reads 'municipality: 0114' as the number 76."""
        def written(number: object, *at: int) -> object:
            if isinstance(number, int) and not isinstance(number, bool):
                return self.doc.front.written("municipality", *at) or str(number)
            return number
        if isinstance(value, list):
            return [written(item, index) for index, item in enumerate(value)]
        return written(value)

    def tags(self) -> tuple[str, ...]:
        value = self.data.get("tags", [])
        names = string_list(value) if value is not None else []
        if names is None:
            self.fail("tags", f"'tags' must be a list of words, not {type_name(value)}",
                      "write e.g. 'tags: [samverkan, kompetens]' (numbers in quotes)")
            return ()
        split = [part.strip() for name in names for part in name.split(",") if part.strip()]
        before = len(self.errors)
        for index, name in enumerate(names):
            if "," in name:  # 'tags: samverkan, kompetens' would be the one tag 'samverkan, kompetens'
                at = (index,) if isinstance(value, list) else ()
                self.errors.append(SiteError(
                    self.doc.path, self.doc.front.line("tags", *at),
                    f"tag {shown(name)} holds a comma, so it would be one tag",
                    "write the tags as a list, one item per tag: tags: "
                    + (flow_list(list(dict.fromkeys(split))) if split else "[samverkan, kompetens]")))
        if len(self.errors) > before:
            return ()
        cleaned = tuple(dict.fromkeys(name.strip() for name in names if name.strip()))
        for name in cleaned:
            if not slugify(name, fallback=""):
                self.fail("tags", f"tag '{name}' has no letters or digits", "use a word as the tag")
        return cleaned

    def post(self, registry: Registry, aliases: Mapping[str, str], zone: tzinfo) -> PostFields | None:
        self.unknown_keys(POST_KEYS)
        title = self.title()
        draft = self.flag("draft")
        self.flag("edited")  # an imported post changed by hand: for the importer, not shown
        when = self.post_date(zone, required=not draft)
        if not draft:
            self.placeholder()
        fields = dict(
            updated=self.moment("updated", zone),
            municipalities=self.municipalities(registry, aliases),
            tags=self.tags(),
            summary=self.text("summary"),
            author=self.text("author"),
            image=self.image(),
            source=self.origin(),
            aliases=self.aliases(),
        )
        slug, slug_line = self.slug(title)
        if not self.ok or title is None:
            return None
        return PostFields(
            path=self.doc.path, title=title, date=when,
            slug=slug, draft=draft, body=self.doc.body, body_line=self.doc.body_line,
            slug_line=slug_line, **fields,  # type: ignore[arg-type]
        )

    def page(self, zone: tzinfo) -> PageFields | None:
        self.unknown_keys(PAGE_KEYS)
        title = self.title()
        menu = self.data.get("menu")
        if menu is not None and (isinstance(menu, bool) or not isinstance(menu, int)):
            self.fail("menu", f"'menu' must be a whole number (position in the menu), not {type_name(menu)}",
                      "write e.g. 'menu: 1'")
        summary = self.text("summary")
        draft = self.flag("draft")
        updated = self.moment("updated", zone)
        slug, slug_line = self.slug(title)
        aliases = self.aliases()
        if "slug" not in self.data and slug in RESERVED_SLUGS:  # a page lives at /<slug>/
            self.fail("title", f"the title gives this page the address /{slug}/, which the site uses "
                      "for its own pages", f"add a line 'slug: {slug}-sida' (or another word)")
        if not self.ok or title is None:
            return None
        return PageFields(self.doc.path, title, summary, slug, draft, updated,
                          menu if isinstance(menu, int) else None, self.doc.body,
                          self.doc.body_line, slug_line, aliases)


def flow_list(items: Sequence[str]) -> str:
    """Items as a one-line YAML list ('[samverkan, kompetens]'), quoted only where YAML needs it."""
    return str(yaml.safe_dump(list(items), default_flow_style=True, allow_unicode=True,
                              width=1_000_000)).strip()


def alias_problem(path: str) -> str | None:
    """Why an old address cannot be an alias, or None: a path on this site, '?p=<digits>' the only query."""
    if not path:
        return "is empty"
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in path):
        return "holds a space or a control character"
    if "://" in path or path.startswith("//") or not path.startswith("/"):
        return "is not a path on this site (it must start with a single '/')"
    where, _, query = path.partition("?")
    if "?" in path and not _WORDPRESS_ID.fullmatch(query):
        return "has a query other than WordPress's '?p=<number>'"
    if "?" in path and where != "/":
        return "has '?p=' after a path; WordPress's form is /?p=<number>"
    if "#" in where or "\\" in where:
        return "holds '#' or a backslash"
    decoded = unquote(where)  # the file is written at the decoded path: '%2e%2e' is '..' there
    if any(part in (".", "..") for part in (*where.split("/"), *decoded.split("/"))):
        return "holds '.' or '..' as a part of the path"
    if "\\" in decoded or any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in decoded):
        return "holds a space or a control character"
    if where == "/":
        return None if query else "is the home page"
    return None
