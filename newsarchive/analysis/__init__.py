"""Read an archive back and see what it holds: loaders, a DataFrame, stats and an HTML report.

pandas is optional (``pip install 'newsarchive[pandas]'``); only ``to_dataframe`` needs it.
"""

from newsarchive.analysis.load import (
    ArchiveReadError,
    load_articles,
    load_rates,
    load_runs,
    to_dataframe,
)
from newsarchive.analysis.report import report_main
from newsarchive.analysis.stats import ArchiveStats, archive_stats, stats_main

__all__ = [
    "ArchiveReadError",
    "ArchiveStats",
    "archive_stats",
    "load_articles",
    "load_rates",
    "load_runs",
    "report_main",
    "stats_main",
    "to_dataframe",
]
