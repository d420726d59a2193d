"""Inputs that never end, are not files, or are XML attacks: a message each, nothing read unbounded."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

from sbuv_site.cli import main
from sbuv_site.errors import SiteError, flatten
from sbuv_site.importer import import_paths, wxr_xml
from sbuv_site.importer.input_files import FileKind, read_limited
from tests.test_bad_inputs import troubleshooting_patterns

PAGE = "Besök i Kalix\n\nkl. av | Taggar:\n\nVi var i Kalix. Kalix kommun bjöd in.\n\nKommentera\n"
WXR_HEAD = ('<rss xmlns:wp="http://wordpress.org/export/1.2/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            "<wp:wxr_version>1.2</wp:wxr_version>\n")
WXR_TAIL = "</channel></rss>\n"


def item(post_id: int, content: str = "<p>Text.</p>") -> str:
    return (f"<item><title>Inlägg {post_id}</title><wp:post_id>{post_id}</wp:post_id>"
            "<wp:post_date>2016-03-01 10:00:00</wp:post_date><wp:post_type>post</wp:post_type>"
            f"<wp:status>publish</wp:status><content:encoded><![CDATA[{content}]]></content:encoded></item>\n")


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """Turn a read that blocks (a FIFO opened for reading) into a failure instead of a stuck run."""

    def hung(signum: int, frame: FrameType | None) -> None:
        raise AssertionError("the importer blocked on an input")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def refused(paths: list[Path], into: Path) -> list[SiteError]:
    with pytest.raises((SiteError, ExceptionGroup)) as caught:
        import_paths(paths, into)
    found = flatten(caught.value)
    assert found and not into.exists(), "nothing is written when an input is refused"
    for problem in found:
        assert problem.hint and any(p.search(problem.message) for p in troubleshooting_patterns()), problem
    return found


def messages(paths: list[Path], into: Path) -> list[tuple[str, str]]:
    return [(Path(str(p.path)).name, p.message) for p in refused(paths, into)]


def test_a_saved_page_that_links_to_dev_zero_is_never_read(tmp_path: Path) -> None:
    os.symlink("/dev/zero", tmp_path / "noll.txt")
    assert messages([tmp_path / "noll.txt"], tmp_path / "posts") == [
        ("noll.txt", "this is a device, not a saved page; it is not read")]


def test_a_fifo_given_as_an_input_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "rör.xml")
    assert messages([tmp_path / "rör.xml"], tmp_path / "posts") == [
        ("rör.xml", "this is a named pipe (FIFO), not a WordPress export; it is not read")]


def test_a_folder_pipe_or_device_in_an_input_folder_is_reported_not_skipped(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    (inputs / "inne.xml").mkdir(parents=True)
    os.mkfifo(inputs / "rör.txt")
    os.symlink("/dev/zero", inputs / "noll.txt")
    (inputs / "sida.txt").write_text(PAGE, encoding="utf-8")
    assert sorted(messages([inputs], tmp_path / "posts")) == [
        ("inne.xml", "this is a folder, not a WordPress export"),
        ("noll.txt", "this is a device, not a saved page; it is not read"),
        ("rör.txt", "this is a named pipe (FIFO), not a saved page; it is not read"),
    ]


def test_a_huge_export_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "export.xml"
    with open(huge, "wb") as sparse:  # sparse: takes no disk space
        sparse.truncate(60_000_000)
    assert messages([huge], tmp_path / "posts") == [
        ("export.xml", "the file is 60 MB; a WordPress export may be at most 50 MB")]


def test_a_huge_saved_page_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "sida.txt"
    with open(huge, "wb") as sparse:
        sparse.truncate(2_500_000)
    assert messages([huge], tmp_path / "posts") == [
        ("sida.txt", "the file is 2.5 MB; a saved page may be at most 1 MB")]


def test_a_file_whose_size_stat_does_not_tell_is_read_only_up_to_the_limit() -> None:
    status = Path("/proc/self/status")  # a regular file of size 0 that holds more than 100 bytes
    if not status.is_file() or status.stat().st_size != 0:
        pytest.skip("needs Linux /proc")
    small = FileKind("a test file", 100, "hint", "size hint")
    with pytest.raises(SiteError) as caught:
        read_limited(status, small)
    assert caught.value.message == "the file is larger than 100 bytes, the most a test file may be"
    assert len(read_limited(status, FileKind("a test file", 1_000_000, "h", "h"))) > 100


@pytest.mark.parametrize(("case", "prolog", "body"), [
    ("xxe", '<!DOCTYPE rss [<!ENTITY passwd SYSTEM "file:///etc/passwd">]>', "&passwd;"),
    ("billion_laughs", "<!DOCTYPE rss [<!ENTITY lol \"lol\">"
     + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'
               for n in range(1, 10)) + "]>", "&lol9;"),
    ("quadratic_blowup", '<!DOCTYPE rss [<!ENTITY a "' + "x" * 50_000 + '">]>', "&a;" * 5_000),
    ("parameter_entity", '<!DOCTYPE rss [<!ENTITY % p "x"> <!ENTITY a "b">]>', "&a;"),
])
def test_an_export_that_declares_entities_is_refused(
        case: str, prolog: str, body: str, tmp_path: Path) -> None:
    export = tmp_path / f"{case}.xml"
    export.write_text(f'<?xml version="1.0"?>\n{prolog}\n{WXR_HEAD}{item(1, body)}{WXR_TAIL}',
                      encoding="utf-8")
    [problem] = refused([export], tmp_path / "posts")
    assert problem.line == 2
    assert problem.message.startswith("the export declares an XML entity ('")
    assert problem.message.endswith("'), which WordPress never does")


def test_an_undeclared_entity_is_malformed_xml_and_an_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    undeclared = tmp_path / "undeclared.xml"
    undeclared.write_text(WXR_HEAD + "<title>&passwd;</title>" + WXR_TAIL, encoding="utf-8")
    assert messages([undeclared], tmp_path / "posts") == [
        ("undeclared.xml", "malformed XML: undefined entity")]
    external = tmp_path / "external.xml"  # a DTD on a closed port: read, the import would fail
    external.write_text('<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/wxr.dtd">\n'
                        + WXR_HEAD + item(1) + WXR_TAIL, encoding="utf-8")
    assert len(import_paths([external], tmp_path / "posts").created) == 1


def test_an_item_with_too_many_elements_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wxr_xml, "MAX_ELEMENTS", 1_000)  # the real limit is 200,000: same code path
    export = tmp_path / "export.xml"
    export.write_text(WXR_HEAD + "<item>" + "<a><b/></a>" * 600 + "</item>" + item(2) + WXR_TAIL,
                      encoding="utf-8")
    assert messages([export], tmp_path / "posts") == [
        ("export.xml", "one element of the export holds more than 1,000 XML elements; "
                       "a WordPress post holds a few dozen")]


def test_deeply_nested_xml_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    export = tmp_path / "export.xml"
    export.write_text(WXR_HEAD + "<item>" + "<a>" * 250_000 + "</a>" * 250_000 + "</item>" + WXR_TAIL,
                      encoding="utf-8")
    assert messages([export], tmp_path / "posts") == [
        ("export.xml", "one element of the export holds more than 200,000 XML elements; "
                       "a WordPress post holds a few dozen")]


def test_an_export_with_too_many_items_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wxr_xml, "MAX_ITEMS", 50)
    export = tmp_path / "export.xml"
    export.write_text(WXR_HEAD + "<item/>" * 51 + WXR_TAIL, encoding="utf-8")
    assert messages([export], tmp_path / "posts") == [("export.xml", "the export holds more than 50 items")]


def test_many_small_elements_outside_items_are_read_and_dropped_one_at_a_time(tmp_path: Path) -> None:
    export = tmp_path / "export.xml"  # 300,000 elements: above the per-item limit, but none kept
    export.write_text(WXR_HEAD + "<x/>" * 300_000 + item(1) + WXR_TAIL, encoding="utf-8")
    assert len(import_paths([export], tmp_path / "posts").created) == 1


def test_every_oversized_post_of_an_export_is_reported(tmp_path: Path) -> None:
    export = tmp_path / "export.xml"
    big = "<p>" + "x" * 1_100_000 + "</p>"
    export.write_text(WXR_HEAD + item(1, big) + item(2) + item(3, big) + WXR_TAIL, encoding="utf-8")
    assert messages([export], tmp_path / "posts") == [
        ("export.xml", "post 1 holds 1.1 MB of HTML; a post may be at most 1 MB"),
        ("export.xml", "post 3 holds 1.1 MB of HTML; a post may be at most 1 MB"),
    ]


def test_the_command_line_refuses_a_fifo_and_dev_zero_with_messages_and_no_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(tmp_path / "rör.txt")
    os.symlink("/dev/zero", tmp_path / "noll.xml")
    code = main(["import", str(tmp_path / "rör.txt"), str(tmp_path / "noll.xml"),
                 "--into", str(tmp_path / "posts")])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert err.splitlines() == [
        f"{tmp_path / 'noll.xml'}: this is a device, not a WordPress export; it is not read",
        "  hint: give an ordinary file (a link to a device or a pipe cannot be read)",
        f"{tmp_path / 'rör.txt'}: this is a named pipe (FIFO), not a saved page; it is not read",
        "  hint: give an ordinary file (a link to a device or a pipe cannot be read)",
        "2 problems; nothing was written.",
    ]
