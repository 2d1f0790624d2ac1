"""The tasks Celery discovers (``privacy.tasks``), each defined by its feature; task names are
explicit and stable, so beat entries and queued messages survive a move."""

from celery import shared_task

from .breaches import notice as breach_notice
from .breaches.tasks import send_breach_notice  # noqa: F401
from .desk.tasks import send_desk_report  # noqa: F401
from .newsletter import sending
from .newsletter.tasks import send_newsletter, send_newsletter_confirmation  # noqa: F401
from .policies import notices
from .policies.tasks import notify_policy_change  # noqa: F401
from .requests.tasks import (  # noqa: F401
    build_data_export,
    erase_data,
    send_data_request_digest,
    send_request_confirmation,
    sweep_data_requests,
)
from .retention.tasks import enforce_retention  # noqa: F401
from .stats.tasks import flush_visit_counts  # noqa: F401


@shared_task(name="privacy.resume_sending")
def resume_sending() -> int:
    """Re-send newsletters, policy-change emails and breach notices whose task was lost (the
    rows are the truth). One periodic task sweeps them all (its beat entry is in migration 0011)."""
    return sending.sweep() + notices.sweep() + breach_notice.sweep()
