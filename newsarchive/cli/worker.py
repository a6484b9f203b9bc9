"""``newsarchive worker``: join, from this machine, a crawl with workers running elsewhere.

The crawl was started by ``newsarchive crawl SITE --workers N --redis URL --store URL`` on some
machine; this command starts N more worker processes here, on the same frontier and store,
writing into this machine's archive folder under the same run, until the crawl is done.
"""

from __future__ import annotations

import argparse

from newsarchive.cli.common import UsageError
from newsarchive.cli.crawl import (
    add_crawl_arguments,
    add_frontier_options,
    crawl_options,
    frontier_url,
)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = commands.add_parser(
        "worker",
        help="join a crawl with workers (crawl --workers) from this machine",
        description=(
            "Join the crawl of SITE_OR_URL that 'newsarchive crawl --workers' is running on "
            "the Redis server given: start worker processes here that take requests from the "
            "same frontier and write into this machine's archive folder, under the same run, "
            "until the crawl is done. Give the site as the crawl does. The crawl's coordinator "
            "keeps its one run record, with every worker in it."
        ),
        epilog=(
            "example:\n"
            "  newsarchive worker everyday --workers 2 --redis redis://frontier:6379/0 \\\n"
            "      --store postgresql://archiver@db/news --out /data/news\n"
            "exit status: 0 the crawl is done, or none was running to join; 2 bad input;\n"
            "3 Redis or the store does not answer; 5 another process writes this folder;\n"
            "9 Redis went away mid-crawl (run the same command again once it is back); else\n"
            "the first worker's that was not 0, as 'newsarchive crawl --help' lists them"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_crawl_arguments(worker)
    add_frontier_options(worker, "how many worker processes to run here (default: 1)")
    worker.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsarchive.frontier.coordinator import join_crawl

    if args.workers is None:
        args.workers = 1
    redis = frontier_url(args)
    options = crawl_options(args)
    if options.resume:
        raise UsageError("--resume does not go with a crawl with workers")
    return join_crawl(options, args.workers, redis)
