"""Sessions read from the cache, written through to the database (Django's `cached_db`).

A signed-in member's page then costs a cache read instead of a database query for the session.
While Redis is down the cache misses and every session comes from the database, so members stay
signed in (tests/test_outages.py). A cached copy lives at most CACHE_SECONDS: a sign-out made
while Redis was unreachable (its cache copy could not be deleted) cannot be brought back by a
Redis that returns with its old data after longer than that. A Redis that restarts comes back
empty, so the usual outage brings nothing back at all.
"""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

CACHE_SECONDS = 300


class _ShortLived:
    """The session cache, with every entry kept at most CACHE_SECONDS."""

    def __init__(self, cache):
        self._cache = cache

    def __getattr__(self, name):  # get, delete and their async forms: the cache's own
        return getattr(self._cache, name)

    def __contains__(self, key):
        return key in self._cache

    def set(self, key, value, timeout):
        self._cache.set(key, value, min(timeout, CACHE_SECONDS))

    async def aset(self, key, value, timeout):
        await self._cache.aset(key, value, min(timeout, CACHE_SECONDS))


class SessionStore(CachedDBStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _ShortLived(self._cache)
