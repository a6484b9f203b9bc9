"""The HTML report in a real browser and the README's loading lines in a real shell, both on
tests/data/archive (the checked-in crawl of the demo site).
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from newsarchive.analysis import (
    report_main,
)
from newsarchive.analysis.report import PALETTE
from tests.support.helpers import ROOT

pytestmark = pytest.mark.slow


ARCHIVE = ROOT / "tests" / "data" / "archive"
CHROMIUM = Path("/usr/bin/chromium")


def test_report_renders_in_a_browser(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: CI must `apt-get install -y chromium` (see .ci/run)")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    assert report_main([str(ARCHIVE)], tmp_path / "report.html") == 0
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1280,2000",
            (tmp_path / "report.html").as_uri(),
        ],
        capture_output=True,
        timeout=60,
        check=True,
    )
    width, height, pixels = decode_png(shot.read_bytes())
    assert (width, height) == (1280, 2000)
    colours = set(pixels)
    assert len(colours) > 50, "a blank or nearly blank page"
    bar_colour = bytes.fromhex(PALETTE[0][1:])
    # The tallest bar (15 articles) alone covers thousands of pixels.
    assert pixels.count(bar_colour) > 1000


def decode_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the RGB pixels, row by row, of an 8-bit non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: dict[bytes, list[bytes]] = {}
    position = 8
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunks.setdefault(kind, []).append(data[position + 8 : position + 8 + length])
        position += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(
        ">IIBBBBB", chunks[b"IHDR"][0]
    )
    assert (depth, interlace) == (8, 0)
    assert colour_type in (2, 6)
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(chunks[b"IDAT"]))
    stride = width * channels
    previous = bytearray(stride)
    pixels = []
    for y in range(height):
        start = y * (stride + 1)
        line = unfilter(
            raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, channels
        )
        pixels.extend(bytes(line[x : x + 3]) for x in range(0, stride, channels))
        previous = line
    return width, height, pixels


def unfilter(kind: int, line: bytearray, above: bytearray, bpp: int) -> bytearray:
    """Undo one scanline's PNG filter (None, Sub, Up, Average, Paeth)."""
    if kind == 2:
        return bytearray(map(lambda a, b: (a + b) & 255, line, above))
    for i in range(len(line) if kind else 0):
        left = line[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + left) & 255
        elif kind == 3:
            line[i] = (line[i] + ((left + above[i]) >> 1)) & 255
        else:
            corner = above[i - bpp] if i >= bpp else 0
            guess = left + above[i] - corner
            pa, pb, pc = abs(guess - left), abs(guess - above[i]), abs(guess - corner)
            nearest = left if pa <= pb and pa <= pc else above[i] if pb <= pc else corner
            line[i] = (line[i] + nearest) & 255
    return line


# The README's loading lines, run as written from a folder holding the crawl as ./archive.

# Verbatim, as the README's loading block shows them.
README_LOADING = r"""
jq -r '[.published_at, .title] | @tsv' archive/everyday/articles/*.jsonl
duckdb -c "SELECT section, count(*) FROM read_json('archive/everyday/articles/*.jsonl') GROUP BY 1 ORDER BY 2 DESC, 1"
python -c "import duckdb; duckdb.sql(\"SELECT section, count(*) FROM read_json('archive/everyday/articles/*.jsonl') GROUP BY 1 ORDER BY 2 DESC, 1\").show()"
python -c "import glob, pandas as pd; df = pd.concat(pd.read_json(f, lines=True) for f in glob.glob('archive/everyday/articles/*.jsonl')); print(df.groupby('section').size())"
python -c "from newsarchive.analysis import to_dataframe; print(to_dataframe('archive').groupby('section', observed=True).size())"
"""  # noqa: E501
README_LINES = dict(
    zip(
        ("jq", "duckdb", "python-duckdb", "python-pandas", "python-newsarchive"),
        README_LOADING.strip().splitlines(),
        strict=True,
    )
)
SECTIONS = {
    "Экономика": 6,
    "Общество": 5,
    "В мире": 4,
    "Здоровье": 4,
    "Политика": 4,
    "Технологии": 3,
    "Спорт": 2,
}


def run_readme_line(name: str, tmp_path: Path) -> list[str]:
    tool = name.split("-")[0]
    venv_bin = Path(sys.executable).parent
    path = f"{venv_bin}{os.pathsep}{os.environ['PATH']}"
    if shutil.which(tool, path=path) is None:
        if tool == "jq" and os.environ.get("CI"):
            pytest.fail("jq is missing: CI must `apt-get install -y jq` (see .ci/run)")
        pytest.skip(f"{tool} is not installed")
    shutil.copytree(ARCHIVE, tmp_path / "archive")
    result = subprocess.run(
        ["bash", "-c", README_LINES[name]],
        cwd=tmp_path,
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.splitlines()


def test_readme_jq_line(tmp_path: Path) -> None:
    lines = run_readme_line("jq", tmp_path)
    assert len(lines) == 28
    assert (
        lines[0]
        == "2026-11-25T17:00:00+05:00\tВ Ташкенте открылся новый центр детской реабилитации"
    )
    assert sum(line.startswith("\t") for line in lines) == 1  # the one undated article


@pytest.mark.parametrize("name", ["duckdb", "python-duckdb"])
def test_readme_duckdb_lines(name: str, tmp_path: Path) -> None:
    rows = [line.split("│")[1:3] for line in run_readme_line(name, tmp_path) if "│" in line]
    counts = [(section.strip(), count.strip()) for section, count in rows]
    assert counts[2:] == [(section, str(n)) for section, n in SECTIONS.items()]


@pytest.mark.parametrize("name", ["python-pandas", "python-newsarchive"])
def test_readme_pandas_lines(name: str, tmp_path: Path) -> None:
    lines = run_readme_line(name, tmp_path)
    counts = dict(line.rsplit(maxsplit=1) for line in lines[1:-1])
    assert {section: int(n) for section, n in counts.items()} == SECTIONS
    assert lines[0] == "section"
    assert lines[-1] == "dtype: int64"
