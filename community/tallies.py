"""Counts that page views add to Redis hashes (visit statistics, topic views), added up in each
process and sent together at most once every settings.TALLIES_SEND_SECONDS, instead of a round
trip to Redis for each on every page view (a tenth of a signed-in member's page each).

Counts wait in the process until its first count after that time, or until something in it reads
the counts back (send()), or until it exits normally (atexit). A process killed outright loses
what was waiting, as a Redis that loses its data does: a count is not worth more. Counts Redis
does not take go to their hash's `failed` (the topic views to the database, the visit statistics
to the log).
"""

import atexit
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import redis
from django.conf import settings
from django_redis import get_redis_connection


@dataclass(frozen=True)
class Hash:
    """A Redis hash of counters: the cache whose connection it goes through, its key (with that
    cache's prefix), how long it lives after its last count, and what becomes of counts Redis did
    not take: `failed(counts by field, error)`."""

    cache: str
    key: str
    failed: Callable[[dict[str, int], Exception], None]
    expire: int | None = None


_lock = threading.Lock()
_waiting: Counter[tuple[Hash, str]] = Counter()
_last_sent = time.monotonic()


def add(where: Hash, fields: Iterable[str]) -> None:
    """One more in each of the hash's `fields`."""
    with _lock:
        _waiting.update((where, field) for field in fields)
        due = time.monotonic() - _last_sent >= settings.TALLIES_SEND_SECONDS
    if due:
        send()


def send() -> None:
    """Send the counts waiting in this process: one round trip per Redis connection."""
    global _last_sent
    with _lock:
        waiting = dict(_waiting)
        _waiting.clear()
        _last_sent = time.monotonic()
    by_cache = defaultdict(lambda: defaultdict(dict))
    for (where, field), n in waiting.items():
        by_cache[where.cache][where][field] = n
    for alias, hashes in by_cache.items():
        try:
            pipeline = get_redis_connection(alias).pipeline(transaction=False)
            for where, counts in hashes.items():
                for field, n in counts.items():
                    pipeline.hincrby(where.key, field, n)
                if where.expire:
                    pipeline.expire(where.key, where.expire)
            pipeline.execute()
        except (redis.ConnectionError, redis.TimeoutError) as error:
            for where, counts in hashes.items():
                where.failed(counts, error)


atexit.register(send)
