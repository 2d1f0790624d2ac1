"""Cache backends that take per-request overhead off every page, and keep the site up without Redis.

`RedisCache`: django-redis's backend (it keeps one client per server, where Django's own builds
a client object for every cache call, and lends its connection pool to the visit counters
through `django_redis.get_redis_connection`). When Redis cannot be reached, an outage costs
speed, not pages: reads miss, writes are dropped, `add` succeeds and
`incr` counts from zero, so a counter or a lock that needs the cache lets the request through.
The exception is the rate limits of the sensitive forms (`settings.RATE_LIMITS_FAIL_CLOSED`),
which raise `RateLimitUnavailable` so that `community.middleware` refuses the request instead.

`NearCache`: a copy, in each process, of another cache's values for settings that every page
reads (the cookie groups, the banner wording, the terms in force), each held for a few seconds
(OPTIONS["HOLD"]) so that a page costs no round trip for them. A write or delete through it
updates the process's copy at once; other processes see an edit (staff changing a cookie group
or the terms) within the hold. Outside a request (Celery, management commands) it reads through
every time.
"""

import re
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.signals import request_finished, request_started
from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .outages import log_outage

# allauth keeps a rate limit's history under "allauth:rl:<app>:<action>:<rate>:<source>"
# (allauth.core.internal.ratelimit.get_cache_key), and its lock under the same key + ":lock".
RATE_LIMIT_KEY = re.compile(r"allauth:rl:[^:]+:([^:]+):")
RETRY_AFTER = 5  # seconds


class RateLimitUnavailable(Exception):
    """A sensitive form's rate limit cannot be checked because the cache is down."""


def _fails_closed(keys) -> bool:
    """Whether one of `keys` counts attempts at a form listed in RATE_LIMITS_FAIL_CLOSED."""
    return any(
        (match := RATE_LIMIT_KEY.match(key)) and match[1] in settings.RATE_LIMITS_FAIL_CLOSED
        for key in keys
    )


class RedisCache(DjangoRedisCache):
    _down_until = 0.0  # time.monotonic() before which Redis is not tried again
    _error = None  # why it was given up

    def _or_without_redis(self, keys, fallback, method, *args):
        """`method(*args)`, or `fallback` (what an empty cache would answer) while Redis is down.

        After a failure Redis is left alone for RETRY_AFTER seconds, so a server that hangs
        costs a page one timeout, not one per cache call.
        """
        if time.monotonic() >= self._down_until:
            try:
                return method(*args)
            # django-redis re-raises what redis-py raised (ConnectionInterrupted's cause).
            except (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError) as error:
                self._down_until, self._error = time.monotonic() + RETRY_AFTER, error
        if _fails_closed(keys):
            log_outage("rate-limit", "Sensitive forms refused: no cache for rate limits.")
            raise RateLimitUnavailable from self._error
        log_outage("cache", "Cache unavailable, pages are built without it: %s", self._error)
        return fallback

    def get(self, key, default=None, version=None):
        return self._or_without_redis([key], default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._or_without_redis(keys, {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._or_without_redis([key], False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or_without_redis([key], True, super().add, key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        return self._or_without_redis([key], delta, super().incr, key, delta, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._or_without_redis([key], None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or_without_redis(data, list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._or_without_redis([key], False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._or_without_redis([key], False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._or_without_redis(keys, None, super().delete_many, keys, version)

    def clear(self):
        return self._or_without_redis([], False, super().clear)


_in_request = threading.local()


def _start_request(**kwargs) -> None:
    _in_request.active = True


def _finish_request(**kwargs) -> None:
    _in_request.active = False


request_started.connect(_start_request)
request_finished.connect(_finish_request)


class NearCache(BaseCache):
    """LOCATION is the alias of the cache that holds the values; OPTIONS["HOLD"] how many
    seconds a process keeps its copy of one."""

    def __init__(self, location, params):
        super().__init__(params)
        self._alias = location
        self._hold = params.get("OPTIONS", {}).get("HOLD", 5)
        self._copies = {}  # (key, version) -> (value or _missing_key, when it was read)

    @property
    def _cache(self) -> BaseCache:
        return caches[self._alias]

    def _held(self, key, version):
        """The process's copy of the value, or None when it has none or it is too old."""
        copy = self._copies.get((key, version))
        if copy is not None and time.monotonic() - copy[1] < self._hold:
            return copy
        return None

    def get(self, key, default=None, version=None):
        if not getattr(_in_request, "active", False):
            return self._cache.get(key, default, version)
        if (copy := self._held(key, version)) is None:
            copy = (self._cache.get(key, self._missing_key, version), time.monotonic())
            self._copies[(key, version)] = copy
        return default if copy[0] is self._missing_key else copy[0]

    def get_many(self, keys, version=None):
        if not getattr(_in_request, "active", False):
            return self._cache.get_many(keys, version)
        copies = {key: self._held(key, version) for key in keys}
        if missing := [key for key, copy in copies.items() if copy is None]:
            found, now = self._cache.get_many(missing, version), time.monotonic()
            for key in missing:
                copy = (found.get(key, self._missing_key), now)
                copies[key] = self._copies[(key, version)] = copy
        return {key: copy[0] for key, copy in copies.items() if copy[0] is not self._missing_key}

    def _forget(self, key, version) -> None:
        self._copies.pop((key, version), None)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget(key, version)
        return self._cache.add(key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget(key, version)
        self._cache.set(key, value, timeout, version)
        if getattr(_in_request, "active", False):
            self._copies[(key, version)] = (value, time.monotonic())

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._cache.touch(key, timeout, version)

    def delete(self, key, version=None):
        self._forget(key, version)
        return self._cache.delete(key, version)

    def clear(self):
        self._copies.clear()
        self._cache.clear()
