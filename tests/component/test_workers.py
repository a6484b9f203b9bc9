"""The parse worker: the same readings as parsing in the crawl, and no page lost with it.

Readings are compared exactly, page by page, for the demo site and the scored corpus; the
worker itself is a real process on a real socket pair, killed for real where a test needs it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from newsarchive.demo import FixtureSite
from newsarchive.parsers.page import ArticleReading, read_article_page
from newsarchive.sites import load_site
from newsarchive.workers import PageReader, ParseJob, _pack, _unpack, read_job
from tests.support.helpers import (
    DEMO_SITE,
    ROOT,
    expected_articles,
)

SITE = load_site("everyday")
PARSING = (SITE.article, SITE.rate_widget, SITE.timezone, SITE.lang)
CORPUS = sorted((ROOT / "fixtures" / "corpus").glob("*.html"))
NOW = datetime(2025, 12, 11, 13, 0, tzinfo=UTC)


def _demo_responses() -> list[HtmlResponse]:
    site = FixtureSite(DEMO_SITE, virtual_clock=True)
    responses = []
    for row in expected_articles():
        status, headers, body = site.render(row["url_path"])
        assert status == 200
        url = "https://everyday.uz" + row["url_path"]
        responses.append(HtmlResponse(url, body=body, headers=headers))
    return responses


def _corpus_response(path: Path) -> HtmlResponse:
    # No charset header: Scrapy finds the encoding in the page, as it does for most sites.
    url = f"https://example.org/{path.stem}.html"
    return HtmlResponse(url, body=path.read_bytes(), headers={"Content-Type": "text/html"})


def _job(response: HtmlResponse) -> ParseJob:
    return (response.body, response.encoding, response.url, "html", NOW)


def _here(response: HtmlResponse) -> ArticleReading:
    """What the spider reads without a worker: Scrapy's own tree of the response."""
    return read_article_page(
        response.selector,
        SITE.article,
        SITE.rate_widget,
        url=response.url,
        now=NOW,
        tz=SITE.timezone,
        lang=SITE.lang,
    )


RESPONSES = [*_demo_responses(), *(_corpus_response(path) for path in CORPUS)]


@pytest.mark.parametrize("response", RESPONSES, ids=lambda response: response.url.rsplit("/", 1)[1])
def test_the_worker_reads_a_page_exactly_as_the_crawl_does(response: HtmlResponse) -> None:
    here = _here(response)
    there = read_job(PARSING, _job(response))
    assert there == here
    # And across the socket: packed, and unpacked after a page with another widget or the same.
    assert _unpack(_pack(there, None), None) == here
    assert _unpack(_pack(there, here.rates), here.rates) == here


def test_the_corpus_exercises_what_crosses_the_socket() -> None:
    """Fill-ins, missing dates, and both kinds of widget message are among the pages above."""
    readings = [read_job(PARSING, _job(response)) for response in RESPONSES]
    assert sum(1 for reading in readings if reading.filled) >= 10
    assert sum(1 for reading in readings if reading.page.published is None) >= 1
    assert sum(1 for reading in readings if reading.rates is None) >= 10
    assert sum(1 for reading in readings if reading.rates is not None) >= 28
    assert _pack(readings[1], readings[0].rates)[-1] == "same"  # demo pages: one widget


def test_a_widget_written_otherwise_is_sent_again() -> None:
    """12020.90 and 12020.9 are equal numbers but different records: never "the same"."""
    reading = read_job(PARSING, _job(RESPONSES[0]))
    widget = reading.rates
    assert widget is not None
    first = widget.rates[0]
    respelled = replace(
        widget, rates=(replace(first, rate=Decimal(f"{first.rate}0")), *widget.rates[1:])
    )
    assert respelled == widget
    packed = _pack(replace(reading, rates=respelled), widget)
    assert packed[-1] != "same"
    unpacked = _unpack(packed, widget).rates
    assert unpacked is not None
    assert str(unpacked.rates[0].rate) == f"{first.rate}0"


class _Reader:
    """A PageReader on its own event loop, with what it counted and what ``here`` read."""

    def __init__(self, *, start_share: float) -> None:
        self.counted: Counter[str] = Counter()
        self.reader = PageReader(PARSING, worker=True, start_share=start_share, count=self.count)
        self.read_here: list[str] = []

    def count(self, key: str) -> None:
        self.counted[key] += 1

    def here(self, response: HtmlResponse) -> Callable[[], ArticleReading]:
        def read() -> ArticleReading:
            self.read_here.append(response.url)
            return _here(response)

        return read

    async def read(self, response: HtmlResponse, job: ParseJob | None = None) -> ArticleReading:
        return await self.reader.read(job or _job(response), self.here(response))

    async def started(self) -> None:
        """Wait until the worker has said it is ready (its imports take a moment)."""
        deadline = time.monotonic() + 30
        while not (self.reader.channel and self.reader.channel.ready):
            assert time.monotonic() < deadline, "the worker never became ready"
            await asyncio.sleep(0.01)


def test_pages_go_to_the_worker_once_it_is_ready_and_come_back_the_same() -> None:
    async def crawl() -> tuple[_Reader, list[ArticleReading], int]:
        reader = _Reader(start_share=0)
        await reader.read(RESPONSES[0])  # parsed here; this one starts the worker
        await reader.started()
        readings = await asyncio.gather(*(reader.read(response) for response in RESPONSES))
        process = reader.reader.process
        assert process is not None
        reader.reader.close()
        return reader, readings, process.returncode

    reader, readings, status = asyncio.run(crawl())
    assert readings == [_here(response) for response in RESPONSES]
    assert reader.read_here == [RESPONSES[0].url]
    assert reader.counted == {
        "newsarchive/parse_worker/started": 1,
        "newsarchive/parse_worker/pages": len(RESPONSES),
    }
    assert status == 0  # it ended at the end of its input, not killed


def test_a_page_the_worker_fails_on_is_read_again_here() -> None:
    async def crawl() -> tuple[_Reader, ArticleReading]:
        reader = _Reader(start_share=0)
        await reader.read(RESPONSES[0])
        await reader.started()
        response = RESPONSES[1]
        # No bytes in the job: the worker's read fails, the crawl's (of its response) does not.
        broken: ParseJob = (None, response.encoding, response.url, "html", NOW)  # type: ignore[assignment]
        reading = await reader.read(response, broken)
        await reader.read(RESPONSES[2])  # and the worker goes on with the next page
        reader.reader.close()
        return reader, reading

    reader, reading = asyncio.run(crawl())
    assert reading == _here(RESPONSES[1])
    assert reader.read_here == [RESPONSES[0].url, RESPONSES[1].url]
    assert reader.counted["newsarchive/parse_worker/pages"] == 1


def test_pages_pending_when_the_worker_dies_are_read_here(caplog: pytest.LogCaptureFixture) -> None:
    async def crawl() -> tuple[_Reader, list[ArticleReading]]:
        reader = _Reader(start_share=0)
        await reader.read(RESPONSES[0])
        await reader.started()
        process = reader.reader.process
        assert process is not None
        pending = [asyncio.ensure_future(reader.read(response)) for response in RESPONSES]
        await asyncio.sleep(0)  # all sent, none answered yet
        process.send_signal(signal.SIGKILL)
        readings = await asyncio.gather(*pending)
        after = await reader.read(RESPONSES[0])  # from now on, here
        reader.reader.close()
        return reader, [*readings, after]

    with caplog.at_level(logging.WARNING, logger="newsarchive.workers"):
        reader, readings = asyncio.run(crawl())
    assert readings == [_here(response) for response in [*RESPONSES, RESPONSES[0]]]
    answered = reader.counted["newsarchive/parse_worker/pages"]
    assert len(reader.read_here) == 1 + len(RESPONSES) - answered + 1
    assert reader.counted["newsarchive/parse_worker/lost"] == 1
    assert [record.getMessage() for record in caplog.records] == [
        "the parse worker stopped (exit status -9); parsing in this process from now on"
    ]


def test_a_slow_crawl_never_starts_the_worker_and_a_fast_one_does() -> None:
    reading = _here(RESPONSES[0])

    def parse(seconds: float) -> Callable[[], ArticleReading]:
        def read() -> ArticleReading:
            time.sleep(seconds)
            return reading

        return read

    async def crawl() -> tuple[bool, bool]:
        reader = _Reader(start_share=0.05)
        job = _job(RESPONSES[0])
        # A polite crawl: a page every 30 ms, each parsed in 0.1 ms: 0.3% of its time, far
        # enough below 5% for a loaded machine's late wake-ups not to matter.
        for _ in range(50):
            await reader.reader.read(job, parse(0.0001))
            await asyncio.sleep(0.03)
        slow = reader.reader.process is not None
        for _ in range(50):  # pages back to back: parsing is all the crawl does
            await reader.reader.read(job, parse(0.001))
        fast = reader.reader.process is not None
        reader.reader.close()
        return slow, fast

    assert asyncio.run(crawl()) == (False, True)


def test_without_an_event_loop_pages_are_read_here() -> None:
    """Scrapy on another reactor than asyncio's: the worker cannot be talked to; no error."""
    reader = _Reader(start_share=0)
    coroutine = reader.read(RESPONSES[0])
    with pytest.raises(StopIteration) as done:
        coroutine.send(None)
    assert done.value.value == _here(RESPONSES[0])
    assert reader.reader.process is None
    assert not reader.reader.enabled
