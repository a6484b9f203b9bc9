"""Scoring an article extractor on a corpus of pages with gold: hand-written or annotated.

Researchers can score any extractor, ours or another tool, on their own pages:

>>> from newsarchive.evaluation import score, ours
>>> scores = score(ours, "fixtures/corpus")               # doctest: +SKIP
>>> print(scores.report())                                # doctest: +SKIP

The corpus
==========

A folder of pairs: ``<name>.html`` (the page's bytes, as served: any encoding) and
``<name>.json``, its gold::

    {"url": "https://site.example/news/1", "now": "2025-12-12T18:00:00+05:00",
     "tz": "Asia/Tashkent", "is_article": true, "title": "…",
     "published": "2025-12-12T17:13:00+05:00", "lead": "…",
     "body_start": "the first ~60 characters of the body", "body_end": "its last ~60 characters",
     "must_contain": ["segments from the middle of the text", "…"],
     "must_not_contain": ["Читайте также", "a comment", "the share bar", "a sidebar headline", "…"],
     "lang": "ru"}

``now`` (when the page was fetched; optional, for relative dates such as "Сегодня, 17:13"; the
current time when absent) and ``tz`` (the site's zone) are handed to the extractor. ``lead``
is optional. Non-article pages (home, section, search pages...) have ``is_article: false``
and need no body segments. Other files in the folder (``floors.json``, ``manifest.json``)
are ignored.

Pages annotated elsewhere (``fixtures/realpages/``: real pages with their source's gold)
carry the whole article text instead of segments, ``"body": "…"``, and may leave out what
their source does not annotate: without ``is_article`` the page counts as an article and
detection is not scored on it; without ``title`` or ``published`` that field is not scored
(an explicit ``"published": null`` says the page has no date: None is then the right answer).

The adapter
===========

``score`` takes ``extract(html_bytes, case) -> dict`` and calls it once per page. ``case`` is
the gold JSON as a dict (plus ``name``); the adapter may read ``url``, ``now`` and ``tz`` from
it and must not read the gold fields. It returns a dict with any of:

- ``title``: str or None;
- ``body``: the main text, str or None (any layout: paragraphs, lines, one blob);
- ``published``: an ISO 8601 string, a ``datetime`` or anything with ``.value`` (a
  :class:`~newsarchive.parsers.timestamps.Timestamp`), or None. A naive value, or a bare date
  (``2025-12-11``), is read in the case's ``tz``;
- ``is_article``: bool, or None when the tool cannot tell (then detection is not scored for it);
- ``lead``: str or None (optional).

An adapter for another tool is a few lines; :func:`ours` is the one for
:func:`~newsarchive.parsers.generic.extract_article`, and ``benchmarks/extraction.py`` has one
for trafilatura, in short::

    def with_trafilatura(html: bytes, case: dict) -> dict:
        found = trafilatura.extract(html, url=case["url"], output_format="json",
                                    with_metadata=True, include_comments=False)
        data = json.loads(found) if found else {}
        return {"title": data.get("title"), "body": data.get("text"),
                "published": data.get("date"), "is_article": None}

    print(score(with_trafilatura, "my-corpus/").report())

An adapter that raises counts as returning nothing for that page.

The metrics
===========

Over the gold articles: **title accuracy** (the word sequences match exactly after case
folding, ``ё``→``е``, and dropping punctuation, so quotes and dashes do not matter), **date
accuracy** (the same instant to the minute; None equals None), **date day accuracy** (the
same calendar day in the gold's offset: fair to tools that only give dates) and **lead
accuracy** over the pages whose gold has a lead. Over all pages: **detection accuracy** (the
``is_article`` verdict).

**Body precision, recall and F1** follow trafilatura's evaluation, where annotators pick
segments the text must contain (at its start, its end and in between) and segments of the
page it must not contain (boilerplate), instead of writing the whole gold text; we count
words instead of segments so long segments weigh more than short ones. Texts become lists
of words (``\\w+``, case-folded, ``ё``→``е``); for each segment the longest run of its words
found contiguously in the output counts, if it covers at least half of the segment and at
least 3 words (or the whole segment, if shorter): this ignores chance matches of common
words and phrases ("метро в Самарканде" in the text and in a poll's question).

- words of ``body_start``, ``must_contain`` and ``body_end`` found: true positives; missing:
  false negatives;
- words of ``must_not_contain`` found: false positives; absent: true negatives;
- precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean, summed over
  all articles (micro average).

**Text precision, recall and F1** score a page whose gold is its whole text (``body``), by
the shared 4-word shingles (every run of four consecutive words, counted as a multiset) of
the output and the gold: precision is the share of the output's shingles found in the gold,
recall the share of the gold's found in the output. They are averaged over those pages (a
page whose output is empty scores 0). Texts of fewer than four words are one shingle.

Two stricter checks show where text leaks: **body start** and **body end accuracy**, whether
the output's words begin with ``body_start`` and end with ``body_end`` (no headline, byline
or share bar before the text, no comments after it).

Scores are deterministic: pages are read in name order and no timing is involved.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, tzinfo
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "Case",
    "PageScore",
    "Scores",
    "case_now",
    "load_corpus",
    "ours",
    "score",
    "score_page",
    "shingle_scores",
    "words",
]

Case = dict[str, Any]
Extract = Callable[[bytes, Case], Mapping[str, Any]]

_WORD = re.compile(r"\w+")
_MIN_RUN = 3
_SHINGLE = 4


def words(text: str | None) -> list[str]:
    """The words of ``text`` as the metrics compare them.

    >>> words("«Ёлка» — 2025-й год!")
    ['елка', '2025', 'й', 'год']
    """
    if not text:
        return []
    return _WORD.findall(text.casefold().replace("ё", "е"))


@dataclass(frozen=True, slots=True)
class PageScore:
    """One page's verdicts and counts (for debugging: which page lost what)."""

    name: str
    gold_article: bool
    is_article: bool | None
    title_ok: bool | None  # None: not scored (not an article)
    date_ok: bool | None
    date_day_ok: bool | None
    lead_ok: bool | None
    start_ok: bool | None
    end_ok: bool | None
    tp: int
    fp: int
    fn: int
    tn: int
    text_precision: float | None  # by shingles, on pages whose gold is the whole text
    text_recall: float | None
    text_f1: float | None
    missing: tuple[str, ...]  # positive segments not (fully) found
    leaked: tuple[str, ...]  # negative segments found
    title: str | None
    published: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class Scores:
    """Corpus-level scores (see the module documentation) and the per-page details."""

    pages: int
    articles: int
    title_accuracy: float
    date_accuracy: float
    date_day_accuracy: float
    detection_accuracy: float | None
    lead_accuracy: float | None
    body_precision: float
    body_recall: float
    body_f1: float
    body_start_accuracy: float
    body_end_accuracy: float
    text_pages: int  # pages whose gold is the whole text
    text_precision: float | None
    text_recall: float | None
    text_f1: float | None
    details: tuple[PageScore, ...]

    def metrics(self) -> dict[str, float | None]:
        """The corpus-level numbers only."""
        skip = ("details", "pages", "articles", "text_pages")
        return {k: v for k, v in asdict(self).items() if k not in skip}

    def report(self, *, failures: bool = True) -> str:
        """A human-readable summary, with the pages that lost points."""
        lines = [f"{self.pages} pages, {self.articles} articles, {self.text_pages} with whole text"]
        for key, value in self.metrics().items():
            lines.append(f"  {key:22s} {'n/a' if value is None else f'{value:.3f}'}")
        if failures:
            for page in self.details:
                problems = []
                if page.error:
                    problems.append(f"error {page.error}")
                if page.is_article is not None and page.is_article != page.gold_article:
                    problems.append(f"is_article={page.is_article}")
                if page.title_ok is False:
                    problems.append(f"title {page.title!r}")
                if page.date_ok is False:
                    problems.append(f"date {page.published}")
                if page.start_ok is False:
                    problems.append("start")
                if page.end_ok is False:
                    problems.append("end")
                if page.text_f1 is not None and page.text_f1 < 0.8:
                    problems.append(
                        f"text P {page.text_precision:.2f} R {page.text_recall:.2f}"
                        f" F1 {page.text_f1:.2f}"
                    )
                if page.lead_ok is False:
                    problems.append("lead")
                problems += [f"missing {m[:50]!r}" for m in page.missing]
                problems += [f"leaked {m[:50]!r}" for m in page.leaked]
                if problems:
                    lines.append(f"  - {page.name}: " + "; ".join(problems))
        return "\n".join(lines)


def load_corpus(corpus: str | Path) -> list[tuple[bytes, Case]]:
    """The pages of a corpus folder in name order: (html bytes, gold case with ``name``)."""
    folder = Path(corpus)
    cases = []
    for gold_path in sorted(folder.glob("*.json")):
        html_path = gold_path.with_suffix(".html")
        if not html_path.exists():
            continue  # floors.json and other companions
        case = json.loads(gold_path.read_text(encoding="utf-8"))
        case["name"] = gold_path.stem
        cases.append((html_path.read_bytes(), case))
    return cases


def score(extract: Extract, corpus: str | Path | Iterable[tuple[bytes, Case]]) -> Scores:
    """Score ``extract`` on a corpus folder (or on already loaded ``(html, case)`` pairs)."""
    pages = load_corpus(corpus) if isinstance(corpus, str | Path) else list(corpus)
    details = []
    for html, case in pages:
        error = None
        try:
            output = dict(extract(html, case))
        except Exception as exc:  # an adapter failure costs that page, not the run
            output = {}
            error = f"{type(exc).__name__}: {exc}"
        details.append(score_page(output, case, error=error))
    return _aggregate(details)


def score_page(output: Mapping[str, Any], case: Case, *, error: str | None = None) -> PageScore:
    """One page: the extractor's ``output`` dict against the gold ``case``."""
    gold_article = bool(case.get("is_article", True))
    verdict = output.get("is_article")
    # A verdict is scored only against a gold one.
    is_article = None if verdict is None or "is_article" not in case else bool(verdict)
    zone = _zone(case.get("tz"))
    published = _instant(output.get("published"), zone)
    shown = published.isoformat() if published else None
    title = output.get("title")
    name = case.get("name", "?")
    if not gold_article:
        return PageScore(
            name,
            False,
            is_article,
            *(None,) * 6,
            0,
            0,
            0,
            0,
            *(None,) * 3,
            (),
            (),
            title,
            shown,
            error,
        )
    date_ok = day_ok = None
    if "published" in case:
        gold_date = _instant(case["published"], zone)
        day_ok = _same_day(published, gold_date)
        # A gold day (no time of day) can only be matched to the day.
        date_ok = day_ok if _day_only(case["published"]) else _same_minute(published, gold_date)
    title_ok = None  # a source that does not annotate the title does not score it
    if case.get("title") is not None:
        title_ok = bool(words(title)) and words(title) == words(case["title"])
    lead_ok = None
    if case.get("lead"):
        lead_ok = words(output.get("lead")) == words(case["lead"])
    body = words(output.get("body"))
    text_scores: tuple[float | None, ...] = (None, None, None)
    if case.get("body"):
        text_scores = shingle_scores(body, words(case["body"]))
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(body)
    tp = fp = fn = tn = 0
    missing: list[str] = []
    leaked: list[str] = []
    positives = [case.get("body_start"), *case.get("must_contain", []), case.get("body_end")]
    for segment in positives:
        seg = words(segment)
        if not seg:
            continue
        found = _run(matcher, seg)
        tp += found
        fn += len(seg) - found
        if found < len(seg):
            missing.append(segment)
    for segment in case.get("must_not_contain", []):
        seg = words(segment)
        if not seg:
            continue
        found = _run(matcher, seg)
        if found:
            fp += found
            leaked.append(segment)
        else:
            tn += len(seg)
    start, end = words(case.get("body_start")), words(case.get("body_end"))
    start_ok = (body[: len(start)] == start) if start else None
    end_ok = (len(body) >= len(end) and body[len(body) - len(end) :] == end) if end else None
    return PageScore(
        name=name,
        gold_article=True,
        is_article=is_article,
        title_ok=title_ok,
        date_ok=date_ok,
        date_day_ok=day_ok,
        lead_ok=lead_ok,
        start_ok=start_ok,
        end_ok=end_ok,
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        text_precision=text_scores[0],
        text_recall=text_scores[1],
        text_f1=text_scores[2],
        missing=tuple(missing),
        leaked=tuple(leaked),
        title=title,
        published=shown,
        error=error,
    )


def shingle_scores(found: list[str], gold: list[str]) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``found`` words against ``gold`` words, by 4-word shingles.

    >>> gold = words("one two three four five six")
    >>> shingle_scores(words("one two three four five"), gold)
    (1.0, 0.6666666666666666, 0.8)
    >>> shingle_scores([], gold)
    (0.0, 0.0, 0.0)
    """
    ours, theirs = _shingles(found), _shingles(gold)
    common = sum((ours & theirs).values())
    precision = common / sum(ours.values()) if ours else 0.0
    recall = common / sum(theirs.values()) if theirs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _shingles(text: list[str]) -> Counter[tuple[str, ...]]:
    if len(text) < _SHINGLE:
        return Counter([tuple(text)] if text else [])
    return Counter(tuple(text[i : i + _SHINGLE]) for i in range(len(text) - _SHINGLE + 1))


def _day_only(value: Any) -> bool:
    return isinstance(value, str) and len(value.strip()) == 10


def _run(matcher: SequenceMatcher[str], segment: list[str]) -> int:
    """The longest contiguous run of ``segment``'s words in the output (0 if a chance match)."""
    matcher.set_seq1(segment)
    size = matcher.find_longest_match().size  # all of segment against all of the output
    return size if size >= min(len(segment), max(_MIN_RUN, (len(segment) + 1) // 2)) else 0


def _aggregate(details: list[PageScore]) -> Scores:
    articles = [d for d in details if d.gold_article]

    def share(values: Iterable[bool | None]) -> float | None:
        scored = [v for v in values if v is not None]
        return sum(scored) / len(scored) if scored else None

    text = [d for d in articles if d.text_f1 is not None]

    def mean(values: Iterable[float | None]) -> float | None:
        scored = [v for v in values if v is not None]
        return sum(scored) / len(scored) if scored else None

    tp = sum(d.tp for d in articles)
    fp = sum(d.fp for d in articles)
    fn = sum(d.fn for d in articles)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    detection = share(
        None if d.is_article is None else d.is_article == d.gold_article for d in details
    )
    return Scores(
        pages=len(details),
        articles=len(articles),
        title_accuracy=share(d.title_ok for d in articles) or 0.0,
        date_accuracy=share(d.date_ok for d in articles) or 0.0,
        date_day_accuracy=share(d.date_day_ok for d in articles) or 0.0,
        detection_accuracy=detection,
        lead_accuracy=share(d.lead_ok for d in articles),
        body_precision=precision,
        body_recall=recall,
        body_f1=f1,
        body_start_accuracy=share(d.start_ok for d in articles) or 0.0,
        body_end_accuracy=share(d.end_ok for d in articles) or 0.0,
        text_pages=len(text),
        text_precision=mean(d.text_precision for d in text),
        text_recall=mean(d.text_recall for d in text),
        text_f1=mean(d.text_f1 for d in text),
        details=tuple(details),
    )


def _zone(name: Any) -> tzinfo:
    try:
        return ZoneInfo(str(name)) if name else ZoneInfo("UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def _instant(value: Any, zone: tzinfo) -> datetime | None:
    """An aware datetime from an ISO string, datetime, date or Timestamp; None otherwise."""
    value = getattr(value, "value", value)
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            try:
                value = date.fromisoformat(text[:10])
            except ValueError:
                return None
    if isinstance(value, datetime):
        return value if value.utcoffset() is not None else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=zone)
    return None


def _same_minute(found: datetime | None, gold: datetime | None) -> bool:
    if found is None or gold is None:
        return found is None and gold is None
    return int(found.timestamp()) // 60 == int(gold.timestamp()) // 60


def _same_day(found: datetime | None, gold: datetime | None) -> bool:
    if found is None or gold is None:
        return found is None and gold is None
    return found.astimezone(gold.tzinfo).date() == gold.date()


def case_now(case: Case) -> datetime | None:
    """When the case's page was fetched (its ``now``; a naive one is in the case's ``tz``)."""
    value = case.get("now")
    if not value:
        return None
    found = datetime.fromisoformat(value)
    return found if found.utcoffset() is not None else found.replace(tzinfo=_zone(case.get("tz")))


def ours(html: bytes, case: Case) -> dict[str, Any]:
    """The adapter for :func:`newsarchive.parsers.generic.extract_article`."""
    from newsarchive.parsers.generic import extract_article

    article = extract_article(html, case.get("url"), now=case_now(case), tz=case.get("tz") or "UTC")
    return {
        "title": article.title,
        "body": article.body,
        "published": article.published,
        "is_article": article.is_article,
        "lead": article.lead,
    }
