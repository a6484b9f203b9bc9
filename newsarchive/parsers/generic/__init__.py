"""Articles from any news page, without a site file: the generic extractor.

``extract_article(html, url)`` reads a page the way a reader does: the headline, the
article's text without the page's furniture, when it was published, who wrote it, and
whether the page is an article at all. It is a pure function of the HTML (lxml, no
Scrapy), parses the page once and never raises for any input.

How it reads a page, most trustworthy source first:

1. **Structured data.** JSON-LD objects of the Article family (``NewsArticle``,
   ``ReportageNewsArticle``, ``BlogPosting``..., also inside ``@graph``, lists and nested
   objects; blocks with trailing commas or raw line breaks are repaired, hopeless ones
   skipped), OpenGraph and ``article:*`` meta tags, ``itemprop`` microdata, ``<time>``.
2. **The main text.** Every paragraph (``<p>``, or loose text in a block, split at
   ``<br><br>``) is scored by its length, commas and link density; the score goes to its
   parent in full and to its grandparent by half, so the block where real paragraphs
   cluster wins over a sidebar of one-paragraph teasers or a list of comments. A block
   named like boilerplate (``comments``, ``sidebar``, ``related``...) or introduced by a
   boilerplate heading ("Комментарии (3)", "Читайте также") cannot win, unless it holds the
   headline. The winner grows to an ancestor when the article goes on in blocks of its own:
   the same text block repeated (page builders), or prose one or two levels below.
3. **Boilerplate inside it** is left out: navigation, forms, scripts, ads and AMP widgets;
   blocks whose class names say share/related/comments/subscribe/rating/currency...; lines
   whose class names say meta/date/author/tags/caption...; blocks that start with "Читайте
   также", "По теме", "Поделиться", "Подписывайтесь"... and the link lists such headings
   introduce; link-dense blocks; the headline again; byline, date and counter lines; photo
   credits; "Автор:"/"Источник:" lines left in loose text.
4. **The lead**: a ``lead``/``announce``/``intro``... block (or ``itemprop=description``)
   between the headline and the text opens the body, as the archive's text rule says; else
   a bold first paragraph is the lead.
5. **Is it an article?** Only if it looks like one; ``article_signals`` say why. An Article
   type in JSON-LD, with a body; ``og:type=article`` with a body (and a date, when the
   page's JSON-LD calls it a plain ``WebPage``, as CMSs do for "about" pages); a headline
   with three real paragraphs (80+ characters each, 400+ in all) and a date, on the page or
   in the URL; or a short news item: a headline, a sentence or two of text (60+ characters)
   and a date on the page, on a page that does not call itself a video, event, product...
   Never a page whose main block lists things: two or more linked headlines, three or more
   dated items or look-alike teasers (home, section, tag, search, archive pages), or one
   that calls itself a
   ``CollectionPage``, ``SearchResultsPage``...

>>> page = '''<html lang="ru"><head><title>Снег в Ташкенте | Новости</title></head><body>
... <nav><a href="/">Главная</a> <a href="/news/">Новости</a></nav>
... <article><h1>Снег в Ташкенте</h1><div class="meta">11 декабря 2025, 17:13</div>
... <div class="text"><p>В Ташкенте выпал первый снег, и коммунальные службы вышли на улицы.</p>
... <p class="read-also">Читайте также: <a href="/x">Морозы придут в выходные</a></p>
... <p>Синоптики обещают, что к выходным снег растает, а днём потеплеет до плюс пяти.</p>
... </div><div class="share">Поделиться: <a>VK</a> <a>Telegram</a></div></article></body></html>'''
>>> art = extract_article(page, "https://news.example/1", tz="Asia/Tashkent")
>>> art.title, art.published.isoformat(), art.lang
('Снег в Ташкенте', '2025-12-11T17:13:00+05:00', 'ru')
>>> print(art.body)
В Ташкенте выпал первый снег, и коммунальные службы вышли на улицы.
<BLANKLINE>
Синоптики обещают, что к выходным снег растает, а днём потеплеет до плюс пяти.
>>> art.is_article, art.article_signals  # a short news item: a headline, prose and a date
(True, ('headline+text', 'date'))
"""

from newsarchive.parsers.encoding import detect_encoding
from newsarchive.parsers.generic.extract import extract_article
from newsarchive.parsers.generic.model import GenericArticle
from newsarchive.parsers.generic.source import MAX_INPUT

__all__ = ["MAX_INPUT", "GenericArticle", "detect_encoding", "extract_article"]
