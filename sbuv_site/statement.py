"""The accessibility statement (tillgänglighetsredogörelse) as the page shows it, from config.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from sbuv_site.config import COMPLIANCE, AccessibilityConfig, Config
from sbuv_site.dates import format_date_sv

# Domains reserved for examples (RFC 2606, and example.se as this project's docs use it): an
# address there is a placeholder nobody reads, which a public site must not publish unnoticed.
_PLACEHOLDER_DOMAINS = ("example.se", "example.com", "example.org", "example.net")


@dataclass(frozen=True, slots=True)
class Contact:
    """One way to reach the organisation: 'E-post' with its address and a mailto: link."""

    label: str
    text: str
    href: str


@dataclass(frozen=True, slots=True)
class Day:
    """A date as the page shows it: '1 december 2026', with the ISO form for <time datetime>."""

    iso: str
    text: str


@dataclass(frozen=True, slots=True)
class Statement:
    """Everything the statement page says, precomputed; the Swedish prose is in its layout."""

    url: str
    organisation: str
    status: str  # one of COMPLIANCE: "helt förenlig", "delvis förenlig", "inte förenlig"
    compliant: bool  # helt förenlig
    contacts: tuple[Contact, ...]  # e-mail, web form, telephone: those config gives, in that order
    shortcomings: tuple[str, ...]
    assessment: str  # completes "Bedömningen är gjord genom …"
    tools: tuple[str, ...]
    assessed: Day
    written: Day
    updated: Day | None  # only when later than written
    supervisor_url: str  # DIGG's page for reporting deficiencies
    supervisor_text: str  # the address as link text: "www.digg.se"

    @property
    def changed(self) -> Day:
        """The day the statement last changed: for the sitemap and 'uppdaterades senast'."""
        return self.updated or self.written


def make_statement(config: Config, url: str) -> tuple[Statement | None, tuple[str, ...]]:
    """The statement page's facts, and build notes about it (missing, or a placeholder contact).

    The site builds without an 'accessibility:' section (a private blog needs none), but a
    public body's site must have one, so its absence is a note on every build.
    """
    section = config.accessibility
    if section is None:
        return None, ("config.yaml has no 'accessibility:' section, so the site has no "
                      "accessibility statement (tillgänglighetsredogörelse); a public body's site "
                      "must publish one (see README, config.yaml)",)
    contacts = _contacts(section)
    notes = tuple(f"config.yaml:{section.line}: the accessibility contact '{c.text}' is a placeholder "
                  f"address; put in a real one before publishing"
                  for c in contacts if _is_placeholder(c.text))
    updated = section.updated if section.updated and section.updated > section.statement_date else None
    supervisor = urlsplit(section.supervisor_url)
    statement = Statement(
        url=url,
        organisation=section.organisation,
        status=section.status,
        compliant=section.status == COMPLIANCE[0],
        contacts=contacts,
        shortcomings=section.shortcomings,
        assessment=section.assessment,
        tools=section.tools,
        assessed=_day(section.assessed),
        written=_day(section.statement_date),
        updated=_day(updated) if updated else None,
        supervisor_url=section.supervisor_url,
        supervisor_text=(supervisor.netloc + supervisor.path).rstrip("/"),
    )
    return statement, notes


def _contacts(section: AccessibilityConfig) -> tuple[Contact, ...]:
    found = []
    if section.email:
        found.append(Contact("E-post", section.email, f"mailto:{section.email}"))
    if section.form_url:
        found.append(Contact("Webbformulär", section.form_url, section.form_url))
    if section.phone:
        digits = re.sub(r"[^0-9+]", "", section.phone)
        found.append(Contact("Telefon", section.phone, f"tel:{digits}"))
    return tuple(found)


def _is_placeholder(text: str) -> bool:
    host = (urlsplit(text).hostname or "") if "//" in text else text.rpartition("@")[2]
    host = host.lower()
    return any(host == d or host.endswith("." + d) for d in _PLACEHOLDER_DOMAINS)


def _day(day: date) -> Day:
    return Day(day.isoformat(), format_date_sv(day))
