"""What visitors (not signed in) see of the forum pages is the same for all of them, so the
rendered lists and posts are cached under a generation number that any change to the forum bumps
(after its transaction commits). Members always get freshly rendered pages."""

import time

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "forums:generation"
TIMEOUT = 300  # also bounds staleness from changes made with QuerySet.update()


def _start() -> int:
    """A first value for a lost (evicted, flushed) counter. Counting again from 1 would bring back
    pages cached under the old numbers, a post hidden since included; the clock in nanoseconds is
    above every number handed out before, as long as the forum changes less than once a
    nanosecond."""
    return time.time_ns()


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, _start(), timeout=None)
        value = cache.get(GENERATION_KEY) or _start()
    return value


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted)
        cache.add(GENERATION_KEY, _start(), timeout=None)


def forum_changed(**kwargs) -> None:
    """Signal receiver and plain call: visitors see the change once it is committed."""
    transaction.on_commit(_bump)


def for_visitor(request) -> int | None:
    """The cache generation for a visitor's page, None for members (never cached)."""
    return None if request.user.is_authenticated else generation()
