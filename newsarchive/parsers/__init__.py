"""Pure parsers: page markup or text in, plain Python values out (no Scrapy here).

Researchers can re-run them on stored HTML with the same results as the crawl.
"""

from newsarchive.parsers.article import ArticlePage, ArticleSelectors, parse_article
from newsarchive.parsers.generic import GenericArticle, extract_article
from newsarchive.parsers.rates import Rate, RateBlock, parse_rates
from newsarchive.parsers.text import block_text
from newsarchive.parsers.timestamps import Timestamp, parse_timestamp, published_from_html

__all__ = [
    "ArticlePage",
    "ArticleSelectors",
    "GenericArticle",
    "Rate",
    "RateBlock",
    "Timestamp",
    "block_text",
    "extract_article",
    "parse_article",
    "parse_rates",
    "parse_timestamp",
    "published_from_html",
]
