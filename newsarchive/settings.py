"""Scrapy settings for newsarchive: every default the project changes lives here.

``scrapy crawl`` reads this module through ``scrapy.cfg``; ``newsarchive crawl`` starts from it
and layers the command-line options on top. Our own settings are prefixed ``NEWSARCHIVE_``.
"""

from __future__ import annotations

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["newsarchive.spiders"]
NEWSPIDER_MODULE = "newsarchive.spiders"

# --- Politeness. Scrapy's defaults are not polite enough for somebody else's news site. ---
# Scrapy ships ROBOTSTXT_OBEY = False; an archiver run from cron for months must obey it.
ROBOTSTXT_OBEY = True
# Sites must be able to tell who crawls them and how to reach them: the User-Agent is
# "newsarchive/<version> (+<NEWSARCHIVE_CONTACT_URL>)" unless USER_AGENT is set explicitly.
# Operators should point the contact at their own page (-s NEWSARCHIVE_CONTACT_URL=...).
NEWSARCHIVE_CONTACT_URL = "https://github.com/newsarchive/newsarchive"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
# Two requests in flight per site on average: a few pages a second on a healthy server.
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# --- Robustness: a stalled server must not hold a cron job for Scrapy's default 3 minutes. ---
DOWNLOAD_TIMEOUT = 30
DNS_TIMEOUT = 15
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Scrapy retries a 429 or 503 at once, whatever its Retry-After says: three requests within a
# second to a server that asked for a pause. Ours waits as long as it asks (and holds the host's
# other requests meanwhile), then retries; see newsarchive.middlewares.RetryAfterMiddleware.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsarchive.middlewares.RetryAfterMiddleware": 550,
    # Sends listing pages, sitemaps and feeds the validators they were last served with, and
    # turns a 304 into "nothing new here": below DownloaderStats (850) and the capture, so the
    # 304 is counted and kept first (see newsarchive.conditional).
    "newsarchive.conditional.ConditionalRequestsMiddleware": 580,
    # Next to the downloader (Scrapy's own end at 900): it keeps each response as the server
    # sent it, before HttpCompressionMiddleware (590) undoes its content coding.
    "newsarchive.evidence.capture.WarcCaptureMiddleware": 950,
}
# Seconds of Retry-After a run waits at most: asked for longer, it gives the URL up at once
# (counted as http_503/http_429) rather than sleep through a cron slot.
NEWSARCHIVE_RETRY_AFTER_MAX = 60.0
# News pages are tens of kilobytes; anything near this is not an article page.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# --- Throughput (benchmarks/throughput.py measures these on a local synthetic site). ---
# The figures behind these choices are in the README's table of figures, beside the command that
# prints them, where a re-run updates them; a figure in a comment goes stale unnoticed.
# Scrapy's default of 100 makes it start 100 asyncio tasks for the output of every response,
# whether the callback yields nothing or four items: measured slowest at 100, fastest at 1. Our
# pipelines are synchronous, so the items of one page gain nothing from being processed side
# by side; one at a time also keeps them in the order the spider yields them.
CONCURRENT_ITEMS = 1
# The reactor stays Scrapy's default (asyncio): the epoll reactor measured the same within this
# machine's noise.
# Scrapy runs every callback on its one thread, so the time an article page takes to parse
# (the lxml tree, the fields, the rate widget) is time no other response is handled. Once
# parsing takes NEWSARCHIVE_PARSE_WORKER_SHARE of the crawl's time (judged over 50 pages), the
# site-file spider parses article pages in one worker process (newsarchive.workers), which
# brings the full crawl closer to the fetch-only spider's pages per second on two cores. A
# polite crawl of a live site (a few pages a second) never parses anywhere near that share, so
# it never starts the worker. NEWSARCHIVE_PARSE_WORKER = False keeps all parsing in this process.
NEWSARCHIVE_PARSE_WORKER = True
NEWSARCHIVE_PARSE_WORKER_SHARE = 0.05

# --- Output: the archive pipelines below write the JSONL archive. Feeds (-O) still work. ---
FEED_EXPORT_ENCODING = "utf-8"
ITEM_PIPELINES = {
    "newsarchive.pipelines.RecordBuilderPipeline": 100,
    "newsarchive.pipelines.ValidationPipeline": 300,
    "newsarchive.pipelines.DeduplicationPipeline": 500,
    "newsarchive.pipelines.ArchiveWriterPipeline": 900,
}
# Rate rows the archive already holds leave the spider's output before Scrapy's item machinery:
# the same archive at a fraction of the cost (see KnownRatesFilter). Next to the spider (above
# Scrapy's own spider middlewares, the highest at 1000), so it sees the output first.
SPIDER_MIDDLEWARES = {
    "newsarchive.middlewares.KnownRatesFilter": 1100,
}
# The crawl run (newsarchive.run.ArchiveRun) owns the archive the spider reads and the pipelines
# write; they find it through the crawler, so it must stay enabled.
EXTENSIONS = {
    "newsarchive.extensions.CrawlProgress": 500,
    "newsarchive.run.ArchiveRun": 600,
}
# Dropping an already archived record is the normal case of a re-run, not a warning.
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"

# Neither a telnet console nor Scrapy's remote-control HTTP server: an unattended archiver
# opens no listening port.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"

# --- newsarchive's own settings ---
# Folder the archive lives in; one subfolder per site.
NEWSARCHIVE_DIR = "archive"
# Name of the built-in site to crawl when a spider is started without one (scrapy crawl news).
NEWSARCHIVE_SITE = ""
# The run's id in runs.jsonl and in each record's run_id; empty: its UTC start time plus a
# random suffix (newsarchive.runids.new_run_id).
NEWSARCHIVE_RUN_ID = ""
# Limits an analyst sets from the command line; 0 means no limit (read by
# newsarchive.limits.CrawlLimits, with the re-check and discovery-depth settings below).
NEWSARCHIVE_MAX_PAGES = 0
NEWSARCHIVE_MAX_ARTICLES = 0
# ISO date (site's local calendar): stop paginating once a whole listing page is older.
NEWSARCHIVE_SINCE = ""
# Seconds between progress lines; 0 turns the progress extension off.
NEWSARCHIVE_PROGRESS_INTERVAL = 10.0
# A run is unhealthy (exit status 6) when title, body or published_at is empty on more than
# this share of the articles it parsed: the usual sign that the site changed its markup.
NEWSARCHIVE_MAX_MISSING_SHARE = 0.2
# ... judged only over at least this many articles parsed in the run.
NEWSARCHIVE_HEALTH_MIN_ARTICLES = 5
# Re-fetch an archived article seen on a listing page when its last fetch is at least this
# many days old, to archive edits as new versions; -1 never re-fetches (the default: an
# unchanged re-run then fetches only the first listing page).
NEWSARCHIVE_RECHECK_DAYS = -1
# The archive's memory of what it holds: a class implementing
# newsarchive.archive.store.ArchiveStore, built with the path it may keep its state at.
NEWSARCHIVE_STORE = "newsarchive.archive.store.SqliteStore"
# Write the archive gzipped (*.jsonl.gz); every reader takes both.
NEWSARCHIVE_COMPRESS = False
# Keep every response as received in WARC/1.1 files (<site>/warc/), the evidence records point
# at (their `source`) and `newsarchive reparse` re-reads; False: `newsarchive crawl --no-warc`.
NEWSARCHIVE_WARC = True
# A WARC file is closed and published once it holds this many bytes (1 GB, the size Heritrix
# and Common Crawl roll at), and at the end of the run.
NEWSARCHIVE_WARC_MAX_BYTES = 1_000_000_000
# Ask listing pages, sitemaps and feeds "changed since?" (If-None-Match, If-Modified-Since)
# with what the store kept of them, once the last run walked every listing page; a 304 is read
# as nothing new, and a child sitemap whose <lastmod> has not moved is not fetched. False fetches
# every one of them whole, every run.
NEWSARCHIVE_CONDITIONAL_REQUESTS = True
# Generic crawls (a URL with no site file): how many links deep from the home page to look
# for articles (home → section pages → articles); pagination does not count as a level.
NEWSARCHIVE_DISCOVERY_DEPTH = 2
# An archive file is closed and published (renamed to *.jsonl) after this many records, so a
# crawl that runs for hours shows its results before it ends and a crash loses no closed file.
NEWSARCHIVE_ROLL_RECORDS = 5000

# --- A crawl with workers on a shared frontier (newsarchive crawl --workers, newsarchive worker;
# see newsarchive.frontier). Set by the command for its worker processes, not by hand, but
# NEWSARCHIVE_FRONTIER_LEASE. ---
# The Redis server holding the frontier, and this process's worker id there ("": no frontier).
NEWSARCHIVE_REDIS_URL = ""
NEWSARCHIVE_WORKER = ""
# Seconds a worker's request stays leased to it without a renewal (a live worker renews every
# third of it): a killed worker's requests go back to the queue this long after it died.
NEWSARCHIVE_FRONTIER_LEASE = 60.0
# What the coordinator read when it opened the archive: whether the last run walked every
# listing page (the workers may then stop paginating at a page of nothing new).
NEWSARCHIVE_LISTINGS_COMPLETE = False
