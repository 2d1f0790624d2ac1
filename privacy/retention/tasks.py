import logging

from celery import shared_task

from . import job

logger = logging.getLogger(__name__)


@shared_task(name="privacy.enforce_retention")
def enforce_retention() -> dict[str, int]:
    """Delete or clear every kind of personal data past its retention period (P17), expired
    sessions included; run daily by beat. A run already in progress makes this one a no-op."""
    try:
        runs = job.enforce()
    except job.AlreadyRunning:
        logger.info("Retention skipped: another run is in progress.")
        return {}
    return {run.rule: run.changed for run in runs}
