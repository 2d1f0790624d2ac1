import logging

from celery import shared_task

from . import newsletter, policy_changes, retention, stats

logger = logging.getLogger(__name__)


@shared_task(name="privacy.enforce_retention")
def enforce_retention() -> dict[str, int]:
    """Delete or clear every kind of personal data past its retention period (P17), expired
    sessions included; run daily by beat. A run already in progress makes this one a no-op."""
    try:
        runs = retention.enforce()
    except retention.AlreadyRunning:
        logger.info("Retention skipped: another run is in progress.")
        return {}
    return {run.rule: run.changed for run in runs}


@shared_task(name="privacy.send_newsletter")
def send_newsletter(newsletter_id: int) -> None:
    newsletter.send(newsletter_id)


@shared_task(name="privacy.flush_visit_counts")
def flush_visit_counts() -> int:
    """Move the visit counters from the cache to the database (P5); safe to run at any time."""
    return stats.flush_visit_counts()


@shared_task(name="privacy.notify_policy_change")
def notify_policy_change(policy_id: int) -> None:
    policy_changes.notify(policy_id)
