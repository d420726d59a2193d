"""`sbuv-site init DIR`: the files of a new site, which builds at once with the built-in layouts."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sbuv_site.config import Config
from sbuv_site.errors import SiteError
from sbuv_site.write import create_file

# Every key Config knows, with its default; those a new site must set are not commented out.
CONFIG_TEXT = """\
# sbuv-site configuration. Every key is explained in README.md ("config.yaml").
# Lines starting with '#' are comments; a commented-out key shows its default value.
# Remove the '#' (and the space after it) to change one.

# Absolute address the site is published at (required).
base_url: https://www.example.se/
# The site's name, in the header and the browser tab.
title: Min blogg
# One sentence about the site, for search engines and the feed.
description: Inlägg om besök, iakttagelser och goda exempel.
# Language of the content (the html lang attribute).
# language: sv
# Default author of posts.
# author: ""
# Posts per list page (home page, tag pages).
# per_page: 10
# Address of a post; may use {year}, {month}, {day} and must use {slug}.
# permalink: /{year}/{month}/{slug}/
# Zone in which dates without a time zone are read.
# timezone: Europe/Stockholm
# How many municipalities the assignment was to visit (shown next to how many are known).
# planned_visits: 52
# Search with Pagefind at /sok/ (README "Search"); false builds without it.
# search: true

# Folders, relative to this file. layouts/ and static/ may be left out: a file there replaces
# the built-in file of the same name (see README, "Layouts and overrides").
# content_dir: content
# layouts_dir: layouts
# static_dir: static
# output_dir: output

# markdown:
#   # Let a safe allow-list of raw HTML tags through (scripts and iframes are always removed).
#   allow_html: false

# feed:
#   # How many of the newest posts the feed (/atom.xml) holds.
#   limit: 20
#   # The whole text of each post in the feed, not only its summary.
#   full_content: true

# Other names editors may use for a municipality.
# aliases:
#   Gothenburg: Göteborg

# The visits, one item each. Give only dates and addresses a source states.
# visits:
#   - municipality: Umeå
#     dates: [2015-12-01]
#     # besök, återbesök or extrabesök
#     kind: besök
#     # where the visit is documented, in words
#     source: "Kommunens nyhet om besöket"
#     # the source's address (one, or a list)
#     url: https://www.example.se/nyheter/besok

# The tillgänglighetsredogörelse at /tillganglighet/, which lagen (2018:1937) om tillgänglighet
# till digital offentlig service requires of a public body's site. Fill it in before publishing;
# until then the build prints a note.
# accessibility:
#   organisation: Myndighetens namn
#   # helt förenlig, delvis förenlig or inte förenlig
#   status: delvis förenlig
#   assessed: 2026-01-15
#   statement_date: 2026-01-15
#   # updated: 2026-06-01
#   # Where readers report problems: email, form_url or phone (at least one).
#   email: tillganglighet@example.se
#   # form_url: https://www.example.se/kontakt
#   # phone: 08-123 456 78
#   shortcomings:
#     - "Vad som inte är tillgängligt, och varför."
#   assessment: egen granskning
#   tools:
#     - "automatiska tester med axe-core"
#   supervisor_url: https://www.digg.se/
"""

POST_TEXT = """\
---
title: Besök i Umeå
date: {today}
municipality: Umeå
tags: [samverkan, kompetensförsörjning]
draft: false
---

Det här är ett exempel på ett inlägg. Första stycket blir sammanfattningen på startsidan, i
flödet och när någon delar länken.

## En rubrik

Skriv i Markdown: **fetstil**, *kursiv* och [länkar](https://www.example.se/). Byt ut eller ta
bort det här inlägget när du skriver ditt första eget, till exempel med
`sbuv-site new "Besök i Kalix" --municipality Kalix`.
"""

PAGE_TEXT = """\
---
title: Om bloggen
menu: 1
---

Här berättar du vem som skriver bloggen och varför. Sidan syns i menyn eftersom den har
`menu: 1`.
"""

GITIGNORE_TEXT = """\
# Made by every build: never commit them.
output/
.sbuv-cache/
.output.lock
.output.tmp-*/
.output.old-*/
.sbuv-preview/
..sbuv-preview.lock
"""

POST_PATH = "content/posts/besok-i-umea.md"
PAGE_PATH = "content/pages/om-bloggen.md"
KEPT = (".git",)  # a folder where `git init` was run first is still a new site's folder


def init_site(folder: Path, today: date | None = None) -> list[str]:
    """Write a new site into an empty or new folder and return the files written, relative to it.

    Refuses a folder that holds anything (but `.git`), so it can never overwrite a file. The
    sample post is dated today (in the default time zone), so it is on the home page at once.
    """
    if today is None:
        zone = next(f.default for f in dataclasses.fields(Config) if f.name == "timezone")
        today = datetime.now(ZoneInfo(str(zone))).date()
    if folder.exists() or folder.is_symlink():
        if not folder.is_dir():
            raise SiteError(folder, None, "this is a file, not a folder",
                            "give the name of a new folder, e.g. sbuv-site init min-blogg")
        held = sorted(p.name for p in folder.iterdir() if p.name not in KEPT)
        if held:
            shown = ", ".join(held[:4]) + (", …" if len(held) > 4 else "")
            raise SiteError(folder, None, f"the folder is not empty (it holds {shown})",
                            "init writes a new site only into an empty or new folder, and never over a "
                            "file: give a new folder's name, e.g. sbuv-site init min-blogg")
    files = {
        "config.yaml": CONFIG_TEXT,
        POST_PATH: POST_TEXT.format(today=today.isoformat()),
        PAGE_PATH: PAGE_TEXT,
        ".gitignore": GITIGNORE_TEXT,
    }
    for name, text in files.items():
        try:
            create_file(folder / name, text.encode("utf-8"))  # whole or not at all, never over a file
        except FileExistsError:
            raise SiteError(folder / name, None, "this file appeared while the site was made",
                            "nothing was overwritten; remove the folder and run init again") from None
    return list(files)
