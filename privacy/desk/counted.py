"""Counts that read whole tables (rows of personal data per declaration, consents in force) are
kept for a few minutes: they describe the size of things, not whether a promise is broken now,
and on a large site they cost more than the rest of the desk together. The page says when they
were counted; ``privacy inventory`` always counts afresh, and a desk evaluated at another moment
(``--now``) never reads them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.core.cache import cache
from django.utils import timezone

RECOUNT = timedelta(minutes=15)
PRESENT = timedelta(minutes=1)  # a desk evaluated this close to now is the present one
T = TypeVar("T")


def recent(key: str, now: datetime, count: Callable[[], T]) -> tuple[T, datetime]:
    """`count()` and when it was counted: from the cache when it is at most RECOUNT old and
    `now` is the present, otherwise counted now (and kept, for the present)."""
    present = abs(timezone.now() - now) < PRESENT
    cache_key = f"privacy:desk:{key}"
    found = cache.get(cache_key) if present else None
    if found is None:
        found = (count(), timezone.now())
        if present:
            cache.set(cache_key, found, RECOUNT.total_seconds())
    return found


def counted_at(moment: datetime) -> str:
    return (
        f"Counted at {timezone.localtime(moment):%H:%M}; counted again every "
        f"{RECOUNT.seconds // 60} minutes."
    )
