"""One self-contained HTML page of an archive: the stats as tables, and two kinds of chart.

The page is a single file with inline CSS and inline SVG drawn here: no scripts, no external
files or fonts, so it opens offline and can be mailed. Charts: articles per day (one bar
series per site, over the last ``WINDOW_DAYS`` days that have articles) and each currency's
rate over time. Every text from the archive is escaped: titles, sources and site names all
come from the web.
"""

from __future__ import annotations

import html
import math
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from newsarchive.analysis.stats import (
    ArchiveStats,
    SiteStats,
    command_stats,
    format_number,
    format_percent,
    plural,
)
from newsarchive.health import EXIT_OK, EXIT_USAGE

__all__ = ["PALETTE", "WINDOW_DAYS", "nice_ticks", "render_report", "report_main"]

# Days the articles chart spans at most: a first crawl also finds years-old articles, and
# bars a fraction of a pixel wide say nothing. The tables still count every day.
WINDOW_DAYS = 92
# Tableau 10: distinguishable, also for the common colour-vision deficiencies.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1f2328; background: #fff; margin: 0; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 15px; margin: 0; }
code { font-size: 13px; }
figure { margin: 0; }
figcaption, .meta, .note { color: #57606a; font-size: 13px; }
svg { display: block; width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: #57606a; }
.grid { stroke: #eaeef2; }
.axis { stroke: #8c959f; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 4px 0; font-size: 13px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 6px; }
.nodata { color: #57606a; padding: 20px; border: 1px dashed #d0d7de; border-radius: 6px;
  text-align: center; }
.rates { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
  gap: 20px 28px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 14px; }
th, td { padding: 4px 18px 4px 0; text-align: left; border-bottom: 1px solid #eaeef2;
  white-space: nowrap; }
th { font-size: 12px; font-weight: 600; color: #57606a; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
"""


def report_main(paths: list[str], out: Path) -> int:
    """``newsarchive report PATH... --out FILE``: write the page; the exit status."""
    stats = command_stats(paths)
    if isinstance(stats, int):
        # Nothing is written: a mistyped path must not replace a good report with an empty one.
        return stats
    try:
        _write_atomically(out, render_report(stats, paths))
    except OSError as error:
        print(f"newsarchive: error: cannot write {out}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    print(f"newsarchive: report of {plural(len(stats.files), 'archive file')} written to {out}")
    return EXIT_OK


def render_report(stats: ArchiveStats, paths: Sequence[str]) -> str:
    """The whole HTML page of ``stats`` (read from ``paths``)."""
    figures = stats.as_dict()["sites"]
    names = sorted(figures)
    head = (
        f"<h1>Archive report</h1>\n<p class=meta>{plural(len(stats.files), 'archive file')} under "
        f"{' '.join(f'<code>{_esc(path)}</code>' for path in paths)}; "
        f"sites: {_esc(', '.join(names)) or 'none'}</p>"
    )
    if not names:
        body = _no_data("No data: the archive files hold no records.")
    else:
        sites = [stats.sites[name] for name in names]
        body = "\n".join(
            [
                "<h2>Articles per day</h2>",
                articles_chart(sites),
                "<h2>Currency rates</h2>",
                rates_charts(sites),
                "<h2>Articles</h2>",
                _articles_table(names, figures),
                "<h2>Field coverage</h2>",
                _coverage_table(names, figures),
                "<h2>Rate rows</h2>",
                _rates_table(names, figures),
                "<h2>Runs</h2>",
                _runs_table(names, figures),
            ]
        )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>newsarchive report</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{head}\n{body}\n</main>\n</body>\n</html>\n"
    )


# Charts


@dataclass(frozen=True)
class _Plot:
    """A chart's drawing area inside its SVG view box."""

    width: int
    height: int
    left: int
    right: int = 12
    top: int = 10
    bottom: int = 26

    @property
    def inner_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def inner_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def base(self) -> float:
        return self.height - self.bottom

    def y(self, value: float, low: float, high: float) -> float:
        return self.base - (value - low) / (high - low) * self.inner_height

    def y_axis(self, ticks: Sequence[float], labels: Sequence[str]) -> list[str]:
        low, high = ticks[0], ticks[-1]
        parts = []
        for tick, label in zip(ticks, labels, strict=True):
            y = self.y(tick, low, high)
            parts.append(
                f'<line class=grid x1="{self.left}" x2="{self.width - self.right}" '
                f'y1="{y:.1f}" y2="{y:.1f}"/>'
                f'<text x="{self.left - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>'
            )
        parts.append(
            f'<line class=axis x1="{self.left}" x2="{self.width - self.right}" '
            f'y1="{self.base}" y2="{self.base}"/>'
        )
        return parts

    def svg(self, parts: Iterable[str], label: str) -> str:
        return (
            f'<svg viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-label="{_esc(label)}">{"".join(parts)}</svg>'
        )


def articles_chart(sites: Sequence[SiteStats]) -> str:
    """Bars of articles per site-local publication day, one colour per site."""
    series = [(site.site, site.articles.per_day) for site in sites if site.articles.per_day]
    if not series:
        return _no_data("No dated articles: nothing to chart.")
    last = max(max(per_day) for _, per_day in series)
    earliest = min(min(per_day) for _, per_day in series)
    start = max(earliest, last - timedelta(days=WINDOW_DAYS - 1))
    days = (last - start).days + 1
    drawn = [(name, {d: n for d, n in per_day.items() if d >= start}) for name, per_day in series]
    plot = _Plot(width=960, height=260, left=44, right=30)
    ticks = nice_ticks(0, max(max(counts.values(), default=0) for _, counts in drawn), integer=True)
    parts = plot.y_axis(ticks, [format_number(tick) for tick in ticks])
    parts += _bars(plot, drawn, start, days, ticks[-1])
    parts += _day_axis(plot, start, days)
    older = sum(n for _, per_day in series for d, n in per_day.items() if d < start)
    note = (
        f"<p class=note>The last {days} days are drawn; {older} earlier articles (from "
        f"{earliest.isoformat()}) are counted in the tables only.</p>"
        if older
        else ""
    )
    caption = f"Articles per day by publication date (site's calendar), {start} to {last}."
    return (
        f"<figure>{plot.svg(parts, caption)}<figcaption>{_esc(caption)}</figcaption>"
        f"{_legend(name for name, _ in series)}{note}</figure>"
    )


def _bars(
    plot: _Plot, series: Sequence[tuple[str, dict[date, int]]], start: date, days: int, top: float
) -> list[str]:
    """One bar per site and day with articles, the sites side by side within a day."""
    slot = plot.inner_width / days
    # Bars stay bar-shaped when there are few days: a lone day is not a wall of colour.
    group = min(slot * 0.8, 36.0 * len(series))
    width = group / len(series)
    parts = []
    for index, (name, per_day) in enumerate(series):
        for day, count in sorted(per_day.items()):
            x = plot.left + (day - start).days * slot + (slot - group) / 2 + index * width
            y = plot.y(count, 0, top)
            parts.append(
                f'<rect class=bar x="{x:.2f}" y="{y:.1f}" width="{width:.2f}" '
                f'height="{plot.base - y:.1f}" fill="{PALETTE[index % len(PALETTE)]}">'
                f"<title>{_esc(name)} · {day.isoformat()}: {count} articles</title></rect>"
            )
    return parts


def _day_axis(plot: _Plot, start: date, days: int) -> list[str]:
    slot = plot.inner_width / days
    parts = []
    for offset, label in _day_ticks(start, days):
        x = plot.left + (offset + 0.5) * slot
        parts.append(
            f'<line class=axis x1="{x:.1f}" x2="{x:.1f}" y1="{plot.base}" '
            f'y2="{plot.base + 4}"/><text x="{x:.1f}" y="{plot.base + 17}" '
            f'text-anchor="middle">{label}</text>'
        )
    return parts


def rates_charts(sites: Sequence[SiteStats]) -> str:
    """One small chart per currency: its rate per ``as_of`` day, a line per site and source."""
    by_currency: dict[str, dict[str, list[tuple[date, float]]]] = {}
    for site in sites:
        for code, currency in site.rates.items():
            series = by_currency.setdefault(code, {})
            for (source, as_of), (_, rate) in currency.by_day.items():
                label = f"{site.site} · {source}" if source else site.site
                series.setdefault(label, []).append((date.fromisoformat(as_of), rate))
    if not by_currency:
        return _no_data("No rate rows in this archive.")
    charts = [_rate_chart(code, by_currency[code]) for code in sorted(by_currency)]
    return f"<div class=rates>{''.join(charts)}</div>"


def _rate_chart(code: str, series: dict[str, list[tuple[date, float]]]) -> str:
    labels = sorted(series)
    points = {label: sorted(series[label]) for label in labels}
    days = sorted({day for pairs in points.values() for day, _ in pairs})
    values = [rate for pairs in points.values() for _, rate in pairs]
    low, high = min(values), max(values)
    if low == high:
        # One value: centre it in a band of ±0.5% rather than divide by a zero span.
        low, high = low - (abs(low) * 0.005 or 1), high + (abs(high) * 0.005 or 1)
    ticks = nice_ticks(low, high, count=4)
    plot = _Plot(width=320, height=170, left=64, right=16, bottom=24)
    span = (days[-1] - days[0]).days

    def at(day: date, rate: float) -> tuple[float, float]:
        share = (day - days[0]).days / span if span else 0.5
        return plot.left + share * plot.inner_width, plot.y(rate, ticks[0], ticks[-1])

    parts = plot.y_axis(ticks, _value_labels(ticks))
    for index, label in enumerate(labels):
        parts += _line_and_points(code, label, PALETTE[index % len(PALETTE)], points[label], at)
    for day, anchor in _date_ends(days):
        parts.append(
            f'<text x="{at(day, ticks[0])[0]:.1f}" y="{plot.base + 16}" '
            f'text-anchor="{anchor}">{day.isoformat()}</text>'
        )
    if len(labels) == 1:
        last_day, last_rate = points[labels[0]][-1]
        latest = f"{format_number(last_rate)} on {last_day.isoformat()}"
    else:
        latest = f"{len(labels)} series; latest day {days[-1].isoformat()}"
    return (
        f"<figure><h3>{_esc(code)} <span class=meta>{latest}</span></h3>"
        f"{plot.svg(parts, f'{code} rate per day')}{_legend(labels)}</figure>"
    )


def _line_and_points(
    code: str,
    label: str,
    colour: str,
    pairs: Sequence[tuple[date, float]],
    at: Callable[[date, float], tuple[float, float]],
) -> list[str]:
    coords = [at(day, rate) for day, rate in pairs]
    parts = []
    if len(coords) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(
            f'<polyline class=line points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
    for (x, y), (day, rate) in zip(coords, pairs, strict=True):
        parts.append(
            f'<circle class=point cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
            f"<title>{_esc(code)} {day.isoformat()}: {format_number(rate)} "
            f"({_esc(label)})</title></circle>"
        )
    return parts


def nice_ticks(low: float, high: float, *, count: int = 5, integer: bool = False) -> list[float]:
    """About ``count`` round axis values from at most ``low`` to at least ``high``.

    >>> nice_ticks(0, 13, integer=True)
    [0, 5, 10, 15]
    >>> nice_ticks(0, 1, integer=True)
    [0, 1]
    >>> nice_ticks(11960.8, 12080.9, count=4)
    [11950.0, 12000.0, 12050.0, 12100.0]
    """
    raw = (high - low) / count or 1
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(m * magnitude for m in steps if m * magnitude >= raw)
    if integer:
        step = max(1, round(step))
    first = math.floor(low / step)
    last = max(math.ceil(high / step), first + 1)
    if integer:
        return [int(i * step) for i in range(first, last + 1)]
    return [float(round(i * step, 10)) for i in range(first, last + 1)]


def _value_labels(ticks: Sequence[float]) -> list[str]:
    """Tick labels with as many decimals as the ticks need, thousands separated.

    >>> _value_labels([11950.0, 12000.0, 12050.0]), _value_labels([0.25, 0.5, 0.75])
    (['11,950', '12,000', '12,050'], ['0.25', '0.50', '0.75'])
    """
    decimals = next(
        d for d in range(10) if all(abs(round(t, d) - t) <= 1e-9 * max(1, abs(t)) for t in ticks)
    )
    return [f"{tick:,.{decimals}f}" for tick in ticks]


def _day_ticks(start: date, days: int) -> list[tuple[int, str]]:
    """Offsets of labelled days, counted back from the last so that it is labelled."""
    step = 1 if days <= 10 else 2 if days <= 20 else 7 if days <= 70 else 14
    offsets = sorted(range(days - 1, -1, -step))
    ticks = []
    previous_year = None
    for offset in offsets:
        day = start + timedelta(days=offset)
        label = f"{day.day} {_MONTHS[day.month - 1]}"
        if day.year != previous_year:
            label += f" {day.year}"
            previous_year = day.year
        ticks.append((offset, label))
    return ticks


def _date_ends(days: Sequence[date]) -> list[tuple[date, str]]:
    if len(days) == 1:
        return [(days[0], "middle")]
    return [(days[0], "start"), (days[-1], "end")]


def _legend(labels: Iterable[str]) -> str:
    items = [
        f'<span><span class=swatch style="background:{PALETTE[i % len(PALETTE)]}"></span>'
        f"{_esc(label)}</span>"
        for i, label in enumerate(labels)
    ]
    return f"<div class=legend>{''.join(items)}</div>"


def _no_data(message: str) -> str:
    return f"<p class=nodata>{_esc(message)}</p>"


# Tables: the figures of ``newsarchive stats``, formatted the same way.


def _articles_table(names: Sequence[str], figures: dict[str, Any]) -> str:
    header = ["site", "records", "distinct ids", "later versions", "first published",
              "last published", "days", "per day min", "median", "max"]  # fmt: skip
    rows = []
    for name in names:
        articles = figures[name]["articles"]
        per_day = articles["per_day"] or {}
        rows.append(
            [
                name,
                str(articles["records"]),
                str(articles["ids"]),
                str(articles["revised_ids"]),
                articles["published_first"] or "-",
                articles["published_last"] or "-",
                str(articles["days"]),
                *(format_number(per_day.get(key)) for key in ("min", "median", "max")),
            ]
        )
    return _table(header, rows, numeric=(1, 2, 3, 6, 7, 8, 9))


def _coverage_table(names: Sequence[str], figures: dict[str, Any]) -> str:
    fields = list(figures[names[0]]["articles"]["coverage_percent"])
    rows = [
        [
            name,
            *(format_percent(figures[name]["articles"]["coverage_percent"][f]) for f in fields),
            format_percent(figures[name]["articles"]["day_precision_percent"]),
        ]
        for name in names
    ]
    header = ["site", *fields, "day precision"]
    return (
        _table(header, rows, numeric=range(1, len(header)))
        + "<p class=note>Share of article records with the field filled; day precision: "
        "share of dated records whose page gave only a day.</p>"
    )


def _rates_table(names: Sequence[str], figures: dict[str, Any]) -> str:
    rows = [
        [
            name,
            code,
            ", ".join(rate["sources"]),
            str(rate["rows"]),
            rate["as_of_first"],
            rate["as_of_last"],
            format_number(rate["last_rate"]),
        ]
        for name in names
        for code, rate in sorted(figures[name]["rates"].items())
    ]
    if not rows:
        return _no_data("No rate rows in this archive.")
    header = ["site", "currency", "source", "rows", "as_of from", "as_of to", "last rate"]
    return _table(header, rows, numeric=(3, 6))


def _runs_table(names: Sequence[str], figures: dict[str, Any]) -> str:
    rows = []
    for name in names:
        runs = figures[name]["runs"]
        last = runs["last"] or {}
        by_health = ", ".join(f"{h} {n}" for h, n in sorted(runs["by_health"].items()))
        rows.append(
            [
                name,
                str(runs["count"]),
                by_health or "-",
                str(last.get("run_id") or "-"),
                str(last.get("finished_at") or "-"),
                str(last.get("health") or "-"),
                format_number(last.get("exit_status")),
            ]
        )
    header = ["site", "runs", "by health", "last run", "finished", "health", "exit status"]
    return _table(header, rows, numeric=(1, 6))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], *, numeric: Iterable[int]) -> str:
    right = set(numeric)

    def cells(tag: str, row: Sequence[str]) -> str:
        return "".join(
            f"<{tag} class=num>{_esc(c)}</{tag}>" if i in right else f"<{tag}>{_esc(c)}</{tag}>"
            for i, c in enumerate(row)
        )

    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    return (
        f"<div class=scroll><table><thead><tr>{cells('th', header)}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _write_atomically(out: Path, text: str) -> None:
    """Write ``out`` through a temporary file: a reader never sees half a page."""
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(out)
    finally:
        temporary.unlink(missing_ok=True)
