"""Item pipelines, in the order ``settings.ITEM_PIPELINES`` runs them.

build (items → records) → validate (schema; failures quarantined) → deduplicate → write.
``KnownRatesFilter`` is a spider middleware that drops already archived rate rows before them.
"""

from newsarchive.pipelines.build import RecordBuilderPipeline
from newsarchive.pipelines.dedup import DeduplicationPipeline, KnownRatesFilter
from newsarchive.pipelines.validate import ValidationPipeline
from newsarchive.pipelines.writer import ArchiveWriterPipeline

__all__ = [
    "ArchiveWriterPipeline",
    "DeduplicationPipeline",
    "KnownRatesFilter",
    "RecordBuilderPipeline",
    "ValidationPipeline",
]
