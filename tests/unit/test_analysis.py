"""Reading an archive back: loaders, DataFrames, stats, the HTML report, the README's lines.

``tests/data/archive`` is a real crawl of the demo site (two runs: the second found nothing
new), checked in; ``tests/data/stats.json`` and ``stats.txt`` are its ``newsarchive stats``
output. The smaller archives below are written by hand to pin the counting rules.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import Any

import lxml.html
import pandas as pd
import pytest

from newsarchive.analysis import (
    ArchiveReadError,
    archive_stats,
    load_articles,
    load_rates,
    load_runs,
    report_main,
    stats_main,
    to_dataframe,
)
from newsarchive.analysis.report import PALETTE
from newsarchive.schema import fields

DATA = Path(__file__).resolve().parents[1] / "data"
# A crawl by newsarchive 0.1: schema_version 1 records, without the fields 2 added.
ARCHIVE = DATA / "archive"
SITE = ARCHIVE / "everyday"


# Hand-made records: only the fields the counting rules read, plus kind and site.


def article(article_id: str, published: str | None, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "article",
        "schema_version": 1,
        "id": article_id,
        "version": 1,
        "site": article_id.split(":")[0],
        "title": "Заголовок",
        "lead": "Лид",
        "body": "Текст",
        "section": "Спорт",
        "published_at": published,
        "published_precision": "minute" if published else None,
        "published_raw": published,
        "fetched_at": "2025-12-11T20:00:00Z",
        **fields,
    }


def rate(site: str, currency: str, as_of: str, value: float, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "rates",
        "schema_version": 1,
        "site": site,
        "source": "ЦБ",
        "as_of": as_of,
        "as_of_inferred": False,
        "currency": currency,
        "rate": value,
        "change": None,
        "change_percent": None,
        "observed_at": f"{as_of}T13:00:00Z",
        "url": "https://example.org/",
        **fields,
    }


def run(
    site: str, run_id: str, started: str, health: str = "ok", status: int = 0
) -> dict[str, Any]:
    return {
        "kind": "run",
        "schema_version": 1,
        "run_id": run_id,
        "site": site,
        "started_at": started,
        "finished_at": started.replace(":00Z", ":30Z"),
        "health": health,
        "exit_status": status,
    }


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


EVIL_SOURCE = '<script src="http://evil.example/x.js"></script>'


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    """Two sites: versions, site-local days, day precision, re-observed rates, runs."""
    root = tmp_path / "rich"
    write_jsonl(
        root / "alpha/articles/r1-0001.jsonl",
        [
            article("alpha:1", "2025-12-09T10:00:00+05:00"),
            article("alpha:2", "2025-12-10T23:30:00+05:00"),
            # 19:30 UTC on the 10th, but the 11th on the site's calendar.
            article("alpha:3", "2025-12-11T00:30:00+05:00"),
            article("alpha:4", "2025-12-11T00:00:00+05:00", published_precision="day"),
            article("alpha:5", None, lead=None, section=None),
        ],
    )
    write_jsonl(
        root / "alpha/articles/r2-0001.jsonl.gz",
        [
            article(
                "alpha:1",
                "2025-12-09T10:00:00+05:00",
                version=2,
                body="Текст, исправлен",
                schema_version=2,
                source={"warc": "warc/r2-1.warc.gz", "offset": 0, "length": 9, "record_id": "<a>"},
            )
        ],
    )
    write_jsonl(
        root / "alpha/rates/r1-0001.jsonl",
        [
            rate("alpha", "USD", "2025-12-09", 12000.5),
            rate("alpha", "USD", "2025-12-10", 12010.0),
            rate("alpha", "USD", "2025-12-11", 12020.0),
            rate("alpha", "EUR", "2025-12-11", 13988.72),
        ],
    )
    # The widget changed its figure later the same day: that day's rate is the later one.
    write_jsonl(
        root / "alpha/rates/r2-0001.jsonl",
        [rate("alpha", "USD", "2025-12-11", 12025.0, observed_at="2025-12-11T18:00:00Z")],
    )
    write_jsonl(
        root / "alpha/runs.jsonl",
        [
            {
                **run("alpha", "r2", "2025-12-11T18:00:00Z", "fields_missing", 6),
                "warc_bytes": 12000,
                "warc_pages": 3,
            },
            run("alpha", "r1", "2025-12-11T13:00:00Z"),
        ],
    )
    write_jsonl(
        root / "beta/articles/r1-0001.jsonl",
        [
            article("beta:1", "2025-12-10T12:00:00+03:00"),
            article("beta:2", "2025-12-10T13:00:00+03:00"),
        ],
    )
    write_jsonl(
        root / "beta/rates/r1-0001.jsonl",
        [
            rate("beta", "USD", "2025-12-10", 12011.0, source=EVIL_SOURCE),
            rate("beta", "USD", "2025-12-11", 12019.0, source=EVIL_SOURCE),
        ],
    )
    return root


@pytest.fixture
def gzipped(tmp_path: Path) -> Path:
    """The checked-in archive with every article and rate file gzipped, as ``--compress``."""
    root = tmp_path / "gz"
    shutil.copytree(ARCHIVE, root)
    for path in root.glob("*/*/*.jsonl"):
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes()))
        path.unlink()
    return root


# Loaders


def test_plain_and_gzipped_archives_load_the_same_records(gzipped: Path) -> None:
    assert sorted(p.name for p in gzipped.rglob("*.gz")) == [
        "20261125T194030Z-9bdc-0001.jsonl.gz",
        "20261125T194030Z-9bdc-0001.jsonl.gz",
    ]
    for load, count in ((load_articles, 28), (load_rates, 3), (load_runs, 2)):
        plain = list(load(ARCHIVE))
        assert len(plain) == count
        assert list(load(gzipped)) == plain


def test_files_folders_and_globs_name_the_same_records(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = list(load_articles(ARCHIVE))
    assert {r["kind"] for r in expected} == {"article"}
    (article_file,) = (SITE / "articles").glob("*.jsonl")
    for paths in (
        [ARCHIVE],
        [SITE],
        [SITE / "articles"],
        [article_file],
        [str(article_file)],
        [f"{ARCHIVE}/*/articles/*.jsonl"],
        [f"{ARCHIVE}/*/articles/*"],
        [SITE / "rates", SITE / "articles"],
        [ARCHIVE, article_file, f"{SITE}/articles/*.jsonl"],  # each file is read once
    ):
        assert list(load_articles(*paths)) == expected, paths
    monkeypatch.chdir(ARCHIVE)
    assert list(load_articles("everyday/articles/*.jsonl")) == expected
    assert list(load_articles("nothing/here/*.jsonl")) == []


def test_each_loader_yields_only_its_kind(tmp_path: Path) -> None:
    root = tmp_path / "a"
    shutil.copytree(ARCHIVE, root)
    # A quarantined record wraps an article record; it is not one.
    quarantined = {"kind": "quarantined", "site": "everyday", "record": article("everyday:1", None)}
    write_jsonl(root / "everyday/quarantine/r-0001.jsonl", [quarantined])
    # A file outside the layout is judged by each record's kind.
    write_jsonl(root / "mixed.jsonl", [article("x:1", None), rate("x", "USD", "2025-12-11", 1.0)])
    assert [r["id"] for r in load_articles(root) if r["site"] == "x"] == ["x:1"]
    assert len(list(load_articles(root))) == 29
    assert len(list(load_rates(root))) == 4
    assert {r["currency"] for r in load_rates(root)} == {"USD", "EUR", "RUB"}
    assert len(list(load_runs(root))) == 2
    assert list(load_articles(root / "everyday/rates")) == []
    assert list(load_runs(root / "everyday/articles")) == []


def test_part_files_are_never_read(tmp_path: Path) -> None:
    root = tmp_path / "a"
    shutil.copytree(ARCHIVE, root)
    articles = root / "everyday/articles"
    (articles / "20261126T000000Z-dead-0001.jsonl.part").write_text(
        json.dumps(article("everyday:1", None)) + '\n{"kind": "arti', encoding="utf-8"
    )
    write_jsonl(
        articles / "20261126T000000Z-dead-0001.jsonl.gz.part", [article("everyday:2", None)]
    )
    for paths in ([root], [articles], [f"{articles}/*"], list(articles.iterdir())):
        assert len(list(load_articles(*paths))) == 28, paths


def test_half_written_last_run_line_is_left_out(tmp_path: Path) -> None:
    root = tmp_path / "a"
    shutil.copytree(ARCHIVE, root)
    with (root / "everyday/runs.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"kind": "run", "run_id": "20261126T0')
    assert [r["run_id"] for r in load_runs(root)] == [
        "20261125T194030Z-9bdc",
        "20261125T194035Z-a10b",
    ]


def test_unreadable_files_name_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "everyday/articles/r-0001.jsonl"
    write_jsonl(bad, [article("everyday:1", None)])
    with bad.open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
    with pytest.raises(ArchiveReadError, match=r"r-0001\.jsonl:2: not a JSON record"):
        list(load_articles(tmp_path))
    not_gzip = tmp_path / "everyday/rates/r-0001.jsonl.gz"
    not_gzip.parent.mkdir()
    not_gzip.write_text("plain text\n", encoding="utf-8")
    with pytest.raises(ArchiveReadError, match=r"r-0001\.jsonl\.gz: cannot read"):
        list(load_rates(not_gzip))
    assert stats_main([str(bad)], as_json=False) == 1
    err = capsys.readouterr().err
    assert err.startswith("newsarchive: error: ")
    assert err.count("\n") == 1


# DataFrames


ARTICLE_DTYPES = {
    "kind": "category",
    "schema_version": "Int64",
    "id": "string",
    "version": "Int64",
    "site": "category",
    "url": "string",
    "title": "string",
    "lead": "string",
    "body": "string",
    "section": "category",
    "author": "string",
    "published_at": "datetime64[ns, UTC]",
    "published_precision": "category",
    "published_raw": "string",
    "fetched_at": "datetime64[ns, UTC]",
    "lang": "category",
    "content_hash": "string",
    # schema_version 2's: dicts and lists as in the JSON (None where null or absent)
    "source": "object",
    "parser_version": "category",
    "reparsed": "boolean",
    "changed_fields": "object",
}
RATE_DTYPES = {
    "kind": "category",
    "schema_version": "Int64",
    "site": "category",
    "source": "category",
    "as_of": "datetime64[ns]",
    "as_of_inferred": "boolean",
    "currency": "category",
    "rate": "float64",
    "change": "float64",
    "change_percent": "float64",
    "observed_at": "datetime64[ns, UTC]",
    "url": "string",
}


def dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {name: str(dtype) for name, dtype in frame.dtypes.items()}


def test_article_frame_has_one_dtype_per_column_and_utc_times() -> None:
    frame = to_dataframe(load_articles(ARCHIVE))
    assert dtypes(frame) == ARTICLE_DTYPES
    assert frame.shape == (28, 21)
    first = frame.iloc[0]
    # The site's +05:00 wall clock, converted; what the page showed is kept beside it.
    assert first["published_at"] == pd.Timestamp("2026-11-25T12:00:00Z")
    assert first["published_raw"] == "Вчера, 17:00"
    assert frame["published_at"].isna().sum() == 1
    assert sorted(frame["site"].cat.categories) == ["everyday"]
    assert frame["section"].value_counts().to_dict() == {
        "Экономика": 6,
        "Общество": 5,
        "В мире": 4,
        "Здоровье": 4,
        "Политика": 4,
        "Технологии": 3,
        "Спорт": 2,
    }


def test_rate_and_run_frames() -> None:
    rates = to_dataframe(SITE / "rates", kind="rates")
    assert dtypes(rates) == RATE_DTYPES
    assert rates["as_of"].tolist() == [pd.Timestamp("2025-12-11")] * 3
    assert rates.set_index("currency")["rate"].to_dict() == {
        "USD": 12020.9,
        "EUR": 13988.72,
        "RUB": 155.49,
    }
    runs = to_dataframe(str(ARCHIVE), kind="run")
    assert dtypes(runs) == {
        "kind": "category",
        "schema_version": "Int64",
        "run_id": "string",
        "site": "category",
        "started_at": "datetime64[ns, UTC]",
        "finished_at": "datetime64[ns, UTC]",
        "finish_reason": "category",
        **dict.fromkeys(
            ("requests", "pages", "listing_pages", "articles_parsed", "articles_new"), "Int64"
        ),
        **dict.fromkeys(("articles_updated", "articles_unchanged", "rate_rows"), "Int64"),
        **dict.fromkeys(("errors", "missing", "files", "recovered_runs"), "object"),
        "health": "category",
        "health_reasons": "object",
        "exit_status": "Int64",
        # the schema's own fields, read from it (the loader's table once lacked them)
        "quarantined": "Int64",
        "fallbacks": "object",
        "warc_bytes": "Int64",
        "warc_pages": "Int64",
        "host": "string",
        "not_modified": "Int64",
        "sitemaps_unchanged": "Int64",
        "workers": "object",  # schema_version 4's, only in runs with workers
    }
    assert list(runs.columns) == list(fields("run"))
    assert runs["workers"].tolist() == [None, None]
    assert runs["articles_new"].tolist() == [28, 0]
    assert runs["errors"].tolist() == [{"http_404": 1}, {}]


# Where a schema_version 2 article record's page is kept (a real crawl's).
SOURCE = {
    "warc": "warc/20261206T223948Z-6f5b-0001.warc.gz",
    "offset": 6070,
    "length": 3622,
    "record_id": "<urn:uuid:37f55d29-6015-4bee-848f-d82cb40d877d>",
}


def test_version_1_records_load_with_nulls_for_the_fields_added_since() -> None:
    articles = to_dataframe(ARCHIVE)
    assert dtypes(articles) == ARTICLE_DTYPES
    assert articles["schema_version"].tolist() == [1] * 28
    assert articles["source"].tolist() == [None] * 28
    assert articles["changed_fields"].tolist() == [None] * 28
    assert articles["reparsed"].tolist() == [pd.NA] * 28
    assert int(articles["parser_version"].isna().sum()) == 28
    runs = to_dataframe(ARCHIVE, kind="run")
    assert runs["warc_bytes"].tolist() == runs["warc_pages"].tolist() == [pd.NA] * 2
    # These runs predate the fallbacks count too: an absent object is None, as a null one.
    assert runs["fallbacks"].tolist() == [None] * 2


def test_version_1_and_2_records_load_into_one_frame(tmp_path: Path) -> None:
    """A 0.1 archive that a 0.2 crawl and a reparse added to: one frame, the v1 rows null in
    the new columns, which pandas and DuckDB read as a struct, a list and a flag."""
    import duckdb

    root = tmp_path / "a"
    shutil.copytree(ARCHIVE, root)
    old = next(load_articles(ARCHIVE))
    evidence = {"source": SOURCE, "parser_version": "0.2.0+eef65d46"}
    crawled = {**old, "schema_version": 2, **evidence, "reparsed": False, "changed_fields": None}
    reparsed = {**crawled, "version": 2, "title": "Новый заголовок", "reparsed": True,
                "changed_fields": ["title"]}  # fmt: skip
    assert list(crawled) == list(reparsed) == list(fields("article"))
    write_jsonl(root / "everyday/articles/20261206T223948Z-6f5b-0001.jsonl", [crawled, reparsed])

    frame = to_dataframe(root)
    assert dtypes(frame) == ARTICLE_DTYPES
    assert frame.shape == (30, 21)
    assert frame["schema_version"].tolist() == [1] * 28 + [2, 2]
    assert frame["source"].tolist() == [None] * 28 + [SOURCE, SOURCE]
    assert frame["changed_fields"].tolist() == [None] * 28 + [None, ["title"]]
    assert frame["reparsed"].tolist() == [pd.NA] * 28 + [False, True]
    assert frame["parser_version"].cat.categories.tolist() == ["0.2.0+eef65d46"]
    assert int(frame["parser_version"].isna().sum()) == 28

    database = duckdb.connect()
    database.register("articles", frame)
    rows = database.sql(
        'SELECT version, source.warc, source."offset", source.length, source.record_id, '
        "reparsed, changed_fields FROM articles WHERE source IS NOT NULL ORDER BY version"
    ).fetchall()
    assert rows == [
        (1, SOURCE["warc"], 6070, 3622, SOURCE["record_id"], False, None),
        (2, SOURCE["warc"], 6070, 3622, SOURCE["record_id"], True, ["title"]),
    ]
    nulls = "SELECT count(*) FROM articles WHERE source IS NULL AND reparsed IS NULL"
    assert database.sql(nulls).fetchall() == [(28,)]


def test_empty_frames_have_the_same_columns_and_dtypes() -> None:
    assert dtypes(to_dataframe([], kind="rates")) == RATE_DTYPES
    assert dtypes(to_dataframe([])) == ARTICLE_DTYPES


def test_dates_in_rich_archive_are_site_local(rich: Path) -> None:
    frame = to_dataframe(rich)
    local = frame.loc[frame["id"] == "alpha:3", "published_at"].iloc[0]
    assert local == pd.Timestamp("2025-12-10T19:30:00Z")
    assert archive_stats([rich]).sites["alpha"].articles.per_day[date(2025, 12, 11)] == 2


def test_frame_rejects_records_of_another_kind() -> None:
    with pytest.raises(ValueError, match="got a 'rates' record"):
        to_dataframe(load_rates(ARCHIVE))
    with pytest.raises(ValueError, match="kind must be one of article, rates, run"):
        to_dataframe([], kind="articles")  # type: ignore[arg-type]


def test_frame_without_pandas_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes ``import pandas`` fail
    with pytest.raises(ImportError, match=r"pip install 'newsarchive\[pandas\]'"):
        to_dataframe([])


# Stats


@pytest.mark.parametrize(("as_json", "golden"), [(True, "stats.json"), (False, "stats.txt")])
def test_stats_of_the_checked_in_crawl(
    as_json: bool, golden: str, gzipped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = (DATA / golden).read_text(encoding="utf-8")
    assert stats_main([str(ARCHIVE)], as_json=as_json) == 0
    assert capsys.readouterr().out == expected
    assert stats_main([str(gzipped)], as_json=as_json) == 0
    assert capsys.readouterr().out == expected


def test_golden_figures_agree_with_the_records() -> None:
    """The golden file's key figures, checked against the records by other means."""
    figures = json.loads((DATA / "stats.json").read_text(encoding="utf-8"))
    site = figures["sites"]["everyday"]
    records = list(load_articles(ARCHIVE))
    days = sorted(r["published_at"][:10] for r in records if r["published_at"])
    assert site["articles"]["records"] == len(records) == 28
    assert site["articles"]["published_first"] == days[0] == "2019-03-01"
    assert site["articles"]["days"] == len(set(days)) == 10
    assert site["articles"]["per_day"] == {"min": 1, "median": 1.0, "max": days.count(days[-1])}
    assert site["articles"]["coverage_percent"]["published_at"] == round(100 * 27 / 28, 1)
    assert site["runs"]["last"]["run_id"] == "20261125T194035Z-a10b"


def test_stats_counting_rules(rich: Path) -> None:
    figures = archive_stats([rich]).as_dict()
    assert figures["files"] == 7
    assert figures["sites"]["alpha"] == {
        "articles": {
            "records": 6,
            "ids": 5,
            "revised_ids": 1,
            "published_first": "2025-12-09",
            "published_last": "2025-12-11",
            "days": 3,
            # alpha:1 counts once although archived twice; alpha:3 is the 11th in Tashkent.
            "per_day": {"min": 1, "median": 1.0, "max": 2},
            "coverage_percent": {
                "title": 100.0,
                "body": 100.0,
                "published_at": 83.3,
                "lead": 83.3,
                "section": 83.3,
            },
            "day_precision_percent": 20.0,
            "with_source": 1,  # the version-2 record; 0.1's records point at no page
        },
        "rates": {
            "USD": {
                "rows": 4,
                "sources": ["ЦБ"],
                "as_of_first": "2025-12-09",
                "as_of_last": "2025-12-11",
                "last_rate": 12025.0,
            },
            "EUR": {
                "rows": 1,
                "sources": ["ЦБ"],
                "as_of_first": "2025-12-11",
                "as_of_last": "2025-12-11",
                "last_rate": 13988.72,
            },
        },
        "runs": {
            "count": 2,
            "by_health": {"fields_missing": 1, "ok": 1},
            # The latest start, though it comes first in the file.
            "last": {
                "run_id": "r2",
                "started_at": "2025-12-11T18:00:00Z",
                "finished_at": "2025-12-11T18:00:30Z",
                "health": "fields_missing",
                "exit_status": 6,
            },
            "warc_bytes": 12000,
            "warc_pages": 3,
            "warc_bytes_per_page": 4000,
        },
    }
    beta = figures["sites"]["beta"]
    assert beta["articles"]["per_day"] == {"min": 2, "median": 2.0, "max": 2}
    assert beta["runs"] == {
        "count": 0,
        "by_health": {},
        "last": None,
        "warc_bytes": 0,
        "warc_pages": 0,
        "warc_bytes_per_page": None,
    }


def test_stats_without_archive_files_is_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    for paths in ([str(tmp_path / "empty")], [str(tmp_path / "missing"), f"{tmp_path}/*.jsonl"]):
        assert stats_main(paths, as_json=True) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err == (
            f"newsarchive: error: no archive files (*.jsonl, *.jsonl.gz) under {' '.join(paths)}\n"
        )


def test_stats_of_files_without_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_jsonl(tmp_path / "everyday/articles/r-0001.jsonl", [])
    assert stats_main([str(tmp_path)], as_json=False) == 0
    assert capsys.readouterr().out == "1 archive file, 0 sites\n\nno records\n"
    assert stats_main([str(tmp_path)], as_json=True) == 0
    assert json.loads(capsys.readouterr().out) == {"files": 1, "sites": {}, "stats_version": 1}


# The HTML report


def write_report(tmp_path: Path, *paths: Path | str) -> tuple[str, lxml.html.HtmlElement]:
    out = tmp_path / "report.html"
    assert report_main([str(p) for p in paths], out) == 0
    text = out.read_text(encoding="utf-8")
    return text, lxml.html.document_fromstring(text)


def table_rows(page: lxml.html.HtmlElement, heading: str) -> list[list[str]]:
    (table,) = page.xpath(f"//h2[.='{heading}']/following-sibling::div[1]//table")
    return [[cell.text_content() for cell in row] for row in table.iter("tr")]


def assert_self_contained(text: str, page: lxml.html.HtmlElement) -> None:
    forbidden = {"script", "link", "img", "iframe", "object", "embed", "image", "use", "a"}
    assert not [el.tag for el in page.iter() if el.tag in forbidden]
    for element in page.iter():
        for name, value in element.attrib.items():
            assert "http" not in value, (element.tag, name, value)
            assert "//" not in value, (element.tag, name, value)
    for reference in ("url(", "@import", "<script", "<link"):
        assert reference not in text


def test_report_of_the_checked_in_crawl(tmp_path: Path) -> None:
    text, page = write_report(tmp_path, ARCHIVE)
    assert_self_contained(text, page)
    assert "http" not in text
    assert table_rows(page, "Articles") == [
        [
            *("site", "records", "distinct ids", "later versions", "first published"),
            *("last published", "days", "per day min", "median", "max"),
        ],
        ["everyday", "28", "28", "0", "2019-03-01", "2026-11-25", "10", "1", "1", "15"],
    ]
    assert table_rows(page, "Field coverage")[1] == [
        "everyday", "100.0%", "100.0%", "96.4%", "100.0%", "100.0%", "0.0%",
    ]  # fmt: skip
    assert table_rows(page, "Rate rows")[1:] == [
        ["everyday", "EUR", "ЦБ", "1", "2025-12-11", "2025-12-11", "13988.72"],
        ["everyday", "RUB", "ЦБ", "1", "2025-12-11", "2025-12-11", "155.49"],
        ["everyday", "USD", "ЦБ", "1", "2025-12-11", "2025-12-11", "12020.9"],
    ]
    assert table_rows(page, "Runs")[1] == [
        "everyday", "2", "ok 2", "20261125T194035Z-a10b", "2026-11-25T19:40:36Z", "ok", "0",
    ]  # fmt: skip
    # Eight publication days fall in the chart's last 92 days; 2019 and 2025 are noted below.
    bars = page.xpath("//rect[@class='bar']")
    assert len(bars) == 8
    assert [bar.text_content() for bar in bars][-1] == "everyday · 2026-11-25: 15 articles"
    assert "2 earlier articles (from 2019-03-01)" in page.text_content()
    assert len(page.xpath("//svg")) == 4  # articles, then EUR, RUB, USD
    assert [p.text_content() for p in page.xpath("//circle[@class='point']")] == [
        "EUR 2025-12-11: 13988.72 (everyday · ЦБ)",
        "RUB 2025-12-11: 155.49 (everyday · ЦБ)",
        "USD 2025-12-11: 12020.9 (everyday · ЦБ)",
    ]
    assert page.xpath("//polyline") == []


def test_report_of_two_sites_and_rates_over_days(tmp_path: Path, rich: Path) -> None:
    text, page = write_report(tmp_path, rich)
    assert_self_contained(text, page)
    # The source came from the web: it shows as text, never as markup.
    assert "evil.example" in page.text_content()
    assert EVIL_SOURCE not in text
    bars = page.xpath("//rect[@class='bar']")
    assert [bar.get("fill") for bar in bars] == [PALETTE[0]] * 3 + [PALETTE[1]]
    assert [bar.text_content() for bar in bars][-1] == "beta · 2025-12-10: 2 articles"
    legend = page.xpath("//h2[.='Articles per day']/following-sibling::figure[1]//div")
    assert [item.text_content() for item in legend[0]] == ["alpha", "beta"]
    charts = page.xpath("//div[@class='rates']/figure")
    assert [chart.xpath("string(h3/text())").strip() for chart in charts] == ["EUR", "USD"]
    eur, usd = charts
    assert len(eur.xpath(".//circle")) == 1
    assert eur.xpath(".//polyline") == []
    # Three days of alpha's rate (the 11th at its later value) and two of beta's.
    assert [c.text_content() for c in usd.xpath(".//circle")][:3] == [
        "USD 2025-12-09: 12000.5 (alpha · ЦБ)",
        "USD 2025-12-10: 12010 (alpha · ЦБ)",
        "USD 2025-12-11: 12025 (alpha · ЦБ)",
    ]
    assert len(usd.xpath(".//circle")) == 5
    assert len(usd.xpath(".//polyline")) == 2
    assert [t.text for t in usd.xpath(".//svg/text")] == [
        "12,000", "12,010", "12,020", "12,030", "2025-12-09", "2025-12-11",
    ]  # fmt: skip


def test_report_of_one_day_one_site_no_rates(tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "a/solo/articles/r-0001.jsonl", [article("solo:1", "2025-12-11T09:00:00+05:00")]
    )
    _, page = write_report(tmp_path, tmp_path / "a")
    (bar,) = page.xpath("//rect[@class='bar']")
    assert float(bar.get("width")) <= 36  # a bar, not a wall across the chart
    assert [t.text for t in page.xpath("//svg/text")][-1] == "11 Dec 2025"
    assert page.xpath("//circle") == []
    texts = [p.text_content() for p in page.xpath("//p[@class='nodata']")]
    assert texts == ["No rate rows in this archive.", "No rate rows in this archive."]


def test_report_of_rates_without_articles(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a/solo/rates/r-0001.jsonl", [rate("solo", "USD", "2025-12-11", 1.5)])
    _, page = write_report(tmp_path, tmp_path / "a")
    assert [p.text_content() for p in page.xpath("//p[@class='nodata']")] == [
        "No dated articles: nothing to chart."
    ]
    assert page.xpath("string(//div[@class='rates']//h3)") == "USD 1.5 on 2025-12-11"
    assert len(page.xpath("//circle[@class='point']")) == 1


def test_report_of_an_archive_without_records(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a/everyday/articles/r-0001.jsonl", [])
    _, page = write_report(tmp_path, tmp_path / "a")
    assert page.xpath("//svg") == []
    assert (
        page.xpath("string(//p[@class='nodata'])") == "No data: the archive files hold no records."
    )


def test_stats_and_report_fail_alike_on_an_unreadable_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "everyday/articles/r-0001.jsonl"
    bad.parent.mkdir(parents=True)
    bad.write_text("not json\n", encoding="utf-8")
    message = (
        f"newsarchive: error: {bad}:1: not a JSON record "
        "(Expecting value: line 1 column 1 (char 0))\n"
    )
    assert stats_main([str(tmp_path)], as_json=False) == 1
    assert capsys.readouterr() == ("", message)
    out = tmp_path / "report.html"
    assert report_main([str(tmp_path)], out) == 1
    assert capsys.readouterr() == ("", message)
    assert not out.exists()


def test_report_without_archive_files_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert report_main([str(tmp_path / "missing")], out) == 2
    assert not out.exists()
    assert capsys.readouterr().err.startswith("newsarchive: error: no archive files")
    assert report_main([str(ARCHIVE)], tmp_path / "no/such/folder/report.html") == 2
    assert capsys.readouterr().err.startswith("newsarchive: error: cannot write")
