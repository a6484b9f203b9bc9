"""WARC files for the reader's tests, made by writers other than ours.

Records are written one at a time with warcio's ``WARCWriter`` (the bytes of each, so a test
knows every record's offset and can cut, splice or edit them); :class:`CodingSite` is a
loopback server whose pages come plain, gzip-coded, chunked, or missing, for warcio's
``capture_http`` and ``wget --warc-file`` to record.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive.demo.local import LocalServer

# WARC/1.1 dates carry microseconds; every record of these files has this one.
DATE = "2026-12-06T10:15:30.123456Z"
SERVER_DATE = "Sun, 06 Dec 2026 10:15:30 GMT"


def record_id(n: int) -> str:
    """A fixed WARC-Record-ID, so expected values can be spelled out."""
    return f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>"


def page(n: int) -> bytes:
    """An article page: Russian text, so its bytes are not its characters."""
    return (
        f"<html><head><title>Новость {n}</title></head>"
        f"<body><p>Текст новости номер {n}.</p></body></html>"
    ).encode()


def http_message(status: str, headers: list[tuple[str, str]], payload: bytes) -> bytes:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return f"HTTP/1.1 {status}\r\n{head}\r\n".encode("latin-1") + payload


def chunked(data: bytes, size: int = 10) -> bytes:
    """``data`` in the chunked transfer coding, as wget and warcio's capture store it."""
    pieces = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def _write(record: Any, gzipped: bool) -> bytes:
    out = io.BytesIO()
    WARCWriter(out, gzip=gzipped, warc_version="1.1").write_record(record)
    return out.getvalue()


def warcinfo(gzipped: bool, fields: dict[str, str], n: int = 0) -> bytes:
    record = WARCWriter(None, warc_version="1.1").create_warcinfo_record("test.warc", fields)
    record.rec_headers.replace_header("WARC-Record-ID", record_id(n))
    record.rec_headers.replace_header("WARC-Date", DATE)
    return _write(record, gzipped)


def response(
    gzipped: bool, n: int, uri: str, message: bytes, *, extra: dict[str, str] | None = None
) -> bytes:
    """A response record holding the HTTP ``message`` (status line, headers, payload) as is."""
    writer = WARCWriter(None, warc_version="1.1")
    record = writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(message),
        length=len(message),
        warc_headers_dict={"WARC-Record-ID": record_id(n), "WARC-Date": DATE, **(extra or {})},
    )
    return _write(record, gzipped)


def request(gzipped: bool, n: int, uri: str, path: str) -> bytes:
    message = f"GET {path} HTTP/1.1\r\nHost: example.uz\r\nAccept-Encoding: gzip\r\n\r\n"
    writer = WARCWriter(None, warc_version="1.1")
    record = writer.create_warc_record(
        uri,
        "request",
        payload=io.BytesIO(message.encode()),
        length=len(message),
        warc_headers_dict={"WARC-Record-ID": record_id(n), "WARC-Date": DATE},
    )
    return _write(record, gzipped)


def revisit(gzipped: bool, n: int, uri: str, digest: str, refers_to: int) -> bytes:
    writer = WARCWriter(None, warc_version="1.1")
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
    )
    record = writer.create_revisit_record(
        uri,
        digest,
        uri,
        "2026-12-01T08:00:00Z",
        http_headers=headers,
        warc_headers_dict={"WARC-Record-ID": record_id(n), "WARC-Date": DATE},
    )
    record.rec_headers.add_header("WARC-Refers-To", record_id(refers_to))
    return _write(record, gzipped)


def resource(gzipped: bool, n: int, uri: str, data: bytes, content_type: str) -> bytes:
    writer = WARCWriter(None, warc_version="1.1")
    record = writer.create_warc_record(
        uri,
        "resource",
        payload=io.BytesIO(data),
        length=len(data),
        warc_content_type=content_type,
        warc_headers_dict={"WARC-Record-ID": record_id(n), "WARC-Date": DATE},
    )
    return _write(record, gzipped)


# -- byte surgery -----------------------------------------------------------------------------
def plain(record: bytes) -> bytes:
    """A record's bytes without its gzip member (unchanged if it has none)."""
    return gzip.decompress(record) if record[:2] == b"\x1f\x8b" else record


def regzip(record: bytes) -> bytes:
    return gzip.compress(record, mtime=0)


def with_warc_header(record: bytes, name: str, value: str) -> bytes:
    """The record (plain or gzipped, and so returned) with one WARC header's value replaced."""
    data = plain(record)
    head, sep, rest = data.partition(b"\r\n\r\n")
    lines = [
        f"{name}: {value}".encode() if line.split(b":", 1)[0] == name.encode() else line
        for line in head.split(b"\r\n")
    ]
    edited = b"\r\n".join(lines) + sep + rest
    return regzip(edited) if record[:2] == b"\x1f\x8b" else edited


def warc_header(record: bytes, name: str) -> str:
    head = plain(record).partition(b"\r\n\r\n")[0].decode()
    return next(line.split(": ", 1)[1] for line in head.split("\r\n") if line.startswith(name))


@dataclass(frozen=True)
class Layout:
    """A WARC file made of parts (records and stray bytes), and where each part starts."""

    parts: tuple[bytes, ...]

    @property
    def offsets(self) -> list[int]:
        at, found = 0, []
        for part in self.parts:
            found.append(at)
            at += len(part)
        return found

    def write(self, path: Path) -> Path:
        path.write_bytes(b"".join(self.parts))
        return path


# -- a record of 100 MB, written without holding it -----------------------------------------
HUGE_BODY = 100 * 1024 * 1024
_PIECE = bytes(range(256)) * 4096  # 1 MiB


def write_huge_response(handle: Any, uri: str, n: int) -> None:
    """Append a gzipped response record with a HUGE_BODY-byte body, compressed as it goes."""
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {HUGE_BODY}\r\n\r\n"
    block_length = len(head) + HUGE_BODY
    warc = (
        f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: {record_id(n)}\r\n"
        f"WARC-Date: {DATE}\r\nWARC-Target-URI: {uri}\r\n"
        f"Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {block_length}\r\n\r\n{head}"
    )
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    handle.write(packer.compress(warc.encode()))
    for _ in range(HUGE_BODY // len(_PIECE)):
        handle.write(packer.compress(_PIECE))
    handle.write(packer.compress(b"\r\n\r\n"))
    handle.write(packer.flush())


# -- a site for third-party writers ---------------------------------------------------------
# path -> (status, headers, payload as sent, entity body the reader must give back)
CODING_PAGES: dict[str, tuple[int, list[tuple[str, str]], bytes, bytes]] = {
    "/news/1": (200, [("Content-Type", "text/html; charset=utf-8")], page(1), page(1)),
    "/news/2": (
        200,
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
        gzip.compress(page(2), mtime=0),
        page(2),
    ),
    "/news/3": (
        200,
        [("Content-Type", "text/html; charset=utf-8"), ("Transfer-Encoding", "chunked")],
        chunked(page(3)),
        page(3),
    ),
    "/news/4": (
        200,
        [("Content-Type", "text/html; charset=windows-1251")],
        "<html><title>Курс валют</title></html>".encode("cp1251"),
        "<html><title>Курс валют</title></html>".encode("cp1251"),
    ),
    "/missing": (
        404,
        [("Content-Type", "text/html; charset=utf-8")],
        b"<h1>404</h1>",
        b"<h1>404</h1>",
    ),
}


class CodingSite(LocalServer):
    """Serves :data:`CODING_PAGES` over HTTP/1.1 (a Content-Length on all but the chunked)."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                status, headers, sent, _ = CODING_PAGES.get(self.path, CODING_PAGES["/missing"])
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                if ("Transfer-Encoding", "chunked") not in headers:
                    self.send_header("Content-Length", str(len(sent)))
                self.end_headers()
                self.wfile.write(sent)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        super().__init__(Handler, name="coding-site")
