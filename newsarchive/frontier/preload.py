"""What multiprocessing's fork server imports once, before it forks a crawl's workers: Scrapy
and the crawl's own modules, about a second of a processor each worker would otherwise spend.
Importing them installs no Twisted reactor: each worker installs its own."""

import scrapy.crawler  # noqa: F401
import scrapy_redis.scheduler  # noqa: F401

import newsarchive.archive.pgstore
import newsarchive.frontier.politeness
import newsarchive.frontier.scheduler
import newsarchive.pipelines
import newsarchive.spiders  # noqa: F401
