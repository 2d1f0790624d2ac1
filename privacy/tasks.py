import logging

from celery import shared_task

from . import newsletter, policy_changes, retention, stats
from .requests.tasks import (  # noqa: F401
    build_data_export,
    erase_data,
    send_data_request_digest,
    send_request_confirmation,
    sweep_data_requests,
)

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


@shared_task(name="privacy.send_newsletter_confirmation")
def send_newsletter_confirmation(email: str, text_id: int) -> None:
    newsletter.send_confirmation(email, text_id)


@shared_task(name="privacy.flush_visit_counts")
def flush_visit_counts() -> int:
    """Move the visit counters from the cache to the database (P5); safe to run at any time."""
    return stats.flush_visit_counts()


@shared_task(name="privacy.notify_policy_change")
def notify_policy_change(policy_id: int) -> None:
    policy_changes.notify(policy_id)


@shared_task(name="privacy.resume_sending")
def resume_sending() -> int:
    """Re-send newsletters and policy-change emails whose task was lost (the rows are the truth)."""
    return newsletter.sweep() + policy_changes.sweep()
