"""One site's crawl as it lives in Redis: its queue, leases, duplicate filter, run and workers.

Every key of a site is under ``newsarchive:<site>:``:

=====================  ===================================================================
``queue``              requests waiting (scrapy-redis' priority queue: a sorted set)
``seen``               fingerprints of the requests this crawl has queued (scrapy-redis'
                       duplicate filter); deleted when the crawl completes, so the next run
                       reads the listing pages again
``leases``             requests a worker took and has not finished, by when its lease ends
``leased``             each lease's request, to put back in the queue if the lease ends
``run``                the run the frontier belongs to: its id, start, whether the start
                       requests are queued, what the last run left (``listings_complete``)
``coordinator``        the live coordinator's run id; it expires unless renewed
``workers``            how many workers joined the run (worker ids are ``w1``, ``w2``, ...)
``worker:<id>``        a worker's host, folder, pid, latest counts, exit status
``polite:*``           the site's politeness, shared (see :mod:`newsarchive.frontier.politeness`)
=====================  ===================================================================

Times are the Redis server's (``TIME`` inside the scripts), so machines whose clocks differ
agree on when a lease ends.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import redis
from redis.typing import EncodableT, FieldT

__all__ = ["Frontier", "FrontierError", "FrontierUnreachableError", "Lease", "RunInfo"]

T = TypeVar("T")

# Finish the leases ARGV[3..] (one round trip fewer a page), then take the request with the
# best score and lease it to ARGV[2] until the server's time plus ARGV[1] ms.
_LEASE = """
for i = 3, #ARGV do
  redis.call('ZREM', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
end
local item = redis.call('ZPOPMIN', KEYS[1])
if #item == 0 then return false end
local now = redis.call('TIME')
local expiry = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[1])
local token = ARGV[2] .. ':' .. redis.call('INCR', KEYS[4])
redis.call('ZADD', KEYS[2], expiry, token)
redis.call('HSET', KEYS[3], token, item[2] .. ' ' .. item[1])
return {token, item[1]}
"""
# Push back the requests whose leases ended (their worker died or lost Redis), with their
# own priority; returns how many.
_REQUEUE = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local ended = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ms, 'LIMIT', 0, 1000)
for _, token in ipairs(ended) do
  local kept = redis.call('HGET', KEYS[3], token)
  if kept then
    local space = string.find(kept, ' ', 1, true)
    redis.call('ZADD', KEYS[1], string.sub(kept, 1, space - 1), string.sub(kept, space + 1))
  end
  redis.call('ZREM', KEYS[2], token)
  redis.call('HDEL', KEYS[3], token)
end
return #ended
"""
# Queue a request, once: its fingerprint joins the crawl's duplicate filter and the request the
# queue in one step (a Redis that fails between two commands would leave it seen, never queued).
# No fingerprint (ARGV[1] empty): a request that is never filtered. Returns 1 if queued.
_ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
if ARGV[1] ~= '' then redis.call('SADD', KEYS[2], ARGV[1]) end
return 1
"""
# Extend the leases still held (XX: never revive one that was already handed back).
_RENEW = """
local now = redis.call('TIME')
local expiry = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[1])
for _, token in ipairs(ARGV) do
  if _ > 1 then redis.call('ZADD', KEYS[1], 'XX', expiry, token) end
end
return 0
"""
# Keys a completed crawl leaves nothing in (``worker:*`` go with the run record).
_CRAWL_KEYS = (
    "queue", "seen", "leases", "leased", "tokens", "run", "seed", "workers",
    "polite:inflight", "polite:next", "polite:delay",
)  # fmt: skip


class FrontierError(RuntimeError):
    """Redis failed under the crawl; the message names the server, never a password."""


class FrontierUnreachableError(FrontierError):
    """Redis did not answer at all."""


@dataclass(frozen=True, slots=True)
class Lease:
    """A request a worker took from the queue: its token, and its serialized request."""

    token: str
    data: bytes


@dataclass(frozen=True, slots=True)
class RunInfo:
    """The run a frontier belongs to, as its coordinator wrote it."""

    run_id: str
    listings_complete: bool
    settings: dict[str, Any]


class Frontier:
    """The Redis side of one site's shared crawl (``url`` names the server)."""

    def __init__(self, url: str, site: str) -> None:
        self.url = url
        self.site = site
        self.prefix = f"newsarchive:{site}:"
        self.redis: redis.Redis = redis.Redis.from_url(
            url, socket_timeout=10, socket_connect_timeout=5, health_check_interval=30
        )
        self._lease = self.redis.register_script(_LEASE)
        self._enqueue = self.redis.register_script(_ENQUEUE)
        self._requeue = self.redis.register_script(_REQUEUE)
        self._renew = self.redis.register_script(_RENEW)

    def key(self, name: str) -> str:
        return self.prefix + name

    @contextmanager
    def talking(self) -> Iterator[None]:
        """Turn what redis-py raises into FrontierError (FrontierUnreachableError when the
        server never answered), with the one line a person reads."""
        try:
            yield
        except redis.AuthenticationError as error:  # a ConnectionError, but it did answer
            raise FrontierError(
                f"Redis at {where(self.url)} refused the credentials ({_first_line(error)})"
            ) from None
        except redis.ConnectionError as error:
            raise FrontierUnreachableError(
                f"Redis at {where(self.url)} does not answer ({_first_line(error)})"
            ) from None
        except redis.RedisError as error:
            raise FrontierError(
                f"Redis at {where(self.url)} failed: {_first_line(error)}"
            ) from None

    def call(self, operation: Callable[[], T]) -> T:
        with self.talking():
            return operation()

    # --- the queue and its leases ------------------------------------------------------------

    def enqueue(self, fingerprint: str | None, score: float, data: bytes) -> bool:
        """Queue a serialized request unless its ``fingerprint`` was seen in this crawl
        (None: never filtered); whether it was queued."""
        keys = [self.key("queue"), self.key("seen")]
        arguments: list[EncodableT] = [fingerprint or "", score, data]
        return bool(self.call(lambda: self._enqueue(keys=keys, args=arguments)))

    def lease(self, milliseconds: int, owner: str, finished: Sequence[str] = ()) -> Lease | None:
        """Take the next request, leased to ``owner`` for ``milliseconds``, having finished the
        leases ``finished`` (as :meth:`finish`) in the same step."""
        keys = [self.key("queue"), self.key("leases"), self.key("leased"), self.key("tokens")]
        arguments: list[EncodableT] = [milliseconds, owner, *finished]
        found = self.call(lambda: self._lease(keys=keys, args=arguments))
        if not found:
            return None
        token, data = found
        return Lease(str(_text(token)), data)

    def renew(self, tokens: list[str], milliseconds: int) -> None:
        if tokens:
            self.call(lambda: self._renew(keys=[self.key("leases")], args=[milliseconds, *tokens]))

    def finish(self, tokens: list[str]) -> None:
        """The leased requests are done with: their output is queued and their items written."""
        if not tokens:
            return
        with self.talking():
            pipe = self.redis.pipeline()
            pipe.zrem(self.key("leases"), *tokens)
            pipe.hdel(self.key("leased"), *tokens)
            pipe.execute()

    def requeue_ended(self) -> int:
        """Put the requests of ended leases back in the queue; how many there were."""
        keys = [self.key("queue"), self.key("leases"), self.key("leased")]
        return int(self.call(lambda: self._requeue(keys=keys)))

    def pending(self) -> tuple[int, int]:
        """Requests queued, and requests leased (in flight somewhere)."""
        with self.talking():
            pipe = self.redis.pipeline(transaction=False)
            pipe.zcard(self.key("queue"))
            pipe.zcard(self.key("leases"))
            queued, leased = pipe.execute()
        return int(queued), int(leased)

    def drained(self) -> bool:
        """Whether the crawl has nothing left: start requests queued, none waiting, none leased."""
        return self.is_seeded() and self.pending() == (0, 0)

    # --- start requests ----------------------------------------------------------------------

    def claim_seed(self, seconds: int) -> bool:
        """Whether this worker queues the run's start requests (one does; if it dies before it
        is done, another may after ``seconds``)."""
        if self.is_seeded():
            return False
        return bool(self.call(lambda: self.redis.set(self.key("seed"), "1", nx=True, ex=seconds)))

    def is_seeded(self) -> bool:
        return self.call(lambda: self.redis.hget(self.key("run"), "seeded")) == b"done"

    def seeded(self) -> None:
        self.call(lambda: self.redis.hset(self.key("run"), "seeded", "done"))

    # --- the run -----------------------------------------------------------------------------

    def become_coordinator(self, run_id: str, seconds: float) -> str | None:
        """Take the coordinator's place for ``run_id``; None, or the run id of the live
        coordinator that holds it."""
        with self.talking():
            if self.redis.set(self.key("coordinator"), run_id, nx=True, px=int(seconds * 1000)):
                return None
            holder = self.redis.get(self.key("coordinator"))
        return _text(holder)

    def still_coordinator(self, run_id: str, seconds: float) -> None:
        self.call(lambda: self.redis.set(self.key("coordinator"), run_id, px=int(seconds * 1000)))

    def coordinator(self) -> str | None:
        return _text(self.call(lambda: self.redis.get(self.key("coordinator"))))

    def begin_run(
        self, run_id: str, *, listings_complete: bool, settings: dict[str, Any]
    ) -> tuple[str | None, int]:
        """Make the frontier ``run_id``'s. A frontier an interrupted run left is carried on
        (its queue and duplicate filter kept, its leases handed back): returns that run's id
        and how many requests it left queued; a fresh frontier gives ``(None, 0)``."""
        with self.talking():
            left = self.redis.hget(self.key("run"), "run_id")
            if left is None:
                self.redis.delete(*(self.key(name) for name in _CRAWL_KEYS))
            self._forget_workers()
            pipe = self.redis.pipeline()
            pipe.delete(self.key("workers"), self.key("seed"))
            pipe.hset(
                self.key("run"),
                mapping={
                    "run_id": run_id,
                    "listings_complete": "1" if listings_complete else "0",
                    "settings": json.dumps(settings),
                    "seeded": "",
                },
            )
            pipe.execute()
        if left is None:
            return None, 0
        # Its workers are gone: their leases go back to the queue, their permits end now.
        self.hand_back_all_leases()
        self.call(lambda: self.redis.delete(self.key("polite:inflight")))
        return _text(left), self.pending()[0]

    def hand_back_all_leases(self) -> None:
        """Requeue every lease: an interrupted run's workers are gone."""
        with self.talking():
            self.redis.zremrangebyscore(self.key("leases"), "-inf", "+inf")
            self.redis.eval(
                "for _, t in ipairs(redis.call('HKEYS', KEYS[1])) do "
                "local v = redis.call('HGET', KEYS[1], t); local s = string.find(v, ' ', 1, true); "
                "redis.call('ZADD', KEYS[2], string.sub(v, 1, s - 1), string.sub(v, s + 1)); "
                "redis.call('HDEL', KEYS[1], t) end return 0",
                2,
                self.key("leased"),
                self.key("queue"),
            )

    def run(self) -> RunInfo | None:
        """The run the frontier belongs to, if a coordinator started one."""
        fields = self.call(lambda: self.redis.hgetall(self.key("run")))
        if not fields.get(b"run_id"):
            return None
        return RunInfo(
            run_id=str(_text(fields[b"run_id"])),
            listings_complete=fields.get(b"listings_complete") == b"1",
            settings=json.loads(fields.get(b"settings") or b"{}"),
        )

    def complete(self) -> None:
        """The crawl is over and drained: the next run starts a fresh frontier."""
        with self.talking():
            self.redis.delete(*(self.key(name) for name in _CRAWL_KEYS), self.key("coordinator"))
            self._forget_workers()

    def step_down(self, run_id: str) -> None:
        """Leave the coordinator's place (the frontier stays for the next run)."""
        with self.talking():
            if self.redis.get(self.key("coordinator")) == run_id.encode():
                self.redis.delete(self.key("coordinator"))

    # --- workers -----------------------------------------------------------------------------

    def join(self, fields: dict[str, Any]) -> str:
        """Register a worker of the current run; its id (``w1``, ``w2``, ...)."""
        with self.talking():
            worker = f"w{self.redis.incr(self.key('workers'))}"
            self.report(worker, fields)
        return worker

    def report(self, worker: str, fields: dict[str, Any]) -> None:
        """Keep what a worker says of itself (its counts, its exit status)."""
        encoded: dict[FieldT, EncodableT] = {
            name: json.dumps(value) for name, value in fields.items()
        }
        self.call(lambda: self.redis.hset(self.key(f"worker:{worker}"), mapping=encoded))

    def worker_killed(self, worker: str) -> bool:
        """Whether the crawl saw ``worker`` killed (its coordinator or joining machine says so
        as soon as it sees one of its worker processes die of a signal)."""
        status = self.call(lambda: self.redis.hget(self.key(f"worker:{worker}"), "exit_status"))
        return status is not None and int(json.loads(status)) < 0

    def workers(self) -> dict[str, dict[str, Any]]:
        """Every worker of the current run, by id, with what it last said."""
        with self.talking():
            count = int(self.redis.get(self.key("workers")) or 0)
            pipe = self.redis.pipeline(transaction=False)
            names = [f"w{number}" for number in range(1, count + 1)]
            for name in names:
                pipe.hgetall(self.key(f"worker:{name}"))
            rows = pipe.execute()
        return {
            name: {field.decode(): json.loads(value) for field, value in row.items()}
            for name, row in zip(names, rows, strict=True)
            if row
        }

    def _forget_workers(self) -> None:
        stale = list(self.redis.scan_iter(match=self.key("worker:*"), count=1000))
        if stale:
            self.redis.delete(*stale)

    def close(self) -> None:
        self.redis.close()


def where(url: str) -> str:
    """A Redis URL as a person may read it: host, port and database, never the password.

    >>> where("redis://:secret@cache.example:6380/2")
    'cache.example:6380/2'
    >>> where("unix:///run/redis.sock?db=1")
    '/run/redis.sock?db=1'
    """
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path + (f"?{parts.query}" if parts.query else "")
    database = parts.path if parts.path not in ("", "/") else "/0"
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}{database}"


def _text(value: bytes | str | None) -> str | None:
    """A Redis reply as text (this client answers bytes)."""
    return value.decode() if isinstance(value, bytes) else value


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
