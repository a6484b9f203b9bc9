"""Build an archive from WARC files other crawlers wrote: a spider that reads files, not the web.

``newsarchive import WARC... --site NAME | --generic`` runs this spider in a crawl like any
other, so its records go through the same pipelines (schema, deduplication, the JSONL files),
and the run gets the same run record, summary and exit status. Its start yields items, not
requests: each ``response`` record (and each ``revisit`` of one read earlier) goes to
:func:`newsarchive.evidence.pages.read_stored_page`, the reading a reparse uses. The files are
streamed record by record; a record that cannot be read is counted and logged with its file and
offset, and reading goes on at the next one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsarchive import counters
from newsarchive.evidence.pages import StoredResponse, read_stored_page
from newsarchive.evidence.reader import (
    WarcEntry,
    WarcProblem,
    WarcReadError,
    read_record_at,
    read_warc,
)
from newsarchive.sites import Site
from newsarchive.spiders.base import ArchiveSpider

__all__ = ["WarcImportSpider"]

# Records that hold no page: what the crawler noted about itself and its requests.
_NOT_PAGES = frozenset({"warcinfo", "request", "metadata", "resource", "conversion"})


class WarcImportSpider(ArchiveSpider):
    """``newsarchive import FILE.warc.gz --site everyday`` (or ``--generic``)."""

    name = "warc-import"

    def __init__(self, site: Site, warcs: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(site, **kwargs)
        self.warcs = [Path(path).resolve() for path in warcs or ()]
        # (URL, payload digest) → where its response is: what a later revisit record reads.
        self._responses: dict[tuple[str, str], tuple[Path, int, int | None]] = {}

    async def start(self) -> AsyncIterator[Any]:
        for path in self.warcs:
            self.crawler.stats.inc_value(counters.IMPORT_FILES)
            for entry in read_warc(path):
                if isinstance(entry, WarcProblem):
                    self._skip(f"warc_{entry.reason}", entry.message)
                    continue
                page = self._page(entry)
                if page is None:
                    continue
                for item in self._read(page):
                    yield item

    def _page(self, entry: WarcEntry) -> StoredResponse | None:
        """The page a record holds, a revisit's from the response it refers to; None for
        records that hold no page (counted when they are skipped for a reason)."""
        if entry.record_type in _NOT_PAGES:
            return None
        if entry.record_type == "revisit":
            entry = self._revisited(entry) or entry
            if entry.record_type == "revisit":
                return None
        elif entry.record_type != "response":
            self._skip(f"record_{entry.record_type}")
            return None
        if entry.target_uri and entry.payload_digest:
            place = (entry.path, entry.offset, entry.offset_in_member)
            self._responses[(entry.target_uri, entry.payload_digest)] = place
        if entry.body is None:
            self._skip("no_body")
            return None
        return StoredResponse.from_entry(entry, _source(entry))

    def _revisited(self, revisit: WarcEntry) -> WarcEntry | None:
        """The response a revisit record refers to, read from where it was seen."""
        refers = revisit.refers_to
        target = (refers.target_uri if refers else None) or revisit.target_uri or ""
        place = self._responses.get((target, revisit.payload_digest or ""))
        if place is None:
            self._skip("revisit_unresolved", f"{revisit.path}:{revisit.offset}: a revisit of "
                       f"{target} whose original record was not read before it")  # fmt: skip
            return None
        try:
            path, offset, in_member = place
            original = read_record_at(path, offset, offset_in_member=in_member)
        except WarcReadError as error:
            self._skip("revisit_unresolved", str(error))
            return None
        # The revisit's own time: a new fetch of the same bytes (its Date header is the one of
        # the original response, which the page's time is read from when it has one).
        return replace(original, date=revisit.date, target_uri=revisit.target_uri)

    def _read(self, page: StoredResponse) -> list[Any]:
        if not self.site.serves(page.url) and self.site.article_url is not None:
            self._skip("other_site")
            return []
        reading = read_stored_page(self.site, page)
        if reading.skipped is not None:
            self._skip(reading.skipped)
            return []
        self.crawler.stats.inc_value(counters.STORED_PAGES)
        items: list[Any] = [reading.article] if reading.article is not None else []
        return items + list(reading.rates)

    def _skip(self, reason: str, message: str | None = None) -> None:
        self.crawler.stats.inc_value(counters.IMPORT_SKIPPED + reason)
        if message:
            self.logger.warning("%s", message)


def _source(entry: WarcEntry) -> dict[str, Any]:
    """Where an imported page is: the file as given (absolute) and the record's place in it."""
    source: dict[str, Any] = {
        "warc": str(entry.path),
        "offset": entry.offset,
        "length": entry.length,
        "record_id": entry.record_id,
    }
    if entry.offset_in_member is not None:  # a whole-file gzip: records share one member
        source["offset_in_member"] = entry.offset_in_member
    return source
