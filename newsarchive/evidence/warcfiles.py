"""WARC files a run writes: every page as received, under the same crash contract as the JSONL.

A run appends records to ``warc/<run>-NNNN.warc.gz.part``, each record its own gzip member (the
layout every WARC reader seeks in), flushed as soon as it is written, so a killed process leaves
whole records plus at most one torn last member. The file gets its final name by an atomic
rename when it reaches ``max_bytes`` or the run ends, after an fsync; a ``.part`` a killed run
left is cut back to its last complete record and published by the next run
(``publish_leftovers``). Every file starts with a ``warcinfo`` record naming newsarchive, its
version, the run and the settings that shape what was fetched.

A page is written as a ``response`` record (status line, headers and the entity body exactly as
the server sent them, content coding kept) and the ``request`` record that asked for it (headers
as sent). A page whose payload this archive already holds under the same URL is written as a
``revisit`` record (identical-payload-digest profile) that points at the first capture, with
its headers only. Digests: ``WARC-Block-Digest`` and ``WARC-Payload-Digest`` (SHA-1, base 32,
as Heritrix, wget and warcio write them) on every record.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import io
import logging
import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

from isal import igzip
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from newsarchive.durable import create_part, fsync_folder

__all__ = [
    "WARC_FOLDER",
    "WARC_SUFFIX",
    "Capture",
    "Exchange",
    "FirstCapture",
    "WarcFiles",
    "complete_length",
    "payload_digest",
    "publish_leftovers",
    "readable_encodings",
    "warcinfo_fields",
]

logger = logging.getLogger(__name__)

WARC_FOLDER = "warc"
WARC_SUFFIX = ".warc.gz"
_PART = ".part"
# ISA-L's level 2: a fifth of zlib level 6's time for 15% more bytes than level 9 on real pages
# (0.2 ms and 29 KB a page against 2.1 ms and 26 KB, 4.2 ms and 25 KB), which keeps the WARC
# within 10% of a fast crawl's time; any gzip reader reads it.
_GZIP_LEVEL = 2
# Decompressed bytes read at a time while looking for the last complete record.
_CHUNK = 1 << 16
# Hop-by-hop framing a WARC does not keep: the body stored is the entity body, de-chunked by
# the HTTP client, so a reader that saw "chunked" would try to undo it a second time.
_FRAMING_HEADERS = (b"Transfer-Encoding",)


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and the response it got, as they crossed the wire."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    protocol: str  # "HTTP/1.1"
    response_headers: list[tuple[str, str]]
    body: bytes  # the entity body, its content coding (gzip, br...) still on
    fetched_at: datetime
    truncated: bool = False  # the download stopped before the end (Scrapy's "dataloss")


@dataclass(frozen=True, slots=True)
class FirstCapture:
    """Where a payload was first archived: what a ``revisit`` record refers to."""

    record_id: str
    date: str  # its WARC-Date


@dataclass(frozen=True, slots=True)
class Capture:
    """Where one page landed: the record an article record's ``source`` points at.

    ``warc`` is the file's name relative to the site's folder, as it is once published.
    """

    warc: str
    offset: int
    length: int
    record_id: str
    record_type: str  # "response" or "revisit"
    payload_digest: str
    date: str  # WARC-Date

    def source(self) -> dict[str, Any]:
        """The record field: where to find the page this record was read from."""
        return {
            "warc": self.warc,
            "offset": self.offset,
            "length": self.length,
            "record_id": self.record_id,
        }


# Content codings the WARC readers of the field (warcio, pywb) can undo; Scrapy also offers
# zstd, which they cannot read, so a page sent that way would be kept but unreadable.
_READABLE = ("gzip", "deflate")


def readable_encodings(brotli: bool | None = None) -> str:
    """The Accept-Encoding a capturing crawl sends: gzip, deflate, and br only where the
    installed warcio can undo it (``brotli=None``: find out).

    warcio 1.8 undoes br with the old brotlipy's API; beside Brotli 1.x (what Scrapy installs)
    it fails, so a br page would be kept but unreadable by ``warcio check`` and by reparse.

    >>> readable_encodings(brotli=False)
    'gzip, deflate'
    >>> readable_encodings(brotli=True)
    'gzip, deflate, br'
    """
    if brotli is None:
        brotli = _warcio_reads_br()
    return ", ".join((*_READABLE, "br") if brotli else _READABLE)


@functools.cache
def _warcio_reads_br() -> bool:
    try:
        import brotli as brotli_module  # type: ignore[import-untyped]
        from warcio.bufferedreaders import BufferedReader

        packed = brotli_module.compress(b"newsarchive")
        return bool(BufferedReader(io.BytesIO(packed), decomp_type="br").read() == b"newsarchive")
    except Exception:  # any failure means: not readable here
        return False


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest of an entity body, as WARC writers spell it.

    >>> payload_digest(b"")
    'sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ'
    """
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()


def _warc_date(moment: datetime) -> str:
    # WARC/1.1 allows fractions of a second: the capture time to the microsecond, so that two
    # fetches of one URL within a second stay in order.
    return str(datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None), use_micros=True))


class WarcFiles:
    """Writes one run's WARC files in a site's ``warc`` folder, rolling them by size."""

    def __init__(self, folder: Path, run_id: str, *, max_bytes: int, info: dict[str, str]) -> None:
        self.folder = folder
        self.run_id = run_id
        self.max_bytes = max_bytes
        self.info = info
        self.published: list[Path] = []
        self.bytes_written = 0
        self._raw: io.BufferedWriter | None = None
        # warcio builds each record (headers, digests) into this buffer, uncompressed; we gzip
        # it as one member (see _append): warcio's own gzip runs at level 9, which took a
        # third of a fast crawl's time (benchmarks/evidence.py).
        self._record = io.BytesIO()
        self._writer: Any = WARCWriter(self._record, gzip=False, warc_version="1.1")
        self._path: Path | None = None
        self._sequence = 0

    def write(
        self, exchange: Exchange, first: FirstCapture | None, digest: str | None = None
    ) -> Capture:
        """Write a page: its response (or a revisit of ``first``) and its request.

        ``digest`` is the body's ``payload_digest`` when the caller has it already.

        Both records are flushed before this returns: a record that names the capture never
        reaches the JSONL before the capture is in the file.
        """
        if self._raw is not None and self._raw.tell() >= self.max_bytes:
            self._publish()
        if self._raw is None:
            self._open_next()
        assert self._raw is not None
        assert self._path is not None
        digest = digest or payload_digest(exchange.body)
        date = _warc_date(exchange.fetched_at)
        response = self._response_record(exchange, digest, date, first)
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        offset, length = self._append(response)
        self._append(self._request_record(exchange, date, record_id))
        self._raw.flush()
        self.bytes_written = self.bytes_written + self._raw.tell() - offset
        return Capture(
            warc=f"{WARC_FOLDER}/{self._path.name}",
            offset=offset,
            length=length,
            record_id=record_id,
            record_type="revisit" if first is not None else "response",
            payload_digest=digest,
            date=date,
        )

    def close(self) -> None:
        """Publish the file being written (idempotent)."""
        if self._raw is not None:
            self._publish()

    def abandon(self) -> None:
        """Close without publishing, after a write failed: the next run salvages the file."""
        if self._raw is not None:
            with contextlib.suppress(OSError):
                self._raw.close()
        self._raw = None

    def _append(self, record: Any) -> tuple[int, int]:
        """Write one record as its own gzip member; its offset and length in the file."""
        assert self._raw is not None
        self._record.seek(0)
        self._record.truncate()
        self._writer.write_record(record)
        member = igzip.compress(self._record.getvalue(), compresslevel=_GZIP_LEVEL)
        offset = self._raw.tell()
        self._raw.write(member)
        return offset, len(member)

    def _response_record(
        self, exchange: Exchange, digest: str, date: str, first: FirstCapture | None
    ) -> Any:
        reason = _reason(exchange.status)
        headers = [
            (name, value)
            for name, value in exchange.response_headers
            if name.encode().title() not in _FRAMING_HEADERS
        ]
        http = StatusAndHeaders(
            f"{exchange.status} {reason}".strip(), headers, protocol=exchange.protocol
        )
        warc_headers = {"WARC-Date": date}
        if exchange.truncated:
            warc_headers["WARC-Truncated"] = "disconnect"
        if first is not None:
            return self._writer.create_revisit_record(
                exchange.url,
                digest,
                exchange.url,
                first.date,
                http_headers=http,
                warc_headers_dict={**warc_headers, "WARC-Refers-To": first.record_id},
            )
        warc_headers["WARC-Payload-Digest"] = digest
        return self._writer.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            http_headers=http,
            warc_headers_dict=warc_headers,
        )

    def _request_record(self, exchange: Exchange, date: str, response_id: str) -> Any:
        target = exchange.url.split("://", 1)[-1]
        path = "/" + target.split("/", 1)[1] if "/" in target else "/"
        http = StatusAndHeaders(
            f"{exchange.method} {path.split('#', 1)[0]} {exchange.protocol}",
            exchange.request_headers,
            protocol=exchange.protocol,
            is_http_request=True,
        )
        return self._writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(exchange.request_body),
            length=len(exchange.request_body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
        )

    def _open_next(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._sequence += 1
        self._path = self.folder / f"{self.run_id}-{self._sequence:04d}{WARC_SUFFIX}"
        # Created, never opened again: no two writers ever append to one file, whatever
        # their run ids (several machines may write into one folder).
        self._raw = create_part(self._path, _PART)
        self._append(self._writer.create_warcinfo_record(self._path.name, self.info))
        self._raw.flush()

    def _publish(self) -> None:
        assert self._raw is not None
        assert self._path is not None
        part = Path(self._raw.name)
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        self._raw = None
        part.replace(self._path)
        fsync_folder(self.folder)
        self.published.append(self._path)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def publish_leftovers(folder: Path) -> list[Path]:
    """Publish the ``.warc.gz.part`` files a killed run left, cut back to whole records."""
    published = []
    for part in sorted(folder.glob(f"*{WARC_SUFFIX}{_PART}")):
        keep = complete_length(part)
        if keep:
            with part.open("r+b") as handle:
                if keep < handle.seek(0, os.SEEK_END):
                    logger.warning(
                        "%s: dropping a torn last record of %d bytes from a killed run",
                        part,
                        handle.tell() - keep,
                    )
                    handle.truncate(keep)
                handle.flush()
                os.fsync(handle.fileno())
            target = part.with_name(part.name.removesuffix(_PART))
            part.replace(target)
            published.append(target)
        else:
            part.unlink()
    if published:
        fsync_folder(folder)
    return published


def complete_length(path: Path) -> int:
    """How many leading bytes of a gzip-per-record WARC file hold whole records.

    Each gzip member must end (its trailer read and checked) and hold one record whose block
    is as long as its ``Content-Length`` says; the first member that does not ends the count.
    """
    end = 0
    with path.open("rb") as handle:
        position = 0
        pending = b""
        while True:
            member = zlib.decompressobj(wbits=31)
            size = _member_size(handle, member, pending)
            if size is None:
                return end
            length, content_ok, pending = size
            if not content_ok:
                return end
            position += length
            end = position
            if not pending and not handle.peek(1)[:1]:
                return end


def _member_size(
    handle: io.BufferedReader, member: Any, pending: bytes
) -> tuple[int, bool, bytes] | None:
    """Read one gzip member from ``pending`` + the file: its compressed size, whether it holds
    one whole WARC record, and the bytes read past its end; None when it is torn."""
    consumed = 0
    header = b""
    expected: int | None = None
    received = 0
    data = pending
    while True:
        if not data:
            data = handle.read(_CHUNK)
            if not data:
                return None
        try:
            out = member.decompress(data)
        except zlib.error:
            return None
        used = len(data) - len(member.unused_data)
        consumed += used
        if expected is None:
            header += out
            split = header.find(b"\r\n\r\n")
            if split >= 0:
                expected = _content_length(header[:split]) + 4  # the block and its CRLF CRLF
                received = len(header) - split - 4
                header = b""
        else:
            received += len(out)
        if member.eof:
            ok = expected is not None and received == expected
            return consumed, ok, member.unused_data
        data = b""


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return -1_000_000  # no length: never complete



def warcinfo_fields(items: Iterable[tuple[str, object]]) -> dict[str, str]:
    """The warcinfo record's fields, empty values left out, each on one line."""
    return {name: " ".join(str(value).split()) for name, value in items if value not in (None, "")}
