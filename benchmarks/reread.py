"""Records per second ``newsarchive.load_articles`` reads from a large archive, plain and gzipped.

    python benchmarks/reread.py [--records 100000] [--rounds 5] [--quick]

The archive is made, not crawled: the 28 article records of a real crawl of the demo site
(tests/data/archive/everyday/articles/) repeated with a new id, URL, title and hash each
time, written the way a crawl writes them (``newsarchive.archive.files.JsonlWriter``: one line
per write, flushed at once, 5,000 records a file), once plain and once with ``--compress``'s
gzip. Each round reads both archives in full with ``load_articles``, alternating which goes
first; the figures are medians over the rounds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsarchive import load_articles  # noqa: E402
from newsarchive.archive.files import JsonlWriter  # noqa: E402
from newsarchive.records import dumps  # noqa: E402

SEED = ROOT / "tests" / "data" / "archive" / "everyday" / "articles"
ROLL = 5000


def seed_records() -> list[dict[str, Any]]:
    records = []
    for path in sorted(SEED.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            records += [json.loads(line) for line in handle]
    return records


def make_archive(folder: Path, count: int, *, compress: bool) -> int:
    """Write ``count`` article records under ``folder/everyday/articles``; returns bytes on disk."""
    seeds = seed_records()
    writer = JsonlWriter(
        folder / "everyday" / "articles", "20251211T130000Z-beef", roll_records=ROLL,
        compress=compress,
    )  # fmt: skip
    for number in range(count):
        record = dict(seeds[number % len(seeds)])
        record["id"] = f"everyday:{100000 + number}"
        record["url"] = record["url"].rsplit("/", 1)[0] + f"/{100000 + number}-post.html"
        record["title"] = f"{record['title']} ({number})"
        record["content_hash"] = f"sha256:{number:064x}"
        writer.write(dumps(record))
    writer.close()
    return sum(path.stat().st_size for path in writer.published)


def read_all(folder: Path) -> tuple[int, float]:
    started = time.perf_counter()
    count = sum(1 for _ in load_articles(folder))
    return count, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="5,000 records, 2 rounds (for CI)")
    args = parser.parse_args()
    count, rounds = (5000, 2) if args.quick else (args.records, args.rounds)
    with tempfile.TemporaryDirectory() as scratch:
        archives = {"plain": Path(scratch) / "plain", "gzip": Path(scratch) / "gzip"}
        sizes = {
            name: make_archive(folder, count, compress=name == "gzip")
            for name, folder in archives.items()
        }
        rates: dict[str, list[float]] = {name: [] for name in archives}
        for number in range(rounds):
            order = list(archives) if number % 2 == 0 else list(archives)[::-1]
            for name in order:
                read, seconds = read_all(archives[name])
                assert read == count, (name, read)
                rates[name].append(read / seconds)
    print(f"reread: load_articles over {count:,} article records ({count // ROLL or 1} files), "
          f"{rounds} rounds")  # fmt: skip
    for name, values in rates.items():
        print(f"  {name:<6} {sizes[name] / 2**20:7.1f} MiB  {statistics.median(values):9,.0f} "
              f"records/s (median; {min(values):,.0f} to {max(values):,.0f})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
