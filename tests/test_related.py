"""Related posts: the key index (closest first, bounded work) and what model puts under each post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sbuv_site.dates import PostDate
from sbuv_site.model import MORE_PER_PLACE, RELATED_COUNT, Link, Post, Source, make_further_reading
from sbuv_site.municipalities import Municipality, load_registry
from sbuv_site.related import KeyIndex


def by_name(name: str) -> Municipality:
    return next(m for m in load_registry().municipalities if m.name == name)


def make_post(number: int, places: tuple[str, ...] = (), tags: tuple[str, ...] = ()) -> Post:
    """Post number n is n days older than post 0, so a list of them is newest first."""
    published = datetime(2017, 1, 1, tzinfo=UTC) - timedelta(days=number)
    municipalities = tuple(by_name(n) for n in places)
    return Post(
        slug=f"p{number}", title=f"Inlägg {number}",
        date=PostDate(published.year, published.month, published), updated=None,
        municipalities=municipalities,
        municipality_links=tuple(Link(m.name, f"/kommuner/{m.slug}/") for m in municipalities),
        tag_links=tuple(Link(t, f"/taggar/{t}/") for t in tags), body_html="", summary_html="",
        author="", byline=None, image=None, origin=None, draft=False, source=Source(Path(f"p{number}.md"), 2),
        url=f"/p{number}/", toc=())


def titles(posts: tuple[Post, ...]) -> list[str]:
    return [p.title for p in posts]


class CountingList(list[int]):
    """A list that counts how many of its items were read."""

    reads = 0

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        CountingList.reads += 1
        return super().__getitem__(index)


def test_nearest_takes_the_closest_positions_and_the_lower_one_on_a_tie() -> None:
    index = KeyIndex([["a"], ["a"], ["a"], ["a"], ["a"], ["a"], ["a"]])
    assert index.nearest(3, ["a"], {3}, 4) == [2, 4, 1, 5]
    assert index.nearest(0, ["a"], {0}, 2) == [1, 2]
    assert index.nearest(6, ["a"], {6}, 2) == [5, 4]


def test_nearest_merges_keys_passes_over_skipped_items_and_counts_a_repeated_key_once() -> None:
    index = KeyIndex([["x"], ["y", "y"], ["x"], ["z"], ["y"], ["x", "y"]])
    assert index.positions("y") == [1, 4, 5]
    assert index.nearest(3, ["x", "y"], {3, 2}, 3) == [4, 1, 5]
    assert index.nearest(3, ["z"], {3}, 3) == []  # only the asking item has z
    assert index.nearest(3, ["nobody"], {3}, 3) == []
    assert index.nearest(3, ["x"], {3}, 0) == []


def test_nearest_reads_a_few_items_around_the_asker_however_long_the_list() -> None:
    """The point of the index: 100,000 posts with one tag cost a handful of reads, not 100,000."""
    index = KeyIndex([["tag"]] * 100_000)
    index._lists["tag"] = CountingList(index._lists["tag"])  # count reads of the one long list
    CountingList.reads = 0
    skip = {50_000, 49_999, 50_001}
    assert index.nearest(50_000, ["tag"], skip, 3) == [49_998, 50_002, 49_997]
    assert CountingList.reads <= 50  # bisect's 17 probes, then about 3 reads per step outwards


def test_more_about_a_place_lists_its_newest_other_posts_and_counts_them_all() -> None:
    posts = [make_post(n, ("Umeå",)) for n in range(6)] + [make_post(6, ("Borås",))]
    further = make_further_reading(posts)
    (more,) = further["/p2/"].more
    assert (more.name, more.url, more.total) == ("Umeå", "/kommuner/umea/", 6)
    assert titles(more.posts) == ["Inlägg 0", "Inlägg 1", "Inlägg 3"]  # newest first, itself left out
    assert len(more.posts) == MORE_PER_PLACE
    assert further["/p6/"].more == ()  # the only post about Borås: nothing more to list


def test_related_goes_by_place_then_county_then_tag_and_never_repeats_what_is_shown() -> None:
    posts = [
        make_post(0, ("Umeå",)),  # same place, listed under "Fler inlägg om Umeå" for post 4
        make_post(1, ("Skellefteå",), ("kompetens",)),  # same county (Västerbotten)
        make_post(2, ("Göteborg",), ("kompetens",)),  # shares a tag only
        make_post(3, ("Umeå",)),
        make_post(4, ("Umeå",), ("kompetens",)),  # the post we look from
        make_post(5, ("Umeå",)),
        make_post(6, ("Umeå",)),
        make_post(7, ("Umeå",)),  # same place, fifth closest: not in "more" (3 newest), so related
        make_post(8, ("Lund",)),  # nothing in common
    ]
    reading = make_further_reading(posts)["/p4/"]
    assert titles(reading.more[0].posts) == ["Inlägg 0", "Inlägg 3", "Inlägg 5"]
    assert titles(reading.related) == ["Inlägg 6", "Inlägg 7", "Inlägg 1"]
    assert len(reading.related) == RELATED_COUNT
    alone = make_further_reading(posts)["/p8/"]
    assert (alone.more, alone.related) == ((), ())


def test_related_by_tag_prefers_the_post_closest_in_time() -> None:
    posts = [make_post(n, (), ("samverkan",) if n != 5 else ()) for n in range(10)]
    assert titles(make_further_reading(posts)["/p3/"].related) == ["Inlägg 2", "Inlägg 4", "Inlägg 1"]
    assert titles(make_further_reading(posts)["/p5/"].related) == []  # it has no tag, no place


def test_a_post_about_two_places_gets_more_about_each_and_is_never_related_to_itself() -> None:
    posts = [make_post(0, ("Haninge", "Kalix")), make_post(1, ("Haninge",)), make_post(2, ("Kalix",)),
             make_post(3, ("Nynäshamn",))]  # Stockholms län, like Haninge
    reading = make_further_reading(posts)["/p0/"]
    assert [(m.name, titles(m.posts)) for m in reading.more] == [("Haninge", ["Inlägg 1"]),
                                                                  ("Kalix", ["Inlägg 2"])]
    assert titles(reading.related) == ["Inlägg 3"]


def test_ten_thousand_posts_each_get_three_related_others_from_their_own_place() -> None:
    count = 10_000
    names = [m.name for m in load_registry().municipalities]
    posts = [make_post(n, (names[n % len(names)],), (f"tagg{n % 40}", f"tema{n % 7}")) for n in range(count)]
    further = make_further_reading(posts)
    assert len(further) == count
    for post in posts[::97]:
        reading = further[post.url]
        related = {p.url for p in reading.related}
        shown = {p.url for m in reading.more for p in m.posts}
        assert len(reading.related) == RELATED_COUNT and post.url not in related | shown
        assert not related & shown
        place = post.municipalities[0].code
        assert all(p.municipalities[0].code == place for p in reading.related)  # enough in its place
