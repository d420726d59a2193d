"""Response headers for static hosts: `_headers` (Netlify, Cloudflare Pages) and an nginx snippet.

GitHub Pages sets its own headers; other hosts read these files (README, "Publishing"). Pure: the
build passes in the site's base path and its hashed asset URLs, and gets the files' text back.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def headers_file(base_path: str, hashed: Sequence[str]) -> str:
    """`_headers`: the security headers on every path under base_path, a year's cache on hashed files.

    Netlify and Cloudflare Pages join the values of a header that two matching rules both set, so
    Cache-Control is set only on the hashed files, and the rest keeps the host's default, which
    revalidates (max-age=0) on both.
    """
    lines = ["# Response headers for Netlify and Cloudflare Pages, made by `sbuv-site build`",
             "# (README, \"Publishing\"). Paths are under the site's base path.",
             f"{base_path}*"]
    lines += [f"  {name}: {value}" for name, value in SECURITY_HEADERS]
    for url in sorted(hashed):
        lines += ["", url, f"  Cache-Control: {CACHE_FOR_EVER}"]
    return "\n".join(lines) + "\n"


def nginx_file(base_path: str, hashed: Sequence[str]) -> str:
    """An nginx snippet to include in the site's `server { }` block: the same headers as `_headers`.

    nginx drops the server's add_header lines in a location that has its own, so each location
    repeats the security headers; HTML and other unhashed files revalidate on every visit.
    """

    def location(match: str, cache: str) -> list[str]:
        body = [f'    add_header {name} "{value}" always;' for name, value in SECURITY_HEADERS]
        return [f"location {match} {{", *body, f'    add_header Cache-Control "{cache}" always;', "}"]

    lines = ["# nginx: include inside the site's server { } block (root pointing at output/), made by",
             "# `sbuv-site build` (README, \"Publishing\").",
             *location(base_path, CACHE_REVALIDATE)]
    for url in sorted(hashed):
        lines += location(f"= {url}", CACHE_FOR_EVER)
    lines.append(f"error_page 404 {base_path}404.html;")
    return "\n".join(lines) + "\n"
