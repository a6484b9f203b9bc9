import pytest

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
