"""The synthetic site answers conditional requests as a real server does (RFC 9110 13.1, 15.4.5):
the tests of re-runs (tests/e2e/test_conditional.py) and benchmarks/incremental.py count on it."""

from __future__ import annotations

import urllib.error
import urllib.request
from email.utils import format_datetime, parsedate_to_datetime

import pytest

from benchmarks.synthetic_site import Edition, SyntheticSite, Validating


def _get(site: SyntheticSite, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(site.url.rstrip("/") + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as answer:  # urllib raises for 304 and 404
        return answer.code, dict(answer.headers), answer.read()


def test_an_unchanged_page_answers_304_to_its_etag_or_its_date() -> None:
    with SyntheticSite(30, validators="honoured") as site:
        status, headers, body = _get(site, "/")
        etag, modified = headers["ETag"], headers["Last-Modified"]
        assert (status, etag.startswith('"'), len(body) > 10_000) == (200, True, True)
        # The newest article's time, in GMT, as the sidebar shows it on every page.
        assert parsedate_to_datetime(modified).isoformat() == "2025-12-11T12:13:00+00:00"
        not_modified = _get(site, "/", **{"If-None-Match": etag})
        assert (not_modified[0], not_modified[2]) == (304, b"")
        assert (not_modified[1]["ETag"], not_modified[1]["Last-Modified"]) == (etag, modified)
        assert _get(site, "/", **{"If-None-Match": f'"other", W/{etag}'})[0] == 304
        assert _get(site, "/", **{"If-Modified-Since": modified})[0] == 304
        # If-None-Match decides when it is sent: the date is not looked at.
        both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
        assert _get(site, "/", **both)[0] == 200
        earlier = format_datetime(parsedate_to_datetime(modified).replace(hour=11), usegmt=True)
        assert _get(site, "/", **{"If-Modified-Since": earlier})[0] == 200
        assert [hit.conditional for hit in site.log] == [False, True, True, True, True, True]


def test_publishing_moves_every_page_that_shows_the_new_articles() -> None:
    with SyntheticSite(30, validators="honoured", per_sitemap=8) as site:
        before = {path: _get(site, path)[1]["ETag"] for path in ("/", "/sitemap-1.xml")}
        index = _get(site, "/sitemap.xml")[2]
        site.publish(3)
        after = {path: _get(site, path)[1]["ETag"] for path in ("/", "/sitemap-1.xml")}
        assert after["/"] != before["/"]
        assert after["/sitemap-1.xml"] == before["/sitemap-1.xml"]  # the oldest articles
        assert _get(site, "/sitemap.xml")[2] != index
        assert _get(site, "/sitemap-5.xml")[0] == 200  # the third new article's


@pytest.mark.parametrize(("validators", "sent"), [("ignored", True), ("none", False)])
def test_a_server_may_ignore_or_lack_validators(validators: Validating, sent: bool) -> None:
    with SyntheticSite(30, validators=validators) as site:
        status, headers, _ = _get(site, "/", **{"If-None-Match": "*"})
        assert (status, "ETag" in headers, "Last-Modified" in headers) == (200, sent, sent)


def test_a_forced_path_answers_its_status_to_anything() -> None:
    with SyntheticSite(30, forced={"/page/2/": 304}) as site:
        assert _get(site, "/page/2/")[0] == 304
        site.forced["/page/2/"] = 500
        assert _get(site, "/page/2/")[:3:2] == (500, b"")
        del site.forced["/page/2/"]
        assert _get(site, "/page/2/")[0] == 200
        assert [hit.status for hit in site.log] == [304, 500, 200]


def test_the_site_offers_what_discovery_reads() -> None:
    edition = Edition(30, new=2, base="http://x", per_sitemap=8)
    robots = edition.render("/robots.txt").body.decode()
    assert robots == "User-agent: *\nDisallow: /user/\nSitemap: http://x/sitemap.xml\n"
    # Oldest articles first, 8 to a child: 32 articles in 4 children, the newest has 8 too.
    assert [list(child)[:2] for child in edition.sitemap_children()] == [
        [22, 23], [14, 15], [6, 7], [-2, -1]
    ]  # fmt: skip
    assert edition.render("/rss.xml").body.count(b"<item>") == 20
    assert edition.render("/politics/").status == 200
    assert edition.render("/2025/12/11/").status == 200
    assert edition.render("/2025/11/11/").status == 404
