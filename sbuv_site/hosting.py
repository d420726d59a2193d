"""Response headers for static hosts: `_headers` (Netlify, Cloudflare Pages) and an nginx snippet.

GitHub Pages sets its own headers; other hosts read these files (README, "Publishing"). Pure: the
build passes in the site's base path and its hashed asset URLs, and gets the files' text back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

HEADERS_FILE = "_headers"
NGINX_FILE = "_nginx.conf"

# The site has no inline script or style (the JSON-LD block is data, which CSP does not govern).
# Images may come from other HTTPS hosts: a post may show one. The one script is the search page's
# (/sok/): Pagefind's UI and search.js, from the site itself. Pagefind compiles its WebAssembly
# (wasm.sv.pagefind) in the page and in its worker, which needs 'wasm-unsafe-eval'; that allows
# WebAssembly only, never eval() of JavaScript. Its UI sets styles through the DOM (CSSOM), which
# CSP allows, so style-src needs no 'unsafe-inline'.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' https:",
    "style-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
# A hashed file's name changes with its content (render.hashed_name), so it may be cached for ever;
# everything else, HTML first, is checked with the server on every visit.
CACHE_FOR_EVER = "public, max-age=31536000, immutable"
CACHE_REVALIDATE = "public, max-age=0, must-revalidate"


def headers_file(base_path: str, hashed: Sequence[str], types: Mapping[str, str] | None = None) -> str:
    """`_headers`: the security headers on every path under base_path, a year's cache on hashed files.

    Netlify and Cloudflare Pages join the values of a header that two matching rules both set, so
    Cache-Control is set only on the hashed files, and the rest keeps the host's default, which
    revalidates (max-age=0) on both. `types` gives a file the media type its format asks for and
    its name does not tell (/feed.json: application/feed+json).
    """
    lines = ["# Response headers for Netlify and Cloudflare Pages, made by `sbuv-site build`",
             "# (README, \"Publishing\"). Paths are under the site's base path.",
             f"{base_path}*"]
    lines += [f"  {name}: {value}" for name, value in SECURITY_HEADERS]
    for url in sorted(hashed):
        lines += ["", url, f"  Cache-Control: {CACHE_FOR_EVER}"]
    for url, media_type in sorted((types or {}).items()):
        lines += ["", url, f"  Content-Type: {media_type}"]
    return "\n".join(lines) + "\n"


def nginx_file(base_path: str, hashed: Sequence[str], types: Mapping[str, str] | None = None) -> str:
    """An nginx snippet to include in the site's `server { }` block: the same headers as `_headers`.

    nginx drops the server's add_header lines in a location that has its own, so each location
    repeats the security headers; HTML and other unhashed files revalidate on every visit. A file
    in `types` gets its media type from an empty `types {}` and `default_type`.
    """

    def location(match: str, cache: str, media_type: str | None = None) -> list[str]:
        body = [f'    add_header {name} "{value}" always;' for name, value in SECURITY_HEADERS]
        typed = ["    types { }", f"    default_type {media_type};"] if media_type else []
        return [f"location {match} {{", *body, f'    add_header Cache-Control "{cache}" always;',
                *typed, "}"]

    lines = ["# nginx: include inside the site's server { } block (root pointing at output/), made by",
             "# `sbuv-site build` (README, \"Publishing\").",
             *location(base_path, CACHE_REVALIDATE)]
    for url in sorted(hashed):
        lines += location(f"= {url}", CACHE_FOR_EVER)
    for url, media_type in sorted((types or {}).items()):
        lines += location(f"= {url}", CACHE_REVALIDATE, media_type)
    lines.append(f"error_page 404 {base_path}404.html;")
    return "\n".join(lines) + "\n"
