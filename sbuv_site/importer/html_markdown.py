"""WordPress post HTML → Markdown blocks, with our own walk over the tags (no new dependency).

Hostile or broken HTML is handled in linear time and bounded depth: quotes and lists nested
deeper than MAX_LEVELS Markdown levels are flattened into their parent (the site's renderer
stops at 20 levels and drops what lies deeper), emphasis nested deeper than MAX_SPANS is read
as plain text, and an element dropped whole (<form>, <svg>, …) that is never closed drops only
its tag, never the rest of the post.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin

from sbuv_site.images import DECORATIVE, is_remote
from sbuv_site.importer.html_tokens import EndTag, StartTag, Text, Unclosed, html_tokens
from sbuv_site.importer.markdown_blocks import (
    HARD_BREAK,
    Block,
    CodeBlock,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    Rule,
    code_span,
    escape_text,
    render_blocks,
)

# Elements whose content is not text of the post: dropped whole, and the drop is reported.
_DROPPED = frozenset({"script", "style", "iframe", "object", "embed", "video", "audio", "noscript",
                      "svg", "template", "canvas", "head", "title", "form", "select", "textarea"})
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "source", "track", "wbr", "col",
                   "area", "base", "param", "embed"})
_BOUNDARY = frozenset({"p", "div", "section", "article", "aside", "header", "footer", "nav",
                       "figure", "figcaption", "address", "main", "details", "summary", "dl", "dt",
                       "dd", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
                       "center", "fieldset", "legend", "body", "html"})
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
# WordPress shortcodes: brackets dropped, enclosed text (a caption) kept; media ones reported.
_SHORTCODE = re.compile(  # '[^[\]]': an unclosed '[caption' is never rescanned to the end
    r"\[(/?)(caption|wp_caption|gallery|audio|video|playlist|embed|youtube|vimeo|soundcloud)"
    r"\b([^\[\]]*)\]"
)
_MEDIA_SHORTCODES = frozenset({"gallery", "audio", "video", "playlist"})
_CAPTION_ATTRIBUTE = re.compile(r'\bcaption="([^"]*)"')
_TITLE_TAGS = re.compile(
    r"</?(?:em|strong|b|i|u|s|sup|sub|span|small|mark|abbr|code|cite|q|del|ins|a|br|font)\b[^<>]*>",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\n\r\f]+")
_UNSAFE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data):", re.IGNORECASE)
_LIST_START = re.compile(r"[0-9]{1,9}")  # ASCII digits only, as browsers read 'start'; CommonMark's limit
MAX_LEVELS = 16  # Markdown nesting: a quote is 1 level, a list 2 (list and item); the renderer stops at 20
_LEVELS = {"blockquote": 1, "ul": 2, "ol": 2, "li": 0}
MAX_SPANS = 32  # open <em>, <strong>, <a>: nested duplicates add no markers anyway


@dataclass(frozen=True, slots=True)
class Converted:
    """A post body as Markdown, its plain text, and what was dropped on the way."""

    markdown: str
    text: str  # words of the body, for finding municipalities
    dropped: tuple[str, ...]  # e.g. "<iframe> https://…", for the editor's report
    notes: tuple[str, ...] = ()  # what was changed to read the HTML at all (flattened nesting…)


def title_text(raw: str) -> str:
    """A WordPress title as plain text: inline markup dropped, entities decoded, '<html>' kept."""
    return " ".join(html.unescape(_TITLE_TAGS.sub("", raw)).split())


def convert_html(source: str, base: str = "") -> Converted:
    """Convert a post's content; classic-editor text gets WordPress's own paragraph rule.

    base is the post's old address: an image on the old blog's server ('/wp-content/…') is
    linked there, since the file is not in the site. An image without alt text is imported as
    decorative ('![-](…)'), as WordPress showed it (alt=""), and both are reported for the editor.
    """
    dropped: list[str] = []
    prepared = _SHORTCODE.sub(lambda m: _shortcode(m, dropped), source)
    tokens = list(html_tokens(prepared))
    parser = _Converter(autop="<!-- wp:" not in source,
                        end_tags=Counter(t.name for t in tokens if isinstance(t, EndTag)), base=base)
    for token in tokens:
        if isinstance(token, StartTag):
            parser.handle_starttag(token.name, token.attrs)
            if token.closed and token.name not in _VOID:
                parser.handle_endtag(token.name)  # '<em/>': opened and closed at once
        elif isinstance(token, EndTag):
            parser.end_tags[token.name] -= 1
            parser.handle_endtag(token.name)
        elif isinstance(token, Text):
            parser.handle_data(token.text)
        elif isinstance(token, Unclosed):
            parser.notes.append(f"the HTML has markup that is never closed ('{token.shown}…'); "
                                "the rest of the post was kept as plain text: check it")
    blocks = parser.finish()
    if parser.old_server:
        parser.notes.append(f"{_images(parser.old_server, 'lies', 'lie')} on the old blog's server, now "
                            f"linked there ({parser.old_server[0]}): copy the files into static/ and link "
                            "them from the site's root (/wp-content/…), or they vanish with the old server")
    if parser.no_alt:
        parser.notes.append(f"{_images(parser.no_alt, 'has', 'have')} no alt text in WordPress "
                            f"({parser.no_alt[0]}); imported as decorative, '![{DECORATIVE}](…)': describe "
                            "each one that shows something the text needs")
    if parser.flattened:
        parser.notes.append(f"quotes or lists nested deeper than {MAX_LEVELS} levels were flattened "
                            "into the level above")
    return Converted(render_blocks(blocks), " ".join(parser.words), (*dropped, *parser.dropped),
                     tuple(parser.notes))


def _images(sources: list[str], one: str, many: str) -> str:
    """'1 image lies', '3 images lie': the images of a note, each counted once."""
    count = len(dict.fromkeys(sources))
    return f"1 image {one}" if count == 1 else f"{count} images {many}"


def _shortcode(match: re.Match[str], dropped: list[str]) -> str:
    name = match[2]
    if name in _MEDIA_SHORTCODES and not match[1]:
        dropped.append(f"[{name}] shortcode")
    caption = _CAPTION_ATTRIBUTE.search(match[3]) if name in ("caption", "wp_caption") else None
    return f" {caption[1]} " if caption else " "


@dataclass
class _Frame:
    """An open container (the body, a quote, a list item) collecting blocks and inline text."""

    kind: str
    blocks: list[Block] = field(default_factory=list)
    inline: list[str] = field(default_factory=list)
    items: list[tuple[Block, ...]] = field(default_factory=list)  # for "ul"/"ol"
    start: int = 1


@dataclass
class _Span:
    """An open inline element whose Markdown is written when it closes."""

    tag: str
    mark: int  # index in the frame's inline list where the element's text starts
    href: str = ""


class _Converter:
    """Walks the tags once, keeping a stack of containers; never raises on bad markup."""

    def __init__(self, autop: bool, end_tags: Counter[str], base: str = "") -> None:
        self.autop = autop
        self.base = base  # the post's old address, for images on the old server
        self.old_server: list[str] = []  # images linked to the old server, as WordPress wrote them
        self.no_alt: list[str] = []  # images WordPress showed without alt text
        self.end_tags = end_tags  # end tags still to come, by name
        self.frames: list[_Frame] = [_Frame("body")]
        self.levels = 0  # Markdown nesting of the open frames (see MAX_LEVELS)
        self.spans: list[_Span] = []
        self.skip: list[str] = []  # open elements inside a dropped one
        self.skipping: Counter[str] = Counter()  # the same, counted by name
        self.ignored: Counter[str] = Counter()  # containers and spans opened beyond the limits
        self.flattened = False
        self.heading: int | None = None
        self.pre: list[str] | None = None
        self.code: list[str] | None = None
        self.words: list[str] = []
        self.dropped: list[str] = []
        self.notes: list[str] = []

    # --- containers -------------------------------------------------------------------
    @property
    def frame(self) -> _Frame:
        return self.frames[-1]

    def flush(self) -> None:
        """End the running paragraph (or heading) of the current container."""
        self.spans.clear()
        text = "".join(self.frame.inline)
        self.frame.inline.clear()
        text = text.strip(" ")
        parts = [part.strip(" ") for part in text.split(HARD_BREAK)]
        text = HARD_BREAK.join(part for part in parts if part)
        if self.heading is not None:
            level, self.heading = self.heading, None
            if text:
                self.add_block(Heading(max(1, level - 1), text.replace(HARD_BREAK, " ")))
        elif text:
            self.add_block(Paragraph(text))

    def add_block(self, block: Block) -> None:
        """Add a block to the current container. Inside a list but outside any item ('<ul>text',
        '<ul><li>a</li><ul>…'), it joins the last item, as browsers indent it, or starts one."""
        frame = self.frame
        if frame.kind not in ("ul", "ol"):
            frame.blocks.append(block)
        elif frame.items:
            frame.items[-1] = (*frame.items[-1], block)
        else:
            frame.items.append((block,))

    def open_container(self, kind: str, start: int = 1) -> None:
        self.flush()
        if kind == "li" and self.frame.kind == "li":
            self.close_container("li")  # '<li>a<li>b': the first item ends where the next starts
        if kind == "li" and self.frame.kind not in ("ul", "ol") and self.levels + 2 <= MAX_LEVELS:
            self.open_container("ul")
        if self.levels + _LEVELS[kind] > MAX_LEVELS or (kind == "li" and self.frame.kind not in ("ul", "ol")):
            self.ignored[kind] += 1  # too deep: its text joins the container above
            self.flattened = True
            return
        self.levels += _LEVELS[kind]
        self.frames.append(_Frame(kind, start=start))

    def close_container(self, kind: str) -> None:
        if not any(f.kind == kind for f in self.frames[1:]):
            return
        while True:
            self.flush()
            done = self.frames.pop()
            self.levels -= _LEVELS[done.kind]
            parent = self.frame
            if done.kind == "li" and parent.kind in ("ul", "ol"):
                parent.items.append(tuple(done.blocks))
            elif done.kind == "li":
                for block in done.blocks:
                    self.add_block(block)
            elif done.kind in ("ul", "ol"):
                if done.items:
                    self.add_block(ListBlock(done.kind == "ol", tuple(done.items), done.start))
            elif done.kind == "blockquote" and done.blocks:
                self.add_block(Quote(tuple(done.blocks)))
            if done.kind == kind:
                return

    def finish(self) -> tuple[Block, ...]:
        while len(self.frames) > 1:
            self.close_container(self.frames[-1].kind)
        self.flush()
        return tuple(self.frames[0].blocks)

    # --- parser callbacks -------------------------------------------------------------
    def handle_starttag(self, tag: str, attr: dict[str, str]) -> None:
        if self.skip:
            if tag not in _VOID:
                self.skip.append(tag)
                self.skipping[tag] += 1
            return
        if tag in _DROPPED:
            src = attr.get("src") or attr.get("data") or ""
            self.dropped.append(f"<{tag}>" + (f" {src}" if src else ""))
            if tag not in _VOID and self.end_tags[tag] > 0:  # never closed: only the tag is dropped
                self.skip.append(tag)
                self.skipping[tag] += 1
            return
        if self.pre is not None:
            if tag == "br":
                self.pre.append("\n")
            return
        self._start(tag, attr)

    def _start(self, tag: str, attr: dict[str, str]) -> None:
        if tag in _HEADINGS:
            self.flush()
            self.heading = _HEADINGS[tag]
        elif tag in _BOUNDARY:
            self.flush()
        elif tag in ("ul", "ol"):
            start = attr.get("start", "1").strip()
            self.open_container(tag, int(start) if _LIST_START.fullmatch(start) else 1)
        elif tag in ("li", "blockquote"):
            self.open_container(tag)
        elif tag == "pre":
            self.flush()
            self.pre = []
        elif tag == "hr":
            self.flush()
            self.add_block(Rule())
        elif tag == "br":
            self.frame.inline.append(HARD_BREAK)
        elif tag == "img":
            self._image(attr)
        elif tag == "code":
            self.code = []
        elif tag in ("em", "i", "strong", "b", "a"):
            if len(self.spans) >= MAX_SPANS:
                self.ignored[tag] += 1
                return
            self.spans.append(_Span(tag, len(self.frame.inline), attr.get("href", "")))

    def _image(self, attr: dict[str, str]) -> None:
        src = attr.get("src", "").strip()
        if not src or _UNSAFE_SCHEME.match(src):
            return
        alt = " ".join(attr.get("alt", "").split())
        if self.base and not is_remote(src):
            self.old_server.append(src)
            src = urljoin(self.base, src)
        if alt:
            self.words.append(alt)
        else:
            self.no_alt.append(src)
        self.frame.inline.append(f"![{escape_text(alt) or DECORATIVE}]({_url(src)})")

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if self.skipping[tag]:
                while True:
                    closed = self.skip.pop()
                    self.skipping[closed] -= 1
                    if closed == tag:
                        break
            return
        if self.ignored[tag] and tag in ("ul", "ol", "li", "blockquote", "em", "i", "strong", "b", "a"):
            self.ignored[tag] -= 1  # the end of an element opened beyond the limits
            if tag in ("ul", "ol", "li", "blockquote"):
                self.flush()
            return
        if self.pre is not None:
            if tag == "pre":
                text, self.pre = "".join(self.pre), None
                self.flush()
                if text.strip("\n"):
                    self.add_block(CodeBlock(text.strip("\n")))
            return
        if tag == "code" and self.code is not None:
            text, self.code = "".join(self.code), None
            if text.strip():
                self.frame.inline.append(code_span(text))
        elif tag in _HEADINGS or tag in _BOUNDARY:
            self.flush()
        elif tag in ("ul", "ol", "li", "blockquote"):
            self.close_container(tag)
        elif tag in ("em", "i", "strong", "b", "a"):
            self._close_span(tag)

    def _close_span(self, tag: str) -> None:
        """Wrap the span's text in emphasis or a link; nested duplicates add no markers."""
        index = next((i for i in range(len(self.spans) - 1, -1, -1) if self.spans[i].tag == tag), None)
        if index is None:
            return
        span = self.spans[index]
        del self.spans[index:]
        inline = self.frame.inline
        inner = "".join(inline[span.mark:])
        del inline[span.mark:]
        core = inner.strip(" ")
        lead = " " if inner.startswith(" ") and core else ""
        tail = " " if inner.endswith(" ") and core else ""
        if not core:
            inline.append(inner)
            return
        if tag == "a":
            href = span.href.strip()
            nested = any(s.tag == "a" for s in self.spans)
            if href and not nested and not _UNSAFE_SCHEME.match(href):
                core = f"[{core}]({_url(href)})"
        elif core[0].isalnum() and core[-1].isalnum():
            strong = tag in ("strong", "b")
            same = ("strong", "b") if strong else ("em", "i")
            if not any(s.tag in same for s in self.spans):
                marker = "**" if strong else "*"
                core = f"{marker}{core}{marker}"
        inline.append(f"{lead}{core}{tail}")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre is not None:
            self.pre.append(data)
            return
        if self.code is not None:
            self.code.append(data)
            self.words.append(data)
            return
        if self.autop and re.search(r"\n[ \t]*\n", data):
            parts = re.split(r"\n[ \t]*\n", data)
            for number, part in enumerate(parts):
                if number:
                    self.flush()
                self._text(part)
            return
        self._text(data)

    def _text(self, data: str) -> None:
        """Add running text; inside classic content a lone newline between words is a <br>."""
        if self.autop:
            lines = [_SPACES.sub(" ", line) for line in data.split("\n")]
            pieces = [escape_text(line) for line in lines]
            joined = pieces[0]
            for before, line in zip(lines, pieces[1:], strict=False):
                inner = before.strip() and line.strip()
                joined += (HARD_BREAK if inner else " ") + line
            text = joined
        else:
            text = escape_text(_SPACES.sub(" ", data))
        if not text:
            return
        if text.strip():
            self.words.append(data.strip())
        inline = self.frame.inline
        if text.startswith(" ") and (not inline or inline[-1].endswith((" ", HARD_BREAK))):
            text = text.lstrip(" ")
        if text:
            inline.append(text)


def _url(url: str) -> str:
    """A link destination that cannot break out of '(…)' (html.parser has decoded entities)."""
    return quote(url.strip(), safe="/:?#[]@!$&'*+,;=%~.-_")
