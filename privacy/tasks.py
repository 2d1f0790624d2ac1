from celery import shared_task

from . import requests
from .newsletter import sending
from .newsletter.tasks import send_newsletter, send_newsletter_confirmation  # noqa: F401
from .policies import notices
from .policies.tasks import notify_policy_change  # noqa: F401
from .retention.tasks import enforce_retention  # noqa: F401
from .stats.tasks import flush_visit_counts  # noqa: F401


@shared_task(name="privacy.send_request_confirmation")
def send_request_confirmation(request_id: int) -> None:
    requests.send_confirmation(request_id)


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
