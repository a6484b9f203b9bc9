"""Crawl a site that fails in every way real ones do, and show what newsarchive made of it.

    python scripts/hostile_crawl.py

Two real ``newsarchive crawl`` runs against tests/support/hostile_site.py on loopback: one with
the ``everyday`` site file (listing pages, every HTTP and transport fault), one without (the generic
spider, through the sitemaps robots.txt names: an entity bomb, external entities, another
host's URL). Prints, per fault, the requests the server received (retries included), the kind
the run counted it as, and whether its article was archived; then the healthy articles the
server delivered against those archived ("records lost"). Exits non-zero if any was lost or
archived twice, or a crawl did not exit 0.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.hostile_site import HostileSite, crawl, report  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        with HostileSite() as site:
            listing = crawl(site, out / "listing", "everyday", "--site", "everyday")
        with HostileSite() as site:
            discovery = crawl(site, out / "discovery", "hostile", "--name", "hostile",
                              "-s", "NEWSARCHIVE_DISCOVERY_DEPTH=0")  # fmt: skip
    print(report(listing, discovery))
    healthy = all(
        crawled.returncode == 0
        and crawled.served == set(crawled.archived())
        and len(crawled.archived()) == len(crawled.served)
        for crawled in (listing, discovery)
    )
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
