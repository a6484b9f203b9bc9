"""The generic extractor's main block on layouts real pages use: the article split over
blocks of its own, subheadings, bare pages, dated lists and credit lines. Small pages, exact
bodies.
"""

from __future__ import annotations

from newsarchive.parsers.generic import extract_article

PARAGRAPHS = [
    "Городские власти объявили о запуске четырёх ночных автобусных маршрутов, которые свяжут"
    " центр с отдалёнными районами столицы уже с начала следующего месяца.",
    "Автобусы будут ходить с полуночи до пяти утра с интервалом в двадцать минут, а проезд"
    " будет стоить столько же, сколько и днём, сообщили в транспортном управлении.",
    "В управлении добавили, что маршруты выбраны по заявкам жителей, которые собирали в"
    " течение полугода, и что сеть расширят, если спрос окажется высоким.",
    "Первые рейсы выйдут на линию в пятницу, а расписание опубликуют на сайте перевозчика и"
    " на остановках, где также появятся новые указатели и карты маршрутов.",
]
BODY = "\n\n".join(PARAGRAPHS)
SIDEBAR = (
    '<aside class="sidebar"><h3>Популярное</h3><ul>'
    + "".join(
        f'<li><a href="/n/{i}">Другая новость номер {i} за сегодня</a></li>' for i in range(8)
    )
    + "</ul></aside>"
)


def body_of(html: str) -> str | None:
    return extract_article(html, "https://news.example/2025/12/11/avtobusy").body


def page(article: str, head: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">{head}</head><body>'
        '<nav><a href="/">Главная</a> <a href="/news/">Новости</a></nav>'
        f"<main>{article}{SIDEBAR}</main><footer>© 2025 Редакция</footer></body></html>"
    )


def test_the_text_split_into_blocks_of_one_component() -> None:
    """Each stretch of text in its own block, an image or an ad between them (a React
    page's generated class names, a CMS's "article-text" blocks in grid cells)."""
    blocks = "".join(
        f'<div class="grid__cell"><div class="css-53u6y8"><p>{text}</p></div></div>'
        f'<div class="grid__cell"><figure><img src="/{i}.jpg"></figure></div>'
        for i, text in enumerate(PARAGRAPHS)
    )
    html = page(
        f'<article><h1>Ночные автобусы</h1><section class="body">{blocks}</section></article>'
    )
    assert body_of(html) == BODY


def test_subheadings_of_the_story_are_not_another_storys_headline() -> None:
    parts = [f"<p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>", f"<p>{PARAGRAPHS[2]}</p>"]
    html = page(
        "<article><header><h1>Ночные автобусы</h1></header>"
        f'<div class="css-1r7ky0e"><div class="css-53u6y8">{parts[0]}</div>'
        '<h2 class="css-sub">Что изменится</h2>'
        f'<div class="css-53u6y8">{parts[1]}<p>{PARAGRAPHS[3]}</p></div></div></article>'
    )
    assert body_of(html) == "\n\n".join([*PARAGRAPHS[:2], "Что изменится", *PARAGRAPHS[2:]])


def test_the_next_story_below_stays_out() -> None:
    html = page(
        '<article class="post"><h1 class="post__title">Ночные автобусы</h1>'
        f'<div class="post__text"><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p></div></article>'
        '<article class="post"><h2 class="post__title"><a href="/n/2">Трамваи продлят</a></h2>'
        f'<div class="post__text"><p>{PARAGRAPHS[2]}</p><p>{PARAGRAPHS[3]}</p></div></article>'
    )
    assert body_of(html) == "\n\n".join(PARAGRAPHS[:2])


def test_a_bare_page_whose_paragraphs_stand_in_the_body() -> None:
    html = (
        "<html><head><title>Ночные автобусы</title></head><body><h1>Ночные автобусы</h1>"
        + "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
        + f"<blockquote><p>{PARAGRAPHS[0]}</p></blockquote></body></html>"
    )
    assert body_of(html) == "\n\n".join([*PARAGRAPHS, PARAGRAPHS[0]])


def test_a_dated_list_in_the_text_is_text() -> None:
    entries = [
        "12-14 января: хоккей, «Бинокор» против «Хумо», Дворец спорта, 2 000 зрителей",
        "15-18 января: выставка катеров и яхт, выставочный центр, 5 000 посетителей",
        "17 января: региональный конкурс «Город будущего», технопарк, 200 участников",
    ]
    html = page(
        '<article><h1>Ночные автобусы</h1><div class="entry-content">'
        f"<p>{PARAGRAPHS[0]}</p><p>Календарь событий января:</p>"
        + "".join(f"<p>{entry}</p>" for entry in entries)
        + f"<p>{PARAGRAPHS[1]}</p></div></article>"
    )
    assert body_of(html) == "\n\n".join(
        [PARAGRAPHS[0], "Календарь событий января:", *entries, PARAGRAPHS[1]]
    )


def test_an_article_under_its_photos_copyright_line() -> None:
    """ "© Provided by ..." opens the article's block: a credit, not a footer."""
    html = page(
        '<article class="articlecontent"><h1>Ночные автобусы</h1><section class="articlebody">'
        '<span class="credit">© Предоставлено агентством «Дунё»</span><img src="/1.jpg">'
        + "".join(f"<p>{text}</p>" for text in PARAGRAPHS * 2)
        + '</section></article><div class="comments-modul"><p>Помогите нам поддерживать'
        " порядок в сообществе, сообщая о нарушениях правил поведения, оскорблениях и"
        " спаме.</p></div>"
    )
    assert body_of(html) == BODY + "\n\n" + BODY


def test_formulas_markup_stays_out_of_the_text() -> None:
    """MathML carries its TeX source in an annotation: that is markup, not words."""
    formula = (
        '<math><semantics><mi>A</mi><annotation encoding="application/x-tex">'
        "{\\displaystyle A=A^{\\mathsf {H}}}</annotation></semantics></math>"
    )
    html = page(
        f"<article><h1>Ночные автобусы</h1><p>{PARAGRAPHS[0]} {formula}</p>"
        + "".join(f"<p>{text}</p>" for text in PARAGRAPHS[1:])
        + "</article>"
    )
    assert body_of(html) == BODY


def test_a_long_dialog_inside_the_articles_block_stays_out() -> None:
    """A consent dialog rendered inside the article's own wrapper, with more prose than the
    article: it is still no part of the text."""
    privacy = (
        "Этот сайт использует файлы cookie, чтобы мы могли обеспечить вам наилучший опыт"
        " использования, а также анализировать посещаемость и показывать релевантную рекламу."
    )
    html = page(
        '<article class="post"><h1>Ночные автобусы</h1><div class="entry-content">'
        + "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
        + '<div id="moove_gdpr_cookie_modal" class="gdpr_lightbox-hide">'
        '<div class="moove-gdpr-modal-content">'
        + f"<p>{privacy}</p>" * 8
        + "</div></div></div></article>"
    )
    assert body_of(html) == BODY


def test_a_sentence_that_opens_with_the_headlines_words_keeps_them() -> None:
    """Encyclopedias open with the subject in bold: the headline's words in a sentence, not
    the headline repeated."""
    html = page(
        "<article><h1>Ночные автобусы</h1>"
        "<p><b>Ночные автобусы</b> — городские маршруты, которые работают с полуночи до пяти"
        " утра и связывают центр с отдалёнными районами.</p>"
        + "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
        + "</article>"
    )
    assert body_of(html) == (
        "Ночные автобусы — городские маршруты, которые работают с полуночи до пяти утра и"
        " связывают центр с отдалёнными районами.\n\n" + BODY
    )


def test_a_datelines_date_inside_the_sentence_stays() -> None:
    """A press release opens with its dateline; the date's own <span> is part of the
    sentence, not a date line to leave out."""
    html = page(
        "<article><h1>Ночные автобусы</h1>"
        '<p>ТАШКЕНТ, <span class="xn-chron">11 декабря 2025</span> /Пресс-релиз/ -- Городские'
        " власти объявили о запуске четырёх ночных автобусных маршрутов.</p>"
        + "".join(f"<p>{text}</p>" for text in PARAGRAPHS[1:])
        + "</article>"
    )
    assert body_of(html) == "\n\n".join(
        [
            "ТАШКЕНТ, 11 декабря 2025 /Пресс-релиз/ -- Городские власти объявили о запуске"
            " четырёх ночных автобусных маршрутов.",
            *PARAGRAPHS[1:],
        ]
    )
