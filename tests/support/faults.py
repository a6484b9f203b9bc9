"""Faults injected into a real crawl through Scrapy's own extension points (``-s``), for the
paths no valid input reaches any more: they guard against defects of our own."""

from __future__ import annotations

from typing import Any

from newsarchive.settings import ITEM_PIPELINES


class WrongLanguagePipeline:
    """Gives every article record a language the schema refuses, between the record builder
    and the validation: what a defect in the builder would do."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, dict) and item.get("kind") == "article":
            return {**item, "lang": "рус"}
        return item


# The project's pipelines with the fault between the builder (100) and the validation (300).
WITH_WRONG_LANGUAGE = {**ITEM_PIPELINES, f"{__name__}.WrongLanguagePipeline": 200}
