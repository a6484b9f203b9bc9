"""The WARC files a run writes (evidence.warcfiles): records, rolling, the crash contract."""

from __future__ import annotations

import gzip
import random
from datetime import UTC, datetime
from pathlib import Path

from newsarchive.evidence.reader import WarcEntry, WarcProblem, read_record_at, read_warc
from newsarchive.evidence.warcfiles import (
    Exchange,
    FirstCapture,
    WarcFiles,
    complete_length,
    payload_digest,
    publish_leftovers,
)

FETCHED = datetime(2025, 12, 11, 13, 0, 1, 250000, tzinfo=UTC)
INFO = {"software": "newsarchive/test", "run-id": "r1"}


def exchange(url: str = "http://127.0.0.1/news/1.html", body: bytes = b"<h1>One</h1>") -> Exchange:
    return Exchange(
        url=url,
        method="GET",
        request_headers=[("Host", "127.0.0.1"), ("Accept-Encoding", "gzip, deflate")],
        request_body=b"",
        status=200,
        protocol="HTTP/1.1",
        response_headers=[
            ("Content-Type", "text/html; charset=utf-8"),
            ("Transfer-Encoding", "chunked"),
            ("Date", "Thu, 11 Dec 2025 13:00:00 GMT"),
        ],
        body=body,
        fetched_at=FETCHED,
    )


def entries(path: Path) -> list[WarcEntry]:
    read = list(read_warc(path))
    assert not [entry for entry in read if isinstance(entry, WarcProblem)]
    return [entry for entry in read if isinstance(entry, WarcEntry)]


def test_a_page_is_a_response_and_its_request_after_a_warcinfo(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path / "warc", "r1", max_bytes=1 << 30, info=INFO)
    captured = files.write(exchange(), None)
    files.close()
    [path] = files.published
    assert path == tmp_path / "warc" / "r1-0001.warc.gz"
    assert captured.warc == "warc/r1-0001.warc.gz"
    info, response, request = entries(path)
    assert (info.record_type, dict(info.warcinfo or {})) == ("warcinfo", INFO)
    assert response.record_type == "response"
    assert (response.offset, response.length) == (captured.offset, captured.length)
    assert response.record_id == captured.record_id
    assert response.date == FETCHED  # WARC/1.1: to the microsecond
    assert response.body == b"<h1>One</h1>"
    assert response.payload_digest == payload_digest(b"<h1>One</h1>") == captured.payload_digest
    # The body is the entity body already de-chunked: no reader may de-chunk it again.
    assert response.http_headers == (
        ("Content-Type", "text/html; charset=utf-8"),
        ("Date", "Thu, 11 Dec 2025 13:00:00 GMT"),
    )
    assert request.record_type == "request"
    assert request.http_line == "GET /news/1.html HTTP/1.1"
    assert dict(request.warc_headers)["WARC-Concurrent-To"] == captured.record_id
    again = read_record_at(path, captured.offset)
    assert (again.record_id, again.body) == (captured.record_id, b"<h1>One</h1>")


def test_an_unchanged_payload_is_a_revisit_of_its_first_capture(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, "r2", max_bytes=1 << 30, info=INFO)
    first = FirstCapture("<urn:uuid:first>", "2025-12-10T09:00:00.000000Z")
    captured = files.write(exchange(), first)
    files.close()
    revisit = read_record_at(files.published[0], captured.offset)
    assert (captured.record_type, revisit.record_type, revisit.body) == ("revisit", "revisit", None)
    headers = dict(revisit.warc_headers)
    assert headers["WARC-Profile"].endswith("/revisit/identical-payload-digest")
    assert headers["WARC-Refers-To"] == "<urn:uuid:first>"
    assert headers["WARC-Refers-To-Date"] == "2025-12-10T09:00:00.000000Z"
    assert headers["WARC-Refers-To-Target-URI"] == "http://127.0.0.1/news/1.html"
    assert revisit.payload_digest == payload_digest(b"<h1>One</h1>")
    assert revisit.http_status == 200


def test_files_roll_at_max_bytes_each_with_its_warcinfo(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, "r3", max_bytes=2000, info=INFO)
    bodies = [random.Random(n).randbytes(3000) for n in range(5)]  # incompressible
    captures = [files.write(exchange(f"http://h/{n}", body), None) for n, body in enumerate(bodies)]
    files.close()
    assert [path.name for path in files.published] == [f"r3-000{n}.warc.gz" for n in range(1, 6)]
    for path, captured, body in zip(files.published, captures, bodies, strict=True):
        kinds = [entry.record_type for entry in entries(path)]
        assert kinds == ["warcinfo", "response", "request"]
        assert captured.warc == f"warc/{path.name}"
        assert read_record_at(path, captured.offset).body == body
    # The pages' records, not the warcinfo records that open each file.
    sizes = [path.stat().st_size - entries(path)[1].offset for path in files.published]
    assert files.bytes_written == sum(sizes)


def test_a_killed_runs_file_is_cut_back_to_whole_records(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, "r4", max_bytes=1 << 30, info=INFO)
    captures = [files.write(exchange(f"http://h/{n}"), None) for n in range(3)]
    assert files._raw is not None
    files._raw.flush()
    part = tmp_path / "r4-0001.warc.gz.part"
    whole = part.read_bytes()
    end = captures[-1].offset + captures[-1].length  # the last request record follows
    last_request_end = len(whole)
    # Killed in the middle of the last request record's gzip member.
    part.write_bytes(whole[: (end + last_request_end) // 2])
    assert complete_length(part) == end
    assert publish_leftovers(tmp_path) == [tmp_path / "r4-0001.warc.gz"]
    published = tmp_path / "r4-0001.warc.gz"
    assert published.stat().st_size == end
    kinds = [entry.record_type for entry in entries(published)]
    assert kinds == ["warcinfo", "response", "request", "response", "request", "response"]


def test_a_member_whose_record_is_short_ends_the_whole_part(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, "r5", max_bytes=1 << 30, info=INFO)
    files.write(exchange(), None)
    assert files._raw is not None
    files._raw.flush()
    part = tmp_path / "r5-0001.warc.gz.part"
    good = part.stat().st_size
    # A whole gzip member holding a record cut short (a writer killed between its writes).
    torn = b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: 500\r\n\r\nonly a little"
    part.write_bytes(part.read_bytes() + gzip.compress(torn))
    assert complete_length(part) == good


def test_a_part_without_a_whole_record_is_removed(tmp_path: Path) -> None:
    part = tmp_path / "r6-0001.warc.gz.part"
    part.write_bytes(gzip.compress(b"WARC/1.1\r\nContent-Length: 10\r\n\r\nabc")[:20])
    assert publish_leftovers(tmp_path) == []
    assert not list(tmp_path.iterdir())
