from newsarchive.counters import RunCounts
from newsarchive.extensions import progress_line


def test_progress_line() -> None:
    stats = {
        "response_received_count": 40,
        "newsarchive/articles/new": 5,
        "newsarchive/articles/updated": 1,
        "newsarchive/articles/unchanged": 30,
        "newsarchive/rates/new": 3,
        "newsarchive/errors/http_404": 2,
        "newsarchive/errors/TimeoutError": 1,
        "newsarchive/files": ["a.jsonl"],
    }
    assert RunCounts.from_stats(stats).error_count == 3
    assert progress_line(stats, 10.0) == (
        "pages 40 (4.0/s) | articles 5 new, 1 updated, 30 already archived | rate rows 3 | errors 3"
    )
    assert progress_line({}, 0.0) == (
        "pages 0 (0.0/s) | articles 0 new, 0 updated, 0 already archived | rate rows 0 | errors 0"
    )
