from celery import shared_task

from . import flush


@shared_task(name="privacy.flush_visit_counts")
def flush_visit_counts() -> int:
    """Move the visit counters from the cache to the database (P5); safe to run at any time."""
    return flush.flush_visit_counts()
