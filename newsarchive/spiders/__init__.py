"""Spiders: ``news`` crawls any site file, ``generic`` any URL with no site file, ``warc-import``
reads WARC files instead of a site; each built-in site also gets a spider of its name.

So ``scrapy crawl everyday`` works as Scrapy users expect, while the site itself stays data
(``newsarchive/sites/everyday.toml``): adding a site file adds a spider, with no code.
"""

from newsarchive.sites import available_sites
from newsarchive.spiders.generic import GenericSpider
from newsarchive.spiders.news import NewsSpider
from newsarchive.spiders.warc import WarcImportSpider

__all__ = ["GenericSpider", "NewsSpider", "WarcImportSpider"]

for _site_name in available_sites():
    _spider = type(
        f"{_site_name.title().replace('-', '').replace('_', '')}Spider",
        (NewsSpider,),
        {
            "name": _site_name,
            "site_name": _site_name,
            "__module__": __name__,
            "__doc__": f"Crawls the built-in site {_site_name!r}.",
        },
    )
    globals()[_spider.__name__] = _spider
    __all__.append(_spider.__name__)

# Scrapy's loader lists every spider class a module's names point at: one name each.
del _site_name, _spider
