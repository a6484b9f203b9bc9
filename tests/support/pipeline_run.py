"""The record pipelines of one crawl, as the engine builds them, without the network: what
the component tests feed items to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newsarchive import settings as defaults
from newsarchive.middlewares import KnownRatesFilter
from newsarchive.pipelines import (
    ArchiveWriterPipeline,
    DeduplicationPipeline,
    RecordBuilderPipeline,
    ValidationPipeline,
)
from newsarchive.run import ArchiveRun
from newsarchive.spiders import NewsSpider

# The engine of a crawl that fetches nothing needs no download handlers (they need a reactor).
NO_DOWNLOADS = {"DOWNLOAD_HANDLERS": {"http": None, "https": None}}


def built(found: Any) -> Any:
    """A component the crawler's engine built."""
    assert found is not None
    return found


class PipelineRun:
    """The project's pipelines for the everyday site writing to ``out``, with the early rate
    filter in front of them, opened as a crawl opens them."""

    def __init__(self, out: Path, store: str | None = None) -> None:
        project = {name: value for name, value in vars(defaults).items() if name.isupper()}
        settings = {**project, "NEWSARCHIVE_DIR": str(out), **NO_DOWNLOADS}
        if store is not None:
            settings["NEWSARCHIVE_STORE"] = store
        self.crawler = get_crawler(NewsSpider, settings)
        self.crawler.spider = self.crawler._create_spider(site="everyday")
        self.crawler.stats.open_spider()
        # The engine builds the middlewares and pipelines, which find each other through it.
        self.crawler.engine = self.crawler._create_engine()
        self.filter = built(self.crawler.get_spider_middleware(KnownRatesFilter))
        self.stages = [
            built(self.crawler.get_item_pipeline(stage))
            for stage in (
                RecordBuilderPipeline,
                ValidationPipeline,
                DeduplicationPipeline,
                ArchiveWriterPipeline,
            )
        ]
        for stage in self.stages[1:]:
            stage.open_spider()
        self.filter.spider_opened()

    def yielded(self, *items: Any) -> list[Any]:
        """What reaches the pipelines of a page that yielded ``items``."""
        return list(self.filter.process_spider_output(None, items))

    def feed(self, item: Any) -> Any:
        """The record the pipelines wrote for ``item``, or None when they dropped it."""
        try:
            for stage in self.stages:
                item = stage.process_item(item)
        except DropItem:
            return None
        return item

    def close(self) -> None:
        ArchiveRun.of(self.crawler).archive.close()

    def stat(self, key: str) -> int:
        """A count of the run (0 when never counted)."""
        return int(self.crawler.stats.get_value(key, 0))
