"""`_headers` and the nginx snippet the build writes for static hosts (README, "Publishing")."""

from __future__ import annotations

import re
from pathlib import Path

from sbuv_site.build import BuildOptions, build
from tests.conftest import NOW, post, write_site

SECURITY = {"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"}
FOR_EVER = "public, max-age=31536000, immutable"


def parse_headers(text: str) -> dict[str, dict[str, str]]:
    """`_headers` as {path: {header: value}}: a path at the line start, its headers indented below."""
    rules: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line[0].isspace():
            assert current is not None, line
            name, sep, value = line.strip().partition(": ")
            assert sep and name not in current, line
            current[name] = value
        else:
            assert line not in rules, line
            current = rules[line] = {}
    return rules


def parse_nginx(text: str) -> dict[str, dict[str, str]]:
    """The snippet's `location … { add_header … }` blocks as {match: {header: value}}."""
    blocks = re.findall(r"^location (.+?) \{\n(.*?)^\}", text, re.MULTILINE | re.DOTALL)
    return {match: dict(re.findall(r'^    add_header (\S+) "([^"]*)" always;$', body, re.MULTILINE))
            for match, body in blocks}


def csp(value: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in value.split("; ")}


def hashed_css(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in (out / "css").glob("*.css"))


def test_every_path_gets_the_security_headers_and_hashed_css_a_year_of_cache(full_site: Path) -> None:
    rules = parse_headers((full_site / "_headers").read_text(encoding="utf-8"))
    css = hashed_css(full_site)
    assert css and all(re.fullmatch(r"css/site\.[0-9a-f]{10}\.css", rel) for rel in css)
    assert set(rules) == {"/*", *(f"/{rel}" for rel in css), "/feed.json"}
    assert rules["/feed.json"] == {"Content-Type": "application/feed+json"}  # JSON Feed 1.1's own type
    every = rules["/*"]
    assert set(every) == SECURITY  # no Cache-Control: hosts join two rules' values of one header
    assert every["X-Content-Type-Options"] == "nosniff"
    assert every["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert every["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    for rel in css:
        assert rules[f"/{rel}"] == {"Cache-Control": FOR_EVER}


def test_the_content_security_policy_allows_no_inline_code(full_site: Path) -> None:
    every = parse_headers((full_site / "_headers").read_text(encoding="utf-8"))["/*"]
    policy = csp(every["Content-Security-Policy"])
    sources = [source for values in policy.values() for source in values]
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert policy["default-src"] == policy["style-src"] == ["'self'"]
    # Search (Pagefind) compiles WebAssembly: allowed, and nothing else beyond the site's own scripts.
    assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == policy["form-action"] == ["'self'"]


def test_nginx_gets_the_same_headers_in_every_location_and_revalidates_html(full_site: Path) -> None:
    text = (full_site / "_nginx.conf").read_text(encoding="utf-8")
    locations = parse_nginx(text)
    css = hashed_css(full_site)
    assert set(locations) == {"/", *(f"= /{rel}" for rel in css), "= /feed.json"}
    policy = parse_headers((full_site / "_headers").read_text(encoding="utf-8"))["/*"]
    for match, headers in locations.items():
        assert {k: v for k, v in headers.items() if k != "Cache-Control"} == policy, match
    assert locations["/"]["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert all(locations[f"= /{rel}"]["Cache-Control"] == FOR_EVER for rel in css)
    assert locations["= /feed.json"]["Cache-Control"] == "public, max-age=0, must-revalidate"
    feed_block = text.split("location = /feed.json {\n", 1)[1].split("\n}", 1)[0].splitlines()
    assert feed_block[-2:] == ["    types { }", "    default_type application/feed+json;"]
    assert "error_page 404 /404.html;" in text.splitlines()


def test_under_a_sub_path_every_rule_starts_with_the_base_path(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"content/posts/a.md": post("Ett inlägg", "2016-03-04")})
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "https://example.org/", "https://example.org/blogg/"), encoding="utf-8")
    build(site, BuildOptions(now=NOW))
    out = site / "output"
    rules = parse_headers((out / "_headers").read_text(encoding="utf-8"))
    css = hashed_css(out)
    assert set(rules) == {"/blogg/*", *(f"/blogg/{rel}" for rel in css), "/blogg/feed.json"}
    text = (out / "_nginx.conf").read_text(encoding="utf-8")
    assert set(parse_nginx(text)) == {"/blogg/", *(f"= /blogg/{rel}" for rel in css), "= /blogg/feed.json"}
    assert "error_page 404 /blogg/404.html;" in text.splitlines()
