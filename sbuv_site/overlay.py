"""What the preview adds to each served HTML page: the live-reload client and, after a failed
build, a box listing the problems over the last good page (as Hugo's and Zola's servers do).

Pure: bytes in, bytes out. Only `serve` uses it, on the way out of the server; nothing here
ever reaches output/.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from sbuv_site.errors import SiteError

PREFIX = "/__sbuv-site/"  # the server's own files; no page of a site has an address here
STYLE_URL = PREFIX + "overlay.css"
OVERLAY_ID = "sbuv-build-errors"

_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)

# Served as a file (never inline), so a strict Content-Security-Policy in a layout allows it.
STYLE = """\
#sbuv-build-errors{position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;
padding:2rem 1rem;background:rgba(20,20,20,.72);font:1rem/1.5 system-ui,sans-serif;text-align:left}
#sbuv-build-errors .sbuv-box{max-width:52rem;margin:0 auto;padding:1.25rem 1.5rem;background:#fff;
color:#1a1a1a;border-top:.4rem solid #a4000f;border-radius:.25rem}
#sbuv-build-errors h2{margin:0 0 .5rem;font-size:1.35rem;color:#8a000d}
#sbuv-build-errors p{margin:.25rem 0}
#sbuv-build-errors ol{margin:1rem 0 0;padding-left:1.5rem}
#sbuv-build-errors li{margin:0 0 1rem}
#sbuv-build-errors code{font:.95rem/1.4 ui-monospace,monospace;background:#f1f1f1;color:#1a1a1a;
padding:0 .2rem;overflow-wrap:anywhere}
#sbuv-build-errors .sbuv-hint{color:#333}
#sbuv-build-errors:focus{outline:3px solid #ffbf47}
@media (prefers-color-scheme:dark){
#sbuv-build-errors .sbuv-box{background:#1d1d1d;color:#f2f2f2;border-top-color:#ff8080}
#sbuv-build-errors h2{color:#ffa3a3}
#sbuv-build-errors code{background:#333;color:#f2f2f2}
#sbuv-build-errors .sbuv-hint{color:#dcdcdc}}
"""


def client_tags(port: int) -> bytes:
    """The live-reload client's script tag: livereload.js finds the server from its own src (host)
    and the query (port: a page on port 80 or 443 has none in its address)."""
    return f'<script src="/livereload.js?port={port}"></script>'.encode()


def overlay_html(problems: Sequence[SiteError]) -> bytes:
    """The box listing a failed build's problems: `path:line`, message and hint, all escaped."""
    count = len(problems)
    title = "The build failed" + (f": {count} problems" if count > 1 else "")
    items = []
    for problem in problems:
        where = ""
        if problem.path is not None:
            where = f"{problem.path}:{problem.line}" if problem.line else str(problem.path)
            where = f"<code>{html.escape(where)}</code>: "
        hint = (f'<p class="sbuv-hint">hint: {html.escape(problem.hint)}</p>' if problem.hint else "")
        items.append(f"<li><p>{where}{html.escape(problem.message)}</p>{hint}</li>")
    return (
        f'<aside id="{OVERLAY_ID}" lang="en" tabindex="0" aria-labelledby="{OVERLAY_ID}-title">'
        f'<div class="sbuv-box"><h2 id="{OVERLAY_ID}-title">{title}</h2>'
        "<p>The browser shows the last good build. Fix the problem and save: the page reloads by "
        "itself. (Only <code>sbuv-site serve</code> shows this box; the built site does not have it.)</p>"
        f'<ol>{"".join(items)}</ol></div></aside>'
    ).encode()


def decorate(page: bytes, head: bytes, body: bytes = b"") -> bytes:
    """Put `head` before </head> and `body` first inside <body>; at the ends when a tag is missing."""
    end = _HEAD_END.search(page)
    if end:
        page = page[:end.start()] + head + page[end.start():]
    else:
        page = head + page
    if body:
        start = _BODY_START.search(page)
        page = page[:start.end()] + body + page[start.end():] if start else page + body
    return page


def decorated_page(page: bytes, port: int, problems: Sequence[SiteError]) -> bytes:
    """A served HTML page: the live-reload client, plus the problems' box while the build is broken."""
    head = client_tags(port)
    if not problems:
        return decorate(page, head)
    head = f'<link rel="stylesheet" href="{STYLE_URL}">'.encode() + head
    return decorate(page, head, overlay_html(problems))
