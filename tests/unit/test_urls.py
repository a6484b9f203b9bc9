import pytest

from newsarchive.sites import load_site
from newsarchive.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://everyday.uz/health/15820-post.html",
            "https://everyday.uz/health/15820-post.html",
        ),
        (
            "https://everyday.uz/health/15820-post.html/",
            "https://everyday.uz/health/15820-post.html",
        ),
        (
            "https://everyday.uz/health/15820-post.html?utm_source=tg&utm_medium=social",
            "https://everyday.uz/health/15820-post.html",
        ),
        (
            "https://everyday.uz/health/15820-post.html#comments",
            "https://everyday.uz/health/15820-post.html",
        ),
        ("HTTPS://EVERYDAY.UZ:443/health/", "https://everyday.uz/health/"),
        ("http://127.0.0.1:8765/page/2/", "http://127.0.0.1:8765/page/2/"),
        ("http://everyday.uz:80/", "http://everyday.uz/"),
        ("https://x.org/news?id=5&fbclid=abc&UTM_Campaign=y", "https://x.org/news?id=5"),
        ("https://x.org/news?from=2020&page=2", "https://x.org/news?from=2020&page=2"),
        ("https://x.org", "https://x.org/"),
        (
            "https://x.org/новости/1.html",
            "https://x.org/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1.html",
        ),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_article_id_ignores_how_the_url_was_spelled() -> None:
    from newsarchive.records import article_id

    spellings = [
        "http://x.org/news/a.html",
        "https://x.org/news/a.html?utm_source=tg&utm_medium=social",
        "https://X.org:443/news/a.html/#comments",
    ]
    assert len({article_id("x", url, None) for url in spellings}) == 1
    # DLE ids survive a section move and a new slug.
    site = load_site("everyday")
    moved = [
        "https://everyday.uz/health/15820-post.html",
        "http://everyday.uz/world/15820-novyj-zagolovok.html",
    ]
    assert {article_id("everyday", url, site.article_id(url)) for url in moved} == {
        "everyday:15820"
    }
