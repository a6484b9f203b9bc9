"""Evidence: every page a crawl received, kept as WARC/1.1, and what is built from it.

- :mod:`~newsarchive.evidence.warcfiles` writes a run's WARC files (the crash contract of the
  JSONL: ``.part`` until complete, cut back to whole records after a kill);
- :mod:`~newsarchive.evidence.capture` is the downloader middleware that hands it each page
  before Scrapy undoes its content coding.
"""

from newsarchive.evidence.warcfiles import Capture, Exchange, WarcFiles, payload_digest

__all__ = ["Capture", "Exchange", "WarcFiles", "payload_digest"]
