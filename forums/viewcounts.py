"""Topic view counts without a database write per page view.

With Redis, a view adds one to the topic's field of a Redis hash (sent with the process's other
page-view counts within a second: community.tallies), and `flush_view_counts` (a Celery beat job
every minute) adds the counts to the topics' rows in one UPDATE, so a page shows a count at most
about a minute behind. Without Redis (the embedded default) a view updates the topic's row at
once; while it is down, the views it did not take do. Counts waiting in Redis when it loses its
data are lost: a view count is not worth more.
"""

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, F, When
from django_redis import get_redis_connection

from community import tallies
from community.outages import log_outage

from .models import Topic

PENDING = "forums:views"
# The counts being moved: left in place by a flush that failed, and moved by the next one.
MOVING = "forums:views:moving"
FLUSH_LOCK = "forums:views:flush-lock"
FLUSH_LOCK_TIMEOUT = 10 * 60
BATCH = 500


def _redis() -> redis.Redis:
    return get_redis_connection("default")


def _key(name: str) -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:{name}"


def count_view(topic_id: int) -> None:
    if settings.REDIS_URL:
        tallies.add(tallies.Hash("default", _key(PENDING), _count_in_rows), [str(topic_id)])
    else:
        Topic.objects.filter(pk=topic_id).update(view_count=F("view_count") + 1)


def _count_in_rows(counts: dict[str, int], error: Exception) -> None:
    """Views Redis did not take (it is down): added to the topics' rows at once."""
    log_outage("view-counts", "Topic views counted in the database: %s", error)
    for topic, n in counts.items():
        Topic.objects.filter(pk=topic).update(view_count=F("view_count") + n)


def flush_view_counts() -> int:
    """Add the views counted in Redis to the topics' rows; return how many views were moved.
    One flush at a time (a lock in the cache); the counts leave Redis once the rows are
    written."""
    if not settings.REDIS_URL:
        return 0
    tallies.send()  # this process's own first
    if not cache.add(FLUSH_LOCK, True, FLUSH_LOCK_TIMEOUT):
        return 0
    try:
        client = _redis()
        pending, moving = _key(PENDING), _key(MOVING)
        if not client.exists(moving):  # else: left by a flush that failed, moved first
            if not client.exists(pending) or not client.renamenx(pending, moving):
                return 0
        counts = [(int(topic), int(n)) for topic, n in client.hgetall(moving).items()]
        with transaction.atomic():
            for start in range(0, len(counts), BATCH):
                batch = counts[start : start + BATCH]
                Topic.objects.filter(pk__in=[topic for topic, _ in batch]).update(
                    view_count=F("view_count")
                    + Case(*(When(pk=topic, then=n) for topic, n in batch), default=0)
                )
        client.delete(moving)
        return sum(n for _, n in counts)
    finally:
        cache.delete(FLUSH_LOCK)
