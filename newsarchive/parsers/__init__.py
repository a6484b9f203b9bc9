"""Pure parsers: page markup or text in, plain Python values out (no Scrapy here)."""
