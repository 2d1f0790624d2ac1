"""Moving the day's counts from the counter store into the database (P5)."""

from datetime import date, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .counting import COUNTER_DAYS, counters
from .models import DailyVisitCount

FLUSH_LOCK = "visits:flush-lock"
FLUSH_LOCK_TIMEOUT = 10 * 60


def flush_visit_counts() -> int:
    """Move the cached counts into the database; return how many page views were moved.

    One flush at a time (a lock in the cache). Counts are taken out of the cache only after the
    database transaction commits, so a failed write leaves them for the next run.
    """
    if not cache.add(FLUSH_LOCK, True, FLUSH_LOCK_TIMEOUT):
        return 0
    try:
        today = timezone.localdate()
        return sum(_flush_day(today - timedelta(days=n)) for n in range(COUNTER_DAYS))
    finally:
        cache.delete(FLUSH_LOCK)


def _flush_day(day: date) -> int:
    store = counters()
    counts = store.read(day)
    if not counts:
        return 0
    with transaction.atomic():
        _add_to_database(day, counts)
    store.take(day, counts)
    return sum(
        n for (dimension, _), n in counts.items() if dimension == DailyVisitCount.Dimension.PATH
    )


def _add_to_database(day: date, counts: dict[tuple[str, str], int]) -> None:
    rows = {
        (row.dimension, row.value): row
        for row in DailyVisitCount.objects.filter(day=day).only("dimension", "value", "views")
    }
    new, changed = [], []
    for (dimension, value), n in counts.items():
        if row := rows.get((dimension, value)):
            row.views += n
            changed.append(row)
        else:
            new.append(DailyVisitCount(day=day, dimension=dimension, value=value, views=n))
    DailyVisitCount.objects.bulk_update(changed, ["views"], batch_size=500)
    DailyVisitCount.objects.bulk_create(new, batch_size=500)
