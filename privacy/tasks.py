import logging

from celery import shared_task

from . import requests, retention, stats
from .newsletter import sending
from .newsletter.tasks import send_newsletter, send_newsletter_confirmation  # noqa: F401
from .policies import notices
from .policies.tasks import notify_policy_change  # noqa: F401

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


@shared_task(name="privacy.send_request_confirmation")
def send_request_confirmation(request_id: int) -> None:
    requests.send_confirmation(request_id)


@shared_task(name="privacy.flush_visit_counts")
def flush_visit_counts() -> int:
    """Move the visit counters from the cache to the database (P5); safe to run at any time."""
    return stats.flush_visit_counts()


@shared_task(name="privacy.resume_sending")
def resume_sending() -> int:
    """Re-send newsletters and policy-change emails whose task was lost (the rows are the truth).
    One periodic task sweeps both features (its beat entry is in migration 0011)."""
    return sending.sweep() + notices.sweep()


@shared_task(name="privacy.build_data_export")
def build_data_export(export_id: int) -> None:
    requests.build_export(export_id)


@shared_task(name="privacy.erase_data")
def erase_data(request_id: int) -> None:
    requests.erase(request_id)


@shared_task(name="privacy.sweep_data_requests")
def sweep_data_requests() -> int:
    """Re-send exports and erasures whose task was lost (the database row is the truth)."""
    return requests.sweep()


@shared_task(name="privacy.send_data_request_digest")
def send_data_request_digest() -> int:
    return requests.send_digest()
