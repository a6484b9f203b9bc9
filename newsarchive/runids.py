"""Run ids: when a run started, on which machine, and a random suffix. Without Scrapy, so that
the command can name a run before it pays for Scrapy's import (a run that finds its site busy
exits at once)."""

from __future__ import annotations

import re
import secrets
import socket
from datetime import UTC, datetime

__all__ = ["host_name", "new_run_id"]


def new_run_id(now: datetime | None = None, host: str | None = None) -> str:
    """Sortable and unique: UTC start time, the machine's short name and a random suffix, so
    that files several machines write into one folder never share a name.

    >>> new_run_id(datetime(2025, 12, 11, 13, 0, tzinfo=UTC), "crawler-1")[:-4]
    '20251211T130000Z-crawler-1-'
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{host or host_name()}-{secrets.token_hex(2)}"


def host_name() -> str:
    """This machine's short name as run ids carry it: the first label of its host name, in
    lower-case letters, digits and single hyphens (``Crawler_1.example.org`` → ``crawler-1``).
    """
    label = socket.gethostname().split(".")[0].lower()
    return "-".join(re.findall(r"[a-z0-9]+", label))[:40].strip("-") or "host"
