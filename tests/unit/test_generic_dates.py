"""The generic extractor's dates: every metadata source it reads, the order it trusts them in,
and the dates it must not invent (a bare time, a yearless date or a clock far from the
article's own date line). Small pages, exact values.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsarchive.parsers.generic import extract_article

NOW = datetime(2025, 12, 12, 13, 0, tzinfo=UTC)
TEXT = (
    "<p>Городские власти объявили о запуске четырёх ночных автобусных маршрутов, которые"
    " свяжут центр с отдалёнными районами столицы уже с начала следующего месяца.</p>"
)


def page(head: str = "", top: str = "", bottom: str = "", lang: str = "ru") -> str:
    """An article page: ``head`` in the head, ``top`` right under the headline, ``bottom``
    after the text, past a sidebar of other stories."""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>Ночные автобусы</title>{head}</head><body>"
        '<header><a href="/">Новости</a></header><main><article>'
        f"<h1>Ночные автобусы выйдут на четыре маршрута</h1>{top}{TEXT * 4}</article>"
        '<aside class="sidebar"><ul>'
        + "".join(f'<li><a href="/n/{i}">Другая новость номер {i}</a></li>' for i in range(12))
        + f"</ul></aside>{bottom}</main><footer>© Редакция</footer></body></html>"
    )


def meta(name: str, content: str) -> str:
    return f'<meta name="{name}" content="{content}">'


def ld(data: str) -> str:
    return f'<script type="application/ld+json">{data}</script>'


def published(html: str, url: str = "https://example.org/news/1", tz: str = "UTC") -> str | None:
    found = extract_article(html, url, now=NOW, tz=tz).published
    return found.isoformat() if found else None


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (meta("date", "2020-03-11"), "2020-03-11T00:00:00+00:00"),
        (meta("DC.date", "2020-03-11T10:15:00+05:00"), "2020-03-11T10:15:00+05:00"),
        (meta("DC.date.issued", "2020-03-11T10:15:00Z"), "2020-03-11T10:15:00+00:00"),
        (meta("DC.Date.issued", "2020-03-11"), "2020-03-11T00:00:00+00:00"),
        (meta("dcterms.created", "2020-03-11T10:15:00+01:00"), "2020-03-11T10:15:00+01:00"),
        (meta("dcterms.date", "2020-03-11"), "2020-03-11T00:00:00+00:00"),
        (meta("dcterms.issued", "2020-03-11"), "2020-03-11T00:00:00+00:00"),
        (meta("citation_publication_date", "2020/03/11"), "2020-03-11T00:00:00+00:00"),
        (meta("citation_date", "2020-03-11"), "2020-03-11T00:00:00+00:00"),
        (meta("sailthru.date", "2020-03-11 10:15:00"), "2020-03-11T10:15:00+00:00"),
        (meta("parsely-pub-date", "2020-03-11T10:15:00Z"), "2020-03-11T10:15:00+00:00"),
        (meta("article.published", "2020-03-11T10:15:00Z"), "2020-03-11T10:15:00+00:00"),
        (meta("pubdate", "2020-03-11T10:15:00Z"), "2020-03-11T10:15:00+00:00"),
        (meta("publishdate", "2020-03-11"), "2020-03-11T00:00:00+00:00"),
        (meta("publish-date", "2020-03-11"), "2020-03-11T00:00:00+00:00"),
        (
            '<meta property="og:published_time" content="2020-03-11T10:15:00Z">',
            "2020-03-11T10:15:00+00:00",
        ),
        (
            '<meta property="article:published_time" content="2020-03-11T10:15:00+03:00">',
            "2020-03-11T10:15:00+03:00",
        ),
        (
            meta("parsely-page", "{&quot;pub_date&quot;: &quot;2020-03-11T10:15:00Z&quot;}"),
            "2020-03-11T10:15:00+00:00",
        ),
        (
            ld('{"@type": "NewsArticle", "datePublished": "2020-03-11T10:15:00+05:00"}'),
            "2020-03-11T10:15:00+05:00",
        ),
        # wrapped in CDATA, as XHTML templates write it
        (
            ld('<![CDATA[{"@type": "BlogPosting", "datePublished": "2020-03-11T10:15:00Z"}]]>'),
            "2020-03-11T10:15:00+00:00",
        ),
        # no Article type: the page's own object still dates it, the site's does not
        (
            ld(
                '[{"@type": "WebSite", "datePublished": "2001-01-01"},'
                ' {"@type": "SocialMediaPosting", "datePublished": "2020-03-11T10:15:00Z"}]'
            ),
            "2020-03-11T10:15:00+00:00",
        ),
        # the earliest publication the head states: a re-save moved the OpenGraph time
        (
            '<meta property="article:published_time" content="2020-03-12T08:00:00Z">'
            + ld('{"@type": "NewsArticle", "datePublished": "2020-03-11T10:15:00Z"}'),
            "2020-03-11T10:15:00+00:00",
        ),
        # a bare day and an exact time of that same day: the exact one
        (
            meta("date", "2020-03-11")
            + '<meta property="article:published_time" content="2020-03-11T10:15:00Z">',
            "2020-03-11T10:15:00+00:00",
        ),
    ],
)
def test_publication_date_from_the_head(head: str, expected: str) -> None:
    assert published(page(head=head)) == expected


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        (
            '<div class="meta"><span itemprop="datePublished" content="2020-03-11T10:15:00Z">'
            "11 марта</span></div>",
            "2020-03-11T10:15:00+00:00",
        ),
        (
            '<time itemprop="datePublished" datetime="2020-03-11T10:15:00+05:00">11.03</time>',
            "2020-03-11T10:15:00+05:00",
        ),
        # Blogger and hAtom: the instant is in the title, the text is a bare time
        (
            '<abbr class="published" title="2020-03-11T22:38:00+05:00">22:38</abbr>',
            "2020-03-11T22:38:00+05:00",
        ),
        (
            '<span class="entry-date published" title="2020-03-11T22:38:00Z">11 марта</span>'
            '<span class="updated" title="2020-03-12T09:00:00Z">12 марта</span>',
            "2020-03-11T22:38:00+00:00",
        ),
        ('<time datetime="2020-03-11T10:15:00Z">11 марта</time>', "2020-03-11T10:15:00+00:00"),
        # a <time> in a line of words: its machine value, not the words
        (
            '<div class="byline">Published <time datetime="2020-03-11T10:15:00Z">March 11, 2020'
            '</time> Updated <time datetime="2020-07-21T01:44:00Z">July 21, 2020</time></div>',
            "2020-03-11T10:15:00+00:00",
        ),
        ('<time pubdate datetime="2020-03-11">11 марта</time>', "2020-03-11T00:00:00+00:00"),
        # a comment's date is not the article's
        (
            '<div itemscope itemtype="https://schema.org/Comment">'
            '<meta itemprop="dateCreated" content="2020-03-11T10:15:00Z"></div>',
            None,
        ),
    ],
)
def test_publication_date_marked_up_in_the_body(top: str, expected: str | None) -> None:
    assert published(page(top=top)) == expected


def test_modified_is_not_published() -> None:
    html = page(
        head='<meta property="article:modified_time" content="2020-03-12T08:00:00Z">',
        top="<p>UPDATE: Mar. 12, 2020, 8:00 a.m.</p>",
    )
    article = extract_article(html, "https://example.org/news/1", now=NOW, tz="UTC")
    assert article.published is None
    assert article.modified is not None
    assert article.modified.isoformat() == "2020-03-12T08:00:00+00:00"


@pytest.mark.parametrize(
    ("top", "bottom", "expected"),
    [
        ("", '<div class="clock">22:38</div>', None),  # a bare time far from the headline
        ("", "<div><span>17/11</span></div>", None),  # a yearless date far from it
        ("", '<div class="stats">Текущее время: 14.10.2020, 10:00</div>', None),
        ('<div class="info">Сейчас: 14.10.2020 10:00</div>', "", None),  # a clock's line
        ('<div class="info">Current time: 14.10.2020 10:00</div>', "", None),
        # a yearless date inside a sentence right under the headline: not its date line
        ("<p>Автобусы пойдут по маршрутам, начиная с 28 сентября в полночь.</p>", "", None),
        # a photo's caption dates the photo
        (
            "<figure><img src='a.jpg'><figcaption>Автовокзал, 18 июня 2015 года</figcaption>"
            "</figure>",
            "",
            None,
        ),
        # the article's own date line: a bare or relative time is read (DLE's info line)
        (
            '<div class="info">Автор: <a href="/u/admin">admin</a> | <a href="#">Сегодня, 17:13'
            "</a></div>",
            "",
            "2025-12-12T17:13:00+05:00",
        ),
        (
            '<div class="date"><span>11.12.2025</span> <span>17:13</span></div>',
            "",
            "2025-12-11T17:13:00+05:00",
        ),
        # elements whose words would touch: "December 15, 2016" then "3:33 PM"
        (
            '<div class="dateline"><span>15.12.2016</span><span>15:33</span></div>',
            "",
            "2016-12-15T15:33:00+05:00",
        ),
    ],
)
def test_no_invented_dates(top: str, bottom: str, expected: str | None) -> None:
    assert published(page(top=top, bottom=bottom), tz="Asia/Tashkent") == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/2020/03/11/night-buses", "2020-03-11T00:00:00+00:00"),
        ("https://example.org/news/2020-03-11-night-buses", "2020-03-11T00:00:00+00:00"),
        ("https://example.org/us-news/2016/nov/29/protest", "2016-11-29T00:00:00+00:00"),
        ("https://example.org/2016/abc/29/protest", None),
        ("https://example.org/news/20200311", None),
    ],
)
def test_url_date_only_where_nothing_better(url: str, expected: str | None) -> None:
    assert published(page(), url=url) == expected
    # the page's own date wins over the URL's
    dated = page(head=meta("date", "2020-03-10T08:00:00Z"))
    assert published(dated, url=url) == "2020-03-10T08:00:00+00:00"


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        ('<div class="date">2019年04月13日 09時00分</div>', "2019-04-13T09:00:00+00:00"),
        ('<div class="date">2019年3月15日</div>', "2019-03-15T00:00:00+00:00"),
        # month first, as it cannot be day first; an ambiguous one is read day first
        ('<div class="date">11/28/2016 04:23</div>', "2016-11-28T04:23:00+00:00"),
        ('<div class="date">11/12/2016</div>', "2016-12-11T00:00:00+00:00"),
    ],
)
def test_date_forms_rewritten_for_the_reader(top: str, expected: str) -> None:
    assert published(page(top=top)) == expected


# The region's other editions: the date line in Uzbek or Kazakh, the page's lang (or the
# site's, given to the extractor) telling what its words mean.
@pytest.mark.parametrize(
    ("top", "lang", "hint", "expected"),
    [
        ('<div class="date">Bugun, 17:13</div>', "uz", None, "2025-12-12T17:13:00+05:00"),
        ('<div class="date">kecha, 09:30</div>', "uz-Latn", None, "2025-12-11T09:30:00+05:00"),
        ('<div class="date">2 soat oldin</div>', "uz", None, "2025-12-12T16:00:00+05:00"),
        (
            '<span class="date">11 dekabr 2025, 17:13</span>',
            "uz",
            None,
            "2025-12-11T17:13:00+05:00",
        ),
        ('<div class="date">кеча, 09:30</div>', "uz-Cyrl", None, "2025-12-11T09:30:00+05:00"),
        ('<div class="date">Кеше, 09:30</div>', "kk", None, "2025-12-11T09:30:00+05:00"),
        ("<time>11 желтоқсан 2025, 17:13</time>", "kk", None, "2025-12-11T17:13:00+05:00"),
        ('<div class="date">5 минут бұрын</div>', "kk", None, "2025-12-12T17:55:00+05:00"),
        # "may" is a month on an English or Uzbek page, and the site's word outranks the page's
        ('<div class="date">11 May, 17:13</div>', "en", None, "2025-05-11T17:13:00+05:00"),
        ('<div class="date">11 may, 17:13</div>', "ru", None, None),
        ('<div class="date">11 may, 17:13</div>', "ru", "uz", "2025-05-11T17:13:00+05:00"),
        # forms the reader rewrites: a CJK date, a slashed date that can only be month first
        (
            '<div class="date">2025年12月11日 17時13分</div>',
            "ja",
            None,
            "2025-12-11T17:13:00+05:00",
        ),
        ('<div class="date">11/28/2024 04:23</div>', "en", None, "2024-11-28T04:23:00+05:00"),
    ],
)
def test_the_regions_languages(top: str, lang: str, hint: str | None, expected: str | None) -> None:
    html = page(top=top, lang=lang)
    found = extract_article(
        html, "https://example.uz/news/1", now=NOW, tz="Asia/Tashkent", lang=hint
    ).published
    assert (found.isoformat() if found else None) == expected
