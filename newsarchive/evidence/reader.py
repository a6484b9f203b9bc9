"""Reading WARC files, ours and other crawlers', without trusting them.

Reparse and import both start here. :func:`read_warc` streams every record of a ``.warc``, a
``.warc.gz`` (one gzip member per record, as ISO 28500 asks) or a whole-file-gzipped WARC in
constant memory, and yields a :class:`WarcEntry` per readable record and a :class:`WarcProblem`
per thing it could not read. It never raises for what is in the bytes: a truncated file, a wrong
``Content-Length``, a failed ``WARC-Block-Digest``/``WARC-Payload-Digest``, a torn or corrupt
gzip member, bytes between records that are no record, a body over ``max_body_bytes`` each give
one problem naming the file and offset, and reading goes on at the next record it can find (it
scans forward for a gzip member or a ``WARC/1.x`` line whose header parses). Only a file that
cannot be opened or read raises (``OSError``). :func:`read_record_at` reads the one record at an
offset an earlier reading recorded (``WarcEntry.offset``), or raises :class:`WarcReadError`.

warcio does the WARC work: its header parser reads the WARC and HTTP headers and its
digest-verifying reader checks the digests, as ``warcio check`` does (a revisit's digests name
the payload it points at, so they are not checked). The framing around them is ours, because
warcio's iterator stops at the first broken record, reads a gzip body it cannot undo as if it
were plain, and loads a header line of any length.

Offsets. ``offset`` is where the record starts in the file: for a ``.warc.gz``, its gzip
member's first byte, so ``read_record_at(path, entry.offset)`` reads it again. ``length`` counts
the file's bytes the record takes: its gzip member(s), or for a plain file header, block and the
closing CRLF CRLF (ISO 28500's record; ``warcio index`` leaves those 4 bytes out of plain
records). A record that shares its gzip member with others (a whole-file-gzipped WARC) cannot be
seeked to: then ``offset`` is that member's, ``offset_in_member`` where the record starts in
the member's decompressed bytes and ``length`` its decompressed size; ``read_record_at`` takes
``offset_in_member`` and decompresses up to it. A broken record inside such a member costs the
rest of that member, as no reader can find the next record's start without reading from the
member's beginning.

Bodies. ``body`` is the entity body the server meant: the chunked transfer coding undone when the
stored message is still chunked (wget stores it so; a body whose start is no chunk-size line was
stored de-chunked and is kept as it is), then the ``Content-Encoding`` codings undone (gzip,
deflate, and br where the ``brotli`` package is installed; any other coding is an
``undecodable_body`` problem). A body declared gzip that does not start with gzip's magic bytes
was stored decoded by its writer and is taken as it is; a gzip or chunked body cut short gives
what it holds (``WarcEntry.truncated`` says whether the writer marked the record cut).

Decoding the text. ``http_headers`` are the headers as the server sent them, order and
repetition kept, values as warcio decodes them (UTF-8, else Latin-1 byte for byte). They
describe the stored bytes, so ``Content-Encoding``, ``Transfer-Encoding`` and ``Content-Length``
no longer hold for ``body``; :meth:`WarcEntry.body_headers` leaves them out. To parse a page as
a crawl did, build the response the parsers take from ``target_uri``, ``http_status``,
``body_headers()`` and ``body``: ``Content-Type``'s charset then counts exactly as it did when
the page was fetched (and the page's own ``<meta>`` and byte detection after it). A page's time
is its ``Date`` header, else the capture time: ``server_time(header, entry.date)`` in
:mod:`newsarchive.responses`, with ``header = entry.http_header("Date")`` encoded as Latin-1.
"""

from __future__ import annotations

import importlib
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO, Final

from warcio.digestverifyingreader import DigestChecker
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeadersParserException

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "PROBLEM_REASONS",
    "RevisitTarget",
    "WarcEntry",
    "WarcProblem",
    "WarcReadError",
    "read_record_at",
    "read_warc",
    "warc_fields",
]

DEFAULT_MAX_BODY_BYTES: Final = 16 * 1024 * 1024

#: Every ``WarcProblem.reason`` (and ``WarcReadError.reason``), with what it means.
PROBLEM_REASONS: Final[Mapping[str, str]] = {
    "truncated": "the file ends inside a record or a gzip member",
    "bad_length": "the record does not end where its Content-Length says",
    "bad_digest": "WARC-Block-Digest or WARC-Payload-Digest does not match the bytes",
    "bad_header": "the WARC header cannot be read or lacks a mandatory field",
    "bad_http": "the HTTP status line or headers of the record cannot be read",
    "too_large": "the body is over max_body_bytes (stored or decoded); skipped unread",
    "bad_gzip": "a gzip member is corrupt or cut short",
    "garbage": "bytes between records that are no WARC record",
    "undecodable_body": "the body's content or transfer coding cannot be undone",
    "no_record": "no WARC record starts at the offset asked for (read_record_at only)",
}

# Bytes read from the file, and decompressed, at a time: what reading holds in memory.
_BLOCK: Final = 1 << 16
# A header line longer than this is cut there (its parse then fails); a header section longer
# than _MAX_HEADER is unreadable: garbage with no newline must not be loaded whole.
_MAX_LINE: Final = 1 << 16
_MAX_HEADER: Final = 1 << 20
# What the resynchronising scan reads at a time, and the two ways a record can start.
_SCAN_BLOCK: Final = 1 << 20
_STARTS: Final = re.compile(rb"\x1f\x8b\x08|WARC/1\.")
_GZIP_MAGIC: Final = b"\x1f\x8b"
# WARC fields ISO 28500 makes mandatory (WARC-Target-URI only for some types).
_MANDATORY: Final = ("WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length")
# Headers that describe the stored bytes rather than the decoded body.
_FRAMING: Final = frozenset({"content-encoding", "transfer-encoding", "content-length"})
_W3C_DATE: Final = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(Z|[+-]\d{2}:\d{2}))?)?)?"
)
_CHUNK_SIZE: Final = re.compile(rb"([0-9A-Fa-f]+)[ \t]*(?:;[^\r\n]*)?\r?\n")


# -- what a reading yields ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RevisitTarget:
    """What a ``revisit`` record points at (each part ``None`` when its writer left it out;
    wget writes only ``record_id``)."""

    target_uri: str | None  # WARC-Refers-To-Target-URI
    date: datetime | None  # WARC-Refers-To-Date, UTC
    record_id: str | None  # WARC-Refers-To


@dataclass(frozen=True, slots=True, kw_only=True)
class WarcEntry:
    """One record read from a WARC file (see the module's docstring for offsets and bodies)."""

    path: Path
    offset: int
    length: int
    record_type: str  # warcinfo, request, response, revisit, resource, metadata, ...
    record_id: str
    target_uri: str | None  # WARC-Target-URI, without the <> wget 1.19+ puts around it
    date: datetime  # WARC-Date, UTC
    warc_headers: tuple[tuple[str, str], ...]
    http_line: str | None  # "HTTP/1.1 200 OK", "GET /a HTTP/1.1"; None without HTTP part
    http_status: int | None  # responses and revisits with an HTTP part
    http_headers: tuple[tuple[str, str], ...] | None  # as sent; None without HTTP part
    # The entity body, codings undone; a request's body as sent; a non-HTTP record's block.
    # None for revisits and for records with an empty block.
    body: bytes | None = field(repr=False)
    payload_digest: str | None
    refers_to: RevisitTarget | None  # revisits only
    warcinfo: Mapping[str, str] | None  # a warcinfo record's fields; repeated names joined ", "
    truncated: str | None  # WARC-Truncated: the writer kept only part of the payload, and why
    offset_in_member: int | None = None  # set only for records sharing their gzip member

    def warc_header(self, name: str) -> str | None:
        """The first WARC header called ``name`` (any case), or None."""
        return _first(self.warc_headers, name)

    def http_header(self, name: str) -> str | None:
        """The first HTTP header called ``name`` (any case), or None (also without HTTP part)."""
        return _first(self.http_headers or (), name)

    def body_headers(self) -> tuple[tuple[str, str], ...]:
        """The HTTP headers that still hold for ``body``: all but Content-Encoding,
        Transfer-Encoding and Content-Length, which describe the stored bytes."""
        return tuple(item for item in self.http_headers or () if item[0].lower() not in _FRAMING)


@dataclass(frozen=True, slots=True)
class WarcProblem:
    """Something in a WARC file that could not be read: where, what kind, and a line for people.

    ``reason`` is one of :data:`PROBLEM_REASONS`; ``offset`` is where the record (or the
    stray bytes) starts, as :attr:`WarcEntry.offset` would be.
    """

    path: Path
    offset: int
    reason: str
    message: str
    offset_in_member: int | None = None


class WarcReadError(Exception):
    """:func:`read_record_at` found no readable record at the offset; ``reason`` is one of
    :data:`PROBLEM_REASONS` and the message names the file and offset."""

    def __init__(self, path: Path, offset: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.offset = offset
        self.reason = reason
        self.message = message


# -- the two entry points -------------------------------------------------------------------
def read_warc(
    path: Path | str,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    check_digests: bool = True,
) -> Iterator[WarcEntry | WarcProblem]:
    """Every record of the WARC file at ``path``, in file order, and every problem met.

    Streams: memory stays near ``max_body_bytes`` whatever the file's size; a record whose
    body is larger is read past without being held and reported ``too_large``. Raises only
    ``OSError`` (the file cannot be opened or read).
    """
    target = Path(path)
    with target.open("rb") as handle:
        yield from _Walk(target, handle, max_body_bytes, check_digests).records()


def read_record_at(
    path: Path | str,
    offset: int,
    *,
    offset_in_member: int | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    check_digests: bool = True,
) -> WarcEntry:
    """The one record that starts at ``offset`` (and ``offset_in_member``, for a record that
    shares its gzip member), read and checked as :func:`read_warc` reads it.

    Raises :class:`WarcReadError` when no readable record starts there (reason ``no_record``
    for an offset where none starts, else the problem :func:`read_warc` would report), and
    ``OSError`` when the file cannot be opened or read.
    """
    target = Path(path)
    with target.open("rb") as handle:
        walk = _Walk(target, handle, max_body_bytes, check_digests)
        outcome = walk.record_at(offset, offset_in_member)
    if isinstance(outcome, WarcEntry):
        return outcome
    raise WarcReadError(target, outcome.offset, outcome.reason, outcome.message)


# -- decoded bytes, one gzip member at a time -----------------------------------------------
class _SourceError(Exception):
    """The bytes under the records failed: ``kind`` is gzip (corrupt member), gzip_eof (member
    cut by the file's end) or garbage (no gzip member where one should start)."""

    def __init__(self, kind: str, raw_offset: int, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.raw_offset = raw_offset
        self.detail = detail


class _HeaderTooLong(Exception):
    """A header section ran past _MAX_HEADER bytes."""


class _Source:
    """The decompressed bytes of a WARC file from a raw offset on, as warcio's parsers read
    them (``read``/``readline``), knowing which gzip member each byte came from.

    For a plain file the decoded bytes are the file's. ``pos`` counts decoded bytes consumed;
    ``member_raw``/``member_dec`` are the file offset and decoded position where the current
    member started, ``member_end`` where it ends once known; ``ended`` lists the file offsets
    where members ended cleanly (the caller prunes it). ``hit_end`` turns true when a read
    wanted bytes past the file's end.
    """

    def __init__(self, handle: BinaryIO, start: int, gzipped: bool) -> None:
        handle.seek(start)
        self._handle = handle
        self.gzipped = gzipped
        self._buf = b""
        self._at = 0
        self.pos = 0
        self.member_raw = start
        self.member_dec = 0
        self.member_end: int | None = None  # known once its decompressor has seen its end
        self.ended: list[int] = []
        self.hit_end = False
        self.budget: int | None = None  # header bytes left while a header is parsed
        # gzip: raw bytes taken from the file but not yet decompressed, and their file offset
        self._input = b""
        self._input_at = start
        self._decomp: Any = None  # zlib decompressobj of the current member; None between

    # -- reading, as warcio's readers expect
    def read(self, size: int | None = None) -> bytes:
        """Up to ``size`` decoded bytes (fewer at a buffer's end); b"" only at the file's end."""
        if not self.fill():
            self.hit_end = True
            return b""
        want = _BLOCK if size is None or size < 0 else size
        piece = self._buf[self._at : self._at + want]
        self._at += len(piece)
        self.pos += len(piece)
        return piece

    def readline(self, size: int | None = None) -> bytes:
        """One line through its newline, or ``size`` (at most _MAX_LINE) bytes of it."""
        limit = _MAX_LINE if size is None or size < 0 else min(size, _MAX_LINE)
        parts: list[bytes] = []
        got = 0
        while got < limit:
            if not self.fill():
                self.hit_end = True
                break
            end = self._buf.find(b"\n", self._at, self._at + limit - got)
            stop = self._at + limit - got if end < 0 else end + 1
            piece = self._buf[self._at : stop]
            self._at += len(piece)
            self.pos += len(piece)
            parts.append(piece)
            got += len(piece)
            if end >= 0:
                break
        line = b"".join(parts)
        if self.budget is not None:
            self.budget -= len(line)
            if self.budget < 0:
                raise _HeaderTooLong
        return line

    def tell(self) -> int:
        return self.pos

    def close(self) -> None:
        """warcio's readers may close their stream; the file is the caller's to close."""

    # -- framing
    def skip_blank(self, *, within_member: bool = False) -> bool:
        """Skip CR and LF bytes; False when the file (or, ``within_member``, the member) ends."""
        while True:
            if within_member and self.member_exhausted():
                return False
            if not within_member and not self.fill():
                return False
            if self._buf[self._at] not in b"\r\n":
                return True
            self._at += 1
            self.pos += 1

    def at_member_start(self) -> bool:
        """Whether the next byte (made ready by ``fill``) is the first of a gzip member."""
        return self.gzipped and self.pos == self.member_dec

    def member_exhausted(self) -> bool:
        """Whether the current gzip member has no decoded bytes left (reads to its end to
        know; never true for a plain file)."""
        if not self.gzipped:
            return False
        while self._at >= len(self._buf):
            if self._decomp is None:
                return True
            self._step()
        return False

    def drain_member(self) -> None:
        """Decompress the rest of the current member, to learn whether it ends cleanly."""
        while self.gzipped and self._decomp is not None:
            self._at = len(self._buf)
            self._step()
        self._at = len(self._buf)

    def fill(self) -> bool:
        """Make the next decoded byte ready; False at the file's end."""
        while self._at >= len(self._buf):
            if not self.gzipped:
                data = self._handle.read(_BLOCK)
                if not data:
                    return False
                self._buf, self._at = data, 0
                return True
            if self._decomp is None and not self._start_member():
                return False
            self._step()
        return True

    def _start_member(self) -> bool:
        while len(self._input) < len(_GZIP_MAGIC):
            more = self._handle.read(_BLOCK)
            if not more:
                break
            self._input += more
        if not self._input:
            return False
        if not self._input.startswith(_GZIP_MAGIC):
            raise _SourceError("garbage", self._input_at, "bytes that are no WARC record")
        self.member_raw = self._input_at
        self.member_dec = self.pos
        self.member_end = None
        self._decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return True

    def _step(self) -> None:
        """Decompress the next piece of the current member into the buffer."""
        if not self._input:
            self._input = self._handle.read(_BLOCK)
            if not self._input:
                raise _SourceError(
                    "gzip_eof", self.member_raw, "the file ends inside this gzip member"
                )
        decomp = self._decomp
        try:
            out = decomp.decompress(self._input, _BLOCK)
        except zlib.error as error:
            raise _SourceError("gzip", self.member_raw, f"corrupt gzip member ({error})") from None
        rest: bytes = decomp.unused_data if decomp.eof else decomp.unconsumed_tail
        self._input_at += len(self._input) - len(rest)
        self._input = rest
        self._buf, self._at = out, 0
        if decomp.eof:
            self._decomp = None
            self.member_end = self._input_at
            self.ended.append(self._input_at)


# -- one record -----------------------------------------------------------------------------
@dataclass(slots=True)
class _Broken:
    """A record (or stray bytes) whose end is unknown: reading must look for the next start.

    ``kind``: garbage, header, length, eof (the file ends inside the record), gzip, gzip_eof.
    """

    kind: str
    offset: int
    offset_in_member: int | None
    label: str | None  # "response <urn:...> (http://...)" once the WARC header was read
    detail: str
    scan_from: int


@dataclass(slots=True)
class _At:
    """Where the record being read starts: file offset, place in a shared member, and
    decoded position; and what it is, once its header says."""

    offset: int
    in_member: int | None
    start: int
    label: str | None = None


class _ContentProblem(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class _Walk:
    """Reads one file: records in order with resynchronisation, or one record at an offset."""

    def __init__(
        self, path: Path, handle: BinaryIO, max_body_bytes: int, check_digests: bool
    ) -> None:
        self.path = path
        self.handle = handle
        self.max_body_bytes = max_body_bytes
        self.check_digests = check_digests
        # verify_http=False: the status line is checked here, so that HTTP/2 passes and a
        # broken one is a problem of its record rather than an exception.
        self.loader = ArcWarcRecordLoader(verify_http=False, arc2warc=False)

    def records(self) -> Iterator[WarcEntry | WarcProblem]:
        source = _Source(self.handle, 0, self._gzip_at(0))
        while True:
            outcome = self._one(source, exact=False)
            if outcome is None:
                return
            if not isinstance(outcome, _Broken):
                yield outcome
                continue
            found = self._resync(outcome.scan_from)
            yield self._problem_of(outcome, found)
            if found is None:
                return
            source = _Source(self.handle, found[0], found[1])

    def record_at(self, offset: int, offset_in_member: int | None) -> WarcEntry | WarcProblem:
        gzipped = self._gzip_at(offset)
        nothing = WarcProblem(
            self.path,
            offset,
            "no_record",
            self._where(offset, offset_in_member) + ": no_record: no WARC record starts here",
            offset_in_member,
        )
        if offset < 0 or (offset_in_member is not None and not gzipped):
            return nothing
        source = _Source(self.handle, offset, gzipped)
        try:
            # Decompress up to the record: a shared member can be entered only at its start.
            skip = offset_in_member or 0
            while source.pos < skip:
                if not source.read(min(skip - source.pos, _BLOCK)):
                    return nothing
        except _SourceError as error:
            broken = _Broken(error.kind, offset, offset_in_member, None, error.detail, offset + 1)
            return self._problem_of(broken, None)
        outcome = self._one(source, exact=True)
        if outcome is None:
            return nothing
        if isinstance(outcome, _Broken):
            if outcome.kind == "garbage":
                return nothing
            return self._problem_of(outcome, None)
        return outcome

    def _gzip_at(self, offset: int) -> bool:
        self.handle.seek(max(offset, 0))
        return self.handle.read(2) == _GZIP_MAGIC

    # -- reading one record
    def _one(self, source: _Source, *, exact: bool) -> WarcEntry | WarcProblem | _Broken | None:
        """The record at the source's position (after blank lines, unless ``exact``); None at
        the file's end. Leaves the source after the record unless the result is _Broken."""
        try:
            more = source.fill() if exact else source.skip_blank()
        except _SourceError as error:
            where = error.raw_offset
            return _Broken(error.kind, where, None, None, error.detail, where + 1)
        if not more:
            return None
        start = source.pos
        own_member = source.at_member_start() or not source.gzipped
        offset = source.member_raw + (start - source.member_dec if not source.gzipped else 0)
        # Members that ended before the record began are no part of it.
        source.ended = [end for end in source.ended if end > offset]
        at = _At(offset, None if own_member else start - source.member_dec, start)
        source.hit_end = False
        try:
            return self._parse(source, at)
        except _SourceError as error:
            if error.kind == "garbage":  # the record runs on past its gzip member
                kind, detail = "length", "the record runs past the end of its gzip member"
            else:
                kind, detail = error.kind, error.detail
                if error.raw_offset != offset:
                    detail += f" (the gzip member at offset {error.raw_offset})"
            return self._broken(source, kind, at, detail)

    def _parse(self, source: _Source, at: _At) -> WarcEntry | WarcProblem | _Broken:
        first = source.readline(16)
        if not first.startswith(b"WARC/"):
            return self._broken(source, "garbage", at, "bytes that are no WARC record")
        if not first.endswith(b"\n"):
            first += source.readline()
        source.budget = _MAX_HEADER
        try:
            headers = self.loader.warc_parser.parse(source, first)
        except (StatusAndHeadersParserException, _HeaderTooLong, EOFError) as error:
            if source.hit_end:
                return self._broken(source, "eof", at, "the file ends inside the WARC header")
            detail = "header over 1 MiB" if isinstance(error, _HeaderTooLong) else str(error)
            return self._broken(source, "header", at, detail)
        finally:
            source.budget = None
        if source.hit_end:
            return self._broken(source, "eof", at, "the file ends inside the WARC header")
        fields = [(str(name), str(value)) for name, value in headers.headers]
        missing = [name for name in _MANDATORY if _first(fields, name) is None]
        length_text = _first(fields, "Content-Length") or ""
        date = _parse_date(_first(fields, "WARC-Date") or "")
        if missing or not length_text.strip().isdigit() or date is None:
            detail = (
                f"no {', '.join(missing)} field"
                if missing
                else f"Content-Length {length_text!r} is no byte count"
                if not length_text.strip().isdigit()
                else f"WARC-Date {_first(fields, 'WARC-Date')!r} is no date"
            )
            return self._broken(source, "header", at, detail)
        record = _Record(
            record_type=str(_first(fields, "WARC-Type")),
            record_id=str(_first(fields, "WARC-Record-ID")),
            target_uri=_uri(_first(fields, "WARC-Target-URI")),
            date=date,
            fields=fields,
            length=int(length_text),
        )
        at.label = record.label()
        return self._block(source, headers, record, at)

    def _block(
        self, source: _Source, headers: Any, record: _Record, at: _At
    ) -> WarcEntry | WarcProblem | _Broken:
        """Read the record's block, check its end and digests, and make the entry."""
        limited = LimitReader(source, record.length)
        stream: Any = limited
        checker = DigestChecker(None)
        verifying = False
        content: _ContentProblem | None = None
        if self.check_digests:
            try:
                verifier, verifying = self.loader.wrap_digest_verifying_stream(
                    limited, record.record_type, headers, checker, length=record.length
                )
            except (ValueError, TypeError) as error:  # an algorithm name hashlib refuses
                content = _ContentProblem("bad_digest", f"unreadable digest ({error})")
            else:
                stream = _Guarded(verifier) if verifying else limited
        http: Any = None
        source.budget = _MAX_HEADER
        try:
            http = self.loader.load_http_headers(
                record.record_type, record.target_uri or "", stream, record.length
            )
            http_line, status = _http_start(record.record_type, http)
        except (StatusAndHeadersParserException, _HeaderTooLong, EOFError, ValueError) as error:
            http, http_line, status = None, None, None
            if not source.hit_end and content is None:
                content = _ContentProblem("bad_http", f"unreadable HTTP part ({error})")
        finally:
            source.budget = None
        if verifying:
            stream.begin_payload()
        payload_length = int(limited.limit)
        body: bytes | None = None
        if content is not None or record.record_type == "revisit" or record.length == 0:
            _drain(stream)
        elif payload_length > self.max_body_bytes:
            content = _ContentProblem(
                "too_large",
                f"body of {payload_length} bytes over max_body_bytes ({self.max_body_bytes})",
            )
            _drain(stream)
        else:
            raw = _read_all(stream)
            if len(raw) == payload_length:
                try:
                    body = (
                        _decode_body(raw, http, self.max_body_bytes)
                        if record.record_type == "response" and http is not None
                        else raw
                    )
                except _ContentProblem as problem:
                    content = problem
        if limited.limit > 0:
            detail = f"the file ends inside the block (Content-Length {record.length})"
            return self._broken(source, "eof", at, detail)
        if not _terminator(source):
            detail = f"no CRLF CRLF where Content-Length {record.length} ends the block"
            return self._broken(source, "length", at, detail)
        offset, in_member = at.offset, at.in_member
        own = in_member is None and source.gzipped
        if own:
            source.skip_blank(within_member=True)
            own = source.member_exhausted()
        if own and source.member_end is not None:
            length = source.member_end - offset
        else:
            length = source.pos - at.start
            if source.gzipped and in_member is None:
                in_member = 0  # the record starts a member that goes on to hold others
        # An unreadable HTTP part misplaces the payload, so its digest cannot be judged.
        if content is None or content.reason != "bad_http":
            if checker.passed is False:
                content = _ContentProblem("bad_digest", "; ".join(checker.problems))
            elif isinstance(stream, _Guarded) and stream.error is not None:
                content = _ContentProblem("bad_digest", stream.error)
        if content is not None:
            where = self._where(offset, in_member)
            message = f"{where}: {content.reason}: {at.label}: {content.detail}"
            return WarcProblem(self.path, offset, content.reason, message, in_member)
        return record.entry(self.path, offset, length, in_member, http_line, status, http, body)

    # -- when a record's end is unknown
    def _broken(self, source: _Source, kind: str, at: _At, detail: str) -> _Broken:
        """A _Broken for the record ``at``, its gzip member read to the end first: a member
        that fails there is the cause (a torn member makes any record look wrong)."""
        if source.gzipped and kind in ("garbage", "header", "length", "eof"):
            try:
                source.drain_member()
            except _SourceError as error:
                kind, detail = error.kind, error.detail
        # Go on after the first member that ended cleanly after the record's start (the next
        # record's, when a Content-Length ran past its own), else just past the record's start.
        scan_from = next((end for end in source.ended if end > at.offset), at.offset + 1)
        return _Broken(kind, at.offset, at.in_member, at.label, detail, scan_from)

    def _problem_of(self, broken: _Broken, found: tuple[int, bool] | None) -> WarcProblem:
        """The problem a _Broken is, now that reading knows whether anything follows it: a
        record the file's end cut is ``truncated`` only if no record comes after it."""
        later = found is not None
        reason = {
            "garbage": "garbage",
            "header": "bad_header",
            "length": "bad_length",
            "eof": "bad_length" if later else "truncated",
            "gzip": "bad_gzip",
            "gzip_eof": "bad_gzip" if later else "truncated",
        }[broken.kind]
        detail = broken.detail
        if reason == "garbage":
            end = found[0] if found is not None else self.handle.seek(0, 2)
            tail = "" if found is not None else ", the rest of the file"
            detail += f" ({end - broken.offset} bytes skipped{tail})"
        elif reason == "bad_length" and broken.kind == "eof":
            detail += ", yet a record follows: wrong Content-Length"
        where = self._where(broken.offset, broken.offset_in_member)
        label = f"{broken.label}: " if broken.label else ""
        return WarcProblem(
            self.path,
            broken.offset,
            reason,
            f"{where}: {reason}: {label}{detail}",
            broken.offset_in_member,
        )

    def _resync(self, start: int) -> tuple[int, bool] | None:
        """The first offset at or after ``start`` where a record starts (a gzip member whose
        first bytes decode to a WARC header, or a WARC header), and whether it is gzipped."""
        position = start
        while True:
            self.handle.seek(position)
            block = self.handle.read(_SCAN_BLOCK)
            if not block:
                return None
            for match in _STARTS.finditer(block):
                candidate = position + match.start()
                gzipped = match.group().startswith(_GZIP_MAGIC)
                if self._starts_record(candidate, gzipped):
                    return candidate, gzipped
            if len(block) < _SCAN_BLOCK:
                return None
            # Step back a few bytes: a start may straddle the two blocks.
            position += len(block) - (len("WARC/1.") - 1)

    def _starts_record(self, offset: int, gzipped: bool) -> bool:
        source = _Source(self.handle, offset, gzipped)
        try:
            first = source.readline(16)
            if not first.startswith(b"WARC/"):
                return False
            if not first.endswith(b"\n"):
                first += source.readline()
            source.budget = _MAX_HEADER
            headers = self.loader.warc_parser.parse(source, first)
        except (_SourceError, StatusAndHeadersParserException, _HeaderTooLong, EOFError):
            return False
        fields = [(str(name), str(value)) for name, value in headers.headers]
        length = _first(fields, "Content-Length") or ""
        return (
            all(_first(fields, name) is not None for name in _MANDATORY)
            and length.strip().isdigit()
            and _parse_date(_first(fields, "WARC-Date") or "") is not None
        )

    def _where(self, offset: int, in_member: int | None) -> str:
        inside = f" (+{in_member} in its gzip member)" if in_member is not None else ""
        return f"{self.path} at offset {offset}{inside}"


@dataclass(slots=True, kw_only=True)
class _Record:
    """What the WARC header said, while the block is read."""

    record_type: str
    record_id: str
    target_uri: str | None
    date: datetime
    fields: list[tuple[str, str]]
    length: int

    def label(self) -> str:
        """How a message names the record."""
        about = f" ({self.target_uri})" if self.target_uri else ""
        return f"{self.record_type} {self.record_id}{about}"

    def entry(
        self,
        path: Path,
        offset: int,
        length: int,
        in_member: int | None,
        http_line: str | None,
        status: int | None,
        http: Any,
        body: bytes | None,
    ) -> WarcEntry:
        fields = self.fields
        refers_to = None
        if self.record_type == "revisit":
            refers_date = _first(fields, "WARC-Refers-To-Date")
            refers_to = RevisitTarget(
                _uri(_first(fields, "WARC-Refers-To-Target-URI")),
                _parse_date(refers_date) if refers_date else None,
                _first(fields, "WARC-Refers-To"),
            )
        http_headers = (
            tuple((str(name), str(value)) for name, value in http.headers)
            if http is not None
            else None
        )
        return WarcEntry(
            path=path,
            offset=offset,
            length=length,
            record_type=self.record_type,
            record_id=self.record_id,
            target_uri=self.target_uri,
            date=self.date,
            warc_headers=tuple(fields),
            http_line=http_line,
            http_status=status,
            http_headers=http_headers,
            body=body,
            payload_digest=_first(fields, "WARC-Payload-Digest"),
            refers_to=refers_to,
            warcinfo=(warc_fields(body or b"") if self.record_type == "warcinfo" else None),
            truncated=_first(fields, "WARC-Truncated"),
            offset_in_member=in_member,
        )


class _Guarded:
    """warcio's digest-verifying reader, kept from raising: it decodes the digest written in
    the header when the block ends, and a value that is no base 32, 16 or 64 raises there.
    The block is all read by then, so reading just ends and the record is ``bad_digest``."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.error: str | None = None

    def read(self, size: int | None = None) -> bytes:
        return self._guard(self.inner.read, size)

    def readline(self, size: int | None = None) -> bytes:
        return self._guard(self.inner.readline, size)

    def begin_payload(self) -> None:
        self._guard(lambda _: self.inner.begin_payload() or b"", None)

    def _guard(self, call: Any, size: int | None) -> bytes:
        try:
            return bytes(call(size))
        except (ValueError, TypeError) as error:
            self.error = f"unreadable digest value ({error})"
            return b""


# -- small pieces ---------------------------------------------------------------------------
def _first(items: Iterable[tuple[str, str]], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in items if key.lower() == wanted), None)


def _uri(value: str | None) -> str | None:
    # wget 1.19 to 1.21 wrote WARC-Target-URI inside <>, as WARC/1.0's grammar misled it to.
    if value is not None and value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    return value


def _parse_date(value: str) -> datetime | None:
    """A WARC date (W3C-DTF: WARC/1.1 allows fractions of a second), in UTC; None if none.

    >>> _parse_date("2026-12-06T22:31:42Z")
    datetime.datetime(2026, 12, 6, 22, 31, 42, tzinfo=datetime.timezone.utc)
    >>> _parse_date("2026-12-06T22:31:42.123456789+05:00").isoformat()
    '2026-12-06T17:31:42.123456+00:00'
    >>> _parse_date("2026-12-06").isoformat(), _parse_date("yesterday")
    ('2026-12-06T00:00:00+00:00', None)
    """
    match = _W3C_DATE.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        shift = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        moment = moment.replace(tzinfo=timezone(sign * shift)).astimezone(UTC)
    return moment


def warc_fields(block: bytes) -> dict[str, str]:
    """A ``application/warc-fields`` block (what a warcinfo record holds) as a dict; a name
    given twice gets its values joined with ", "; continuation lines are folded in.

    >>> warc_fields(b"software: Wget/1.21.3\\r\\nrobots: off\\r\\nrobots: on\\r\\n\\r\\n")
    {'software': 'Wget/1.21.3', 'robots': 'off, on'}
    """
    found: dict[str, str] = {}
    last: str | None = None
    for line in block.decode("utf-8", "replace").splitlines():
        if line[:1] in (" ", "\t") and last is not None:
            found[last] += " " + line.strip()
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            last = None
            continue
        last = name.strip()
        found[last] = f"{found[last]}, {value.strip()}" if last in found else value.strip()
    return found


def _http_start(record_type: str, http: Any) -> tuple[str | None, int | None]:
    """The HTTP start line and status (responses and revisits), checked: ValueError if
    the record's HTTP part is no HTTP message."""
    if http is None:
        return None, None
    protocol, rest = str(http.protocol), str(http.statusline)
    line = f"{protocol} {rest}".strip()
    if record_type == "request":
        if not protocol.isalpha() or " HTTP/" not in f" {rest}".upper():
            raise ValueError(f"request line {line[:80]!r}")
        return line, None
    code = rest.split(" ", 1)[0]
    if not protocol.upper().startswith("HTTP/") or not (len(code) == 3 and code.isdigit()):
        raise ValueError(f"status line {line[:80]!r}")
    return line, int(code)


def _read_all(stream: Any) -> bytes:
    parts: list[bytes] = []
    while piece := stream.read(_BLOCK):
        parts.append(piece)
    return b"".join(parts)


def _drain(stream: Any) -> None:
    while stream.read(_BLOCK):
        pass


def _terminator(source: _Source) -> bool:
    """Consume the CRLF CRLF after a block; a file that ends right after the block (or after
    one CRLF) has lost nothing of the record and passes."""
    for _ in range(2):
        line = source.readline(2)
        if line == b"":
            return True
        if line not in (b"\r\n", b"\n"):
            return False
    return True


# -- undoing HTTP codings -------------------------------------------------------------------
def _tokens(http: Any, name: str) -> list[str]:
    values = [str(value) for key, value in http.headers if str(key).lower() == name]
    return [
        token.strip().lower() for value in values for token in value.split(",") if token.strip()
    ]


def _decode_body(payload: bytes, http: Any, limit: int) -> bytes:
    """The entity body of a response's stored payload (see the module docstring)."""
    transfer = _tokens(http, "transfer-encoding")
    codings = [c for c in _tokens(http, "content-encoding") if c != "identity"]
    if "chunked" in transfer:
        if _CHUNK_SIZE.match(payload):
            payload = _dechunk(payload)
        # Codings listed before "chunked" in Transfer-Encoding were applied under it.
        codings += [c for c in transfer if c not in ("chunked", "identity")]
    for coding in reversed(codings):
        payload = _undo(coding, payload, limit)
    return payload


def _dechunk(data: bytes) -> bytes:
    """Undo the chunked transfer coding; a message cut inside it gives the chunks it holds.

    >>> _dechunk(b"5\\r\\nHello\\r\\n6;x=1\\r\\n world\\r\\n0\\r\\nExpires: 0\\r\\n\\r\\n")
    b'Hello world'
    >>> _dechunk(b"5\\r\\nHel")
    b'Hel'
    """
    parts: list[bytes] = []
    at = 0
    while at < len(data):
        size_line = _CHUNK_SIZE.match(data, at)
        if size_line is None:
            raise _ContentProblem("undecodable_body", f"bad chunk size line at body byte {at}")
        size = int(size_line.group(1), 16)
        at = size_line.end()
        if size == 0:
            break
        parts.append(data[at : at + size])
        at += size
        if at < len(data):
            if data.startswith(b"\r\n", at):
                at += 2
            elif data.startswith(b"\n", at):
                at += 1
            else:
                raise _ContentProblem("undecodable_body", f"no CRLF after chunk at byte {at}")
    return b"".join(parts)


def _undo(coding: str, data: bytes, limit: int) -> bytes:
    if coding in ("gzip", "x-gzip"):
        if not data.startswith(_GZIP_MAGIC):
            return data  # stored already decoded under its original header
        return _inflate(data, 16 + zlib.MAX_WBITS, limit, coding)
    if coding == "deflate":
        try:
            return _inflate(data, zlib.MAX_WBITS, limit, coding)
        except _ContentProblem as problem:
            if problem.reason == "too_large":
                raise
            # Many servers send raw deflate (no zlib wrapper) under "deflate".
            return _inflate(data, -zlib.MAX_WBITS, limit, coding)
    if coding == "br":
        return _unbrotli(data, limit)
    raise _ContentProblem("undecodable_body", f"Content-Encoding {coding!r} cannot be undone")


def _inflate(data: bytes, wbits: int, limit: int, coding: str) -> bytes:
    """zlib-decode ``data``, at most ``limit`` bytes out; concatenated gzip members too."""
    out: list[bytes] = []
    size = 0
    rest = data
    while rest:
        decomp = zlib.decompressobj(wbits)
        try:
            while rest:
                piece = decomp.decompress(rest, _BLOCK)
                rest = decomp.unconsumed_tail
                size += len(piece)
                if size > limit:
                    raise _ContentProblem(
                        "too_large", f"decoded body over max_body_bytes ({limit})"
                    )
                out.append(piece)
                if decomp.eof or (not piece and not rest):
                    break
        except zlib.error as error:
            raise _ContentProblem("undecodable_body", f"bad {coding} body ({error})") from None
        if not decomp.eof:
            break  # cut short: keep what it held
        rest = decomp.unused_data if wbits > zlib.MAX_WBITS else b""
        if not rest.startswith(_GZIP_MAGIC):
            break
    return b"".join(out)


def _unbrotli(data: bytes, limit: int) -> bytes:
    try:
        brotli = importlib.import_module("brotli")
    except ImportError:
        raise _ContentProblem(
            "undecodable_body", "Content-Encoding br needs the brotli package"
        ) from None
    decomp = brotli.Decompressor()
    # brotli >= 1.2 bounds each call's output; older releases get small pieces of input, which
    # bound it too (less tightly).
    bounded = hasattr(decomp, "can_accept_more_data")
    out: list[bytes] = []
    size = 0
    try:
        for at in range(0, len(data), 1024):
            piece: bytes = (
                decomp.process(data[at : at + 1024], output_buffer_limit=_BLOCK)
                if bounded
                else decomp.process(data[at : at + 1024])
            )
            while True:
                size += len(piece)
                if size > limit:
                    raise _ContentProblem(
                        "too_large", f"decoded body over max_body_bytes ({limit})"
                    )
                out.append(piece)
                if not bounded or decomp.can_accept_more_data():
                    break
                piece = decomp.process(b"", output_buffer_limit=_BLOCK)
    except brotli.error as error:
        raise _ContentProblem("undecodable_body", f"bad br body ({error})") from None
    return b"".join(out)
