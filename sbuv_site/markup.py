"""Markdown to HTML: one configured markdown-it (CommonMark, tables, footnotes, heading anchors)."""

from __future__ import annotations

import bisect
import functools
import html as htmltext
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock, html_block
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from sbuv_site.images import ImageSize, image_attributes, shown_alt
from sbuv_site.sanitize import URL_ATTRS, clean_html, confine, is_safe_url, rebase_link
from sbuv_site.slugs import slugify

TOC_MIN_HEADINGS = 4  # a post with fewer h2/h3 headings is short enough to read without a contents list


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of a text with the anchor id it got, for a table of contents."""

    level: int  # 2-6, after headings are shifted so the page title is the only h1
    anchor: str  # the id the heading carries in the HTML
    text: str  # plain text, as the anchor was made from


@dataclass(frozen=True, slots=True)
class TocEntry:
    """One line of a post's table of contents: a heading's text, its anchor, its subheadings."""

    text: str
    url: str  # "#anchor"
    children: tuple[TocEntry, ...]


@dataclass(frozen=True, slots=True)
class Rendered:
    """A Markdown text as HTML, plus its first paragraph for lists and feeds and its headings."""

    html: str
    first_paragraph: str
    headings: tuple[Heading, ...] = ()


def _shift_headings(state: Any) -> None:
    """If a text uses '# X', all its headings move one level down: the page title is the only <h1>."""
    headings = [t for t in state.tokens if t.type in ("heading_open", "heading_close")]
    if any(t.tag == "h1" for t in headings):
        for token in headings:
            token.tag = f"h{min(6, int(token.tag[1]) + 1)}"


def _footnotes_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """The footnote list gets a heading, so the section is named for screen readers."""
    return ('<section class="footnotes" aria-labelledby="fotnoter">\n'
            '<h2 id="fotnoter" class="visually-hidden">Fotnoter</h2>\n<ol class="footnotes-list">\n')


def _footnote_backlink(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """The '↩' back-link gets words: 'Tillbaka till texten'."""
    ident = str(self.rules["footnote_anchor_name"](tokens, idx, options, env))
    if tokens[idx].meta["subId"] > 0:
        ident += f":{tokens[idx].meta['subId']}"
    return (f' <a href="#fnref{ident}" class="footnote-backref" '
            'aria-label="Tillbaka till texten">\u21a9\ufe0e</a>')


def _image(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """An image: alt '-' marks it decorative (alt=""); a local one gets its size and lazy loading."""
    token = tokens[idx]
    token.attrSet("alt", shown_alt(self.renderInlineAsText(token.children or [], options, env)))
    image_attributes(token, env.get("images") or {})
    return str(self.renderToken(tokens, idx, options, env))


# CommonMark's HTML blocks that end at a closing sequence rather than at a blank line.
_CLOSED_BY = (
    (re.compile(r"<(?:script|pre|style|textarea)(?=[\s>]|\Z)", re.IGNORECASE),
     re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE)),
    (re.compile(r"<!--"), re.compile(r"-->")),
    (re.compile(r"<\?"), re.compile(r"\?>")),
    (re.compile(r"<![A-Za-z]"), re.compile(r">")),
    (re.compile(r"<!\[CDATA\["), re.compile(r"\]\]>")),
)


@functools.lru_cache(maxsize=1)
def _closer_positions(src: str) -> tuple[tuple[int, ...], ...]:
    """Where each closing sequence starts in a text, found once per text (not once per block)."""
    return tuple(tuple(m.start() for m in close.finditer(src)) for _, close in _CLOSED_BY)


def _html_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """An HTML block never closed (`<textarea>`, `<!--`) ends at a blank line, not with the post.

    CommonMark lets such a block run to the end of the text, so every later paragraph would be
    raw HTML inside it. Cut at the blank line and marked, the block is cleaned on its own.
    """
    pos = state.bMarks[start] + state.tShift[start]
    unclosed = False
    if not silent and state.src.startswith("<", pos):
        for (opener, _), closers in zip(_CLOSED_BY, _closer_positions(state.src), strict=True):
            if opener.match(state.src, pos):
                after = bisect.bisect_left(closers, pos)
                unclosed = after == len(closers) or closers[after] >= state.eMarks[end - 1]
                break
    if unclosed:
        end = next((n for n in range(start + 1, end) if state.isEmpty(n)), end)
    found = html_block(state, start, end, silent)
    if found and unclosed:
        state.tokens[-1].meta["unclosed"] = True
    return found


def _confine_raw_html(state: Any) -> None:
    """Each piece of raw HTML is cleaned on its own if it would swallow what follows it."""
    for token in state.tokens:
        if token.type == "html_block":
            unclosed = token.meta.get("unclosed")
            token.content = clean_html(token.content) if unclosed else confine(token.content)
        for child in token.children or ():
            if child.type == "html_inline":
                child.content = confine(child.content)


def _anchor_slug(text: str) -> str:
    return slugify(text, fallback="rubrik")


def _rebase_links(base_path: str, state: Any) -> None:
    """Markdown links and images written from the host's root ('/karta/') move under base_path."""
    for token in state.tokens:
        for child in token.children or ():
            attr = "href" if child.type == "link_open" else "src" if child.type == "image" else None
            url = child.attrGet(attr) if attr else None
            if attr and isinstance(url, str):
                child.attrSet(attr, rebase_link(url, base_path))


def make_markdown(allow_html: bool = False, base_path: str = "/") -> MarkdownIt:
    """The site's Markdown parser; raw HTML is escaped unless allow_html, and then cleaned.

    Cleaning is for allow_html only: otherwise markdown-it escapes every '<' an editor writes and
    validateLink refuses unsafe links, so the output needs no second pass. base_path is the path
    of base_url ('/blogg/'): root-relative links are moved under it, in Markdown here and in raw
    HTML by the cleaner. It is part of the parser so that worker processes render the same way.
    """
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": False})
    md.options["base_path"] = base_path
    md.enable("table")
    md.enable("strikethrough")
    md.use(footnote_plugin)
    md.core.ruler.push("shift_headings", _shift_headings)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=_anchor_slug)
    md.add_render_rule("footnote_block_open", _footnotes_open)
    md.add_render_rule("footnote_anchor", _footnote_backlink)
    md.add_render_rule("image", _image)
    md.validateLink = is_safe_url  # type: ignore[method-assign]  # also refuses data: images
    if base_path != "/":
        md.core.ruler.push("rebase_links", functools.partial(_rebase_links, base_path))
    if allow_html:
        md.block.ruler.at("html_block", _html_block, {"alt": ["paragraph", "reference", "blockquote"]})
        md.core.ruler.push("confine_raw_html", _confine_raw_html)
    return md


def render_markdown(md: MarkdownIt, text: str, images: Mapping[str, ImageSize] | None = None) -> Rendered:
    """Render a body once and take its first paragraph from the same tokens.

    images holds the sizes of the text's local images, by address (read at the edge).
    """
    env: dict[str, Any] = {"images": images or {}}
    tokens = md.parse(text, env)
    body = md.renderer.render(tokens, md.options, env)
    first = md.renderer.render(_first_paragraph(tokens), md.options, env)
    if md.options["html"]:
        body, first = clean_html(body, md.options["base_path"]), clean_html(first, md.options["base_path"])
    return Rendered(body, first, _headings(tokens))


def render_inline(md: MarkdownIt, text: str) -> str:
    """A one-paragraph Markdown text (a summary) as HTML, without the <p>."""
    env: dict[str, Any] = {}
    tokens = [t for t in md.parse(text, env) if t.type == "inline"]
    html = "".join(md.renderer.render(t.children or [], md.options, env) for t in tokens)
    return clean_html(html, md.options["base_path"]) if md.options["html"] else html


# A start tag as markdown-it and the cleaner write them: every attribute value in double quotes,
# with '"' and '<' escaped inside it and in the text, so a '<' always starts a real tag.
_START_TAG = re.compile(r'<[A-Za-z][^\s/>]*(?:\s+[^\s"\'=<>/]+(?:="[^"]*")?)*\s*/?>')
_URL_ATTR = re.compile(r'(\s(?:' + "|".join(sorted(URL_ATTRS)) + r')=")([^"]*)"')


def absolute_links(html: str, page_url: str) -> str:
    """The HTML of a body with every link and image address made absolute against page_url.

    For the feed: a feed reader shows the text away from the site, where '/blogg/karta/',
    'bild.png' or '#fn1' lead nowhere. Only HTML this module made (and cleaned) is read here.
    """
    def absolute(attr: re.Match[str]) -> str:
        written = htmltext.unescape(attr[2])
        full = urljoin(page_url, written)
        return attr[0] if full == written else f'{attr[1]}{htmltext.escape(full)}"'

    return _START_TAG.sub(lambda tag: _URL_ATTR.sub(absolute, tag[0]), html)


def make_toc(headings: Sequence[Heading]) -> tuple[TocEntry, ...]:
    """A contents list of the h2/h3 headings, h3 nested under the h2 before it; empty for short posts.

    Only headings with text count: an entry with no words would be a link with no name.
    """
    picked = [h for h in headings if h.level <= 3 and h.text]
    if len(picked) < TOC_MIN_HEADINGS:
        return ()
    top = min(h.level for h in picked)
    groups: list[tuple[Heading, list[Heading]]] = []
    for heading in picked:
        if heading.level == top or not groups:
            groups.append((heading, []))
        else:
            groups[-1][1].append(heading)
    return tuple(TocEntry(h.text, f"#{h.anchor}", tuple(TocEntry(c.text, f"#{c.anchor}", ()) for c in kids))
                 for h, kids in groups)


def _headings(tokens: list[Token]) -> tuple[Heading, ...]:
    """The Markdown headings that got an anchor, in order (raw HTML headings have none)."""
    found = []
    for index, token in enumerate(tokens):
        anchor = token.attrGet("id") if token.type == "heading_open" else None
        if anchor:
            children = tokens[index + 1].children or []
            text = "".join(c.content for c in children if c.type in ("text", "code_inline"))
            found.append(Heading(int(token.tag[1]), str(anchor), " ".join(text.split())))
    return tuple(found)


def _first_paragraph(tokens: list[Token]) -> list[Token]:
    """The tokens of the first top-level paragraph, with footnote marks removed."""
    start = next((i for i, t in enumerate(tokens) if t.type == "paragraph_open" and t.level == 0), None)
    if start is None:
        return []
    end = next(i for i in range(start, len(tokens)) if tokens[i].type == "paragraph_close")
    picked = []
    for token in tokens[start : end + 1]:
        if token.children:
            token = token.copy(children=[c for c in token.children if c.type != "footnote_ref"])
        picked.append(token)
    return picked
