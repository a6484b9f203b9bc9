"""newsarchive.evidence.reader on WARC files warcio wrote: every field read back, every coding
undone, and each kind of damage reported once, with the records around it still read."""

from __future__ import annotations

import base64
import gzip
import hashlib
import random
import sys
import tracemalloc
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import brotli
import pytest

from newsarchive.evidence.reader import (
    RevisitTarget,
    WarcEntry,
    WarcProblem,
    WarcReadError,
    read_record_at,
    read_warc,
)
from tests.support.warcs import (
    Layout,
    chunked,
    http_message,
    page,
    plain,
    record_id,
    regzip,
    request,
    resource,
    response,
    revisit,
    warc_header,
    warcinfo,
    with_warc_header,
    write_huge_response,
)

INFO = {"software": "test-writer/1.0", "format": "WARC File Format 1.1", "isPartOf": "tests"}
HTML = [("Content-Type", "text/html; charset=utf-8")]
ZIPPED = [*HTML, ("Content-Encoding", "gzip")]
CHUNKED = [*HTML, ("Transfer-Encoding", "chunked")]


def uri(n: int) -> str:
    return f"http://example.uz/news/{n}"


def sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def simple(gzipped: bool, n: int) -> bytes:
    """A response record n for uri(n) with page(n) as a plain body."""
    return response(gzipped, n, uri(n), http_message("200 OK", HTML, page(n)))


def standard(gzipped: bool) -> list[bytes]:
    """warcinfo, request, responses plain / gzip-coded / chunked, a revisit, a resource."""
    return [
        warcinfo(gzipped, INFO),
        request(gzipped, 1, uri(1), "/news/1"),
        simple(gzipped, 2),
        response(gzipped, 3, uri(3), http_message("200 OK", ZIPPED, gzip.compress(page(3)))),
        response(gzipped, 4, uri(4), http_message("200 OK", CHUNKED, chunked(page(4)))),
        revisit(gzipped, 5, uri(2), sha1(page(2)), refers_to=2),
        resource(gzipped, 6, "metadata://tests/log", b"fetched 4 pages\n", "text/plain"),
    ]


def five(gzipped: bool) -> list[bytes]:
    """warcinfo and four plain responses (ids 1-4): the file the damage tests break."""
    return [warcinfo(gzipped, INFO), *(simple(gzipped, n) for n in range(1, 5))]


def summary(items: list[WarcEntry | WarcProblem]) -> list[tuple[Any, ...]]:
    return [
        ("entry", item.offset, item.record_id)
        if isinstance(item, WarcEntry)
        else ("problem", item.offset, item.reason)
        for item in items
    ]


def entries(layout: Layout, ids: list[int]) -> list[tuple[Any, ...]]:
    """The summary of good records: part index i holds record id i."""
    return [("entry", layout.offsets[i], record_id(i)) for i in ids]


GZ = pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])


# -- reading what warcio wrote ------------------------------------------------------------
@GZ
def test_reads_every_record_with_offsets_lengths_and_bodies(tmp_path: Path, gzipped: bool) -> None:
    layout = Layout(tuple(standard(gzipped)))
    path = layout.write(tmp_path / "a.warc")
    items = list(read_warc(path))
    assert [
        (i.offset, i.length, i.record_type, i.record_id, i.target_uri, i.http_status, i.body)
        for i in items
        if isinstance(i, WarcEntry)
    ] == [
        (layout.offsets[0], len(layout.parts[0]), "warcinfo", record_id(0), None, None,
         b"software: test-writer/1.0\r\nformat: WARC File Format 1.1\r\nisPartOf: tests\r\n"),
        (layout.offsets[1], len(layout.parts[1]), "request", record_id(1), uri(1), None, b""),
        (layout.offsets[2], len(layout.parts[2]), "response", record_id(2), uri(2), 200, page(2)),
        (layout.offsets[3], len(layout.parts[3]), "response", record_id(3), uri(3), 200, page(3)),
        (layout.offsets[4], len(layout.parts[4]), "response", record_id(4), uri(4), 200, page(4)),
        (layout.offsets[5], len(layout.parts[5]), "revisit", record_id(5), uri(2), 200, None),
        (layout.offsets[6], len(layout.parts[6]), "resource", record_id(6),
         "metadata://tests/log", None, b"fetched 4 pages\n"),
    ]  # fmt: skip
    for item in items:
        assert isinstance(item, WarcEntry)
        assert item.offset_in_member is None
        assert read_record_at(path, item.offset) == item


def test_a_response_s_fields(tmp_path: Path) -> None:
    parts = standard(True)
    path = Layout(tuple(parts)).write(tmp_path / "a.warc.gz")
    entry = read_record_at(path, len(parts[0]) + len(parts[1]) + len(parts[2]))
    head = plain(parts[3]).partition(b"\r\n\r\n")[0].decode().split("\r\n")[1:]
    assert entry.warc_headers == tuple(tuple(line.split(": ", 1)) for line in head)
    assert entry.warc_header("warc-type") == "response"
    assert entry.date == datetime(2026, 12, 6, 10, 15, 30, 123456, tzinfo=UTC)
    assert entry.http_line == "HTTP/1.1 200 OK"
    assert entry.http_headers == (*ZIPPED,)
    assert entry.body_headers() == (*HTML,)
    assert entry.http_header("content-type") == "text/html; charset=utf-8"
    assert entry.payload_digest == warc_header(parts[3], "WARC-Payload-Digest")
    assert entry.payload_digest == sha1(gzip.compress(page(3)))  # of the payload as stored
    assert (entry.refers_to, entry.warcinfo, entry.truncated) == (None, None, None)
    assert entry.path == path


def test_a_request_s_fields(tmp_path: Path) -> None:
    parts = standard(False)
    entry = read_record_at(Layout(tuple(parts)).write(tmp_path / "a.warc"), len(parts[0]))
    assert entry.http_line == "GET /news/1 HTTP/1.1"
    assert entry.http_headers == (("Host", "example.uz"), ("Accept-Encoding", "gzip"))
    assert (entry.http_status, entry.body) == (None, b"")


def test_warcinfo_fields_and_revisit_target(tmp_path: Path) -> None:
    parts = standard(True)
    layout = Layout(tuple(parts))
    path = layout.write(tmp_path / "a.warc.gz")
    info = read_record_at(path, 0)
    assert info.warcinfo == INFO
    assert info.warc_header("WARC-Filename") == "test.warc"
    seen = read_record_at(path, layout.offsets[5])
    assert seen.refers_to == RevisitTarget(
        uri(2), datetime(2026, 12, 1, 8, 0, tzinfo=UTC), record_id(2)
    )
    assert seen.payload_digest == sha1(page(2))
    assert (seen.body, seen.http_line, seen.http_headers) == (None, "HTTP/1.1 200 OK", (*HTML,))


def test_whole_file_gzip_is_read_and_each_record_reached_inside_its_member(
    tmp_path: Path,
) -> None:
    parts = standard(False)
    layout = Layout(tuple(parts))
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(b"".join(parts)))
    items = list(read_warc(path))
    assert [(i.offset, i.offset_in_member, i.length, i.record_id) for i in items] == [
        (0, at, len(part), record_id(n))
        for n, (at, part) in enumerate(zip(layout.offsets, parts, strict=True))
    ]
    assert [i.body for i in items] == [i.body for i in read_warc(layout.write(tmp_path / "p"))]
    for item in items:
        assert isinstance(item, WarcEntry)
        assert read_record_at(path, 0, offset_in_member=item.offset_in_member) == item


def test_a_member_holding_two_records(tmp_path: Path) -> None:
    """Some writers put a request and its response in one member: both read, the first
    reached by its member's offset alone, the second inside it."""
    pair = plain(simple(False, 1)) + plain(simple(False, 2))
    first = regzip(plain(warcinfo(False, INFO)))
    path = Layout((first, regzip(pair))).write(tmp_path / "a.warc.gz")
    items = list(read_warc(path))
    one = len(plain(simple(False, 1)))
    assert [(i.offset, i.offset_in_member, i.length) for i in items] == [
        (0, None, len(first)),
        (len(first), 0, one),
        (len(first), one, len(pair) - one),
    ]
    assert read_record_at(path, len(first)) == items[1]
    assert read_record_at(path, len(first), offset_in_member=one) == items[2]


# -- bodies ---------------------------------------------------------------------------------
def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


LONG = b"".join(page(n) for n in range(1000))
CODINGS = {
    "identity": ([*HTML, ("Content-Encoding", "identity")], page(1)),
    "gzip": (ZIPPED, gzip.compress(page(1))),
    "x-gzip": ([*HTML, ("Content-Encoding", "x-gzip")], gzip.compress(page(1))),
    "deflate-zlib": ([*HTML, ("Content-Encoding", "deflate")], zlib.compress(page(1))),
    "deflate-raw": ([*HTML, ("Content-Encoding", "deflate")], _raw_deflate(page(1))),
    "br": ([*HTML, ("Content-Encoding", "br")], brotli.compress(page(1))),
    "gzip-then-br": (
        [*HTML, ("Content-Encoding", "gzip, br")],
        brotli.compress(gzip.compress(page(1))),
    ),
    "chunked": (CHUNKED, chunked(page(1))),
    "chunked-gzip": ([*CHUNKED, ("Content-Encoding", "gzip")], chunked(gzip.compress(page(1)))),
    # Stored de-chunked, or decoded, under the headers the server sent.
    "chunked-stored-whole": (CHUNKED, page(1)),
    "gzip-stored-decoded": (ZIPPED, page(1)),
    "gzip-cut-short": (ZIPPED, gzip.compress(LONG)[: len(gzip.compress(LONG)) // 2]),
}


@pytest.mark.parametrize("coding", CODINGS)
def test_codings_are_undone(tmp_path: Path, coding: str) -> None:
    headers, payload = CODINGS[coding]
    record = response(True, 1, uri(1), http_message("200 OK", headers, payload))
    path = Layout((record, simple(True, 2))).write(tmp_path / "a.warc.gz")
    first, second = read_warc(path)
    assert isinstance(first, WarcEntry)
    assert isinstance(second, WarcEntry)
    if coding == "gzip-cut-short":  # what it holds
        held = zlib.decompressobj(31).decompress(payload)
        assert first.body == held
        assert LONG.startswith(held)
        assert len(held) > len(LONG) // 3
    else:
        assert first.body == page(1)
    assert second.body == page(2)


UNDECODABLE = {
    "zstd": (
        [*HTML, ("Content-Encoding", "zstd")],
        b"(\xb5/\xfd",
        "Content-Encoding 'zstd' cannot be undone",
    ),
    "corrupt-gzip": (ZIPPED, b"\x1f\x8b\x08\x00" + b"\xff" * 40, "bad gzip body"),
    "corrupt-deflate": ([*HTML, ("Content-Encoding", "deflate")], b"\xff" * 40, "bad deflate"),
    "corrupt-br": ([*HTML, ("Content-Encoding", "br")], b"\xff" * 40, "bad br body"),
    "bad-chunks": (CHUNKED, b"5\r\nHelloXX0\r\n\r\n", "no CRLF after chunk at byte 8"),
}


@pytest.mark.parametrize("case", UNDECODABLE)
def test_undecodable_bodies_are_problems_and_reading_goes_on(tmp_path: Path, case: str) -> None:
    headers, payload, detail = UNDECODABLE[case]
    record = response(True, 1, uri(1), http_message("200 OK", headers, payload))
    path = Layout((record, simple(True, 2))).write(tmp_path / "a.warc.gz")
    problem, entry = read_warc(path)
    assert isinstance(problem, WarcProblem)
    assert (problem.offset, problem.reason) == (0, "undecodable_body")
    assert problem.message.startswith(
        f"{path} at offset 0: undecodable_body: response {record_id(1)} ({uri(1)}): "
    )
    assert detail in problem.message
    assert isinstance(entry, WarcEntry)
    assert (entry.offset, entry.body) == (len(record), page(2))


def test_br_without_brotli_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "brotli", None)  # import brotli now raises ImportError
    headers, payload = CODINGS["br"]
    record = response(True, 1, uri(1), http_message("200 OK", headers, payload))
    path = Layout((record,)).write(tmp_path / "a.warc.gz")
    assert list(read_warc(path)) == [
        WarcProblem(
            path,
            0,
            "undecodable_body",
            f"{path} at offset 0: undecodable_body: response {record_id(1)} ({uri(1)}): "
            "Content-Encoding br needs the brotli package",
        )
    ]


@pytest.mark.parametrize("stored", ["plain", "gzip-bomb"])
def test_bodies_over_the_limit_are_skipped(tmp_path: Path, stored: str) -> None:
    big = b"\0" * 300_000
    headers, payload = (HTML, big) if stored == "plain" else (ZIPPED, gzip.compress(big))
    record = response(True, 1, uri(1), http_message("200 OK", headers, payload))
    path = Layout((record, simple(True, 2))).write(tmp_path / "a.warc.gz")
    problem, entry = read_warc(path, max_body_bytes=100_000)
    assert isinstance(problem, WarcProblem)
    assert (problem.offset, problem.reason) == (0, "too_large")
    expected = (
        "body of 300000 bytes over max_body_bytes (100000)"
        if stored == "plain"
        else "decoded body over max_body_bytes (100000)"
    )
    label = f"response {record_id(1)} ({uri(1)})"
    assert problem.message == f"{path} at offset 0: too_large: {label}: {expected}"
    assert isinstance(entry, WarcEntry)
    assert entry.body == page(2)


def test_a_block_that_is_no_http_message(tmp_path: Path) -> None:
    block = b"this is not HTTP\r\n\r\nat all"
    record = resource(False, 1, uri(1), block, "application/http; msgtype=response")
    record = with_warc_header(record, "WARC-Type", "response")
    path = Layout((record, simple(False, 2))).write(tmp_path / "a.warc")
    assert summary(list(read_warc(path))) == [
        ("problem", 0, "bad_http"),
        ("entry", len(record), record_id(2)),
    ]


# -- damage -----------------------------------------------------------------------------------
@GZ
@pytest.mark.parametrize("cut", ["in-header", "in-block"])
def test_truncated_file(tmp_path: Path, gzipped: bool, cut: str) -> None:
    parts = five(gzipped)
    keep = 40 if cut == "in-header" else len(parts[4]) - 30
    layout = Layout((*parts[:4], parts[4][:keep]))
    path = layout.write(tmp_path / "cut.warc")
    items = list(read_warc(path))
    assert summary(items) == [
        *entries(layout, [0, 1, 2, 3]),
        ("problem", layout.offsets[4], "truncated"),
    ]
    assert isinstance(items[-1], WarcProblem)
    label = f"response {record_id(4)} ({uri(4)}): "
    detail = {
        (True, "in-header"): "the file ends inside this gzip member",
        (True, "in-block"): f"{label}the file ends inside this gzip member",
        (False, "in-header"): "the file ends inside the WARC header",
        (False, "in-block"): f"{label}the file ends inside the block (Content-Length 175)",
    }[gzipped, cut]
    assert items[-1].message == f"{path} at offset {layout.offsets[4]}: truncated: {detail}"
    with pytest.raises(WarcReadError) as caught:
        read_record_at(path, layout.offsets[4])
    assert (caught.value.reason, caught.value.offset) == ("truncated", layout.offsets[4])
    assert str(caught.value) == items[-1].message


@GZ
@pytest.mark.parametrize("change", [-10, 10, 1_000_000], ids=["short", "long", "past-eof"])
def test_wrong_content_length(tmp_path: Path, gzipped: bool, change: int) -> None:
    parts = five(gzipped)
    length = int(warc_header(parts[2], "Content-Length"))
    parts[2] = with_warc_header(parts[2], "Content-Length", str(length + change))
    layout = Layout(tuple(parts))
    path = layout.write(tmp_path / "a.warc")
    items = list(read_warc(path))
    assert summary(items) == [
        *entries(layout, [0, 1]),
        ("problem", layout.offsets[2], "bad_length"),
        *entries(layout, [3, 4]),
    ]
    assert [i.body for i in items if isinstance(i, WarcEntry)][1:] == [page(1), page(3), page(4)]


@pytest.mark.parametrize("digest", ["WARC-Block-Digest", "WARC-Payload-Digest"])
def test_bad_digests(tmp_path: Path, digest: str) -> None:
    parts = five(True)
    wrong = sha1(b"something else")
    parts[2] = with_warc_header(parts[2], digest, wrong)
    layout = Layout(tuple(parts))
    path = layout.write(tmp_path / "a.warc.gz")
    items = list(read_warc(path))
    assert summary(items) == [
        *entries(layout, [0, 1]),
        ("problem", layout.offsets[2], "bad_digest"),
        *entries(layout, [3, 4]),
    ]
    problem = items[2]
    assert isinstance(problem, WarcProblem)
    kind = "block" if digest == "WARC-Block-Digest" else "payload"
    assert problem.message.startswith(
        f"{path} at offset {layout.offsets[2]}: bad_digest: response {record_id(2)} ({uri(2)}): "
        f"{kind} digest failed"
    )
    assert problem.message.endswith(wrong)
    with pytest.raises(WarcReadError, match="digest failed") as caught:
        read_record_at(path, layout.offsets[2])
    assert caught.value.reason == "bad_digest"
    # Unchecked, the record reads as it is.
    unchecked = read_record_at(path, layout.offsets[2], check_digests=False)
    assert unchecked.body == page(2)
    assert summary(list(read_warc(path, check_digests=False))) == entries(layout, [0, 1, 2, 3, 4])


@pytest.mark.parametrize("damage", ["cut-short", "corrupt-data", "bad-crc"])
def test_a_broken_gzip_member_between_good_ones(tmp_path: Path, damage: str) -> None:
    parts = five(True)
    member = bytearray(parts[2])
    if damage == "cut-short":
        member = member[: len(member) // 2]
    elif damage == "corrupt-data":
        member[len(member) // 2 : len(member) // 2 + 8] = b"\xff" * 8
    else:
        member[-8] ^= 0xFF
    parts[2] = bytes(member)
    layout = Layout(tuple(parts))
    path = layout.write(tmp_path / "a.warc.gz")
    items = list(read_warc(path))
    assert summary(items) == [
        *entries(layout, [0, 1]),
        ("problem", layout.offsets[2], "bad_gzip"),
        *entries(layout, [3, 4]),
    ]
    assert isinstance(items[2], WarcProblem)
    assert items[2].message.startswith(
        f"{path} at offset {layout.offsets[2]}: bad_gzip: corrupt gzip member ("
    )


@GZ
def test_garbage_between_records(tmp_path: Path, gzipped: bool) -> None:
    parts = five(gzipped)
    junk = b"<html>not a record</html>\n\x00\xff" * 4
    layout = Layout((*parts[:3], junk, *parts[3:]))
    path = layout.write(tmp_path / "a.warc")
    items = list(read_warc(path))
    assert summary(items) == [
        *entries(layout, [0, 1, 2]),
        ("problem", layout.offsets[3], "garbage"),
        ("entry", layout.offsets[4], record_id(3)),
        ("entry", layout.offsets[5], record_id(4)),
    ]
    assert isinstance(items[3], WarcProblem)
    assert items[3].message == (
        f"{path} at offset {layout.offsets[3]}: garbage: bytes that are no WARC record "
        f"({len(junk)} bytes skipped)"
    )
    with pytest.raises(WarcReadError) as caught:
        read_record_at(path, layout.offsets[3])
    assert caught.value.reason == "no_record"


@GZ
def test_garbage_before_the_first_record_and_at_the_end(tmp_path: Path, gzipped: bool) -> None:
    parts = five(gzipped)
    layout = Layout((b"JUNK", *parts, b"\x00" * 7))
    path = layout.write(tmp_path / "a.warc")
    assert summary(list(read_warc(path))) == [
        ("problem", 0, "garbage"),
        *[("entry", layout.offsets[n + 1], record_id(n)) for n in range(5)],
        ("problem", layout.offsets[6], "garbage"),
    ]


@GZ
def test_a_bad_warc_header(tmp_path: Path, gzipped: bool) -> None:
    parts = five(gzipped)
    parts[2] = with_warc_header(parts[2], "WARC-Date", "yesterday")
    layout = Layout(tuple(parts))
    path = layout.write(tmp_path / "a.warc")
    items = list(read_warc(path))
    assert summary(items) == [
        *entries(layout, [0, 1]),
        ("problem", layout.offsets[2], "bad_header"),
        *entries(layout, [3, 4]),
    ]
    assert isinstance(items[2], WarcProblem)
    assert items[2].message == (
        f"{path} at offset {layout.offsets[2]}: bad_header: WARC-Date 'yesterday' is no date"
    )


def test_a_100_mb_record_is_skipped_in_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.warc.gz"
    before = five(True)[:2]
    after = simple(True, 3)
    with path.open("wb") as handle:
        handle.write(b"".join(before))
        huge_at = handle.tell()
        write_huge_response(handle, uri(2), 2)
        after_at = handle.tell()
        handle.write(after)
    tracemalloc.start()
    try:
        items = list(read_warc(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert summary(items) == [
        ("entry", 0, record_id(0)),
        ("entry", len(before[0]), record_id(1)),
        ("problem", huge_at, "too_large"),
        ("entry", after_at, record_id(3)),
    ]
    assert isinstance(items[2], WarcProblem)
    assert items[2].message == (
        f"{path} at offset {huge_at}: too_large: response {record_id(2)} ({uri(2)}): "
        f"body of {100 * 1024 * 1024} bytes over max_body_bytes ({16 * 1024 * 1024})"
    )
    assert peak < 20 * 1024 * 1024


def test_read_record_at_an_offset_where_no_record_starts(tmp_path: Path) -> None:
    parts = five(False)
    path = Layout(tuple(parts)).write(tmp_path / "a.warc")
    for offset in (5, len(parts[0]) - 2, 10**9, -1):
        with pytest.raises(WarcReadError) as caught:
            read_record_at(path, offset)
        assert caught.value.reason == "no_record"
        assert str(caught.value) == (
            f"{path} at offset {offset}: no_record: no WARC record starts here"
        )
    with pytest.raises(WarcReadError, match="no WARC record starts here"):
        read_record_at(path, 0, offset_in_member=3)  # a plain file has no members


def test_the_date_keeps_its_fraction_and_zone(tmp_path: Path) -> None:
    record = with_warc_header(simple(False, 1), "WARC-Date", "2026-12-06T15:15:30.5+05:00")
    entry = read_record_at(Layout((record,)).write(tmp_path / "a.warc"), 0)
    assert entry.date == datetime(2026, 12, 6, 10, 15, 30, 500000, tzinfo=UTC)


def test_damaged_files_never_raise_and_what_they_yield_reads_again(tmp_path: Path) -> None:
    """Seeded random damage (bytes changed, cut out, inserted, copied; files cut short) to
    the three layouts: reading never raises, records come in file order, and each record
    read is read the same again at its offset."""
    rnd = random.Random(16)
    bases = [
        b"".join(standard(True)),
        b"".join(standard(False)),
        gzip.compress(b"".join(standard(False))),
    ]
    path = tmp_path / "damaged.warc"
    for _ in range(300):
        data = bytearray(rnd.choice(bases))
        for _ in range(rnd.randint(1, 4)):
            at, kind = rnd.randrange(len(data)), rnd.randrange(5)
            if kind == 0:
                data[at] = rnd.randrange(256)
            elif kind == 1:
                del data[at : at + rnd.randint(1, 300)]
            elif kind == 2:
                data[at:at] = rnd.randbytes(rnd.randint(1, 300))
            elif kind == 3:
                source = rnd.randrange(len(data))
                data[at:at] = data[source : source + rnd.randint(1, 500)]
            else:
                del data[max(at, 1) :]
        path.write_bytes(data)
        records = [i for i in read_warc(path) if isinstance(i, WarcEntry)]
        places = [(i.offset, i.offset_in_member or 0) for i in records]
        assert places == sorted(set(places))
        for record in records:
            again = read_record_at(path, record.offset, offset_in_member=record.offset_in_member)
            assert again == record
