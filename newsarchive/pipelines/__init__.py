"""Item pipelines, in the order ``settings.ITEM_PIPELINES`` runs them: build, deduplicate, write."""

from newsarchive.pipelines.build import RecordBuilderPipeline
from newsarchive.pipelines.dedup import DeduplicationPipeline
from newsarchive.pipelines.writer import ArchiveWriterPipeline

__all__ = ["ArchiveWriterPipeline", "DeduplicationPipeline", "RecordBuilderPipeline"]
