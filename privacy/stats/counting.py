"""Counting page views (P5) in one of two counter stores: a Redis hash per day when the site has
Redis, otherwise the "stats" Django cache. Both can read a day's counts and take them out once
they are in the database (privacy/stats/flush.py)."""

import functools
import hashlib
from datetime import date

import redis
from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django_redis import get_redis_connection

from community import tallies
from community.outages import log_outage

# Counters live this long; the flush looks back as many days (today included).
COUNTER_DAYS = 3
COUNTER_TIMEOUT = COUNTER_DAYS * 24 * 3600


class CacheCounters:
    """Counters in the "stats" Django cache (in-process in development), apart from the default
    cache's rate-limit counters.

    A cache cannot list its keys, so the first count of a (day, dimension, value) also takes a
    numbered slot for the day (`visits:<day>:slots` is the number taken) naming its counter.
    """

    @property
    def cache(self):
        return caches["stats"]  # looked up each time: Django hands out one object per thread

    def add(self, day: date, pairs: list[tuple[str, str]]) -> None:
        for dimension, value in pairs:
            key = self._counter_key(day, dimension, value)
            try:
                self.cache.incr(key)
            except ValueError:  # the first view of this value today
                if self.cache.add(key, 1, COUNTER_TIMEOUT):
                    self.cache.add(self._slots_key(day), 0, COUNTER_TIMEOUT)
                    slot = self.cache.incr(self._slots_key(day))
                    self.cache.set(self._slot_key(day, slot), (dimension, value), COUNTER_TIMEOUT)
                else:
                    self.cache.incr(key)

    def read(self, day: date) -> dict[tuple[str, str], int]:
        slots = self.cache.get(self._slots_key(day)) or 0
        named = self.cache.get_many([self._slot_key(day, n) for n in range(1, slots + 1)]).values()
        counters = {self._counter_key(day, *pair): pair for pair in named}
        return {counters[key]: n for key, n in self.cache.get_many(list(counters)).items() if n > 0}

    def take(self, day: date, counts: dict[tuple[str, str], int]) -> None:
        for pair, n in counts.items():
            try:
                self.cache.decr(self._counter_key(day, *pair), n)
            except ValueError:  # expired meanwhile: nothing left to take
                pass

    @staticmethod
    def _counter_key(day: date, dimension: str, value: str) -> str:
        digest = hashlib.blake2b(value.encode(), digest_size=12).hexdigest()
        return f"visits:{day.isoformat()}:{dimension}:{digest}"

    @staticmethod
    def _slots_key(day: date) -> str:
        return f"visits:{day.isoformat()}:slots"

    @staticmethod
    def _slot_key(day: date, number: int) -> str:
        return f"visits:{day.isoformat()}:slot:{number}"


class RedisCounters:
    """Counters in a Redis hash per day, through the "stats" cache's own connection pool (and so
    its timeouts: a hung Redis costs a page a second at most, never the page). Page views are
    added up in each process and sent with the other page-view counts (community.tallies)."""

    @property
    def redis(self) -> redis.Redis:
        return get_redis_connection("stats")

    def add(self, day: date, pairs: list[tuple[str, str]]) -> None:
        where = tallies.Hash("stats", self._key(day), _uncounted, expire=COUNTER_TIMEOUT)
        tallies.add(where, (f"{dimension}\t{value}" for dimension, value in pairs))

    def read(self, day: date) -> dict[tuple[str, str], int]:
        tallies.send()  # this process's own first
        return {
            tuple(field.decode().split("\t", 1)): int(n)
            for field, n in self.redis.hgetall(self._key(day)).items()
            if int(n) > 0
        }

    def take(self, day: date, counts: dict[tuple[str, str], int]) -> None:
        pipeline = self.redis.pipeline(transaction=False)
        for (dimension, value), n in counts.items():
            pipeline.hincrby(self._key(day), f"{dimension}\t{value}", -n)
        pipeline.execute()

    @staticmethod
    def _key(day: date) -> str:
        return f"{settings.CACHES['stats'].get('KEY_PREFIX', '')}:visits:{day.isoformat()}"


@functools.cache
def _counters(redis_url: str) -> CacheCounters | RedisCounters:
    return RedisCounters() if redis_url else CacheCounters()


def counters() -> CacheCounters | RedisCounters:
    """Redis when the site has it, otherwise the "stats" cache."""
    return _counters(settings.REDIS_URL)


def count(pairs: list[tuple[str, str]], day: date | None = None) -> None:
    """Add one page view to the counter of each (dimension, value)."""
    counters().add(day or timezone.localdate(), pairs)


def _uncounted(counts: dict[str, int], error: Exception) -> None:
    """While Redis is down views go uncounted: statistics are not worth a page."""
    log_outage("stats", "Visit statistics unavailable, views go uncounted: %s", error)
