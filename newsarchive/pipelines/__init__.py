"""Item pipelines, in the order ``settings.ITEM_PIPELINES`` runs them.

build (items → records) → validate (schema; failures quarantined) → deduplicate → write.
They find the crawl's archive through its run (``newsarchive.run.ArchiveRun``).
"""

from newsarchive.pipelines.build import RecordBuilderPipeline
from newsarchive.pipelines.dedup import DeduplicationPipeline
from newsarchive.pipelines.validate import ValidationPipeline
from newsarchive.pipelines.writer import ArchiveWriterPipeline

__all__ = [
    "ArchiveWriterPipeline",
    "DeduplicationPipeline",
    "RecordBuilderPipeline",
    "ValidationPipeline",
]
