"""The scorer on pages whose gold is the whole text (fixtures/realpages/): exact figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsarchive.evaluation import load_corpus, score, score_page, shingle_scores, words

REALPAGES = Path(__file__).resolve().parents[2] / "fixtures" / "realpages"


def _perfect(case: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": case.get("title"),
        "body": case.get("body"),
        "published": case.get("published"),
    }


def test_every_real_page_has_its_provenance_and_text() -> None:
    manifest = json.loads((REALPAGES / "manifest.json").read_text(encoding="utf-8"))
    pages = load_corpus(REALPAGES)
    assert len(pages) == len(manifest)
    for html, case in pages:
        assert html, case["name"]
        # Something to score: the whole text, segments of it (for sources whose tests assert
        # how the text starts, ends or what it contains), or a date; never both kinds of text.
        segments = {"body_start", "body_end", "must_contain"} & set(case)
        assert "body" in case or segments or "published" in case, case["name"]
        assert not ("body" in case and segments), case["name"]
        assert manifest[case["name"]] == case["source"]
        assert {"repository", "commit", "path", "licence"} <= set(case["source"])


def test_a_perfect_output_scores_one_on_the_real_corpus() -> None:
    pages = load_corpus(REALPAGES)
    scores = score(lambda _html, case: _perfect(case), pages)
    assert scores.articles == scores.pages == len(pages)
    assert scores.text_pages == sum(1 for _, case in pages if case.get("body"))
    assert scores.title_accuracy == 1.0
    assert (scores.text_precision, scores.text_recall, scores.text_f1) == (1.0, 1.0, 1.0)
    assert scores.date_accuracy == scores.date_day_accuracy == 1.0
    assert scores.detection_accuracy is None  # the sources do not say what is an article


def test_shingles_count_repeats_once_each() -> None:
    gold = words("a b c d a b c d")  # shingles: abcd, bcda, cdab, dabc, abcd
    assert shingle_scores(words("a b c d"), gold) == (1.0, 0.2, pytest.approx(1 / 3))
    assert shingle_scores(words("a b c d a b c d a b c d"), gold) == (
        pytest.approx(5 / 9),
        1.0,
        pytest.approx(2 * (5 / 9) / (1 + 5 / 9)),
    )
    assert shingle_scores(words("x y"), words("x y")) == (1.0, 1.0, 1.0)


def test_a_gold_day_is_matched_to_the_day_and_an_absent_date_is_not_scored() -> None:
    case = {"name": "p", "title": "T", "body": "one two three four", "published": "2024-06-25"}
    found = score_page({"title": "T", "published": "2024-06-25T23:10:00+00:00"}, case)
    assert (found.date_ok, found.date_day_ok) == (True, True)
    missed = score_page({"title": "T", "published": "2024-06-26T00:10:00+00:00"}, case)
    assert (missed.date_ok, missed.date_day_ok) == (False, False)
    del case["published"]
    unscored = score_page({"title": "T", "published": "2024-06-26"}, case)
    assert (unscored.date_ok, unscored.date_day_ok) == (None, None)
    assert unscored.text_f1 == 0.0  # no body found
