"""newsarchive.evidence.reader on WARC files two other writers made of a real local server:
warcio's ``capture_http`` and ``wget --warc-file``. Bodies must come back as the server's
entity bytes, offsets must agree with warcio's own index, and wget's revisits must be read."""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.capture_http import capture_http

from newsarchive.evidence.reader import WarcEntry, read_record_at, read_warc
from tests.support.warcs import CODING_PAGES, CodingSite

pytestmark = pytest.mark.slow

WGET = shutil.which("wget")
WARCIO = Path(sys.executable).with_name("warcio")
PATHS = ["/news/1", "/news/2", "/news/3", "/news/4", "/missing"]


@pytest.fixture(scope="module")
def site() -> Iterator[CodingSite]:
    with CodingSite() as server:
        yield server


def entries_of(path: Path) -> list[WarcEntry]:
    """Every record, asserting that the file reads without a problem."""
    items = list(read_warc(path))
    assert [i for i in items if not isinstance(i, WarcEntry)] == []
    return [i for i in items if isinstance(i, WarcEntry)]


def warcio_index(path: Path) -> list[tuple[int, int, str]]:
    """(offset, length, type) of each record as warcio's own iterator finds them."""
    with path.open("rb") as handle:
        records = ArchiveIterator(handle)
        return [
            (records.get_record_offset(), records.get_record_length(), record.rec_type)
            for record in records
        ]


def expected_pages(site: CodingSite) -> dict[str, tuple[int, bytes]]:
    base = site.url.rstrip("/")
    return {base + path: (CODING_PAGES[path][0], CODING_PAGES[path][3]) for path in PATHS}


def test_warcio_capture_http(tmp_path: Path, site: CodingSite) -> None:
    path = tmp_path / "capture.warc.gz"
    with capture_http(str(path)):
        for page in PATHS:
            try:
                with urllib.request.urlopen(site.url.rstrip("/") + page, timeout=10) as answer:
                    answer.read()
            except urllib.error.HTTPError as error:
                error.read()
    entries = entries_of(path)
    base = site.url.rstrip("/")
    # capture_http writes each response before the request that asked for it.
    assert [(e.record_type, e.target_uri) for e in entries] == [
        (kind, base + page) for page in PATHS for kind in ("response", "request")
    ]
    assert {
        e.target_uri: (e.http_status, e.body) for e in entries if e.record_type == "response"
    } == expected_pages(site)
    assert [e.http_line for e in entries if e.record_type == "request"] == [
        f"GET {page} HTTP/1.1" for page in PATHS
    ]
    chunked = next(e for e in entries if e.target_uri == base + "/news/3")
    assert chunked.http_header("Transfer-Encoding") == "chunked"  # stored as sent
    assert [(e.offset, e.length, e.record_type) for e in entries] == warcio_index(path)
    for entry in entries:
        assert read_record_at(path, entry.offset) == entry


@pytest.mark.skipif(WGET is None, reason="wget is not installed")
def test_wget_warc_file_and_its_revisits(tmp_path: Path, site: CodingSite) -> None:
    assert WGET is not None
    base = site.url.rstrip("/")
    wget = [WGET, "-e", "robots=off", "--no-verbose", "-O", "/dev/null"]
    subprocess.run(
        [*wget, "--warc-file=first", "--warc-cdx", *(base + p for p in PATHS)],
        cwd=tmp_path,
        check=False,  # wget exits 8 for the 404
        capture_output=True,
        timeout=60,
    )
    # Fetched again against the first file's CDX, an unchanged page becomes a revisit.
    subprocess.run(
        [*wget, "--warc-file=second", "--warc-dedup=first.cdx", base + "/news/1"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=60,
    )
    first, second = tmp_path / "first.warc.gz", tmp_path / "second.warc.gz"
    entries = entries_of(first)
    assert [e.record_type for e in entries] == [
        "warcinfo",
        *["request", "response"] * len(PATHS),
        "metadata",
        "resource",
        "resource",
    ]
    info = entries[0]
    assert info.warcinfo is not None
    assert info.warcinfo["software"].startswith("Wget/")
    assert info.warcinfo["format"] == "WARC File Format 1.0"
    responses = [e for e in entries if e.record_type == "response"]
    assert {e.target_uri: (e.http_status, e.body) for e in responses} == expected_pages(site)
    # wget keeps the chunked message and the gzip coding as they came.
    assert responses[2].http_header("Transfer-Encoding") == "chunked"
    assert responses[1].http_header("Content-Encoding") == "gzip"
    assert [(e.offset, e.length, e.record_type) for e in entries] == warcio_index(first)
    for entry in entries:
        assert read_record_at(first, entry.offset) == entry

    again = entries_of(second)
    assert [e.record_type for e in again] == [
        "warcinfo",
        "request",
        "revisit",
        "metadata",
        "resource",
        "resource",
    ]
    seen = again[2]
    assert seen.target_uri == base + "/news/1"  # wget's <...> taken off
    assert (seen.http_status, seen.body) == (200, None)
    assert seen.refers_to is not None
    assert (seen.refers_to.target_uri, seen.refers_to.date) == (None, None)
    assert seen.refers_to.record_id == responses[0].record_id
    assert seen.payload_digest == responses[0].payload_digest
    assert seen.warc_header("WARC-Profile") == (
        "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"
    )
    assert read_record_at(second, seen.offset) == seen

    # warcio's own check passes both files (a revisit's digests it leaves unchecked).
    checked = subprocess.run(
        [str(WARCIO), "check", str(first), str(second)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (checked.returncode, checked.stdout) == (0, "")
