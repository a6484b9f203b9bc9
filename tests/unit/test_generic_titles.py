"""The generic extractor's headline when the page has no structured data: which part of the
``<title>`` the page shows, and which ``<h1>`` is the story's. Small pages, exact values."""

from __future__ import annotations

import pytest

from newsarchive.parsers.generic import extract_article

TEXT = (
    "<p>Присяжные признали обвиняемого виновным по всем пунктам обвинения после двух дней"
    " совещания, сообщили в пресс-службе суда в среду вечером.</p>"
) * 4


@pytest.mark.parametrize(
    ("title", "top", "headline"),
    [
        # The blog's name is a part of <title> and shown as a heading: not the story's headline.
        (
            "Суд вынес приговор по делу о поджоге : Хроника событий : Новости-УЗ",
            '<h2 class="branding__title">Хроника событий</h2>',
            "Присяжные признали обвиняемого виновным",
        ),
        # The site's logo is the page's first <h1>.
        (
            "Суд вынес приговор по делу о поджоге -- Engadget",
            '<h1 class="masthead__name"><a href="/">Engadget</a></h1>',
            "Присяжные признали обвиняемого виновным",
        ),
        # A long site description after a short headline: the part that opens the title.
        (
            "Суд и приговор - Новости-УЗ: все новости Узбекистана и мира за сегодня",
            "",
            "Суд и приговор",
        ),
    ],
)
def test_the_storys_headline(title: str, top: str, headline: str) -> None:
    html = (
        f"<html><head><title>{title}</title></head><body><header>{top}</header><article>"
        f"<h1>{headline}</h1>{TEXT}</article></body></html>"
    )
    assert extract_article(html, "https://engadget.com/2025/12/11/sud").title == headline


def test_the_structured_name_confirmed_by_the_page_over_an_unshown_headline() -> None:
    """Wikipedia's JSON-LD "headline" is the short description; its "name" is what the page
    shows as the headline."""
    ld = (
        '{"@context": "https://schema.org", "@type": "Article", "name": "Самарканд",'
        ' "headline": "город в Узбекистане"}'
    )
    html = (
        f'<html><head><script type="application/ld+json">{ld}</script></head><body><article>'
        f"<h1>Самарканд</h1>{TEXT}</article></body></html>"
    )
    assert extract_article(html, "https://ru.wikipedia.org/wiki/Samarkand").title == "Самарканд"
