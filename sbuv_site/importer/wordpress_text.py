"""Pages saved as text from the old WordPress blog → clean posts, without comment form or chrome.

A saved page is: site chrome ('Huvudmeny'), maybe a date line, the title, the byline
('kl. av | Taggar: …'), the post, then the comment form ('Kommentera', the e-mail and
allowed-HTML notices). Each paragraph is one line; lists keep their '•' or '1.' markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sbuv_site.importer.markdown_blocks import (
    Block,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    escape_text,
    render_blocks,
)
from sbuv_site.importer.mentions import find_municipalities
from sbuv_site.importer.post_file import ImportedPost, file_stem
from sbuv_site.importer.stated_dates import find_stated_date, read_timestamp
from sbuv_site.municipalities import Registry

SOURCE_PREFIX = "socialbarnungdom.se (WordPress), sparad som text: "
_CHROME = frozenset({"huvudmeny", "hoppa till innehåll", "hoppa till innehållet"})
_COMMENTS_START = re.compile(
    r"^(?:Kommentera|Lämna ett svar|Lämna en kommentar|Skriv en kommentar"
    r"|\d+ (?:kommentarer|svar)\b.*|(?:En kommentar|Ett svar) på\b.*)$"
)
_NOTICES = re.compile(
    r"^(?:E-postadressen publiceras inte\b|Följande HTML-taggar och attribut är tillåtna\b)"
)
_FORM_LINES = re.compile(
    r"^(?:Namn|E-post|E-postadress|Webbplats|Kommentar|Publicera kommentar|Avbryt svar)\s*\*?$"
    r"|^Spara mitt namn\b"
)
_BYLINE = re.compile(r"^kl\.\s*(?P<time>[\d:.]*)\s*av\s*(?P<author>[^|]*?)\s*\|\s*Taggar:\s*(?P<tags>.*)$")
_TAGS_ONLY = re.compile(r"^Taggar:\s*(?P<tags>.*)$")
_CAPTION = r"(?:[A-ZÅÄÖ][a-zåäöé]{2,}\d{1,3}|(?:IMG|DSC|DSCN)_?\d+|\S+\.(?:jpe?g|png|gif|webp))"
_CAPTION_LINE = re.compile(rf"^{_CAPTION}$", re.IGNORECASE)
_CAPTION_LEAD = re.compile(rf"^{_CAPTION} (?=[A-ZÅÄÖ])")
_BULLET = re.compile(r"^[•●▪◦]\s*(?P<text>.*)$")
_NUMBERED = re.compile(r"^(?P<number>\d{1,3})[.)]\s+(?P<text>\S.*)$")
_DASH = re.compile(r"^-\s+(?P<text>\S.*)$")
_CREDIT = re.compile(r"^(?:Text och foto|Text och bild|Text|Foto|Bild|Fotograf)\s*:\s*\S.{0,80}$")
_FOOTNOTE = re.compile(r"^Fotnot\s*:\s*(?P<text>.*)$")
_QUOTE_CHARS = "”“\""
_GLUED = re.compile(r"\w[–—] [A-ZÅÄÖ]|\b[A-ZÅÄÖ]{2,}[A-ZÅÄÖ][a-zåäö]{2,}")


@dataclass(frozen=True, slots=True)
class TextDump:
    """What a saved page holds once chrome and comment form are gone."""

    title: str
    timestamp: str | None  # the '2016-09-21 16:41' line, when the page had one
    author: str | None
    tags: tuple[str, ...]
    blocks: tuple[Block, ...]
    paragraphs: tuple[str, ...]  # the body's text, one entry per kept line
    attention: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    number: int  # 1-based line in the file
    opens_block: bool  # a blank line (or the title) comes before it
    indented: bool


def import_text_dump(text: str, name: str, given: date | None, registry: Registry) -> ImportedPost:
    """A saved page as a post: dated from the text or the editor's mapping, else a draft."""
    dump = parse_text_dump(text)
    attention = list(dump.attention)
    stated = find_stated_date(dump.title, dump.paragraphs)
    from_text = dump.timestamp or (stated.resolved.isoformat() if stated and stated.resolved else None)
    when = given.isoformat() if given else from_text
    if given and from_text and not from_text.startswith(given.isoformat()):
        attention.append(f"the dates file says {given.isoformat()} but the text gives {from_text}; "
                         "used the dates file")
    if when is None:
        why = stated.reason if stated else "the text states no date"
        attention.append(f"no date ({why}); imported as a draft: add '{name}: YYYY-MM-DD' "
                         "to the dates file (--dates) or pass --date, then import with --force")
    mentions = find_municipalities(dump.title, dump.paragraphs, registry)
    if mentions.problem:
        attention.append(mentions.problem)
    stem = file_stem(dump.title, "inlagg", attention)
    return ImportedPost(
        origin=name, source=SOURCE_PREFIX + name, stem=stem,
        title=dump.title, body=render_blocks(dump.blocks), date=when, draft=when is None,
        municipalities=mentions.names, tags=dump.tags, author=dump.author, slug=None,
        attention=tuple(attention),
    )


def parse_text_dump(text: str) -> TextDump:
    """Split a saved page into title, byline and body blocks; raises ValueError if it is empty."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    attention: list[str] = []
    author: str | None = None
    tags: tuple[str, ...] = ()
    timestamp: str | None = None
    title: str | None = None
    body: list[_Line] = []
    gap = True
    in_comments = False
    other_after_form: list[str] = []
    for number, line in enumerate(raw, start=1):
        clean = clean_line(line)
        if not clean:
            gap = True
            continue
        if in_comments:
            if not (_NOTICES.match(clean) or _FORM_LINES.match(clean)):
                other_after_form.append(clean)
            continue
        byline = _BYLINE.match(clean) or _TAGS_ONLY.match(clean)
        if clean.casefold() in _CHROME or _NOTICES.match(clean) or _CAPTION_LINE.match(clean):
            continue
        if byline:
            found = byline.groupdict().get("author")
            author = author or (found.strip() if found and found.strip() else None)
            tags = tags or tuple(t.strip() for t in byline["tags"].split(",") if t.strip())
            continue
        stamp = read_timestamp(clean) if not body else None
        if stamp and timestamp is None:
            timestamp = stamp
            continue
        if title is None:
            title, gap = clean, True
            continue
        if _COMMENTS_START.match(clean):
            in_comments = True
            continue
        clean = _CAPTION_LEAD.sub("", clean)
        body.append(_Line(clean, number, gap, line[:1].isspace()))
        gap = False
    if title is None:
        raise ValueError("the file holds no title (its first line of text)")
    if other_after_form:
        attention.append(f"dropped {len(other_after_form)} unrecognised line(s) after the comment "
                         f"form, first: '{other_after_form[0][:60]}'")
    for kept in body:
        glued = _GLUED.search(kept.text)
        if glued:
            attention.append(f"line {kept.number}: a photo caption may be glued to the text "
                             f"('…{kept.text[max(0, glued.start() - 20):glued.end() + 10]}…')")
    credit = next((kept.text for kept in body if _CREDIT.match(kept.text) and kept.text.startswith("Text")),
                  None)
    if author is None and credit:
        author = credit.split(":", 1)[1].strip()  # "Text och foto: Pia Mattzon"; a photographer is not
    return TextDump(title, timestamp, author, tags, tuple(_blocks(body)),
                    tuple(kept.text for kept in body), tuple(attention))


def clean_line(line: str) -> str:
    """Whitespace tidied: a no-break space stays only between digits ('17 000'), else one space."""

    def space(match: re.Match[str]) -> str:
        run, text, start, end = match[0], match.string, match.start(), match.end()
        between_digits = 0 < start and end < len(text) and text[start - 1].isdigit() and text[end].isdigit()
        return "\u00a0" if run == "\u00a0" and between_digits else " "

    return re.sub(r"[ \t\u00a0\u2007\u202f]+", space, line).strip()


def _kinds(body: list[_Line]) -> list[str]:
    """Each line's role: bullet, numbered, dash, credit, footnote, quote, heading or paragraph."""
    kinds = []
    for index, line in enumerate(body):
        text = line.text
        if _BULLET.match(text):
            kinds.append("bullet")
        elif _NUMBERED.match(text) and (line.indented or _in_numbered_run(body, index)):
            kinds.append("numbered")
        elif _DASH.match(text) and _in_dash_run(body, index):
            kinds.append("dash")
        elif _CREDIT.match(text) and not text.endswith("."):
            kinds.append("credit")
        elif _FOOTNOTE.match(text):
            kinds.append("footnote")
        elif _is_quotation(text):
            kinds.append("quote")
        else:
            kinds.append("paragraph")
    for index, line in enumerate(body):
        following = kinds[index + 1] if index + 1 < len(body) else None
        next_is_text = following in ("paragraph", "quote", "bullet", "numbered", "dash") and not (
            following == "paragraph" and _heading_like(body[index + 1].text))
        if kinds[index] == "paragraph" and line.opens_block and next_is_text and _heading_like(line.text):
            kinds[index] = "heading"
    return kinds


def _in_dash_run(body: list[_Line], index: int) -> bool:
    """True when the previous or next kept line is a dash item too: a list, not a lone dash."""
    return any(0 <= i < len(body) and _DASH.match(body[i].text) for i in (index - 1, index + 1))


def _in_numbered_run(body: list[_Line], index: int) -> bool:
    """True when a neighbouring line continues the numbering ('1.' then '2.'): a list."""
    number = _number(body[index].text)
    before = _number(body[index - 1].text) if index > 0 else None
    after = _number(body[index + 1].text) if index + 1 < len(body) else None
    return number is not None and (before == number - 1 or after == number + 1)


def _number(text: str) -> int | None:
    match = _NUMBERED.match(text)
    return int(match["number"]) if match else None


def _heading_like(text: str) -> bool:
    """A short line without a full stop, starting like a title: 'Kompetenstrappa'."""
    return (
        len(text) <= 100 and len(text.split()) <= 12 and (text[0].isupper() or text[0].isdigit())
        and not text.endswith((".", ",", ":", ";", "!", "…")) and ". " not in text
    )


def _is_quotation(text: str) -> bool:
    """A paragraph that is one quotation from start to end: ”…”."""
    inner = text[1:-1]
    return (len(text) > 2 and text[0] in _QUOTE_CHARS and text[-1] in "”\""
            and not any(ch in inner for ch in _QUOTE_CHARS))


def _blocks(body: list[_Line]) -> list[Block]:
    blocks: list[Block] = []
    kinds = _kinds(body)
    index = 0
    while index < len(body):
        kind, text = kinds[index], body[index].text
        if kind in ("bullet", "numbered", "dash"):
            end = index
            while end < len(body) and kinds[end] == kind:
                end += 1
            blocks.append(_list(kind, [line.text for line in body[index:end]]))
            index = end
            continue
        if kind == "heading":
            blocks.append(Heading(1, escape_text(text)))
        elif kind == "credit":
            blocks.append(Paragraph(f"*{escape_text(text)}*"))
        elif kind == "footnote":
            rest = _FOOTNOTE.match(text)
            assert rest is not None
            label = text[: len(text) - len(rest["text"])].rstrip()
            blocks.append(Paragraph(f"*{escape_text(label)}* {escape_text(rest['text'])}".rstrip()))
        elif kind == "quote":
            blocks.append(Quote((Paragraph(escape_text(text)),)))
        else:
            blocks.append(Paragraph(escape_text(text)))
        index += 1
    return blocks


def _list(kind: str, lines: list[str]) -> ListBlock:
    pattern = {"bullet": _BULLET, "numbered": _NUMBERED, "dash": _DASH}[kind]
    matches = [pattern.match(line) for line in lines]
    items = tuple((Paragraph(escape_text(m["text"] if m else line)),)
                  for m, line in zip(matches, lines, strict=True))
    first = matches[0]
    start = int(first["number"]) if kind == "numbered" and first else 1
    return ListBlock(kind == "numbered", items, start)
