"""WordPress exports: published posts only, with dates, slugs and terms; no comments, no attachments."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sbuv_site.errors import SiteError
from sbuv_site.importer import import_paths
from sbuv_site.importer.post_file import ImportedPost
from sbuv_site.importer.wxr import read_wxr
from sbuv_site.municipalities import load_registry

FIXTURE = Path(__file__).resolve().parent / "fixtures/import/wordpress-export.xml"
REAL_EXPORTS = Path(__file__).resolve().parents[2] / "shared/testdata/wxr"
ALLOWED_KEYS = {"title", "date", "municipality", "tags", "summary", "slug", "draft", "updated", "author",
                "image", "source", "aliases"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Published posts per export, as its README counts them.
PUBLISHED = {
    "pelican-wordpressexport.xml": 7,
    "jekyll-import-sitetitle.wordpress.2025-01-19.000.xml": 7,
    "wordpress-importer-theme-unit-test-data.xml": 56,
    "wordpress-importer-wxr-utf-8-challenges.xml": 1,
    "nikola-wordpress_unicode_export.xml": 1,
}


def fixture_posts() -> dict[str, ImportedPost]:
    export = read_wxr(FIXTURE.read_bytes(), FIXTURE, load_registry())
    return {post.stem: post for post in export.posts}


def real_export(name: str) -> Path:
    path = REAL_EXPORTS / name
    if not path.is_file():
        pytest.skip(f"{path} is not here (the shared test data lives outside the repository)")
    return path


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    data = yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))
    assert isinstance(data, dict)
    return data


def test_only_published_posts_are_imported_from_the_fixture() -> None:
    export = read_wxr(FIXTURE.read_bytes(), FIXTURE, load_registry())
    assert [post.title for post in export.posts] == [
        "Besök i Umeå: en dag i december", "Hälsa & vård i Kalix", "Internt: planering", "utan-rubrik",
        "Arkiv"]
    assert export.not_imported == "1 × attachment, 1 × draft post, 1 × page; 2 comments dropped"


def test_a_post_keeps_its_local_date_slug_terms_author_and_source() -> None:
    post = fixture_posts()["besok-i-umea"]
    assert post.date == "2015-12-01 00:30"  # post_date, not the gmt date of the day before
    assert post.slug == "besok-i-umea"
    assert post.tags == ("Kommunbesök", "samverkan")  # no 'Okategoriserade', 'Samverkan' folded in
    assert post.municipalities == ("Umeå",)  # the tag 'Umeå' is the municipality
    assert post.author == "Cecilia Grefve"
    assert post.source == ("WordPress-export wordpress-export.xml, post 10 (besok-i-umea): "
                           "https://socialbarnungdom.example/2015/12/01/besok-i-umea/")
    assert not post.draft and post.attention == ()


def test_comments_and_pingbacks_never_reach_the_imported_files(tmp_path: Path) -> None:
    import_paths([FIXTURE], tmp_path)
    text = "".join(path.read_text(encoding="utf-8") for path in tmp_path.glob("*.md"))
    assert "Kommentarstext" not in text and "Pingback-text" not in text and "En besökare" not in text
    assert "Utkasttext" not in text and "Sidans text" not in text


def test_html_title_entities_and_a_percent_encoded_emoji_slug_are_made_safe() -> None:
    post = fixture_posts()["halsa-och-vard"]
    assert post.title == "Hälsa & vård i Kalix"
    assert post.municipalities == ("Kalix",)
    assert "\u202e" not in post.source
    assert post.attention == ("not imported: <iframe> https://video.example/embed/42, <script>",)


def test_password_posts_become_drafts_and_titleless_posts_use_their_slug() -> None:
    posts = fixture_posts()
    protected, untitled = posts["internt-planering"], posts["utan-rubrik"]
    assert protected.draft and protected.date == "2016-05-10 08:00"
    assert "post 15 was password-protected; imported as a draft" in protected.attention
    assert untitled.title == "utan-rubrik"
    assert "post 16 has no title; used 'utan-rubrik': write a real title" in untitled.attention


def test_an_old_slug_that_names_a_site_page_is_renamed_and_reported() -> None:
    post = fixture_posts()["arkiv-inlagg"]
    assert post.slug == "arkiv-inlagg"
    assert any("'arkiv' is the name of one of the site's own pages" in note for note in post.attention)


def test_the_https_namespace_is_read_like_the_http_one(tmp_path: Path) -> None:
    https = tmp_path / "https-export.xml"
    https.write_bytes(FIXTURE.read_bytes().replace(b"http://wordpress.org/export/", b"https://wordpress.org/export/"))
    export = read_wxr(https.read_bytes(), https, load_registry())
    assert len(export.posts) == 5


def test_malformed_xml_is_a_site_error_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text("<rss>\n<channel>\n<item><title>x</titel></item>\n</channel></rss>\n", encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        read_wxr(broken.read_bytes(), broken, load_registry())
    assert caught.value.line == 3
    assert caught.value.message.startswith("malformed XML: mismatched tag")
    assert caught.value.hint is not None


def test_xml_that_is_not_a_wordpress_export_is_refused(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text("<rss><channel><item><title>x</title></item></channel></rss>", encoding="utf-8")
    with pytest.raises(SiteError, match="not a WordPress export"):
        read_wxr(feed.read_bytes(), feed, load_registry())


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_every_published_post_of_a_real_export_becomes_a_valid_file(name: str, tmp_path: Path) -> None:
    path = real_export(name)
    report = import_paths([path], tmp_path)
    files = sorted(tmp_path.glob("*.md"))
    assert len(report.created) == len(files) == PUBLISHED[name]
    for file in files:
        data = front_matter(file)
        assert set(data) <= ALLOWED_KEYS
        assert isinstance(data["title"], str) and data["title"].strip()
        assert SLUG.match(file.stem) and data["slug"] == file.stem
        assert data.get("draft") or re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", str(data["date"]))
        assert all(isinstance(tag, str) for tag in data.get("tags", []))


def test_a_real_export_never_leaks_its_comments(tmp_path: Path) -> None:
    path = real_export("pelican-wordpressexport.xml")
    source = path.read_text(encoding="utf-8")
    comments = re.findall(r"<wp:comment_content><!\[CDATA\[(.*?)\]\]>", source, re.S)
    assert len(comments) == 4
    report = import_paths([path], tmp_path)
    text = "".join(file.read_text(encoding="utf-8") for file in tmp_path.glob("*.md"))
    assert all(comment.strip()[:40] not in text for comment in comments if comment.strip())
    assert report.skipped[0].reason.endswith("4 comments dropped")


def test_the_local_post_date_is_kept_where_the_gmt_date_is_a_day_later(tmp_path: Path) -> None:
    import_paths([real_export("jekyll-import-sitetitle.wordpress.2025-01-19.000.xml")], tmp_path)
    dates = {str(front_matter(file)["date"])[:10] for file in tmp_path.glob("*.md")}
    assert dates == {"2025-01-18"}


def test_the_theme_unit_test_oddities_are_imported_and_reported(tmp_path: Path) -> None:
    report = import_paths([real_export("wordpress-importer-theme-unit-test-data.xml")], tmp_path)
    protected = front_matter(tmp_path / "template-password-protected.md")
    assert protected["draft"] is True
    assert front_matter(tmp_path / "edge-case-no-title.md")["title"] == "edge-case-no-title"
    assert front_matter(tmp_path / "markup-title-with-markup.md")["title"] == "Markup: Title With Markup"
    assert not (tmp_path / "scheduled.md").exists() and not (tmp_path / "draft.md").exists()
    reasons = [entry.reason for entry in report.needs_attention]
    assert "post 1168 was password-protected; imported as a draft" in reasons
    assert "post 1169 has no title; used 'edge-case-no-title': write a real title" in reasons
    tags = front_matter(tmp_path / "edge-case-many-tags.md")["tags"]
    assert isinstance(tags, list) and len(tags) == len({t.casefold() for t in tags}) > 30


def test_bidi_characters_never_reach_a_file_name(tmp_path: Path) -> None:
    report = import_paths([real_export("wordpress-importer-wxr-utf-8-challenges.xml")], tmp_path)
    assert [file.name for file in tmp_path.glob("*.md")] == ["hello-world-utf8-test.md"]
    assert any("invisible direction or control characters" in e.reason for e in report.needs_attention)


def test_an_undeclared_atom_prefix_is_repaired_and_reported(tmp_path: Path) -> None:
    report = import_paths([real_export("nikola-wordpress_unicode_export.xml")], tmp_path)
    data = front_matter(tmp_path / "uniode-title.md")
    assert (data["title"], data["tags"]) == ("Úñî©òðé title", ["þág1", "þág²"])
    assert any("'atom:' without declaring it" in e.reason for e in report.needs_attention)


def test_titles_with_markup_characters_survive_yaml(tmp_path: Path) -> None:
    import_paths([real_export("pelican-wordpressexport.xml")], tmp_path)
    data = front_matter(tmp_path / "html-entity-test.md")
    assert data["title"] == "A normal post with some <html> entities in the title. You can't miss them."
