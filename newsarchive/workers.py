"""Article pages parsed in a worker process, so that parsing does not hold up Scrapy's thread.

Scrapy fetches, schedules and runs callbacks on one thread: every millisecond an article
callback spends parsing is a millisecond no other response is handled. When a crawl is fast
enough for that to matter, the spider hands its article pages to one worker process, which
runs :func:`newsarchive.parsers.page.read_article_page` on them, the same pure function the
spider runs itself otherwise, and sends the readings back.

The worker is started lazily, only when parsing takes more than ``NEWSARCHIVE_PARSE_WORKER_SHARE``
of the crawl's time: a polite crawl of a live site (a few pages a second) never starts one. It
reads jobs from a socket pair until the crawl closes its end; it is in a process group of its
own, so a terminal's Ctrl-C reaches only the crawl, which stops cleanly and closes the socket;
and it exits when the crawl dies, at the end of its input. A job
that fails in the worker is read again in the crawl's process, so an error surfaces exactly as
it would without a worker; a worker that dies is replaced by reading in the crawl's process,
its pending pages included: no page is lost with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import pickle
import re
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from newsarchive import counters
from newsarchive.parsers.article import ArticlePage, ArticleSelectors
from newsarchive.parsers.page import ArticleReading, read_article_page, selector_for
from newsarchive.parsers.rates import Rate, RateBlock
from newsarchive.parsers.timestamps import Timestamp

__all__ = ["PageReader", "ParseJob"]

logger = logging.getLogger(__name__)

# Length prefix of every message: a pickle of up to 2**64 bytes. Pickle is safe here: both ends
# are this crawl's own processes, on a socket pair no other process holds.
_HEADER = struct.Struct("!Q")
_READY = b"ready"
# Inline parses counted before the share of the crawl's time they took is judged.
_WINDOW = 50
# Seconds the crawl waits at its close for the worker to exit after its socket closed.
_EXIT_WAIT = 5.0

# One page: its bytes, their encoding, its URL, the selector type ("html", "xml", or None to
# let parsel decide) and when it was fetched.
ParseJob = tuple[bytes, str, str, str | None, datetime]
# What a worker is given once: the site's article selectors, widget selectors, time zone and
# language.
SiteParsing = tuple[ArticleSelectors, tuple[str, ...], str, str]


def read_job(site: SiteParsing, job: ParseJob) -> ArticleReading:
    """Read one page as the spider reads it in its own process."""
    selectors, rate_widget, timezone, lang = site
    body, encoding, url, kind, now = job
    return read_article_page(
        selector_for(body, encoding, url, kind),
        selectors,
        rate_widget,
        url=url,
        now=now,
        tz=timezone,
        lang=lang,
    )


class _WorkerLost(Exception):
    """The worker process is gone; its pending pages are read in the crawl's process."""


class _Channel(asyncio.Protocol):
    """The crawl's end of the socket: length-prefixed pickles out, readings back."""

    def __init__(self, site: SiteParsing, on_lost: Callable[[], None]) -> None:
        self.site = site
        self.transport: asyncio.Transport | None = None
        self.ready = False
        self.pending: dict[int, asyncio.Future[ArticleReading | None]] = {}
        self.buffer = bytearray()
        self.next_key = 0
        self.previous_rates: RateBlock | None = None
        self.on_lost = on_lost

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        _write(transport.write, pickle.dumps(self.site, protocol=pickle.HIGHEST_PROTOCOL))

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.buffer)
            end = _HEADER.size + size
            if len(self.buffer) < end:
                return
            message = bytes(self.buffer[_HEADER.size : end])
            del self.buffer[:end]
            if message == _READY:
                self.ready = True
                continue
            key, packed = pickle.loads(message)
            reading = None
            if packed is not None:
                reading = _unpack(packed, self.previous_rates)
                self.previous_rates = reading.rates
            future = self.pending.pop(key, None)
            if future is not None and not future.done():
                future.set_result(reading)

    def connection_lost(self, exc: Exception | None) -> None:
        self.ready = False
        for future in self.pending.values():
            if not future.done():
                future.set_exception(_WorkerLost())
        self.pending.clear()
        self.on_lost()

    def send(self, job: ParseJob) -> asyncio.Future[ArticleReading | None]:
        assert self.transport is not None
        key = self.next_key
        self.next_key += 1
        future: asyncio.Future[ArticleReading | None] = asyncio.get_running_loop().create_future()
        self.pending[key] = future
        _write(self.transport.write, pickle.dumps((key, job), protocol=pickle.HIGHEST_PROTOCOL))
        return future


class PageReader:
    """Reads a site's article pages: in the crawl's process, or in a worker once that pays.

    ``worker`` allows one (``NEWSARCHIVE_PARSE_WORKER``); ``start_share`` is the share of the
    crawl's wall time that parsing here must take, over 50 pages, for it to be started
    (``NEWSARCHIVE_PARSE_WORKER_SHARE``; 0 starts it with the first page).
    """

    def __init__(
        self,
        site: SiteParsing,
        *,
        worker: bool,
        start_share: float,
        count: Callable[[str], None],
    ) -> None:
        self.site = site
        self.enabled = worker
        self.start_share = start_share
        self.count = count
        self.process: subprocess.Popen[bytes] | None = None
        self.channel: _Channel | None = None
        self.connecting: asyncio.Task[Any] | None = None
        self.socket: socket.socket | None = None
        self.window_started = time.perf_counter()
        self.window_pages = 0
        self.window_parsing = 0.0

    async def read(self, job: ParseJob, here: Callable[[], ArticleReading]) -> ArticleReading:
        """The page of ``job`` read by the worker, or by ``here`` (the same reading, from the
        crawl's own tree of the page) while there is no worker or when it failed on the page."""
        channel = self.channel
        if channel is not None and channel.ready:
            try:
                reading = await channel.send(job)
            except _WorkerLost:
                reading = None
            if reading is not None:
                self.count(counters.PARSE_WORKER_PAGES)
                return reading
        started = time.perf_counter()
        reading = here()
        if self.enabled and self.channel is None:
            self._judge(started, time.perf_counter())
        return reading

    def _judge(self, started: float, ended: float) -> None:
        """Start the worker once parsing here takes ``start_share`` of the crawl's time."""
        self.window_pages += 1
        self.window_parsing += ended - started
        if self.start_share > 0 and self.window_pages < _WINDOW:
            return
        share = self.window_parsing / max(ended - self.window_started, 1e-9)
        if share >= self.start_share:
            self._start()
        self.window_started, self.window_pages, self.window_parsing = ended, 0, 0.0

    def _start(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not Scrapy's asyncio reactor: no loop to talk to a worker on
            self.enabled = False
            return
        ours, theirs = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "newsarchive.workers", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                # Its own process group: a terminal's Ctrl-C goes to the crawl, which stops
                # cleanly and closes the socket, not to a worker halfway through its imports.
                process_group=0,
            )
        except OSError as error:
            ours.close()
            logger.warning("cannot start a parse worker (%s); parsing in this process", error)
            self.enabled = False
            return
        finally:
            theirs.close()
        self.socket = ours
        channel = self.channel = _Channel(self.site, self._lost)
        self.connecting = loop.create_task(loop.create_connection(lambda: channel, sock=ours))
        self.connecting.add_done_callback(self._connected)
        self.count(counters.PARSE_WORKER_STARTED)
        logger.info("parsing moved to a worker process (pid %d)", self.process.pid)

    def _connected(self, task: asyncio.Task[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            self._lost()

    def _lost(self) -> None:
        if not self.enabled:
            return  # closed by us
        self.enabled = False
        self.channel = None
        self.count(counters.PARSE_WORKER_LOST)
        status = None
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                status = self.process.wait(timeout=1.0)  # it is gone or going: its status says why
        logger.warning(
            "the parse worker stopped (exit status %s); parsing in this process from now on",
            status,
        )

    def close(self) -> None:
        """Close the worker's socket and wait for it to exit (it exits on end of input)."""
        self.enabled = False
        if self.process is not None and self.process.poll() is None:
            peak = _peak_memory(self.process.pid)
            if peak is not None:
                logger.info("the parse worker's peak memory: %.1f MiB", peak / 2**20)
        if self.socket is not None:
            # Shut down, not only closed through the transport: that close waits for the event
            # loop, which does not run while this waits for the worker to see the end.
            with contextlib.suppress(OSError):
                self.socket.shutdown(socket.SHUT_RDWR)
            if self.channel is not None and self.channel.transport is not None:
                self.channel.transport.abort()
            self.socket = None
        self.channel = None
        if self.process is not None:
            try:
                self.process.wait(timeout=_EXIT_WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


def _peak_memory(pid: int) -> int | None:
    """A live process's peak resident memory in bytes (Linux), for the memory benchmark."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found[1]) * 1024 if found else None


def _write(write: Callable[[bytes], Any], message: bytes) -> None:
    write(_HEADER.pack(len(message)) + message)  # one write: one system call, one wake-up


# A reading crosses the socket as plain tuples: unpickling frozen slotted dataclasses costs
# several times more than building them. The rate widget is the same on nearly every page, so
# a widget equal to the previous reading's is sent as _SAME_RATES, not again.
_SAME_RATES = "same"


def _pack(reading: ArticleReading, previous: RateBlock | None) -> tuple[Any, ...]:
    page, rates = reading.page, reading.rates
    stamp = page.published
    shown: Any = _SAME_RATES
    if rates is None:
        shown = None
    elif previous is None or _exactly(rates) != _exactly(previous):
        rows = [
            (rate.currency, rate.rate, rate.change, rate.change_percent) for rate in rates.rates
        ]
        shown = (rates.as_of, rates.source, rows)
    return (
        page.title,
        page.lead,
        page.body,
        page.section,
        page.author,
        stamp and (stamp.value, stamp.precision, stamp.raw),
        reading.filled,
        shown,
    )


def _exactly(rates: RateBlock) -> tuple[Any, ...]:
    """A widget as its records will show it: Decimal("1.10") equals Decimal("1.1") but is
    archived as another string, so the numbers are compared as written."""
    rows = [tuple(map(str, (rate.currency, rate.rate, rate.change, rate.change_percent)))
            for rate in rates.rates]  # fmt: skip
    return (rates.as_of, rates.source, rows)


def _unpack(packed: tuple[Any, ...], previous: RateBlock | None) -> ArticleReading:
    title, lead, body, section, author, stamp, filled, shown = packed
    if shown == _SAME_RATES:
        rates = previous
    else:
        rates = shown and RateBlock(shown[0], shown[1], tuple(Rate(*row) for row in shown[2]))
    return ArticleReading(
        page=ArticlePage(title, lead, body, section, author, stamp and Timestamp(*stamp)),
        filled=filled,
        rates=rates,
    )


def _receive(sock: socket.socket) -> bytes | None:
    """One message, or None at the end of input."""
    header = _receive_exactly(sock, _HEADER.size)
    if header is None:
        return None
    return _receive_exactly(sock, _HEADER.unpack(header)[0])


def _receive_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(min(size - len(chunks), 1 << 20))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


def serve(sock: socket.socket) -> None:
    """The worker: the site first, then pages until the crawl closes its end."""
    send = sock.sendall
    # The crawl may be gone before this is (a short crawl closes while the worker still
    # imports; a killed one closes at once): that is the end of the work, not an error.
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        _write(send, _READY)
        first = _receive(sock)
        if first is None:
            return
        site: SiteParsing = pickle.loads(first)
        previous: RateBlock | None = None
        while (message := _receive(sock)) is not None:
            key, job = pickle.loads(message)
            try:
                reading = read_job(site, job)
            except Exception:  # the crawl reads the page again, and reports what fails there
                packed = None
            else:
                packed = _pack(reading, previous)
                previous = reading.rates
            _write(send, pickle.dumps((key, packed), protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    serve(socket.socket(fileno=int(sys.argv[1])))
