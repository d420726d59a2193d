"""Images: sizes from the files, lazy loading, alt text, images beside posts, the `image` key."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import cast

import pytest
from markdown_it import MarkdownIt
from PIL import Image

from sbuv_site import imagefiles
from sbuv_site.build import BuildOptions, build
from sbuv_site.errors import SiteError, flatten
from sbuv_site.imagefiles import image_size, svg_size
from sbuv_site.images import ImageSize, find_image_uses
from sbuv_site.importer.html_markdown import convert_html
from sbuv_site.markup import make_markdown, render_markdown
from tests.conftest import NOW, post
from tests.htmltree import Node, parse_file, parse_html
from tests.test_bad_inputs import troubleshooting_patterns

Site = Callable[..., Path]


def picture(path: Path, size: tuple[int, int], kind: str = "PNG") -> Path:
    """A real image file made by Pillow, of the given size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (20, 90, 160)).save(path, kind)
    return path


def built(root: Path, **options: object) -> Path:
    build(root, BuildOptions(now=NOW, output=root / "output", **options))  # type: ignore[arg-type]
    return root / "output"


def problems(root: Path) -> list[str]:
    with pytest.raises((SiteError, ExceptionGroup)) as caught:
        build(root, BuildOptions(now=NOW, output=root / "output"))
    return [f"{e.path}:{e.line}: {e.message}" for e in flatten(caught.value)]


def images(page: Node) -> dict[str, dict[str, str | None]]:
    found = page.find("main").find_all("img")
    return {str(img.get("src")): {name: img.get(name) for name in
                                  ("alt", "width", "height", "loading", "decoding")} for img in found}


def meta(page: Node, name: str) -> str | None:
    tags = [t for t in page.find_all("meta") if name in (t.get("property"), t.get("name"))]
    return tags[0].get("content") if tags else None


BODY = """\
Första stycket med ![Karta över Umeå](bild.png).

![Statistik](/bilder/statistik.jpg)

![-](/bilder/linje.svg)

![Älven](https://example.com/alv.jpg)
"""


def test_local_images_get_their_size_lazy_loading_and_async_decoding(scratch_site: Site) -> None:
    root = scratch_site({"content/posts/umea.md": post("Besök i Umeå", "2015-12-01", BODY)})
    picture(root / "content/posts/bild.png", (640, 480))
    picture(root / "static/bilder/statistik.jpg", (1024, 768), "JPEG")
    (root / "static/bilder/linje.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 4"><path d="M0 2h300"/></svg>',
        encoding="utf-8")
    page = parse_file(built(root) / "2015/12/besok-i-umea/index.html")
    lazy = {"loading": "lazy", "decoding": "async"}
    assert images(page) == {
        "bild.png": {"alt": "Karta över Umeå", "width": "640", "height": "480", **lazy},
        "/bilder/statistik.jpg": {"alt": "Statistik", "width": "1024", "height": "768", **lazy},
        "/bilder/linje.svg": {"alt": "", "width": "300", "height": "4", **lazy},  # '-': decorative
        "https://example.com/alv.jpg": {"alt": "Älven", "width": None, "height": None,
                                        "loading": None, "decoding": None},  # left as it is
    }


def test_an_image_beside_a_post_is_copied_next_to_its_page_and_lists_link_the_copy(
        scratch_site: Site) -> None:
    first = BODY.split("\n")[0]
    root = scratch_site({"content/posts/2015/umea.md": post("Besök i Umeå", "2015-12-01", first),
                         "content/posts/2015/oanvand.md": post("Utan bild", "2015-11-01")})
    source = picture(root / "content/posts/2015/bild.png", (64, 48))
    picture(root / "content/posts/2015/oanvand.png", (10, 10))  # shown by no post
    out = built(root)
    assert (out / "2015/12/besok-i-umea/bild.png").read_bytes() == source.read_bytes()
    published = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.png"))
    assert published == ["2015/12/besok-i-umea/bild.png"]
    # the home page shows the first paragraph at another address: it links the copy from the root
    summary = parse_file(out / "index.html").find("main").find("img")
    assert (summary.get("src"), summary.get("width")) == ("/2015/12/besok-i-umea/bild.png", "64")
    feed = (out / "atom.xml").read_text(encoding="utf-8")
    assert "https://example.org/2015/12/besok-i-umea/bild.png" in feed


def test_an_image_beside_a_draft_that_is_left_out_is_not_published(scratch_site: Site) -> None:
    root = scratch_site({"content/posts/utkast.md": post("Utkast", "2015-12-01", "![Bild](bild.png)",
                                                         draft="true")})
    picture(root / "content/posts/bild.png", (8, 8))
    assert not list(built(root).rglob("*.png"))
    assert list(built(root, drafts=True).rglob("bild.png"))


def test_only_the_images_a_post_shows_are_opened(scratch_site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    root = scratch_site({"content/posts/a.md": post("A", "2015-12-01", "![Bild](bild.png)"),
                         "content/posts/b.md": post("B", "2015-12-02", "Ingen bild, `![kod](x.png)`."),
                         "content/pages/om.md": "---\ntitle: Om\n---\n\nText.\n"})
    for name in ("bild.png", "x.png", "annan.png"):
        picture(root / "content/posts" / name, (4, 4))
    opened: list[str] = []
    real = imagefiles.read_bounded

    def counting(path: Path, *args: object, **kwargs: object) -> bytes:
        opened.append(Path(path).name)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(imagefiles, "read_bounded", counting)
    built(root)
    assert opened == ["bild.png"]


def test_a_text_without_an_image_is_not_even_parsed() -> None:
    no_parser = cast(MarkdownIt, None)  # parsing would fail: the check for '![' comes first
    assert find_image_uses(no_parser, "Ett stycke [med en länk](x.png) och ! [ingen bild].", 5) == ()


def test_each_image_is_found_at_its_own_line_of_the_file() -> None:
    text = ("Ett stycke\nsom fortsätter ![A](a.png)\n\n| x | y |\n|---|---|\n| 1 | ![B](b.png) |\n\n"
            "Text[^1] och ![C][ref]\n\n[ref]: c.png\n[^1]: Not ![D](d.png)\n\n```\n![kod](e.png)\n```\n")
    uses = find_image_uses(make_markdown(), text, 10)
    assert [(u.src, u.alt, u.line) for u in uses] == [
        ("a.png", "A", 11), ("b.png", "B", 15), ("c.png", "C", 17), ("d.png", "D", 20)]


def test_the_post_image_is_shown_at_the_top_and_used_for_link_previews(scratch_site: Site) -> None:
    root = scratch_site({
        "content/posts/umea.md": post("Besök i Umeå", "2015-12-01", "Text.", image="omslag.jpg",
                                      image_alt="Fyra personer vid ett bord"),
        "content/posts/kalix.md": post("Besök i Kalix", "2015-12-02")})
    picture(root / "content/posts/omslag.jpg", (1200, 630), "JPEG")
    out = built(root)
    page = parse_file(out / "2015/12/besok-i-umea/index.html")
    figure = page.find("article").find("figure").find("img")
    assert {n: figure.get(n) for n in ("src", "alt", "width", "height", "loading")} == {
        "src": "/2015/12/besok-i-umea/omslag.jpg", "alt": "Fyra personer vid ett bord",
        "width": "1200", "height": "630", "loading": None}  # above the fold: not lazy
    assert (out / "2015/12/besok-i-umea/omslag.jpg").is_file()
    assert [meta(page, n) for n in ("og:image", "og:image:width", "og:image:height", "og:image:alt",
                                    "twitter:card")] == [
        "https://example.org/2015/12/besok-i-umea/omslag.jpg", "1200", "630", "Fyra personer vid ett bord",
        "summary_large_image"]
    plain = parse_file(out / "2015/12/besok-i-kalix/index.html")
    assert (meta(plain, "og:image"), meta(plain, "twitter:card")) == (None, "summary")
    assert not plain.find("article").find_all("figure")


def test_a_remote_or_decorative_post_image_under_a_sub_path(scratch_site: Site) -> None:
    root = scratch_site({
        "content/posts/a.md": post("A", "2015-12-01", image="https://example.com/a.jpg", image_alt="Älven"),
        "content/posts/b.md": post("B", "2015-12-02", image="/bilder/b.png", image_alt='"-"')})
    (root / "config.yaml").write_text("title: T\nbase_url: https://example.org/blogg/\n", encoding="utf-8")
    picture(root / "static/bilder/b.png", (300, 200))
    out = built(root)
    remote = parse_file(out / "2015/12/a/index.html")
    assert [meta(remote, n) for n in ("og:image", "og:image:width", "og:image:alt")] == [
        "https://example.com/a.jpg", None, "Älven"]
    decorative = parse_file(out / "2015/12/b/index.html")
    img = decorative.find("figure").find("img")
    assert (img.get("src"), img.get("alt"), img.get("width")) == ("/blogg/bilder/b.png", "", "300")
    assert [meta(decorative, n) for n in ("og:image", "og:image:alt")] == [
        "https://example.org/blogg/bilder/b.png", None]


def test_markdown_images_are_found_under_a_sub_path_base_url(scratch_site: Site) -> None:
    root = scratch_site({"content/posts/a.md": post("A", "2015-12-01", "![Bild](/bilder/a.png)")})
    (root / "config.yaml").write_text("title: T\nbase_url: https://example.org/blogg/\n", encoding="utf-8")
    picture(root / "static/bilder/a.png", (30, 20))
    img = parse_file(built(root) / "2015/12/a/index.html").find("main").find("img")
    assert (img.get("src"), img.get("width"), img.get("height")) == ("/blogg/bilder/a.png", "30", "20")


def test_the_html_cleaner_keeps_the_image_attributes() -> None:
    md = make_markdown(allow_html=True)
    html = render_markdown(md, "![Bild](a.png)", {"a.png": ImageSize(5, 4)}).html
    img = parse_html(html).find("img")
    assert [img.get(n) for n in ("width", "height", "loading", "decoding")] == ["5", "4", "lazy", "async"]


def test_all_image_problems_of_a_site_are_reported_at_once(scratch_site: Site) -> None:
    root = scratch_site({"content/posts/a.md": post("A", "2015-12-01", "![](a.png)\n\n![B](/b.png)"),
                         "content/pages/om.md": "---\ntitle: Om\n---\n\n![Om](../x.png)\n"})
    picture(root / "content/posts/a.png", (4, 4))
    assert problems(root) == [
        "content/pages/om.md:5: image '../x.png' lies outside the post's folder",
        "content/posts/a.md:6: image 'a.png' has no alt text",
        "content/posts/a.md:8: image '/b.png' is not found"]


def test_a_decorative_image_alt_written_without_quotes_gets_a_hint_to_quote_it(scratch_site: Site) -> None:
    root = scratch_site({"content/posts/a.md": post("A", "2015-12-01", image="a.png", image_alt="-")})
    with pytest.raises(SiteError) as caught:
        build(root, BuildOptions(now=NOW, output=root / "output"))
    assert caught.value.line == 5 and 'image_alt: "-"' in str(caught.value.hint)


def test_an_image_too_large_for_the_limit_is_refused_before_it_is_read(
        scratch_site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    root = scratch_site({"content/posts/a.md": post("A", "2015-12-01", "![Bild](a.png)")})
    picture(root / "content/posts/a.png", (100, 100))
    monkeypatch.setattr(imagefiles, "MAX_IMAGE_BYTES", 50)
    [problem] = problems(root)
    assert problem.startswith("content/posts/a.md:6: image 'a.png': file is 0.0 MB; an image may be at most")


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header(width: int, height: int) -> bytes:
    """A PNG that states a size in its header and has no pixels (an empty IDAT): all Pillow reads."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", b"")


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF", "WEBP"])
def test_the_size_of_each_web_format_is_read(kind: str) -> None:
    data = BytesIO()
    Image.new("RGB", (37, 21), "white").save(data, kind)
    assert image_size(data.getvalue(), svg=False) == ImageSize(37, 21)


def test_a_format_browsers_do_not_all_show_cannot_be_read() -> None:
    data = BytesIO()
    Image.new("RGB", (4, 4), "white").save(data, "BMP")
    with pytest.raises(imagefiles._Unreadable, match="not a PNG, JPEG, GIF, WebP or SVG image"):
        image_size(data.getvalue(), svg=False)


def test_pillow_reads_only_the_header() -> None:
    assert image_size(png_header(4000, 3000), svg=False) == ImageSize(4000, 3000)  # no pixel data at all


def test_a_decompression_bomb_is_refused_and_never_expanded() -> None:
    with pytest.raises(imagefiles._Unreadable, match="more than"):
        image_size(png_header(60000, 60000), svg=False)


@pytest.mark.parametrize(("root", "size"), [
    ('width="120" height="80"', ImageSize(120, 80)),
    ('width="120px" height="80.4px"', ImageSize(120, 80)),
    ('viewBox="0 0 24 12"', ImageSize(24, 12)),
    ('width="48" viewBox="0,0,24,12"', ImageSize(48, 24)),
    ('width="100%" height="100%"', ImageSize(None, None)),
    ('', ImageSize(None, None)),
])
def test_an_svg_size_comes_from_its_root_element(root: str, size: ImageSize) -> None:
    data = f'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" {root}><g/></svg>'.encode()
    assert svg_size(data) == size


@pytest.mark.parametrize("data", [b"<svg", b"<html><body/></html>", b"\x89PNG"])
def test_an_svg_that_is_broken_or_no_svg_cannot_be_read(data: bytes) -> None:
    with pytest.raises(imagefiles._Unreadable):
        svg_size(data)


def test_the_importer_keeps_alt_text_marks_the_rest_decorative_and_links_old_server_images() -> None:
    result = convert_html('<p><img src="/wp-content/uploads/a.jpg" alt=""> och '
                          '<img src="https://cdn.example/b.png" alt="Bro"></p>',
                          base="https://blogg.example/2015/12/01/besok/")
    assert result.markdown.strip() == (
        "![-](https://blogg.example/wp-content/uploads/a.jpg) och ![Bro](https://cdn.example/b.png)")
    assert len(result.notes) == 2
    assert all(any(p.search(f"post 1: {note}") for p in troubleshooting_patterns()) for note in result.notes)
    page = parse_html(make_markdown().render(result.markdown))
    assert [img.get("alt") for img in page.find_all("img")] == ["", "Bro"]
