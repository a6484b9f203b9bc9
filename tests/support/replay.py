"""Hold WARC files to the field's own tools: pywb replays them, warcio checks and indexes them.

An archive is evidence only if tools we did not write can read it. :class:`Replay` builds a pywb
collection from WARC files in a folder of its own (``wb-manager init`` and ``wb-manager add``,
as an archivist would), serves it with ``wayback`` on a free 127.0.0.1 port and stops it on
exit; :func:`warc_check` and :func:`warc_index` run ``warcio check`` and ``warcio index`` and
parse what they print::

    with Replay([warc], tmp_path / "pywb") as replay:
        page = replay.fetch("http://127.0.0.1:8765/", "20251211130000")   # id_: bytes as kept
        assert page.status == 200

pywb gets a virtualenv of its own, ``.venv-pywb/`` (:func:`ensure_pywb` builds it once;
``python -m tests.support.replay`` does so ahead of a test run): pywb 2.10 pins
``pyOpenSSL<26.2`` (Scrapy's venv has a newer one) and brings ``brotlipy``, whose ``brotli``
package shadows the Brotli module Scrapy decodes ``br`` responses with. Only its command-line
tools are used, so nothing of it is imported here.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import venv
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import pytest
from parsel import Selector
from w3lib.encoding import html_to_unicode

__all__ = [
    "PYWB_REQUIREMENT",
    "PYWB_VENV",
    "CheckReport",
    "CheckedRecord",
    "Fetched",
    "IndexEntry",
    "PywbUnavailable",
    "Replay",
    "ensure_pywb",
    "http_get",
    "require_pywb",
    "timestamp14",
    "title_of",
    "warc_check",
    "warc_index",
]

ROOT = Path(__file__).resolve().parents[2]
# One place for the version: a new pin here rebuilds the venv (its stamp holds the pin).
PYWB_REQUIREMENT = "pywb==2.10.0"
PYWB_VENV = ROOT / ".venv-pywb"
_STAMP = ".installed"
# What wb-manager adds; it only warns about other names (a ".part" file would be left out).
_ARCHIVE_NAME = re.compile(r".*\.w?arc(\.gz)?$")
# wayback answers within about a second here; the rest is headroom for a loaded CI machine.
_START_SECONDS = 30.0
_STOP_SECONDS = 5.0
_PORT_TRIES = 3


class PywbUnavailable(RuntimeError):
    """pywb could not be installed or started (the message says why)."""


def ensure_pywb(venv_dir: Path = PYWB_VENV) -> Path:
    """The ``bin`` folder of a virtualenv holding :data:`PYWB_REQUIREMENT`, built if missing.

    Raises :class:`PywbUnavailable` with pip's last lines when the install fails.
    """
    bin_dir = venv_dir / "bin"
    stamp = venv_dir / _STAMP
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == PYWB_REQUIREMENT:
        return bin_dir
    # A half-built venv (an install killed midway) or an older pin: start again from nothing.
    venv.EnvBuilder(clear=True, with_pip=True).create(venv_dir)
    install = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", PYWB_REQUIREMENT],
        capture_output=True,
        text=True,
        check=False,
    )
    if install.returncode != 0:
        lines = (install.stderr or install.stdout).strip().splitlines()
        tail = "\n".join([line for line in lines if line.startswith("ERROR")] or lines[-5:])
        raise PywbUnavailable(f"pip could not install {PYWB_REQUIREMENT} into {venv_dir}:\n{tail}")
    stamp.write_text(PYWB_REQUIREMENT + "\n", encoding="utf-8")
    return bin_dir


def require_pywb() -> Path:
    """:func:`ensure_pywb` for a test: fails in CI (``CI=true``), skips with the reason elsewhere.

    pywb is part of what ``make test`` checks, so CI must not pass without it; a developer
    offline, whose pip cannot reach the registry, can still run the rest.
    """
    try:
        return ensure_pywb()
    except (PywbUnavailable, OSError) as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"pywb is required in CI: {exc}")
        pytest.skip(f"pywb cannot be installed here: {exc}")


# -- replay -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    """One HTTP answer as received (redirects are answers too, not followed)."""

    status: int
    headers: Message
    body: bytes

    def decoded(self) -> bytes:
        """The body with its content coding (gzip, deflate) undone, as a browser reads it."""
        coding = (self.headers.get("Content-Encoding") or "identity").strip().lower()
        if coding == "gzip":
            return gzip.decompress(self.body)
        if coding == "deflate":
            return zlib.decompress(self.body)
        if coding == "identity":
            return self.body
        raise ValueError(f"no decoder for Content-Encoding {coding!r} here")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def http_get(
    url: str, *, headers: Mapping[str, str] | None = None, timeout: float = 10.0
) -> Fetched:
    """GET ``url`` without following redirects; 4xx and 5xx come back as :class:`Fetched` too.

    urllib asks for no content coding unless ``headers`` does (``Accept-Encoding``).
    """
    request = urllib.request.Request(url, headers=dict(headers or {}))
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return Fetched(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Fetched(error.code, error.headers, error.read())


def title_of(page: Fetched) -> str | None:
    """The text of a page's ``<title>``, decoded as a crawler decodes it (content coding, then
    the charset of the header, meta or BOM).

    >>> page = '<meta charset="windows-1251"><title>Курс &amp; рынок</title>'
    >>> title_of(Fetched(200, Message(), page.encode("cp1251")))
    'Курс & рынок'
    >>> title_of(Fetched(200, Message(), b"<p>no title</p>")) is None
    True
    """
    _, text = html_to_unicode(page.headers.get("Content-Type"), page.decoded())
    title: str | None = Selector(text=text).xpath("//title").xpath("string()").get()
    return title


def timestamp14(warc_date: str) -> str:
    """A WARC-Date (WARC/1.0 seconds or WARC/1.1 fractions) as the 14 digits of a replay URL.

    >>> timestamp14("2026-12-06T22:30:14.032771Z")
    '20261206223014'
    >>> timestamp14("2025-12-11T13:00:00Z")
    '20251211130000'
    """
    return re.sub(r"\D", "", warc_date)[:14]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Replay:
    """A pywb collection of ``warcs`` under ``root``, served by ``wayback`` while in ``with``.

    ``wb-manager add`` copies the files into the collection and indexes them; names pywb would
    not take raise ValueError rather than be left out. :attr:`base_url` is the server's root;
    :meth:`url` and :meth:`fetch` address one capture, by default in the ``id_`` mode (the
    response as archived, headers and bytes, no rewriting).
    """

    def __init__(
        self,
        warcs: Iterable[Path],
        root: Path,
        *,
        collection: str = "newsarchive",
        bin_dir: Path | None = None,
    ) -> None:
        self.warcs = [Path(path) for path in warcs]
        bad = [str(path) for path in self.warcs if not _ARCHIVE_NAME.match(path.name)]
        if bad or not self.warcs:
            raise ValueError(f"pywb takes *.warc, *.warc.gz, *.arc, *.arc.gz files, not {bad}")
        self.root = root.resolve()
        self.collection = collection
        self.bin_dir = (bin_dir if bin_dir is not None else ensure_pywb()).resolve()
        self.log_path = root / "wayback.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._port = 0

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> Self:
        """Build the collection, start wayback and wait until it answers; returns self."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._manage("init", self.collection)
        self._manage("add", self.collection, *(str(path.resolve()) for path in self.warcs))
        for _ in range(_PORT_TRIES):
            # The free port is only free until someone takes it: a lost race just tries again.
            if self._serve(_free_port()):
                return self
        raise PywbUnavailable(f"wayback did not start; its log:\n{self.log()}")

    def stop(self) -> None:
        """Stop wayback (SIGTERM, then SIGKILL after a few seconds); idempotent."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/`` of the running server."""
        if not self._port:
            raise RuntimeError("Replay is not started")
        return f"http://127.0.0.1:{self._port}/"

    def url(self, target: str, timestamp: str, mode: str = "id_") -> str:
        """The replay URL of ``target`` nearest ``timestamp`` (14 digits) in ``mode``.

        ``id_`` answers with the archived response itself; ``mp_`` with the page rewritten
        for replay in a browser (links into the archive, pywb's scripts in its head); ``""``
        with pywb's frame around it.
        """
        return f"{self.base_url}{self.collection}/{timestamp}{mode}/{target}"

    def fetch(self, target: str, timestamp: str, mode: str = "id_") -> Fetched:
        """GET :meth:`url` (redirects are returned, not followed)."""
        return http_get(self.url(target, timestamp, mode))

    def cdxj(self) -> list[str]:
        """The lines of the collection's index as ``wb-manager add`` wrote it."""
        index = self.root / "collections" / self.collection / "indexes" / "index.cdxj"
        return index.read_text(encoding="utf-8").splitlines()

    def log(self) -> str:
        """What wayback printed so far (its request log and any traceback)."""
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    # -- internals ------------------------------------------------------------------------
    def _manage(self, *args: str) -> None:
        done = subprocess.run(
            [str(self.bin_dir / "wb-manager"), *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise PywbUnavailable(f"wb-manager {args[0]} failed:\n{done.stdout}{done.stderr}")

    def _serve(self, port: int) -> bool:
        """Start wayback on ``port``; True once it answers, False if it exited first."""
        self._log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            [str(self.bin_dir / "wayback"), "-b", "127.0.0.1", "-p", str(port), "-d", "."],
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._port = port
        deadline = time.monotonic() + _START_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self.stop()
                self._port = 0
                return False
            try:
                if http_get(self.base_url, timeout=1.0).status == 200:
                    return True
            except OSError:
                pass  # not listening yet
            time.sleep(0.05)
        self.stop()
        raise PywbUnavailable(f"wayback did not answer in {_START_SECONDS:.0f} s:\n{self.log()}")


# -- warcio's checks --------------------------------------------------------------------------


def _warcio(*args: str) -> subprocess.CompletedProcess[str]:
    # The interpreter's own warcio, the one the crawl wrote with: no PATH or bin folder guessed.
    return subprocess.run(
        [sys.executable, "-m", "warcio.cli", *args],
        capture_output=True,
        text=True,
        check=False,
    )


@dataclass(frozen=True)
class IndexEntry:
    """One record as ``warcio index`` lists it."""

    path: Path
    offset: int
    length: int
    warc_type: str
    record_id: str
    target_uri: str | None
    date: str | None


_INDEX_FIELDS = "offset,length,warc-type,warc-record-id,warc-target-uri,warc-date"


def warc_index(paths: Iterable[Path]) -> list[IndexEntry]:
    """Every record of every file, in file order then offset order, from ``warcio index``.

    Raises RuntimeError with warcio's message when it cannot read a file.
    """
    entries = []
    for path in paths:
        # One call a file: warcio's JSON names a file by its base name only.
        done = _warcio("index", "-f", _INDEX_FIELDS, str(path))
        if done.returncode != 0:
            raise RuntimeError(f"warcio index {path} failed:\n{done.stderr}")
        for line in done.stdout.splitlines():
            row = json.loads(line)
            entries.append(
                IndexEntry(
                    path=path,
                    offset=int(row["offset"]),
                    length=int(row["length"]),
                    warc_type=row["warc-type"],
                    record_id=row["warc-record-id"],
                    target_uri=row.get("warc-target-uri"),
                    date=row.get("warc-date"),
                )
            )
    return entries


@dataclass(frozen=True)
class CheckedRecord:
    """One record's verdicts from ``warcio check -v``: ``digest pass``, ``no digest to check``,
    ``digest present but not checked (revisit)`` or the problems it found."""

    path: str
    offset: int
    record_id: str
    warc_type: str
    verdicts: tuple[str, ...]


@dataclass(frozen=True)
class CheckReport:
    """What ``warcio check -v`` said: its exit status, each record, and file-level errors."""

    returncode: int
    output: str
    records: tuple[CheckedRecord, ...]
    errors: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.errors


_RECORD_LINE = re.compile(r"^  offset (\d+) WARC-Record-ID (\S*) (\S*)$")


def warc_check(paths: Sequence[Path]) -> CheckReport:
    """``warcio check -v`` on ``paths``: digests verified record by record, parsed.

    The exit status alone hides a record with no digest at all (warcio passes it), so the
    verdict of each record is kept for tests that require digests everywhere.
    """
    done = _warcio("check", "-v", *(str(path) for path in paths))
    records: list[CheckedRecord] = []
    errors: list[str] = []
    current_file = ""
    head: tuple[int, str, str] | None = None
    verdicts: list[str] = []

    def close_record() -> None:
        if head is not None:
            records.append(CheckedRecord(current_file, *head, tuple(verdicts)))

    for line in done.stdout.splitlines():
        if not line.startswith(" "):
            close_record()
            current_file, head, verdicts = line, None, []
        elif match := _RECORD_LINE.match(line):
            close_record()
            head, verdicts = (int(match[1]), match[2], match[3]), []
        elif line.startswith("    ") and head is not None:
            verdicts.append(line.strip())
        else:
            errors.append(f"{current_file}: {line.strip()}")
    close_record()
    if done.stderr.strip():
        errors.append(done.stderr.strip())
    return CheckReport(done.returncode, done.stdout, tuple(records), tuple(errors))


if __name__ == "__main__":
    # `make test` builds pywb's venv before pytest runs, so no test pays for the install.
    try:
        print(ensure_pywb())
    except PywbUnavailable as exc:
        sys.exit(str(exc))
