"""One site crawled by many worker processes over a shared frontier in Redis (scrapy-redis).

``newsarchive crawl SITE --workers N --redis URL --store postgresql://…`` coordinates the crawl
(:mod:`~newsarchive.frontier.coordinator`); its worker processes
(:mod:`~newsarchive.frontier.worker`) take requests from the shared queue under leases
(:mod:`~newsarchive.frontier.scheduler`), so that a request in flight on a worker that dies goes
back to the queue, and share the site's politeness (:mod:`~newsarchive.frontier.politeness`).
The keys in Redis are :mod:`~newsarchive.frontier.shared`'s. The PostgreSQL store stays the
authority on what is archived. Needs the ``redis`` extra (scrapy-redis, redis-py).
"""

from newsarchive.frontier.shared import Frontier, FrontierError, FrontierUnreachableError

__all__ = ["Frontier", "FrontierError", "FrontierUnreachableError"]
